/**
 * Reading a probe's samples back, for the report and the engine's end-of-run SLO verdicts, without
 * reading millions of rows: full rollup buckets (audit/rollup.ts) inside the window, raw samples at
 * its two ragged edges and past the rollups' coverage. Small probes (≤ `RAW_LIMIT` samples) and
 * `exact` reads take every raw row, as before rollups existed; so do runs recorded before them.
 *
 * Counts, availability and error rate are exact either way; p95 from rollups is known to ±0.5 %
 * (`latencyApprox`), which the report says.
 */
import type { Sample } from './types.js';
import { addHist, HIST_BINS, histBin, histPercentile, ROLLUP_MS } from './rollup.js';
import { parseDetail } from './sample-detail.js';
import type { AuditStore, StoredRollup, StoredSample } from './store.js';

/** Up to this many samples a probe is read raw: ~0.2 s, and every figure exact. */
export const RAW_LIMIT = 100_000;

export interface ProbeScan {
  /** Raw rows: all of them (exact), or those in [from, rollFrom) and [rollTo, rawUntil). In time order. */
  raw: StoredSample[];
  /** Rollup rows of the buckets in [rollFrom, rollTo) (probe rows have series null). */
  rollups: StoredRollup[];
  rollFrom: number;
  rollTo: number;
  /** Distinct series of the probe, when the rollups know it. */
  seriesCount: number | null;
  exact: boolean;
  /** Samples of the probe in total. */
  total: number;
}

/**
 * `from`/`to` bound the rollups used and the raw rows read before them; raw rows after the rollups are
 * read up to `rawUntil` (default `to`; the report's chart also shows samples after the run's end).
 */
export function scanProbe(audit: AuditStore, runId: string, probeId: string, o: { from: number; to: number; rawUntil?: number; exact?: boolean; rawLimit?: number }): ProbeScan {
  const all = (): ProbeScan => {
    const raw = audit.samples(runId, probeId);
    return { raw, rollups: [], rollFrom: 0, rollTo: 0, seriesCount: null, exact: true, total: raw.length };
  };
  const range = (): ProbeScan => {
    const raw = audit.samplesBetween(runId, probeId, o.from, o.rawUntil ?? o.to);
    return { raw, rollups: [], rollFrom: 0, rollTo: 0, seriesCount: null, exact: true, total: raw.length };
  };
  // Runs recorded before rollups existed have no mark: every raw row, as then.
  const mark = o.exact ? undefined : audit.rollupMark(runId, probeId);
  if (!mark) return all();
  const rollFrom = Math.ceil(o.from / ROLLUP_MS) * ROLLUP_MS;
  const rollTo = Math.min(Math.floor(o.to / ROLLUP_MS) * ROLLUP_MS, mark.coveredUntil);
  if (rollTo <= rollFrom) return range();
  const rollups = audit.rollupsBetween(runId, probeId, rollFrom, rollTo);
  let rolled = 0;
  for (const r of rollups) if (r.series === null) rolled += r.n;
  // Few samples: read them all, every figure exact (counting them from the rollups costs nothing).
  if (rolled <= (o.rawLimit ?? RAW_LIMIT)) return range();
  const raw = [...audit.samplesBetween(runId, probeId, o.from, rollFrom), ...audit.samplesBetween(runId, probeId, rollTo, o.rawUntil ?? o.to)];
  return { raw, rollups, rollFrom, rollTo, seriesCount: mark.seriesCount, exact: false, total: rolled + raw.length };
}

export interface ScanStats {
  total: number;
  healthy: number;
  availabilityPct: number | null;
  errorRatePct: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** p50/p95 came from the histogram (±0.5 %). */
  latencyApprox: boolean;
}

/** Nearest-rank percentile on a typed array sorted in place (as probes/window-stats.ts). */
function rank(sorted: Float64Array, pct: number): number | null {
  return sorted.length ? sorted[Math.ceil((pct / 100) * sorted.length) - 1]! : null;
}

/** Availability, error rate and latency percentiles over [from, to) of a scan. */
export function scanStats(scan: ProbeScan, from: number, to: number): ScanStats {
  let total = 0;
  let healthy = 0;
  const inWin = (t: number) => t >= from && t < to;
  if (scan.exact) {
    const lat = new Float64Array(scan.raw.length);
    for (const r of scan.raw) {
      if (!inWin(r.t_ms)) continue;
      lat[total++] = parseDetail(r.detail).latencyMs;
      if (r.healthy === 1) healthy++;
    }
    const sorted = lat.subarray(0, total).sort();
    return finish(total, healthy, rank(sorted, 50), rank(sorted, 95), false);
  }
  const hist = new Uint32Array(HIST_BINS);
  for (const r of scan.rollups) {
    if (r.series !== null) continue;
    total += r.n;
    healthy += r.n - r.bad;
    addHist(hist, r.hist);
  }
  for (const r of scan.raw) {
    if (!inWin(r.t_ms)) continue;
    total++;
    if (r.healthy === 1) healthy++;
    hist[histBin(parseDetail(r.detail).latencyMs)]!++;
  }
  return finish(total, healthy, histPercentile(hist, 50), histPercentile(hist, 95), true);
}

function finish(total: number, healthy: number, p50: number | null, p95: number | null, approx: boolean): ScanStats {
  return {
    total,
    healthy,
    availabilityPct: total ? (100 * healthy) / total : null,
    errorRatePct: total ? (100 * (total - healthy)) / total : null,
    latencyP50Ms: p50,
    latencyP95Ms: p95,
    latencyApprox: approx,
  };
}

export function toSample(probeId: string, r: StoredSample): Sample {
  const d = parseDetail(r.detail);
  let error: string | undefined;
  if (r.healthy !== 1 && r.detail?.includes('"error"')) {
    try {
      error = (JSON.parse(r.detail) as { error?: string }).error;
    } catch {
      /* an unreadable detail still counts as a sample */
    }
  }
  return { probeId, series: d.series, t: r.t_ms, value: r.value, healthy: r.healthy === 1, latencyMs: d.latencyMs, ...(error !== undefined ? { error } : {}) };
}

/** Raw samples of one probe with from ≤ t < to, as the probes layer sees them (recovery math). */
export function windowSamples(audit: AuditStore, runId: string, probeId: string, from: number, to: number): Sample[] {
  return audit.samplesBetween(runId, probeId, from, to).map((r) => toSample(probeId, r));
}
