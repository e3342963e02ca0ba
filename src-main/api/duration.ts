/**
 * Durations as people write them in runbooks: `500ms`, `30s`, `2m`, `1h30m`, `1.5s`, or a bare
 * number of seconds. Parsed to milliseconds; anything else is an error that says what is accepted.
 * Part of the contract (src-main/api): the runbook's duration language (its JSON Schema says the
 * same) and how durations read to people. Parsing happens at the edge only (the runbook → RunPlan,
 * CLI options); after that every duration is a number of milliseconds.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new DurationError(`duration must be a non-negative number of seconds, got ${input}`);
    return Math.round(input * 1000);
  }
  const s = input.trim().replace(/\s+/g, '');
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (!WHOLE.test(s)) throw new DurationError(`"${input}" is not a duration: write e.g. 500ms, 30s, 2m, 1h30m, or a number of seconds`);
  let ms = 0;
  for (const m of s.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(ms);
}

/** Render ms compactly for people: 850ms, 12.3s, 4m05s, 1h02m. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)}ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)}s`;
  const totalS = Math.round(a / 1000);
  if (a < 3_600_000) return `${sign}${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, '0')}s`;
  return `${sign}${Math.floor(totalS / 3600)}h${String(Math.floor((totalS % 3600) / 60)).padStart(2, '0')}m`;
}
