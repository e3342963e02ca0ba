/**
 * Go's time.ParseDuration, which Chaos Mesh applies to `spec.duration` (webhook validation and
 * DurationExceeded): "30s", "1m30s", "1.5h", "300ms"; no days; "0" alone needs no unit. Error texts
 * match Go's so a webhook denial reads like the real one.
 */

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration string, or an Error worded as Go's. */
export function parseGoDuration(s: string): number | Error {
  const quoted = JSON.stringify(s);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(rest)!;
    if (num[0] === '' || num[0] === '.') return new Error(`time: invalid duration ${quoted}`);
    rest = rest.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '') return new Error(`time: missing unit in duration ${quoted}`);
    const factor = UNITS[unit];
    if (factor === undefined) return new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(num[0].startsWith('.') ? `0${num[0]}` : num[0]) * factor;
  }
  return sign * total;
}
