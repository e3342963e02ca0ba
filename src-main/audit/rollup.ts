/**
 * Sample rollups: per probe and 10-second bucket, the counts, min/max (with when), sum and a latency
 * histogram of its samples, written as the samples arrive. A 2-hour game day with 1000 probe series
 * at 1 Hz is 7.2 million sample rows; a report that reads them all takes about a minute, while the
 * rollups of the same day are 7 200 rows. The raw samples stay: they are the record, recovery math
 * (per series, sample by sample) reads them inside fault windows, and `exact` reads use them only.
 *
 * What is exact from rollups: sample counts, healthy counts (so availability and error rate), min,
 * max, mean. What is not: p95 latency, read from a log histogram with 1 % wide bins, so it is known to
 * ±0.5 % (the bin's geometric middle is reported). Rows per series are kept too while a probe has at
 * most `MAX_SERIES_ROWS` series, for the chart's one-line-per-series mode; above that the chart shows
 * a min/mean/max envelope of all series, which needs only the probe rows.
 *
 * Consistency with the raw table, also after a crash: rollups are written in the same transaction as
 * the samples of the flush that closed their bucket, and the probe's `covered_until` moves with them.
 * Every raw sample with t < covered_until is in exactly one rollup row; samples at or after it are
 * read raw. A sample arriving late for a closed bucket becomes a one-sample rollup row at once
 * (rows of one bucket merge by adding). A bucket closes when the probe's newest sample is `GRACE_MS`
 * past its end, which leaves room for slow probes whose samples are stamped when they started.
 */

/** Rollup bucket width. 720 buckets per probe for 2 hours; a report chart's bucket is a multiple of it. */
export const ROLLUP_MS = 10_000;
/** A bucket closes once a sample this far past its end arrived (slow probes, flush order). */
export const GRACE_MS = 10_000;
/** Per-series rows while a probe has at most this many series (the report draws that many lines). */
export const MAX_SERIES_ROWS = 8;

/** Latency histogram: bin 0 holds ≤ HIST_MIN_MS; bin i ≥ 1 holds (MIN·G^(i−1), MIN·G^i]. */
const HIST_MIN_MS = 0.01;
const HIST_GROWTH = 1.01;
const LN_G = Math.log(HIST_GROWTH);
export const HIST_BINS = 2400; // up to 0.01 ms · 1.01^2399 ≈ 2.4e8 ms: no probe latency is longer
/** ±this fraction on every latency read from a histogram (half a bin). */
export const HIST_REL_ERROR = (HIST_GROWTH - 1) / 2;

export function histBin(ms: number): number {
  if (!(ms > HIST_MIN_MS)) return 0;
  return Math.min(HIST_BINS - 1, 1 + Math.floor(Math.log(ms / HIST_MIN_MS) / LN_G));
}

/** The value reported for a bin: its geometric middle (0 for bin 0). */
export function histValue(bin: number): number {
  return bin === 0 ? 0 : HIST_MIN_MS * HIST_GROWTH ** (bin - 0.5);
}

/** Sparse encoding: (uint16 bin, uint32 count) pairs, little-endian. */
export function encodeHist(h: Map<number, number>): Buffer {
  const buf = Buffer.allocUnsafe(h.size * 6);
  let o = 0;
  for (const [bin, n] of h) {
    buf.writeUInt16LE(bin, o);
    buf.writeUInt32LE(n, o + 2);
    o += 6;
  }
  return buf;
}

/** Add an encoded histogram into a dense one. */
export function addHist(into: Uint32Array, blob: Uint8Array | null): void {
  if (!blob) return;
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let o = 0; o + 6 <= blob.byteLength; o += 6) into[v.getUint16(o, true)]! += v.getUint32(o + 2, true);
}

/** Nearest-rank percentile of a dense histogram (as probes/window-stats.ts on raw values). */
export function histPercentile(h: Uint32Array, pct: number): number | null {
  let total = 0;
  for (let i = 0; i < h.length; i++) total += h[i]!;
  if (total === 0) return null;
  const rank = Math.ceil((pct / 100) * total);
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i]!;
    if (seen >= rank) return histValue(i);
  }
  return histValue(h.length - 1);
}

