/**
 * Abort conditions (scenario.md `abort`), evaluated incrementally per series as samples arrive:
 *   { probe, unhealthyForMs }          every sample unhealthy for at least that long
 *   { probe, valueAbove, forMs }       every value > threshold for at least that long
 *   { probe, valueBelow, forMs }       every value < threshold for at least that long
 * "For at least" is measured between samples: from the first bad sample of an unbroken run to the
 * current one, so a condition trips only once the probe has PROVEN the state lasted that long
 * (a 0 duration trips on the first bad sample). A sample without a value (an error) breaks a
 * value run: an unreadable value is not proof that it is above or below anything.
 * Fires once — the first condition to trip wins; the STOP controller does the rest.
 */
import { formatDuration } from '../api/index.js';
import type { AbortCondition, Sample } from './types.js';

export interface AbortTrip {
  /** Index of the condition in the scenario's `abort` list. */
  index: number;
  condition: AbortCondition;
  probeId: string;
  series: string;
  /** `t` of the sample that tripped it. */
  atMs: number;
  /** How long the condition had held (between samples). */
  heldMs: number;
  reason: string;
}

function isBad(c: AbortCondition, s: Sample): boolean {
  if ('unhealthyForMs' in c) return !s.healthy;
  if (s.value === null || !Number.isFinite(s.value)) return false;
  return 'valueAbove' in c ? s.value > c.valueAbove : s.value < c.valueBelow;
}

function durationOf(c: AbortCondition): number {
  return 'unhealthyForMs' in c ? c.unhealthyForMs : (c.forMs ?? 0);
}

function describe(c: AbortCondition, s: Sample, heldMs: number): string {
  const where = s.series === 'default' ? '' : ` on ${s.series}`;
  const held = formatDuration(heldMs);
  if ('unhealthyForMs' in c) {
    return `abort: probe ${c.probe} unhealthy${where} for ${held} (limit ${formatDuration(c.unhealthyForMs)})${s.error ? `: ${s.error}` : ''}`;
  }
  const rel = 'valueAbove' in c ? `above ${c.valueAbove}` : `below ${c.valueBelow}`;
  return `abort: probe ${c.probe} value ${s.value}${where} ${rel} for ${held} (limit ${formatDuration(c.forMs ?? 0)})`;
}

export class AbortEvaluator {
  /** Per condition index: series → t of the first sample of the current bad run. */
  private readonly since: Array<Map<string, number>>;
  private trip: AbortTrip | undefined;

  constructor(private readonly conditions: AbortCondition[]) {
    for (const c of conditions) {
      const d = durationOf(c);
      if (!(Number.isFinite(d) && d >= 0)) throw new RangeError(`abort condition on ${c.probe}: duration must be ≥ 0 ms, got ${d}`);
    }
    this.since = conditions.map(() => new Map());
  }

  /** The trip, once one happened. */
  get tripped(): AbortTrip | undefined {
    return this.trip;
  }

  /** Feed one sample; returns the trip the first time a condition holds, null otherwise (and forever after). */
  onSample(s: Sample): AbortTrip | null {
    if (this.trip) return null;
    for (let i = 0; i < this.conditions.length; i++) {
      const c = this.conditions[i]!;
      if (c.probe !== s.probeId) continue;
      const runs = this.since[i]!;
      if (!isBad(c, s)) {
        runs.delete(s.series);
        continue;
      }
      const start = runs.get(s.series) ?? s.t;
      runs.set(s.series, start);
      const heldMs = s.t - start;
      if (heldMs >= durationOf(c)) {
        this.trip = { index: i, condition: c, probeId: s.probeId, series: s.series, atMs: s.t, heldMs, reason: describe(c, s, heldMs) };
        return this.trip;
      }
    }
    return null;
  }
}
