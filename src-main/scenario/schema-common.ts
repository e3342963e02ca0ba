/**
 * Building blocks shared by every part of the runbook schema: ids, durations, percentages, and the
 * hint registry that turns our own zod messages into fix suggestions.
 *
 * Durations are validated here but NOT converted: the parsed scenario keeps exactly what the author
 * wrote (`"500ms"`, `"2m"`, or a number of seconds), so every consumer converts with the one
 * function, `parseDuration()` (or `durationMs()` from model.ts). Converting to milliseconds in the
 * schema would make a bare number mean seconds in the file and milliseconds in memory, an easy
 * 1000× mistake for code that calls parseDuration on it again.
 */
import { z } from 'zod';
import { DurationError, parseDuration, DURATION_HINT, DURATION_MESSAGE as DURATION_TEXT, DURATION_TOO_LONG_HINT, DURATION_TOO_LONG_MESSAGE as TOO_LONG_TEXT, MAX_DURATION_MS } from '../api/index.js';

/** Probe, step, phase and target ids: short, lower-case, safe in file names, audit rows and URLs. */
export const ID_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const ID_MESSAGE = 'must be an id: 1-32 of a-z, 0-9 and -, starting with a letter or digit';

/** Fix suggestions keyed by the exact message of an issue we raise ourselves (see issues.ts). */
const HINTS = new Map<string, string>();

/** Register `hint` for issues carrying `message`; returns the message so it can be used inline. */
export function withHint(message: string, hint: string): string {
  HINTS.set(message, hint);
  return message;
}

/** The registered hint for an issue message, if any. */
export function hintForMessage(message: string): string | undefined {
  return HINTS.get(message);
}

withHint(ID_MESSAGE, 'e.g. "api-health" or "cut-db"');

export const id = z.string().regex(ID_RE, ID_MESSAGE);

/**
 * The same language as parseDuration() (api/duration.ts): one or more `<number><unit>` parts with
 * unit ms|s|m|h, or a bare number of seconds; whitespace is ignored. Kept as a pattern (not only a
 * refinement) so the generated JSON Schema lets editors flag bad durations as you type. A unit
 * test checks that this pattern and parseDuration agree.
 */
export const DURATION_PATTERN = /^\s*(?:\d+(?:\.\d+)?\s*|(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h)\s*)+)$/;

export { MAX_DURATION_MS, DURATION_HINT, DURATION_TOO_LONG_HINT } from '../api/index.js';
/** Messages shared with the CLI's option checks (cli/option-values.ts), so both say the same thing. */
export const DURATION_MESSAGE = withHint(DURATION_TEXT, DURATION_HINT);
export const DURATION_TOO_LONG_MESSAGE = withHint(TOO_LONG_TEXT, DURATION_TOO_LONG_HINT);

/** A duration as written in the runbook (string with units, or a number of seconds). */
export const duration = z
  .union([z.string().regex(DURATION_PATTERN, DURATION_MESSAGE), z.number().min(0, DURATION_MESSAGE)], { error: DURATION_MESSAGE })
  .superRefine((value, ctx) => {
    // zod runs refinements even after a branch failed; the branches already reported those values.
    if (typeof value === 'string' ? !DURATION_PATTERN.test(value) : value < 0) return;
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      ctx.addIssue({ code: 'custom', message: DURATION_MESSAGE });
      return;
    }
    if (ms > MAX_DURATION_MS) ctx.addIssue({ code: 'custom', message: DURATION_TOO_LONG_MESSAGE });
  });
export type Duration = z.infer<typeof duration>;

/** A share in percent, 0-100 inclusive. */
export const percentage = z.number().min(0, 'must be 0-100').max(100, 'must be 0-100');

/** Free text shown to people (titles, prompts); capped so a pasted log cannot bloat the UI and audit. */
export const MAX_TEXT = 10_000;
export const text = z.string().min(1, 'must not be empty').max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

/** The three environments an inventory node (and a scenario) can be in. */
export const ENVIRONMENTS = ['lab', 'staging', 'prod'] as const;
export const environment = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof environment>;

/** Fault intensity presets (faults/types.ts Intensity). */
export const INTENSITIES = ['low', 'medium', 'high'] as const;
