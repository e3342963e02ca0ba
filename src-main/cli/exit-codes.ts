/**
 * The CLI's expected-failure type. Exit codes come from the one table, api/exit-codes.ts (the
 * README's "exit codes"), re-exported here so commands import one module; this file adds no codes.
 */
import { EXIT } from '../api/exit-codes.js';

export { EXIT };

/** A documented exit code of `gameday` (0, 1, 2, 3, 4 or 70). */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected CLI failure: printed plainly (no stack) and mapped to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.INVALID_INPUT,
    readonly hint?: string,
  ) {
    super(message);
  }
}
