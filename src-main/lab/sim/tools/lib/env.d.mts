/** Types of env.mjs (the simulated-node tools are plain Node ESM so a node can run them directly). */
export declare function readJson<T>(stateDir: string, name: string, fallback: T | (() => T)): T;
export declare function updateJson<T, R>(stateDir: string, name: string, fallback: T | (() => T), fn: (state: T) => R): R;
export declare function pidAlive(pid: number): boolean;
export declare function pidState(pid: number): string;
export declare function logToolCall(tool: string, code: number): void;
