/**
 * Documented exit codes of `gameday` (README "Exit codes"). Scripts and CI jobs rely on them, so
 * they never change meaning. Part of the contract (src-main/api): every adapter (CLI, console,
 * engine outcomes) reports with these numbers.
 */
export const EXIT = {
  /** Everything worked (run: all SLOs met). */
  OK: 0,
  /** The work ran but failed: a node's command failed or was unreachable; a run violated an SLO. */
  FAILED: 1,
  /** A run was aborted or stopped (STOP, abort condition, SIGINT/SIGTERM). */
  STOPPED: 2,
  /** Bad input: YAML, parameters, selectors, missing files. Nothing was sent. */
  INVALID_INPUT: 3,
  /** Preflight found a required check failing. Nothing was injected. */
  PREFLIGHT_FAILED: 4,
  /** A bug: an unexpected exception. */
  INTERNAL: 70,
} as const;

/** A documented exit code of `gameday` (0, 1, 2, 3, 4 or 70). */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An expected failure of a user's input or environment: printed plainly (what, then the hint; no
 * stack) and mapped to an exit code. The CLI and the console's option resolution both throw it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.INVALID_INPUT,
    readonly hint?: string,
  ) {
    super(message);
  }
}
