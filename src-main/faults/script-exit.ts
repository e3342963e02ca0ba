/**
 * Exit codes of node-side fault scripts, not of `gameday` itself (its one table is api/exit-codes.ts,
 * the README's). Distinct values let the engine tell "the node refused" or
 * "this node cannot do that" apart from a real failure without parsing prose.
 */
export const SCRIPT_EXIT = {
  OK: 0,
  /** Generic failure of a command inside the script. */
  FAILED: 1,
  /** A node-side guard refused (would cut the management path, breach a safety floor, conflict). */
  REFUSED: 3,
  /** The node lacks what the fault needs (no systemd, NTP active, no CAP_SYS_TIME). */
  UNSUPPORTED: 4,
  /** No writable run directory for lease files. */
  NO_RUN_DIR: 5,
  /** Inject succeeded but verify says the fault is not in effect (the fault stays leased). */
  VERIFY_FAILED: 11,
} as const;

export type ScriptExitCode = (typeof SCRIPT_EXIT)[keyof typeof SCRIPT_EXIT];
