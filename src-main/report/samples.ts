/**
 * One probe's chart and run statistics. A 2-hour game day at 1 Hz on 100 nodes is 720 000 samples
 * for one probe; a chart is a few hundred pixels wide, so each series is cut into ~`CHART_BUCKETS`
 * time buckets and only each bucket's min and max are kept (in the order they happened), which
 * keeps every spike and every dip visible at any zoom a page can show.
 *
 * Big probes are read through the audit's rollups (audit/sample-query.ts): the chart's bucket is
 * then a whole number of rollup buckets, min/max keep their instants, and the statistics are exact
 * except p95 (±0.5 %). Small probes are read sample by sample.
 */
import { parseDetail, ROLLUP_MS, scanProbe, scanStats, type AuditStore, type ProbeScan } from '../audit/index.js';
import type { ChartLine, ProbeChart } from './types.js';

export { parseDetail };

/** ~3 px per bucket on the 720 px wide chart of an A4 page: finer would not be visible. */
export const CHART_BUCKETS = 240;
/** Up to this many series get a line each; more would be an unreadable tangle, so they become a min/mean/max envelope. */
export const MAX_SERIES_LINES = 8;

interface Buckets {
  min: Float64Array;
  max: Float64Array;
  tMin: Float64Array;
  tMax: Float64Array;
}

function newBuckets(n: number): Buckets {
  return { min: new Float64Array(n).fill(Infinity), max: new Float64Array(n).fill(-Infinity), tMin: new Float64Array(n), tMax: new Float64Array(n) };
}

function put(b: Buckets, i: number, v: number, t: number): void {
  if (v < b.min[i]!) (b.min[i] = v), (b.tMin[i] = t);
  if (v > b.max[i]!) (b.max[i] = v), (b.tMax[i] = t);
}

function minMaxLine(name: string, b: Buckets, t0: number): ChartLine {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < b.min.length; i++) {
    if (b.min[i] === Infinity) continue;
    const lo: [number, number] = [b.tMin[i]! - t0, b.min[i]!];
    const hi: [number, number] = [b.tMax[i]! - t0, b.max[i]!];
    if (lo[0] === hi[0] && lo[1] === hi[1]) pts.push(lo);
    else pts.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  return { name, points: pts };
}

/** The chart's time range: from t0 to the last sample or the run's end, whichever is later. */
function lastT(scan: ProbeScan): number {
  let last = scan.raw.length ? scan.raw[scan.raw.length - 1]!.t_ms : -Infinity;
  const r = scan.rollups[scan.rollups.length - 1];
  if (r && r.last_t > last) last = r.last_t;
  return last;
}

/**
 * Read one probe of a run. `from`/`to` bound the statistics like the engine's SLO window (run start
 * inclusive, run end exclusive); the chart shows every sample. `exact` reads every raw sample.
 */
