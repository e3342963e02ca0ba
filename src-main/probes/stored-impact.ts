/**
 * The one impact attribution (probes/impact.ts) over the samples stored in the audit, reading only
 * what the answer depends on. Runs of healthy samples far from any unhealthy sample and from every
 * fault window's edges cannot change a figure (episodes start only at unhealthy samples, relapse only
 * at unhealthy samples, and end at a run's first sample, at the first sample after a window's end, or
 * at the first sample a hold later — all inside the ranges read below). The rollups (audit/rollup.ts)
 * say which 10 s buckets hold an unhealthy sample, so a 90-second outage inside a one-hour run reads
 * a few minutes of samples, not an hour; impact outside every fault window is found the same way.
 * Small probes and `exact` reads take every raw sample. Either way the result equals the full read
 * (test/unit/audit-rollups.test.ts checks it).
 */
import { ROLLUP_MS, scanProbe, toSample, windowSamples, type AuditStore } from '../audit/index.js';
import { attributeImpact, holdWindowMs, type ImpactOptions, type ImpactResult, type ImpactWindow } from './impact.js';
import type { Sample } from './types.js';

/** Samples this long before the run's start are read too (a series' previous sample bounds the first event). */
const LOOKBACK_MS = 10_000;

export interface ImpactQuery {
  probeId: string;
  windows: ImpactWindow[];
  opts: ImpactOptions;
  /** The run's start and end (epoch ms, the samples' clock): what is observed. */
  from: number;
  to: number;
}

/** Merge overlapping [from, to) ranges, clipped to [lo, hi). */
function merged(ranges: Array<[number, number]>, lo: number, hi: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of ranges.map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as [number, number]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function measureStoredImpact(audit: AuditStore, runId: string, q: ImpactQuery, o: { rawLimit?: number } = {}): ImpactResult {
  const from = q.from - LOOKBACK_MS;
  const to = q.to + 1;
  const run = (samples: Sample[]) => attributeImpact(q.probeId, samples, q.windows, { ...q.opts, observedUntil: q.to });
  const scan = scanProbe(audit, runId, q.probeId, { from, to, rawLimit: o.rawLimit });
  if (scan.exact) return run(scan.raw.filter((r) => r.t_ms >= from && r.t_ms < to).map((r) => toSample(q.probeId, r)));
  // A bucket or an interval on each side: a series' previous sample, and the sample after an edge.
  const pad = ROLLUP_MS + q.opts.intervalMs;
  const hold = holdWindowMs(q.opts);
  const ranges: Array<[number, number]> = [[from, scan.rollFrom], [scan.rollTo, to]];
  for (const r of scan.rollups) if (r.series === null && r.bad > 0) ranges.push([r.bucket_ms - pad, r.bucket_ms + ROLLUP_MS + pad + hold + pad]);
  for (const w of q.windows) {
    ranges.push([w.activeAt - pad, w.activeAt + pad]);
    if (w.endAt !== undefined) ranges.push([w.endAt - pad, w.endAt + hold + pad]);
  }
  const samples = merged(ranges, from, to).flatMap(([a, b]) => windowSamples(audit, runId, q.probeId, a, b));
  return run(samples);
}
