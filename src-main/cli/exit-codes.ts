import { EXIT } from '../util/exit-codes.js';

export { EXIT };


/** An expected CLI failure: printed plainly (no stack) and mapped to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.INVALID_INPUT,
    readonly hint?: string,
  ) {
    super(message);
  }
}