/** One bucket's aggregate; `series` null = every series of the probe. */
export interface RollupRow {
  runId: string;
  probeId: string;
  series: string | null;
  bucketMs: number;
  n: number;
  bad: number;
  nValue: number;
  vMin: number | null;
  tMin: number | null;
  vMax: number | null;
  tMax: number | null;
  vSum: number;
  firstT: number;
  lastT: number;
  /** Probe rows only. */
  hist: Buffer | null;
}

interface Agg {
  n: number;
  bad: number;
  nValue: number;
  vMin: number;
  tMin: number;
  vMax: number;
  tMax: number;
  vSum: number;
  firstT: number;
  lastT: number;
  hist: Map<number, number> | null;
}

function newAgg(withHist: boolean): Agg {
  return { n: 0, bad: 0, nValue: 0, vMin: Infinity, tMin: 0, vMax: -Infinity, tMax: 0, vSum: 0, firstT: Infinity, lastT: -Infinity, hist: withHist ? new Map() : null };
}

function addTo(a: Agg, t: number, value: number | null, healthy: boolean, latencyMs: number): void {
  a.n++;
  if (!healthy) a.bad++;
  if (t < a.firstT) a.firstT = t;
  if (t > a.lastT) a.lastT = t;
  if (value !== null && Number.isFinite(value)) {
    a.nValue++;
    a.vSum += value;
    if (value < a.vMin) (a.vMin = value), (a.tMin = t);
    if (value > a.vMax) (a.vMax = value), (a.tMax = t);
  }
  if (a.hist) {
    const b = histBin(latencyMs);
    a.hist.set(b, (a.hist.get(b) ?? 0) + 1);
  }
}

function toRow(runId: string, probeId: string, series: string | null, bucketMs: number, a: Agg): RollupRow {
  const has = a.nValue > 0;
  return {
    runId,
    probeId,
    series,
    bucketMs,
    n: a.n,
    bad: a.bad,
    nValue: a.nValue,
    vMin: has ? a.vMin : null,
    tMin: has ? a.tMin : null,
    vMax: has ? a.vMax : null,
    tMax: has ? a.tMax : null,
    vSum: a.vSum,
    firstT: a.firstT,
    lastT: a.lastT,
    hist: a.hist ? encodeHist(a.hist) : null,
  };
}

interface OpenBucket {
  all: Agg;
  bySeries: Map<string, Agg>;
}

interface ProbeState {
  runId: string;
  probeId: string;
  /** Every sample with t < coveredUntil is in a written rollup row. */
  coveredUntil: number;
  maxT: number;
  series: Set<string>;
  open: Map<number, OpenBucket>;
}

export interface RollupSample {
  t: number;
  value: number | null;
  healthy: boolean;
  series: string;
  latencyMs: number;
}

export interface RollupFlush {
  rows: RollupRow[];
  /** Probes whose coverage moved (or whose series count grew): [runId, probeId, coveredUntil, seriesCount]. */
  marks: Array<[string, string, number, number]>;
}

const bucketOf = (t: number) => Math.floor(t / ROLLUP_MS) * ROLLUP_MS;

/**
 * The in-memory side: open buckets per probe. The store feeds it every sample it writes and writes
 * what `take()` returns in the same transaction.
 */
export class RollupAccumulator {
  private readonly probes = new Map<string, ProbeState>();
  /** Late samples of this flush, merged per (probe, bucket, series): a writer that sends series one after the other stays cheap. */
  private late = new Map<string, { runId: string; probeId: string; series: string | null; bucket: number; agg: Agg }>();
  private readonly touched = new Set<ProbeState>();

