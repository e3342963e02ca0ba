/**
 * The debrief's replay model: a finished run (run.debrief) prepared once into sorted, typed arrays,
 * then asked "what did the room know at time T?" by binary search — so scrubbing a 2-hour run is
 * a handful of lookups, not a filter over every event on every frame.
 */
import type { Debrief, Declaration, HintView } from '../../src-main/api/index.js';
import type { SampleSeries } from '../store/probe-data.js';

/** Points kept per series for the replay: 2 per pixel column of a wide chart is plenty. */
export const MAX_REPLAY_POINTS = 4000;

/** Count of items whose time is ≤ t (times sorted ascending). */
export function countUpTo(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A finished series in fixed arrays; `cut(T)` is a view of the points up to T (no copy). */
export class StaticSeries implements SampleSeries {
  constructor(
    readonly t: Float64Array,
    readonly v: Float64Array,
    readonly ok: Uint8Array,
    readonly length: number = t.length,
  ) {}

  at(k: number): number {
    return k;
  }

  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  cut(T: number): StaticSeries {
    return new StaticSeries(this.t, this.v, this.ok, Math.min(this.length, countUpTo(this.t, T)));
  }

  /** Health of the last point up to the cut (null: no point yet). */
  lastHealthy(): boolean | null {
    return this.length === 0 ? null : this.ok[this.length - 1] === 1;
  }
}

type Point = readonly [number, number | null, 0 | 1];

/**
 * Sorted points → a StaticSeries of at most `max` points: per time bucket the min and the max
 * (spikes survive) and any unhealthy point (an outage never disappears from the replay).
 */
export function toSeries(points: readonly Point[], max = MAX_REPLAY_POINTS): StaticSeries {
  const sorted = points.every((p, i) => i === 0 || points[i - 1]![0] <= p[0]) ? points : [...points].sort((a, b) => a[0] - b[0]);
  let keep: Point[] = sorted as Point[];
  if (sorted.length > max) {
    const buckets = Math.floor(max / 3);
    const from = sorted[0]![0];
    const width = (sorted[sorted.length - 1]![0] - from) / buckets || 1;
    keep = [];
    let i = 0;
    while (i < sorted.length) {
      const b = Math.floor((sorted[i]![0] - from) / width);
      let lo: Point | null = null;
      let hi: Point | null = null;
      let bad: Point | null = null;
      for (; i < sorted.length && Math.floor((sorted[i]![0] - from) / width) === b; i++) {
        const p = sorted[i]!;
        if (p[2] === 0 && !bad) bad = p;
        if (p[1] === null) continue;
        if (!lo || p[1] < lo[1]!) lo = p;
        if (!hi || p[1] > hi[1]!) hi = p;
      }
      const picked = [...new Set([lo, hi, bad].filter((p): p is Point => p !== null))].sort((a, b2) => a[0] - b2[0]);
      keep.push(...picked);
    }
  }
  const t = new Float64Array(keep.length);
  const v = new Float64Array(keep.length);
  const ok = new Uint8Array(keep.length);
  keep.forEach((p, k) => {
    t[k] = p[0];
    v[k] = p[1] === null ? Number.NaN : p[1];
    ok[k] = p[2];
  });
  return new StaticSeries(t, v, ok);
}

export interface Replay {
  debrief: Debrief;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  events: Debrief['events'];
  eventTimes: Float64Array;
  notes: Debrief['notes'];
  noteTimes: Float64Array;
  declarations: Declaration[];
  declarationTimes: Float64Array;
  probes: Map<string, Map<string, StaticSeries>>;
}

const byT = <T,>(list: readonly T[], t: (x: T) => number): T[] => [...list].sort((a, b) => t(a) - t(b));

/** Sort and index a debrief once, when the screen opens. */
export function prepareReplay(d: Debrief): Replay {
  const events = byT(d.events, (e) => e.t);
  const notes = byT(d.notes, (n) => n.t);
  const declarations = byT(d.drill?.declarations ?? [], (x) => x.at);
  const probes = new Map<string, Map<string, StaticSeries>>();
  for (const p of d.probes) probes.set(p.probeId, new Map(p.series.map((s) => [s.name, toSeries(s.points)])));
  const endedAt = Math.max(d.endedAt, d.startedAt);
  return {
    debrief: d,
    startedAt: d.startedAt,
    endedAt,
    durationMs: endedAt - d.startedAt,
    events,
    eventTimes: Float64Array.from(events, (e) => e.t),
    notes,
    noteTimes: Float64Array.from(notes, (n) => n.t),
    declarations,
    declarationTimes: Float64Array.from(declarations, (x) => x.at),
    probes,
  };
}

export interface ReplayFrame {
  /** Epoch ms of the frame. */
  at: number;
  /** Counts of events / notes / declarations up to `at` (prefixes of the sorted lists). */
  events: number;
  notes: number;
  declarations: number;
  faultsActive: Debrief['faults'];
  hintsRevealed: HintView[];
  ended: boolean;
}

/** What the room knew at epoch time `at`. */
export function frameAt(r: Replay, at: number): ReplayFrame {
  const hints = r.debrief.drill?.hints ?? [];
  return {
    at,
    events: countUpTo(r.eventTimes, at),
    notes: countUpTo(r.noteTimes, at),
    declarations: countUpTo(r.declarationTimes, at),
    faultsActive: r.debrief.faults.filter((f) => f.injectedAt !== null && f.injectedAt <= at && (f.revertedAt === null || f.revertedAt > at)),
    hintsRevealed: hints.filter((h) => h.revealedAt !== undefined && h.revealedAt <= at),
    ended: at >= r.endedAt,
  };
}

/** Fault bands for a chart cut at `at`: from inject to revert (or to `at` while still active). */
export function bandsAt(r: Replay, at: number): Array<{ label: string; from: number; to: number }> {
  return r.debrief.faults
    .filter((f) => f.injectedAt !== null && f.injectedAt <= at)
    .map((f) => ({ label: `${f.kind}@${f.node}`, from: f.injectedAt!, to: Math.min(f.revertedAt ?? r.endedAt, at) }));
}

/**
 * What the lists of a frame depend on (counts, active faults, ended): equal keys draw the same
 * lists, so playback re-renders them only when something happened, not on every animation frame.
 */
export function frameKey(f: ReplayFrame): string {
  return `${f.events}|${f.notes}|${f.declarations}|${f.hintsRevealed.length}|${f.ended}|${f.faultsActive.map((x) => x.id).join(',')}`;
}
