/** Types of tools.mjs. */
export declare const REFUSED: string[];
export declare const TOOL_NAMES: string[];
export declare function run(tool: string, argv: string[]): { code: number; stdout: string; stderr: string };
