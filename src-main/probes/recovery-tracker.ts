/**
 * Detection and recovery of one injected fault as seen by one series, fed one sample at a time.
 * Both the post-run math (recovery.ts) and the live timers (live-timers.ts) fold samples through
 * this one reducer, so the screen and the report can never disagree.
 *
 * Which instants are reported, and why:
 * - detected  = `t` of the first unhealthy sample with t ≥ injectAt. Samples before the inject are
 *   ignored (a flap before T is not this fault). The truth lies in (previous sample, detected], so
 *   `detectBracketMs` = detected − max(previous sample, injectAt) is the real uncertainty; it equals
 *   the interval when no tick was skipped and grows with gaps.
 * - recovered = `t` of the FIRST sample of the first run of k consecutive healthy samples after
 *   detection. The service was already answering at that sample; the k−1 that follow only confirm
 *   it was not a flap. Reporting the k-th sample instead would add (k−1)·interval of pure
 *   confirmation delay to every RTO, a bias that says nothing about the system. The truth lies in
 *   (last unhealthy sample, recovered]: `recoverBracketMs`.
 * A sample's `t` is when its measurement started (the request left), the closest instant to when
 * the service judged it; with keep-alive the request reaches the service within about a millisecond.
 */
import type { Sample } from './types.js';

export interface TrackerOptions {
  /** Fault injected at (epoch ms, the samples' clock). */
  injectAt: number;
  /** k consecutive healthy samples = recovered (≥ 1). */
  healthyAfter: number;
  /** Samples after this instant are ignored (end of the window: run end, next fault, phase end). */
  until?: number;
}

export interface SeriesState {
  series: string;
  /** `t` of the last sample seen, before or after the inject (bounds the next event). */
  lastT?: number;
  detectedAt?: number;
  detectBracketMs?: number;
  /** Healthy flag of the last sample seen. */
  lastHealthy?: boolean;
  /**
   * The last sample before the inject was already unhealthy and so was the first one after: the
   * "detection" is then the old trouble, not this fault, and its time says nothing about detection.
   */
  unhealthyBeforeInject?: boolean;
  lastUnhealthyAt?: number;
  /** First sample of the current run of healthy samples after detection, and its length. */
  runStart?: number;
  runBracketMs?: number;
  runLen: number;
  recoveredAt?: number;
  recoverBracketMs?: number;
  /** Healthy runs after detection that broke before reaching k (flapping). */
  flaps: number;
  /** Unhealthy samples after recovery (the fault came back, or a new one). */
  relapses: number;
  samplesSeen: number;
}

export function initialSeries(series: string): SeriesState {
  return { series, runLen: 0, flaps: 0, relapses: 0, samplesSeen: 0 };
}

/** Fold one sample (of this series, in time order) into the state. Returns a new object. */
export function stepSeries(prev: SeriesState, s: Sample, o: TrackerOptions): SeriesState {
  if (o.until !== undefined && s.t > o.until) return prev;
  const st: SeriesState = { ...prev, lastT: s.t, lastHealthy: s.healthy };
  if (s.t < o.injectAt) return st;
  st.samplesSeen++;
  const before = prev.lastT;
  // The event happened after the previous sample (and not before the inject): that is the bracket.
  const bracket = s.t - Math.max(before ?? o.injectAt, o.injectAt);
  if (st.detectedAt === undefined) {
    if (!s.healthy) {
      st.detectedAt = s.t;
      st.detectBracketMs = bracket;
      if (st.samplesSeen === 1 && prev.lastHealthy === false) st.unhealthyBeforeInject = true;
      st.lastUnhealthyAt = s.t;
    }
    return st;
  }
  if (st.recoveredAt !== undefined) {
    if (!s.healthy) st.relapses++;
    return st;
  }
  if (s.healthy) {
    if (st.runLen === 0) {
      st.runStart = s.t;
      st.runBracketMs = s.t - (st.lastUnhealthyAt ?? s.t);
    }
    st.runLen++;
    if (st.runLen >= o.healthyAfter) {
      st.recoveredAt = st.runStart;
      st.recoverBracketMs = st.runBracketMs;
    }
  } else {
    if (st.runLen > 0) st.flaps++;
    st.runLen = 0;
    st.runStart = undefined;
    st.runBracketMs = undefined;
    st.lastUnhealthyAt = s.t;
  }
  return st;
}

/** Where one series stands, in the live timers' words. */
export function seriesPhase(st: SeriesState): 'waiting' | 'degraded' | 'recovering' | 'recovered' {
  if (st.detectedAt === undefined) return 'waiting';
  if (st.recoveredAt !== undefined) return 'recovered';
  return st.runLen > 0 ? 'recovering' : 'degraded';
}

/**
 * A fault seen through several series (one per node): detected when ANY series detects (earliest);
 * recovered when EVERY series that detected has recovered (latest of them), because the fault is
 * over only when the last affected node is back. Series that never saw it do not hold recovery up.
 */
export function combineSeries(states: SeriesState[]): {
  detectedAt?: number;
  detectBracketMs?: number;
  recoveredAt?: number;
  recoverBracketMs?: number;
  phase: 'waiting' | 'degraded' | 'recovering' | 'recovered';
} {
  const detected = states.filter((s) => s.detectedAt !== undefined);
  if (detected.length === 0) return { phase: 'waiting' };
  const first = detected.reduce((a, b) => (b.detectedAt! < a.detectedAt! ? b : a));
  const out: ReturnType<typeof combineSeries> = { detectedAt: first.detectedAt, detectBracketMs: first.detectBracketMs, phase: 'degraded' };
  const pending = detected.filter((s) => s.recoveredAt === undefined);
  if (pending.length === 0) {
    const last = detected.reduce((a, b) => (b.recoveredAt! > a.recoveredAt! ? b : a));
    out.recoveredAt = last.recoveredAt;
    out.recoverBracketMs = last.recoverBracketMs;
    out.phase = 'recovered';
  } else {
    out.phase = pending.every((s) => s.runLen > 0) ? 'recovering' : 'degraded';
  }
  return out;
}
