/** Types of procs.mjs. */
export declare const FOREVER_SEC: number;
export declare function ours(pid: number, token: string): boolean;
export declare function nodeProcesses(token: string): Array<{ pid: number; comm: string; cmdline: string; pgrp: number }>;
export declare function pidsWithEnvPrefix(key: string, prefix: string): number[];
