/**
 * Probe samples live outside React state: with 1000 series at 1 Hz a state update per sample would
 * re-render the page a thousand times a second. The store holds one ProbeData object (stable
 * reference); the reducer appends to it and charts pull from it on their own throttled clock.
 */

/**
 * Points kept per series: 1 h at 1 Hz. Older points fall off (a game day's window of interest is
 * the last minutes; the full record is in the audit and the report).
 */
export const MAX_POINTS_PER_SERIES = 3600;

/** One series' ring of samples, in arrival order (the engine sends them in time order). */
export class SeriesBuffer {
  readonly t = new Float64Array(MAX_POINTS_PER_SERIES);
  readonly v = new Float64Array(MAX_POINTS_PER_SERIES);
  readonly ok = new Uint8Array(MAX_POINTS_PER_SERIES);
  /** Total points ever pushed; the ring index is count % capacity. */
  count = 0;

  push(t: number, v: number | null, healthy: 0 | 1): void {
    const i = this.count % MAX_POINTS_PER_SERIES;
    this.t[i] = t;
    this.v[i] = v === null ? Number.NaN : v;
    this.ok[i] = healthy;
    this.count++;
  }

  get length(): number {
    return Math.min(this.count, MAX_POINTS_PER_SERIES);
  }

  /** Index of the k-th oldest point still kept. */
  at(k: number): number {
    return this.count <= MAX_POINTS_PER_SERIES ? k : (this.count + k) % MAX_POINTS_PER_SERIES;
  }

  /** First k (oldest = 0) whose time is ≥ t: binary search, samples arrive in time order. */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[this.at(mid)]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lastHealthy(): boolean | null {
    return this.count === 0 ? null : this.ok[(this.count - 1) % MAX_POINTS_PER_SERIES] === 1;
  }
}

export type ProbeListener = (probeId: string) => void;

/** All series of all probes of the current run, keyed probeId → series → buffer. */
export class ProbeData {
  private readonly probes = new Map<string, Map<string, SeriesBuffer>>();
  private readonly listeners = new Set<ProbeListener>();
  /** Bumped on every append: a cheap "anything new?" check for the chart scheduler. */
  version = 0;

  append(probeId: string, series: string, points: ReadonlyArray<readonly [number, number | null, 0 | 1]>): void {
    let byProbe = this.probes.get(probeId);
    if (!byProbe) this.probes.set(probeId, (byProbe = new Map()));
    let buf = byProbe.get(series);
    if (!buf) byProbe.set(series, (buf = new SeriesBuffer()));
    for (const [t, v, h] of points) buf.push(t, v, h);
    this.version++;
    for (const fn of this.listeners) fn(probeId);
  }

  series(probeId: string): ReadonlyMap<string, SeriesBuffer> {
    return this.probes.get(probeId) ?? new Map();
  }

  probeIds(): string[] {
    return [...this.probes.keys()];
  }

  /** Points held across all series (for the benchmark and the debug line). */
  totalPoints(): number {
    let n = 0;
    for (const p of this.probes.values()) for (const s of p.values()) n += s.length;
    return n;
  }

  clear(): void {
    this.probes.clear();
    this.version++;
    for (const fn of this.listeners) fn('*');
  }

  subscribe(fn: ProbeListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/**
 * What the downsamplers read of a series: a live ring (SeriesBuffer) or a finished run's fixed
 * arrays cut at the replay time (lib/replay.ts). `at(k)` maps the k-th oldest point to an index.
 */
export interface SampleSeries {
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  readonly ok: ArrayLike<number>;
  readonly length: number;
  at(k: number): number;
  firstAtOrAfter(t: number): number;
}
