/**
 * What every probe kind implements, and the helpers they share to turn a measurement into a Sample.
 * A probe never throws out of `run`: every failure (refused, timeout, bad JSON, SSH down) becomes an
 * unhealthy sample with a plain `error`, so a broken probe can never break the run (Chaos Toolkit's
 * "a broken observer cannot break a run").
 */
import { nowMs, round1 } from './clock.js';
import type { NumberBounds, ProbeTarget, Sample } from './types.js';

/** One probe's runner. Holds per-probe resources (keep-alive agents); `dispose()` releases them. */
export interface Probe {
  readonly id: string;
  /** Measure once. Resolves (never rejects) with one sample; must honour `signal` promptly. */
  run(target: ProbeTarget, signal: AbortSignal): Promise<Sample>;
  dispose(): void;
}

/**
 * Longest excerpt of a reply body or stderr quoted in a sample's error: enough to recognise an error
 * page or a tool's complaint, short enough that a 1 MB error page never lands in the audit per sample.
 */
export const EXCERPT_CHARS = 120;

/** A Sample whose `t` is the moment the measurement started (see recovery.ts for why the start). */
export function sampleAt(probeId: string, target: ProbeTarget, t: number, fields: Pick<Sample, 'value' | 'healthy' | 'latencyMs'> & { error?: string }): Sample {
  const s: Sample = { probeId, series: target.series, t: round1(t), value: fields.value, healthy: fields.healthy, latencyMs: round1(fields.latencyMs) };
  if (fields.error !== undefined) s.error = fields.error;
  return s;
}

/** An unhealthy sample for a failure. */
export function failed(probeId: string, target: ProbeTarget, t: number, error: string, latencyMs = nowMs() - t): Sample {
  return sampleAt(probeId, target, t, { value: null, healthy: false, latencyMs, error });
}

/** Check `value` against strict bounds; returns the broken bound as text, or null when within. */
export function checkBounds(value: number | null, b: NumberBounds | undefined): string | null {
  if (!b || (b.below === undefined && b.above === undefined)) return null;
  if (value === null || !Number.isFinite(value)) return 'no number to compare';
  if (b.below !== undefined && !(value < b.below)) return `${value} is not below ${b.below}`;
  if (b.above !== undefined && !(value > b.above)) return `${value} is not above ${b.above}`;
  return null;
}

/** Compile a scenario regex once; a bad pattern is a config error the caller reports at build time. */
export function compileRegex(pattern: string | undefined, what: string): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, 'm');
  } catch (e) {
    throw new ProbeConfigError(`${what}: "${pattern}" is not a valid regular expression (${(e as Error).message})`);
  }
}

/** A probe spec that cannot run as written (bad regex, JSON path, URL…); found before the run starts. */
export class ProbeConfigError extends Error {
  override readonly name = 'ProbeConfigError';
}