export function readProbe(audit: AuditStore, runId: string, probeId: string, o: { t0: number; from: number; to: number; intervalMs: number | null; valueLabel: string; exact?: boolean; rawLimit?: number }): ProbeChart {
  const scan = scanProbe(audit, runId, probeId, { from: o.from, to: o.to, rawUntil: Infinity, exact: o.exact, rawLimit: o.rawLimit });
  const span = Math.max(lastT(scan), o.to) - o.t0;
  let bucketMs = Math.max(o.intervalMs ?? 1, Math.ceil(Math.max(span, 1) / CHART_BUCKETS));
  if (!scan.exact) bucketMs = Math.ceil(bucketMs / ROLLUP_MS) * ROLLUP_MS;
  const n = Math.max(1, Math.ceil((span + 1) / bucketMs));
  const at = (t: number) => Math.min(n - 1, Math.max(0, Math.floor((t - o.t0) / bucketMs)));
  const perSeries = new Map<string, Buckets>();
  const env = { ...newBuckets(n), sum: new Float64Array(n), count: new Uint32Array(n) };
  const total = new Uint32Array(n);
  const bad = new Uint32Array(n);
  const seriesSeen = new Set<string>();
  // More series than lines (known up front from the rollups, or found while reading): an envelope.
  let envelope = scan.seriesCount !== null && scan.seriesCount > MAX_SERIES_LINES;

  for (const r of scan.raw) {
    const series = parseDetail(r.detail).series;
    seriesSeen.add(series);
    const i = at(r.t_ms);
    total[i]!++;
    if (r.healthy !== 1) bad[i]!++;
    if (r.value === null) continue;
    if (!envelope) {
      let b = perSeries.get(series);
      if (!b) {
        if (perSeries.size >= MAX_SERIES_LINES) envelope = true;
        else perSeries.set(series, (b = newBuckets(n)));
      }
      if (b) put(b, i, r.value, r.t_ms);
    }
    put(env, i, r.value, r.t_ms);
    env.sum[i]! += r.value;
    env.count[i]!++;
  }
  const oneSeries = scan.seriesCount === 1 ? (seriesSeen.values().next().value ?? null) : null;
  for (const r of scan.rollups) {
    if (r.series !== null) {
      // Per-series rows exist for 2..8 series: the lines of the `series` mode.
      seriesSeen.add(r.series);
      if (envelope || r.v_min === null) continue;
      let b = perSeries.get(r.series);
      if (!b) perSeries.set(r.series, (b = newBuckets(n)));
      put(b, at(r.t_min!), r.v_min, r.t_min!);
      put(b, at(r.t_max!), r.v_max!, r.t_max!);
      continue;
    }
    const i = at(r.first_t);
    total[i]! += r.n;
    bad[i]! += r.bad;
    if (r.v_min === null) continue;
    // The envelope is drawn at bucket middles: its min, max, sum and count share one bucket.
    put(env, i, r.v_min, r.t_min!);
    put(env, i, r.v_max!, r.t_max!);
    env.sum[i]! += r.v_sum;
    env.count[i]! += r.n_value;
    if (scan.seriesCount === 1 && !envelope) {
      // One series: the probe row is its line (no per-series rows are written for it).
      const name = oneSeries ?? 'default';
      let b = perSeries.get(name);
      if (!b) perSeries.set(name, (b = newBuckets(n)));
      put(b, at(r.t_min!), r.v_min, r.t_min!);
      put(b, at(r.t_max!), r.v_max!, r.t_max!);
    }
  }
  if (scan.seriesCount === 1 && seriesSeen.size === 0) seriesSeen.add(oneSeries ?? 'default');

  let lines: ChartLine[];
  if (!envelope) lines = [...perSeries.keys()].sort().map((s) => minMaxLine(s, perSeries.get(s)!, o.t0));
  else {
    const mid = (i: number) => i * bucketMs + bucketMs / 2;
    const pts = (f: (i: number) => number): Array<[number, number]> => [...env.count.keys()].filter((i) => env.count[i]! > 0).map((i) => [mid(i), f(i)]);
    lines = [
      { name: 'max', points: pts((i) => env.max[i]!) },
      { name: 'mean', points: pts((i) => env.sum[i]! / env.count[i]!) },
      { name: 'min', points: pts((i) => env.min[i]!) },
    ];
  }
  const unhealthyPct: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) if (total[i]! > 0) unhealthyPct.push([i * bucketMs, (100 * bad[i]!) / total[i]!]);
  const stats = scanStats(scan, o.from, o.to);
  return {
    probeId,
    valueLabel: o.valueLabel,
    seriesCount: Math.max(scan.seriesCount ?? 0, seriesSeen.size),
    samples: scan.total,
    mode: envelope ? 'envelope' : 'series',
    lines,
    unhealthyPct,
    bucketMs,
    intervalMs: o.intervalMs,
    availabilityPct: stats.availabilityPct,
    latencyP95Ms: stats.latencyP95Ms,
    ...(stats.latencyApprox ? { latencyApprox: true } : {}),
  };
}
