/**
 * One probe series folded sample by sample into impact episodes: the per-series half of the one
 * attribution (impact.ts puts the series together and names the figures). Live timers and reports
 * both fold samples through `stepSeries`, so the screen and the post-mortem cannot disagree on method.
 *
 * An episode starts at the first unhealthy sample while none is open. It ends — recovered — at the
 * start of a healthy run that then HOLDS: no unhealthy sample for the hold window and, while a fault
 * that was active when the episode started is still active, until that fault's window has ended —
 * plus the hold window again, so a flapping fault never reads as recovered before its end plus the
 * hold. A healthy run broken by an unhealthy sample is a relapse: the episode stays open (a first
 * short run of healthy samples inside a flapping fault is not recovery). The recovery instant is
 * the run's first sample; it is confirmed (and shown) a hold later.
 *
 * A fault becoming active takes over: an open episode that is still unhealthy is cut there (its
 * fault's recovery is "interrupted", never confirmed); one whose healthy run is holding goes on and
 * may still recover, but its next unhealthy sample is the new fault's impact, not a relapse (the
 * old episode is cut, a new one starts). So a fault on another node of the same probe does not
 * spoil the first fault's figures, and no fault's figures pick up a later fault's impact. Cuts are
 * applied per series by sample time, not by when the window was announced, so a sample measured
 * before an inject but delivered after it lands exactly where the report puts it.
 */
import type { Sample } from './types.js';

/** A fault's active window as the attribution needs it (impact.ts owns the list). */
export interface ActiveWindow {
  id: string;
  /**
   * When its inject was sent: the window (attribution, cuts) starts here, since a fault can take
   * effect on the node before the console has verified it. Unset = activeAt.
   */
  openAt?: number;
  /** Epoch ms (the samples' clock) the fault was verified active: time to detect counts from here. */
  activeAt: number;
  /** When its active window ended (revert verified, lease known expired, one-shot); unset = still active. */
  endAt?: number;
}

export interface Episode {
  series: string;
  /** First unhealthy sample. */
  start: number;
  /** start − the sample before it: the truth lies in (start − startGapMs, start]. */
  startGapMs: number;
  /** The series was already unhealthy when the fault became active (an earlier episode was cut). */
  unhealthyAtStart: boolean;
  /** Windows active (or not known to have ended) when it started: it must hold past all their ends. */
  windows: ActiveWindow[];
  lastUnhealthyAt: number;
  /** First sample of the current healthy run, and the gap before it. */
  runStart?: number;
  runGapMs?: number;
  relapses: number;
  /** Recovered at (module comment), the uncertainty before it, and the sample that confirmed it. */
  recoveredAt?: number;
  recoverBracketMs?: number;
  confirmedAt?: number;
  /** A later fault became active before it held. */
  cutAt?: number;
  /** A later fault became active while its run was holding: cut at its next unhealthy sample. */
  pendingCut?: number;
}

export interface SeriesState {
  series: string;
  lastT?: number;
  lastHealthy?: boolean;
  /** Cuts are applied for windows starting at or before this (see the module comment). */
  cutThrough: number;
  open?: Episode;
  /** Closed (recovered) and cut episodes, oldest first. */
  closed: Episode[];
}

export interface SeriesContext {
  /** Every window known so far, sorted by start (windowStart). */
  windows: readonly ActiveWindow[];
  /** Hold window (ms): already the larger of k samples and the configured hold. */
  holdMs: number;
}

/** Where a window starts for attribution: its inject sent, else its verified activation. */
export const windowStart = (w: ActiveWindow): number => w.openAt ?? w.activeAt;

export function initialSeries(series: string): SeriesState {
  return { series, cutThrough: -Infinity, closed: [] };
}

/** Windows of the episode that still count: those not known to have ended before it started. */
export function liveWindows(ep: Episode): ActiveWindow[] {
  return ep.windows.filter((w) => w.endAt === undefined || w.endAt >= ep.start);
}

/** The latest end of the episode's windows: −∞ without windows, undefined while one is still active. */
export function windowsEnd(ep: Episode): number | undefined {
  let end = -Infinity;
  for (const w of liveWindows(ep)) {
    if (w.endAt === undefined) return undefined;
    end = Math.max(end, w.endAt);
  }
  return end;
}

/** Close the open episode when its run has held (module comment) as of `t`, a healthy sample of it. */
function tryConfirm(st: SeriesState, t: number, holdMs: number): void {
  const ep = st.open;
  if (!ep || ep.runStart === undefined) return;
  const end = windowsEnd(ep);
  if (end === undefined || t < Math.max(ep.runStart, end) + holdMs) return;
  ep.recoveredAt = ep.runStart;
  ep.recoverBracketMs = ep.runGapMs ?? 0;
  ep.confirmedAt = t;
  st.closed.push(ep);
  st.open = undefined;
}

/** What a sample can change that a reader sees (episodes opened, closed, cut, runs, relapses). */
function signature(st: SeriesState): string {
  const o = st.open;
  return o ? `${st.closed.length}|${o.start}|${o.runStart}|${o.relapses}` : `${st.closed.length}`;
}

/**
 * Fold one sample of this series (in time order; an out-of-order one is ignored). Mutates `st`;
 * returns whether an episode changed (readers may skip recomputing otherwise).
 */
export function stepSeries(st: SeriesState, s: Sample, ctx: SeriesContext): boolean {
  if (st.lastT !== undefined && s.t < st.lastT) return false;
  const before = signature(st);
  // A window's end may have become known since the previous sample: it may have held already then.
  if (st.open && st.lastHealthy && st.lastT !== undefined) tryConfirm(st, st.lastT, ctx.holdMs);
  for (const w of ctx.windows) {
    const start = windowStart(w);
    if (start <= st.cutThrough || start > s.t) continue;
    if (st.open?.runStart === undefined) cut(st, start);
    else st.open.pendingCut ??= start;
    st.cutThrough = start;
  }
  if (!s.healthy && st.open?.pendingCut !== undefined) cut(st, st.open.pendingCut);
  const ep = st.open;
  if (!ep) {
    if (!s.healthy) {
      const windows = ctx.windows.filter((w) => windowStart(w) <= s.t && (w.endAt === undefined || w.endAt >= s.t));
      st.open = { series: st.series, start: s.t, startGapMs: st.lastT === undefined ? 0 : s.t - st.lastT, unhealthyAtStart: st.lastHealthy === false, windows, lastUnhealthyAt: s.t, relapses: 0 };
    }
  } else if (!s.healthy) {
    if (ep.runStart !== undefined) ep.relapses++;
    ep.runStart = ep.runGapMs = undefined;
    ep.lastUnhealthyAt = s.t;
  } else if (ep.runStart === undefined) {
    ep.runStart = s.t;
    ep.runGapMs = s.t - ep.lastUnhealthyAt;
  }
  st.lastT = s.t;
  st.lastHealthy = s.healthy;
  if (s.healthy) tryConfirm(st, s.t, ctx.holdMs);
  return signature(st) !== before;
}

function cut(st: SeriesState, at: number): void {
  if (!st.open) return;
  st.open.cutAt = at;
  st.closed.push(st.open);
  st.open = undefined;
}

/** Every episode of the series, oldest first (the open one last). */
export function episodes(st: SeriesState): Episode[] {
  return st.open ? [...st.closed, st.open] : st.closed;
}
