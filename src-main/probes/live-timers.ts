/**
 * Live recovery timers for the console: the one attribution (impact.ts) fed sample by sample, with
 * the colour of each clock against its target. The report runs the very same tracker over the
 * stored samples, so a figure on screen is the figure in the post-mortem.
 *
 * Colours: green below 75 % of the target, amber from 75 % up to it, red past it. 75 % leaves the
 * room a quarter of the budget (5 s of a 20 s RTO) to escalate, roll back or call it before the
 * breach. An impact still going on is never green (there is an incident), and a flapping one is at
 * least amber: a relapse reopens the incident. Before the impact is seen ('waiting') the clock is
 * judged against the detection target when there is one.
 */
import { ImpactTracker, type FaultImpact, type ImpactWindow, type ImpactOptions, type UnattributedImpact, type WindowEndKind } from './impact.js';
import { clockElapsed, DEFAULT_RECOVERY_CLOCK, recoveryFigure, type RecoveryClock } from './recovery.js';
import type { Sample } from './types.js';

/** Fraction of the target where the clock turns amber (see above). */
export const AMBER_AT = 0.75;
/**
 * Between samples that change no episode, figures are recomputed at most this often (colours move
 * with time): 1000 series at 1 Hz would otherwise walk every series a thousand times a second.
 */
const RECOMPUTE_MS = 250;

export type TargetColour = 'green' | 'amber' | 'red';

export interface LiveTimerOptions extends ImpactOptions {
  probeId: string;
  recoveryTargetMs?: number;
  recoveryClock?: RecoveryClock;
  detectionTargetMs?: number;
}

export interface LiveTimerState extends FaultImpact {
  vsTarget: TargetColour;
  sinceActiveMs: number;
}

/** green/amber/red for `elapsed` against `target` (no target → green: nothing to breach). */
export function colour(elapsedMs: number, targetMs: number | undefined): TargetColour {
  if (targetMs === undefined || targetMs <= 0) return 'green';
  if (elapsedMs > targetMs) return 'red';
  return elapsedMs >= AMBER_AT * targetMs ? 'amber' : 'green';
}

const atLeastAmber = (c: TargetColour): TargetColour => (c === 'green' ? 'amber' : c);

export class LiveRecoveryTimers {
  private readonly tracker: ImpactTracker;
  private readonly clock: RecoveryClock;
  private last = new Map<string, string>();
  private computedAt = -Infinity;

  constructor(private readonly o: LiveTimerOptions) {
    this.tracker = new ImpactTracker(o.probeId, o);
    this.clock = o.recoveryClock ?? DEFAULT_RECOVERY_CLOCK;
  }

  /** A fault's window as the tracker holds it (undefined before addFault). */
  window(id: string): ImpactWindow | undefined {
    return this.tracker.window(id);
  }

  get holdMs(): number {
    return this.tracker.holdMs;
  }

  /** A fault (an inject step) was verified active at `at` (epoch ms, the samples' clock). */
  addFault(id: string, at: number): void {
    this.tracker.activate(id, at);
  }

  /** Its inject was sent at `at`: impact from here on is its (see impact.ts). */
  openFault(id: string, at: number): void {
    this.tracker.open(id, at);
  }

  /** The inject took effect nowhere: forget its window. */
  dropFault(id: string): void {
    this.tracker.drop(id);
  }

  /** Its active window ended: revert verified, lease known expired, or a one-shot fault done. */
  endFault(id: string, at: number, kind: WindowEndKind): void {
    this.tracker.end(id, at, kind);
  }

  /** Feed one sample; returns the timers (faults and unattributed impacts) whose state changed. */
  onSample(s: Sample): { faults: LiveTimerState[]; unattributed: UnattributedImpact[] } {
    if (s.probeId !== this.o.probeId) return { faults: [], unattributed: [] };
    const changed = this.tracker.sample(s);
    if (!changed && s.t - this.computedAt < RECOMPUTE_MS) return { faults: [], unattributed: [] };
    return this.changes(s.t);
  }

  /** Everything that changed since the last call (also after endFault, which can complete a hold). */
  changes(nowMs: number): { faults: LiveTimerState[]; unattributed: UnattributedImpact[] } {
    this.computedAt = nowMs;
    const r = this.tracker.result(nowMs);
    const faults = r.faults.map((f) => this.state(f, nowMs)).filter((f) => this.changed(`f:${f.id}`, key(f)));
    const unattributed = r.unattributed.filter((u) => this.changed(`u:${u.startAt}`, `${u.state}|${u.recoveredAt}|${u.relapses}|${u.series.length}`));
    return { faults, unattributed };
  }

  /** Every fault's state at `nowMs`: call it from the UI's clock tick. */
  snapshot(nowMs: number): LiveTimerState[] {
    return this.tracker.result(nowMs).faults.map((f) => this.state(f, nowMs));
  }

  unattributed(nowMs: number): UnattributedImpact[] {
    return this.tracker.result(nowMs).unattributed;
  }

  private changed(id: string, k: string): boolean {
    if (this.last.get(id) === k) return false;
    this.last.set(id, k);
    return true;
  }

  private state(f: FaultImpact, nowMs: number): LiveTimerState {
    const since = Math.max(0, nowMs - f.activeAt);
    let c: TargetColour;
    if (f.state === 'waiting') c = colour(since, this.o.detectionTargetMs);
    else if (f.state === 'recovered') c = colour(recoveryFigure(f, this.clock) ?? 0, this.o.recoveryTargetMs);
    else if (f.state === 'interrupted') c = 'amber';
    else {
      c = colour(clockElapsed(f, this.clock, nowMs) ?? 0, this.o.recoveryTargetMs);
      if (f.state !== 'recovering') c = atLeastAmber(c);
    }
    return { ...f, vsTarget: c, sinceActiveMs: since };
  }
}

/** What makes a state "changed" (not the ever-growing impact and clocks). */
function key(s: LiveTimerState): string {
  return `${s.state}|${s.detectedAt}|${s.recoveredAt}|${s.relapses}|${s.endAt}|${s.holdingSince}|${s.vsTarget}`;
}