  private state(runId: string, probeId: string, coveredFrom: () => number): ProbeState {
    const key = `${runId}\u0000${probeId}`;
    let st = this.probes.get(key);
    if (!st) this.probes.set(key, (st = { runId, probeId, coveredUntil: coveredFrom(), maxT: -Infinity, series: new Set(), open: new Map() }));
    return st;
  }

  /** `coveredFrom` is asked once per probe: where the stored coverage ends (a reopened store continues it). */
  add(runId: string, probeId: string, s: RollupSample, coveredFrom: () => number): void {
    const st = this.state(runId, probeId, coveredFrom);
    this.touched.add(st);
    if (!st.series.has(s.series)) st.series.add(s.series);
    if (s.t > st.maxT) st.maxT = s.t;
    const b = bucketOf(s.t);
    if (s.t < st.coveredUntil) {
      // Late for a closed bucket: an extra row for that bucket in this flush, so coverage stays true.
      this.addLate(runId, probeId, null, b, s);
      if (st.series.size > 1 && st.series.size <= MAX_SERIES_ROWS) this.addLate(runId, probeId, s.series, b, s);
      return;
    }
    let ob = st.open.get(b);
    if (!ob) st.open.set(b, (ob = { all: newAgg(true), bySeries: new Map() }));
    addTo(ob.all, s.t, s.value, s.healthy, s.latencyMs);
    if (st.series.size <= MAX_SERIES_ROWS) {
      let a = ob.bySeries.get(s.series);
      if (!a) ob.bySeries.set(s.series, (a = newAgg(false)));
      addTo(a, s.t, s.value, s.healthy, s.latencyMs);
    }
  }

  private addLate(runId: string, probeId: string, series: string | null, bucket: number, s: RollupSample): void {
    const key = `${runId}\u0000${probeId}\u0000${series ?? ''}\u0000${series === null ? 0 : 1}\u0000${bucket}`;
    let e = this.late.get(key);
    if (!e) this.late.set(key, (e = { runId, probeId, series, bucket, agg: newAgg(series === null) }));
    addTo(e.agg, s.t, s.value, s.healthy, s.latencyMs);
  }

  /** Nothing open: a store that wrote no sample (a reader, a CLI without probes) has nothing to flush. */
  get idle(): boolean {
    return this.probes.size === 0 && this.late.size === 0;
  }

  /** Rows of the buckets that can close now (or all open ones of `runId` / of everything when `all`). */
  take(o: { all?: boolean; runId?: string } = {}): RollupFlush {
    const rows = [...this.late.values()].map((e) => toRow(e.runId, e.probeId, e.series, e.bucket, e.agg));
    this.late.clear();
    const marks: RollupFlush['marks'] = [];
    const candidates = o.all ? [...this.probes.values()].filter((st) => o.runId === undefined || st.runId === o.runId) : [...this.touched];
    this.touched.clear();
    for (const st of candidates) {
      const closeBefore = o.all ? Infinity : bucketOf(st.maxT - GRACE_MS);
      let moved = false;
      for (const [b, ob] of [...st.open].sort((x, y) => x[0] - y[0])) {
        if (b + ROLLUP_MS > closeBefore) continue;
        rows.push(toRow(st.runId, st.probeId, null, b, ob.all));
        // Per-series rows only for 2..MAX_SERIES_ROWS series (one series: the probe row is that line).
        if (st.series.size > 1 && st.series.size <= MAX_SERIES_ROWS) for (const [name, a] of ob.bySeries) rows.push(toRow(st.runId, st.probeId, name, b, a));
        st.open.delete(b);
        moved = true;
      }
      const until = o.all ? (Number.isFinite(st.maxT) ? bucketOf(st.maxT) + ROLLUP_MS : st.coveredUntil) : closeBefore;
      if (until > st.coveredUntil) (st.coveredUntil = until), (moved = true);
      if (moved) marks.push([st.runId, st.probeId, st.coveredUntil, st.series.size]);
      if (o.all) this.probes.delete(`${st.runId}\u0000${st.probeId}`);
    }
    return { rows, marks };
  }
}
