/**
 * The CLI's expected-failure type and exit codes come from the one table, api/exit-codes.ts (the
 * README's "exit codes"), re-exported here so commands import one module; this file adds no codes.
 */
export { CliError, EXIT, type ExitCode } from '../api/index.js';
