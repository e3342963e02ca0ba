/**
 * Duration limits and their wording, shared by the runbook schema (scenario/schema-common.ts, which
 * registers the hints) and the CLI's option checks (cli/option-values.ts). Kept free of zod so the
 * CLI's start-up path does not load the schema library just to print these words.
 */

/** No step, probe or fault of a game day lasts longer than a day (faults cap at 86400 s too). */
export const MAX_DURATION_MS = 86_400_000;
export const DURATION_HINT = 'write e.g. 500ms, 30s, 2m, 1h30m, or a plain number of seconds';
export const DURATION_MESSAGE = 'is not a duration';
export const DURATION_TOO_LONG_HINT = 'one game-day step, probe or fault lasts at most a day';
export const DURATION_TOO_LONG_MESSAGE = 'is longer than 24h';
