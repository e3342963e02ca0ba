/**
 * THE attribution of a probe's impact to faults, used live (live-timers.ts) and by every report and
 * verdict (probes/stored-impact.ts, report/windows.ts): one `ImpactTracker`, fed fault windows and
 * samples, names the figures. The per-series rules (episodes, hold, relapses, cuts) are in
 * impact-series.ts.
 *
 * Attribution: an episode belongs to the newest fault whose active window contains its first
 * unhealthy sample; an episode that starts outside every window is "unattributed impact" and never
 * part of a fault's figures. A fault's figures put its series' episodes together: detected when the
 * first series went unhealthy, recovered when the last of them recovered (the fault is over only
 * when every affected series is back); series that never saw it do not hold it up.
 *
 * A window starts when the fault's inject was sent (`openAt`): a fault takes effect on the node while
 * the console is still verifying it, and impact seen then is the fault's, not "unattributed".
 *
 * Named clocks (all epoch ms on the samples' monotonic clock):
 * - time to detect        = first unhealthy sample − fault active (verified); 0 when the probe saw it
 *                           while the inject was still being verified
 * - impact duration       = recovered (or interrupted, or the end of observation) − detected
 * - recover after revert  = recovered − end of the fault's window (revert verified / lease expired),
 *                           0 when it was healthy again before the revert; not set when it self-healed
 * - self-healed           = it recovered while the fault was still active, had held a whole hold
 *                           window before the revert and stayed healthy through it (a healthy run that
 *                           began just before the revert is "0 after the revert", not self-healing)
 */
import { episodes, initialSeries, liveWindows, stepSeries, windowsEnd, windowStart, type ActiveWindow, type Episode, type SeriesState } from './impact-series.js';
import type { Sample } from './types.js';

/** Hold window floor: a healthy run must last at least this long to count (issue 11, DESIGN.md). */
export const DEFAULT_HOLD_MS = 10_000;

/** How a fault's active window ended. */
export type WindowEndKind = 'revert' | 'lease' | 'one-shot';

export interface ImpactWindow extends ActiveWindow {
  endKind?: WindowEndKind;
}

export interface ImpactOptions {
  /** k: the hold covers at least k sample intervals. */
  healthyAfter: number;
  intervalMs: number;
  /** The runbook's hold (SLO `recoveryTime.hold`); default DEFAULT_HOLD_MS. */
  holdMs?: number;
}

/** Where a fault stands. Final states: recovered, interrupted, and (mapped by callers) the others. */
export type ImpactState = 'waiting' | 'degraded' | 'recovering' | 'flapping' | 'recovered' | 'interrupted';

export interface FaultImpact {
  id: string;
  probeId: string;
  activeAt: number;
  endAt?: number;
  endKind?: WindowEndKind;
  state: ImpactState;
  holdMs: number;
  detectedAt?: number;
  /** The truth lies in (detectedAt − detectBracketMs, detectedAt]. */
  detectBracketMs?: number;
  ttdMs?: number;
  /** Some series was already unhealthy when the fault became active: detection says nothing then. */
  unhealthyAtStart?: boolean;
  recoveredAt?: number;
  recoverBracketMs?: number;
  /** Recovered − active (the "from inject" clock). */
  ttrFromActiveMs?: number;
  recoverAfterRevertMs?: number;
  selfHealed: boolean;
  selfHealedAfterMs?: number;
  impactMs?: number;
  relapses: number;
  /** Live: the earliest start of a healthy run still holding, and when the hold can end at the soonest. */
  holdingSince?: number;
  holdUntil?: number;
  /** A later fault became active before the recovery held. */
  interruptedAt?: number;
  interruptedBy?: string;
  series: Array<{ series: string; detectedAt: number; recoveredAt?: number; relapses: number }>;
}

/** Impact outside every fault window, episodes of all series merged where they overlap. */
export interface UnattributedImpact {
  startAt: number;
  /** Recovered (start of the held run); unset while open or when a fault cut it. */
  recoveredAt?: number;
  /** Where it stopped counting: recovered, cut by a fault, or the end of observation. */
  untilAt: number;
  durationMs: number;
  state: 'open' | 'recovered' | 'interrupted';
  series: string[];
  relapses: number;
}

export interface ImpactResult {
  faults: FaultImpact[];
  unattributed: UnattributedImpact[];
}

/** The hold window that applies: the larger of k sample intervals and the configured hold (default 10 s). */
export function holdWindowMs(o: ImpactOptions): number {
  return Math.max(o.healthyAfter * o.intervalMs, o.holdMs ?? DEFAULT_HOLD_MS);
}

