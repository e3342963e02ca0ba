/**
 * Availability, error rate and latency percentiles over a time window (a phase, the whole run),
 * pure functions over samples.
 *
 * - availability % = healthy / total samples; error rate % = unhealthy / total. Sample-based, so
 *   every series and every interval weighs the same; a window with no samples is `null` (unknown),
 *   never 100 %.
 * - latency p50/p95 use the nearest-rank method (the value at rank ⌈p/100·n⌉ of the sorted
 *   latencies: always a latency that was really measured). Failed samples count with the time they
 *   took to fail; a timeout therefore counts as its timeout, a lower bound that pushes p95 up, which
 *   is the honest direction for a latency target.
 */
import type { Sample } from './types.js';

export interface Window {
  /** Inclusive start, epoch ms; absent = from the first sample. */
  from?: number;
  /** Exclusive end; absent = to the last sample. */
  to?: number;
}

export interface WindowStats {
  total: number;
  healthy: number;
  unhealthy: number;
  availabilityPct: number | null;
  errorRatePct: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

export function inWindow(s: Sample, w: Window): boolean {
  return (w.from === undefined || s.t >= w.from) && (w.to === undefined || s.t < w.to);
}

/** Stats of the samples of `probeId` (all probes when omitted) inside `w`. */
export function windowStats(samples: Sample[], w: Window = {}, probeId?: string): WindowStats {
  const sel = samples.filter((s) => (probeId === undefined || s.probeId === probeId) && inWindow(s, w));
  const healthy = sel.filter((s) => s.healthy).length;
  const total = sel.length;
  const lat = sel.map((s) => s.latencyMs);
  return {
    total,
    healthy,
    unhealthy: total - healthy,
    availabilityPct: total ? (100 * healthy) / total : null,
    errorRatePct: total ? (100 * (total - healthy)) / total : null,
    latencyP50Ms: percentile(lat, 50),
    latencyP95Ms: percentile(lat, 95),
  };
}

export interface PhaseWindow {
  id: string;
  startMs: number;
  /** Absent while the phase is still running. */
  endMs?: number;
}

/** windowStats per phase, keyed by phase id. */
export function phaseStats(samples: Sample[], phases: PhaseWindow[], probeId?: string): Record<string, WindowStats> {
  const out: Record<string, WindowStats> = {};
  for (const ph of phases) out[ph.id] = windowStats(samples, { from: ph.startMs, to: ph.endMs }, probeId);
  return out;
}
