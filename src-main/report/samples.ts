/**
 * One pass over a probe's samples: availability and p95 latency over the run (the same definitions
 * as probes/window-stats.ts), and a downsampled chart. A 2-hour game day at 1 Hz on 100 nodes is
 * 720 000 samples for one probe; a chart is a few hundred pixels wide, so each series is cut into
 * `CHART_BUCKETS` time buckets and only each bucket's min and max are kept (in the order they
 * happened), which keeps every spike and every dip visible at any zoom a page can show.
 */
import type { AuditStore } from '../audit/index.js';
import type { Sample } from '../probes/index.js';
import type { ChartLine, ProbeChart } from './types.js';

/** ~3 px per bucket on the 720 px wide chart of an A4 page: finer would not be visible. */
export const CHART_BUCKETS = 240;
/** Up to this many series get a line each; more would be an unreadable tangle, so they become a min/mean/max envelope. */
export const MAX_SERIES_LINES = 8;

export interface ProbeData {
  chart: ProbeChart;
  /** Kept only when asked (the primary probe: recovery math needs every sample). */
  samples: Sample[] | null;
}

interface Buckets {
  min: Float64Array;
  max: Float64Array;
  tMin: Float64Array;
  tMax: Float64Array;
}

function newBuckets(n: number): Buckets {
  return { min: new Float64Array(n).fill(Infinity), max: new Float64Array(n).fill(-Infinity), tMin: new Float64Array(n), tMax: new Float64Array(n) };
}

const SERIES_KEY = '"series":"';
const LATENCY_KEY = '"latencyMs":';

/**
 * Series and latency from a sample's `detail` (probes/batcher.ts toRow: `{"series":…,"latencyMs":…}`).
 * A 2-hour game day has millions of these, and JSON.parse of each costs more than everything else
 * the report does with the row, so the two fields are read in place; anything unusual (an escaped
 * quote in the series name, a missing field) falls back to JSON.parse, so the result is the same.
 */
export function parseDetail(detail: string | null): { series: string; latencyMs: number } {
  if (!detail) return { series: 'default', latencyMs: 0 };
  const si = detail.indexOf(SERIES_KEY);
  const li = detail.indexOf(LATENCY_KEY);
  if (si >= 0 && li >= 0) {
    const start = si + SERIES_KEY.length;
    const end = detail.indexOf('"', start);
    const latencyMs = Number.parseFloat(detail.slice(li + LATENCY_KEY.length, li + LATENCY_KEY.length + 24));
    if (end >= 0 && !detail.slice(start, end).includes('\\') && Number.isFinite(latencyMs)) return { series: detail.slice(start, end), latencyMs };
  }
  try {
    const d = JSON.parse(detail) as { series?: unknown; latencyMs?: unknown };
    return { series: typeof d.series === 'string' ? d.series : 'default', latencyMs: typeof d.latencyMs === 'number' ? d.latencyMs : 0 };
  } catch {
    return { series: 'default', latencyMs: 0 };
  }
}

/** Nearest-rank p95 (as window-stats.ts), on a typed array sorted in place. */
function p95(values: Float64Array): number | null {
  if (values.length === 0) return null;
  values.sort();
  return values[Math.ceil(0.95 * values.length) - 1]!;
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

/**
 * Read one probe's samples of a run. `from`/`to` bound the statistics like the engine's SLO window
 * (run start inclusive, run end exclusive); the chart shows every sample.
 */
export function readProbe(audit: AuditStore, runId: string, probeId: string, o: { t0: number; from: number; to: number; keepSamples: boolean; intervalMs: number | null; valueLabel: string }): ProbeData {
  const rows = audit.samples(runId, probeId);
  const last = rows.length ? rows[rows.length - 1]!.t_ms : o.to;
  const span = Math.max(last, o.to) - o.t0;
  const bucketMs = Math.max(o.intervalMs ?? 1, Math.ceil(Math.max(span, 1) / CHART_BUCKETS));
  const n = Math.max(1, Math.ceil((span + 1) / bucketMs));
  const perSeries = new Map<string, Buckets>();
  const env = { ...newBuckets(n), sum: new Float64Array(n), count: new Uint32Array(n) };
  const total = new Uint32Array(n);
  const bad = new Uint32Array(n);
  const lat = new Float64Array(rows.length);
  let inWin = 0;
  let healthyInWin = 0;
  const kept: Sample[] | null = o.keepSamples ? [] : null;
  let envelope = false;
  const seriesSeen = new Set<string>();
  for (const r of rows) {
    const d = parseDetail(r.detail);
    seriesSeen.add(d.series);
    const healthy = r.healthy === 1;
    if (r.t_ms >= o.from && r.t_ms < o.to) {
      lat[inWin++] = d.latencyMs;
      if (healthy) healthyInWin++;
    }
    kept?.push({ probeId, series: d.series, t: r.t_ms, value: r.value, healthy, latencyMs: d.latencyMs });
    const i = Math.min(n - 1, Math.max(0, Math.floor((r.t_ms - o.t0) / bucketMs)));
    total[i]!++;
    if (!healthy) bad[i]!++;
    if (r.value === null) continue;
    const v = r.value;
    if (!envelope) {
      let b = perSeries.get(d.series);
      if (!b) {
        if (perSeries.size >= MAX_SERIES_LINES) envelope = true;
        else perSeries.set(d.series, (b = newBuckets(n)));
      }
      if (b) put(b, i, v, r.t_ms);
    }
    put(env, i, v, r.t_ms);
    env.sum[i]! += v;
    env.count[i]!++;
  }
  const seriesNames = envelope ? null : [...perSeries.keys()].sort();
  let lines: ChartLine[];
  if (seriesNames) lines = seriesNames.map((s) => minMaxLine(s, perSeries.get(s)!, o.t0));
  else {
    const mid = (i: number) => i * bucketMs + bucketMs / 2;
    const at = (f: (i: number) => number): Array<[number, number]> => [...env.count.keys()].filter((i) => env.count[i]! > 0).map((i) => [mid(i), f(i)]);
    lines = [
      { name: 'max', points: at((i) => env.max[i]!) },
      { name: 'mean', points: at((i) => env.sum[i]! / env.count[i]!) },
      { name: 'min', points: at((i) => env.min[i]!) },
    ];
  }
  const seriesCount = seriesSeen.size;
  const unhealthyPct: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) if (total[i]! > 0) unhealthyPct.push([i * bucketMs, (100 * bad[i]!) / total[i]!]);
  return {
    samples: kept,
    chart: {
      probeId,
      valueLabel: o.valueLabel,
      seriesCount,
      samples: rows.length,
      mode: envelope ? 'envelope' : 'series',
      lines,
      unhealthyPct,
      bucketMs,
      intervalMs: o.intervalMs,
      availabilityPct: inWin ? (100 * healthyInWin) / inWin : null,
      latencyP95Ms: p95(lat.subarray(0, inWin)),
    },
  };
}

function put(b: Buckets, i: number, v: number, t: number): void {
  if (v < b.min[i]!) (b.min[i] = v), (b.tMin[i] = t);
  if (v > b.max[i]!) (b.max[i] = v), (b.tMax[i] = t);
}