/** One probe's impact, attributed to fault windows; feed windows and samples, read `result()`. */
export class ImpactTracker {
  private readonly windows: ImpactWindow[] = [];
  private readonly series = new Map<string, SeriesState>();
  private lastSeen = -Infinity;
  readonly holdMs: number;

  constructor(
    readonly probeId: string,
    o: ImpactOptions,
  ) {
    if (!(Number.isInteger(o.healthyAfter) && o.healthyAfter >= 1)) throw new RangeError(`healthyAfter must be a whole number ≥ 1, got ${o.healthyAfter}`);
    this.holdMs = holdWindowMs(o);
  }

  /**
   * A fault (an inject step's faults) was verified active at `at`, its inject sent at `openAt`. The
   * window may already be open (`open`): then only its activation is recorded.
   */
  activate(id: string, at: number, openAt?: number): void {
    const w = this.windows.find((x) => x.id === id);
    if (w) {
      w.activeAt = Math.max(at, windowStart(w));
      return;
    }
    const nw: ImpactWindow = openAt === undefined || openAt >= at ? { id, activeAt: at } : { id, openAt, activeAt: at };
    const i = this.windows.findIndex((x) => windowStart(x) > windowStart(nw));
    this.windows.splice(i < 0 ? this.windows.length : i, 0, nw);
  }

  /** Its inject was sent at `at`: the window opens (activate() follows once it is verified). */
  open(id: string, at: number): void {
    if (!this.windows.some((w) => w.id === id)) this.activate(id, at);
    const w = this.windows.find((x) => x.id === id)!;
    if (w.openAt === undefined) w.openAt = at;
  }

  /** The inject did not take anywhere (rolled back): its window never was. */
  drop(id: string): void {
    const i = this.windows.findIndex((w) => w.id === id);
    if (i >= 0) this.windows.splice(i, 1);
  }

  /** Its active window ended (the earliest end wins: a lease known expired before a later revert). */
  end(id: string, at: number, kind: WindowEndKind): void {
    const w = this.windows.find((x) => x.id === id);
    if (!w || (w.endAt !== undefined && w.endAt <= at)) return;
    w.endAt = Math.max(at, w.activeAt);
    w.endKind = kind;
  }

  window(id: string): ImpactWindow | undefined {
    return this.windows.find((w) => w.id === id);
  }

  /** Fold one sample (other probes' samples are ignored); true when an episode changed. */
  sample(s: Sample): boolean {
    if (s.probeId !== this.probeId) return false;
    let st = this.series.get(s.series);
    if (!st) this.series.set(s.series, (st = initialSeries(s.series)));
    if (s.t > this.lastSeen) this.lastSeen = s.t;
    return stepSeries(st, s, { windows: this.windows, holdMs: this.holdMs });
  }

  /** The figures as of `nowMs` (default: the last sample seen): open impacts count up to it. */
  result(nowMs?: number): ImpactResult {
    const now = Math.max(nowMs ?? -Infinity, this.lastSeen);
    const byWindow = new Map<string, Episode[]>();
    const loose: Episode[] = [];
    for (const st of this.series.values()) {
      for (const ep of episodes(st)) {
        const w = this.attributed(ep);
        if (!w) loose.push(ep);
        else if (byWindow.has(w.id)) byWindow.get(w.id)!.push(ep);
        else byWindow.set(w.id, [ep]);
      }
    }
    const faults = this.windows.map((w) => this.figures(w, byWindow.get(w.id) ?? [], now));
    return { faults, unattributed: mergeLoose(loose, now) };
  }

  /** The newest window containing the episode's first unhealthy sample, if any. */
  private attributed(ep: Episode): ImpactWindow | undefined {
    const live = new Set(liveWindows(ep).map((w) => w.id));
    let best: ImpactWindow | undefined;
    for (const w of this.windows) if (live.has(w.id) && (!best || windowStart(w) >= windowStart(best))) best = w;
    return best;
  }

  private figures(w: ImpactWindow, eps: Episode[], now: number): FaultImpact {
    const f: FaultImpact = { id: w.id, probeId: this.probeId, activeAt: w.activeAt, state: 'waiting', holdMs: this.holdMs, selfHealed: false, relapses: 0, series: [] };
    if (w.endAt !== undefined) Object.assign(f, { endAt: w.endAt, endKind: w.endKind });
    if (eps.length === 0) return f;
    const first = eps.reduce((a, b) => (b.start < a.start ? b : a));
    f.detectedAt = first.start;
    f.detectBracketMs = first.start - Math.max(first.start - first.startGapMs, windowStart(w));
    f.ttdMs = Math.max(0, first.start - w.activeAt);
    if (eps.some((e) => e.unhealthyAtStart)) f.unhealthyAtStart = true;
    f.relapses = eps.reduce((n, e) => n + e.relapses, 0);
    f.series = eps.map((e) => ({ series: e.series, detectedAt: e.start, recoveredAt: e.recoveredAt, relapses: e.relapses })).sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
    const cut = eps.filter((e) => e.cutAt !== undefined);
    const open = eps.filter((e) => e.recoveredAt === undefined && e.cutAt === undefined);
    if (cut.length > 0) {
      f.state = 'interrupted';
      f.interruptedAt = Math.min(...cut.map((e) => e.cutAt!));
      f.interruptedBy = this.windows.find((x) => windowStart(x) === f.interruptedAt && x.id !== w.id)?.id;
      f.impactMs = f.interruptedAt - f.detectedAt;
    } else if (open.length > 0) {
      const holding = open.every((e) => e.runStart !== undefined);
      f.state = f.relapses > 0 ? 'flapping' : holding ? 'recovering' : 'degraded';
      if (holding) {
        f.holdingSince = Math.max(...open.map((e) => e.runStart!));
        const ends = open.map(windowsEnd);
        if (ends.every((x) => x !== undefined)) f.holdUntil = Math.max(f.holdingSince, ...(ends as number[])) + this.holdMs;
      }
      f.impactMs = Math.max(0, now - f.detectedAt);
    } else {
      const last = eps.reduce((a, b) => (b.recoveredAt! > a.recoveredAt! ? b : a));
      f.state = 'recovered';
      f.recoveredAt = last.recoveredAt;
      f.recoverBracketMs = last.recoverBracketMs;
      f.ttrFromActiveMs = f.recoveredAt! - w.activeAt;
      f.impactMs = f.recoveredAt! - f.detectedAt;
      if (w.endAt !== undefined && f.recoveredAt! + this.holdMs <= w.endAt) {
        f.selfHealed = true;
        f.selfHealedAfterMs = f.ttrFromActiveMs;
      } else if (w.endAt !== undefined) f.recoverAfterRevertMs = Math.max(0, f.recoveredAt! - w.endAt);
    }
    return f;
  }
}

/** Unattributed episodes of all series, merged where they overlap in time. */
function mergeLoose(eps: Episode[], now: number): UnattributedImpact[] {
  const spans = eps
    .map((e) => ({ e, from: e.start, to: e.recoveredAt ?? e.cutAt ?? now }))
    .sort((a, b) => a.from - b.from);
  const out: UnattributedImpact[] = [];
  let cur: { from: number; to: number; eps: Episode[] } | undefined;
  const flush = () => {
    if (!cur) return;
    const open = cur.eps.some((e) => e.recoveredAt === undefined && e.cutAt === undefined);
    const cut = cur.eps.some((e) => e.cutAt !== undefined);
    const state = open ? 'open' : cut ? 'interrupted' : 'recovered';
    const u: UnattributedImpact = { startAt: cur.from, untilAt: cur.to, durationMs: cur.to - cur.from, state, series: [...new Set(cur.eps.map((e) => e.series))].sort(), relapses: cur.eps.reduce((n, e) => n + e.relapses, 0) };
    if (state === 'recovered') u.recoveredAt = cur.to;
    out.push(u);
  };
  for (const s of spans) {
    if (cur && s.from <= cur.to) {
      cur.to = Math.max(cur.to, s.to);
      cur.eps.push(s.e);
      continue;
    }
    flush();
    cur = { from: s.from, to: s.to, eps: [s.e] };
  }
  flush();
  return out;
}

/** The whole attribution over stored samples: windows first, then the samples, in any series order. */
export function attributeImpact(probeId: string, samples: Iterable<Sample>, windows: ImpactWindow[], o: ImpactOptions & { observedUntil?: number }): ImpactResult {
  const tr = new ImpactTracker(probeId, o);
  for (const w of windows) tr.activate(w.id, w.activeAt, w.openAt);
  for (const w of windows) if (w.endAt !== undefined) tr.end(w.id, w.endAt, w.endKind ?? 'revert');
  const sorted = [...samples].filter((s) => s.probeId === probeId).sort((a, b) => a.t - b.t);
  for (const s of sorted) tr.sample(s);
  return tr.result(o.observedUntil);
}
