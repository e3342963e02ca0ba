/**
 * Live recovery timers for the console: the same reducer as the post-run math (recovery-tracker.ts),
 * fed sample by sample, with a state per injected fault for the big clocks on screen.
 *
 * vsTarget colours the clock against the recovery target (RTO): green below 75 % of it, amber from
 * 75 % up to the target, red past it. 75 % leaves the room a quarter of the budget (5 s of a 20 s
 * RTO) to escalate, roll back or call it before the breach; an earlier threshold would turn amber
 * on most healthy runs and stop meaning anything. A fault whose effect has not been seen yet
 * ('waiting') is judged against the detection target when there is one (nothing to recover yet).
 */
import { combineSeries, initialSeries, stepSeries, type SeriesState, type TrackerOptions } from './recovery-tracker.js';
import { DEFAULT_HEALTHY_AFTER } from './recovery.js';
import type { Sample } from './types.js';

/** Fraction of the target where the clock turns amber (see above). */
export const AMBER_AT = 0.75;

export type LiveState = 'waiting' | 'degraded' | 'recovering' | 'recovered';
export type TargetColour = 'green' | 'amber' | 'red';

export interface LiveFault {
  faultId: string;
  /** The probe whose samples time this fault. */
  probeId: string;
  injectAt: number;
  healthyAfter?: number;
  recoveryTargetMs?: number;
  detectionTargetMs?: number;
}

export interface LiveTimerState {
  faultId: string;
  probeId: string;
  sinceInjectMs: number;
  /** Epoch ms of detection / recovery (as defined in recovery-tracker.ts). */
  detectedAtMs?: number;
  recoveredAtMs?: number;
  /** Time to detect / recover, from the inject. */
  ttdMs?: number;
  ttrMs?: number;
  state: LiveState;
  vsTarget: TargetColour;
}

/** green/amber/red for `elapsed` against `target` (no target → green: nothing to breach). */
export function colour(elapsedMs: number, targetMs: number | undefined): TargetColour {
  if (targetMs === undefined || targetMs <= 0) return 'green';
  if (elapsedMs > targetMs) return 'red';
  return elapsedMs >= AMBER_AT * targetMs ? 'amber' : 'green';
}

interface Tracked {
  fault: LiveFault;
  opts: TrackerOptions;
  series: Map<string, SeriesState>;
  lastSeen: number;
}

export class LiveRecoveryTimers {
  private readonly faults = new Map<string, Tracked>();

  /** Start timing a fault (replaces one with the same id). */
  addFault(f: LiveFault): void {
    this.faults.set(f.faultId, { fault: f, opts: { injectAt: f.injectAt, healthyAfter: f.healthyAfter ?? DEFAULT_HEALTHY_AFTER }, series: new Map(), lastSeen: f.injectAt });
  }

  removeFault(faultId: string): void {
    this.faults.delete(faultId);
  }

  /** Feed one sample; returns the states of the faults it changed. */
  onSample(s: Sample): LiveTimerState[] {
    const changed: LiveTimerState[] = [];
    for (const tr of this.faults.values()) {
      if (tr.fault.probeId !== s.probeId) continue;
      const before = tr.series.get(s.series) ?? initialSeries(s.series);
      const prevKey = key(this.stateOf(tr, tr.lastSeen));
      tr.series.set(s.series, stepSeries(before, s, tr.opts));
      tr.lastSeen = Math.max(tr.lastSeen, s.t);
      const now = this.stateOf(tr, tr.lastSeen);
      if (key(now) !== prevKey) changed.push(now);
    }
    return changed;
  }

  /** Every fault's state at `nowMs` (epoch ms, the samples' clock): call it from the UI's clock tick. */
  snapshot(nowMs: number): LiveTimerState[] {
    return [...this.faults.values()].map((tr) => this.stateOf(tr, Math.max(nowMs, tr.lastSeen)));
  }

  private stateOf(tr: Tracked, nowMs: number): LiveTimerState {
    const f = tr.fault;
    const c = combineSeries([...tr.series.values()]);
    const since = Math.max(0, nowMs - f.injectAt);
    const st: LiveTimerState = { faultId: f.faultId, probeId: f.probeId, sinceInjectMs: since, state: c.phase, vsTarget: 'green' };
    if (c.detectedAt !== undefined) {
      st.detectedAtMs = c.detectedAt;
      st.ttdMs = c.detectedAt - f.injectAt;
    }
    if (c.recoveredAt !== undefined) {
      st.recoveredAtMs = c.recoveredAt;
      st.ttrMs = c.recoveredAt - f.injectAt;
    }
    if (c.phase === 'waiting') st.vsTarget = colour(since, f.detectionTargetMs);
    else st.vsTarget = colour(st.ttrMs ?? since, f.recoveryTargetMs);
    return st;
  }
}

/** What makes a state "changed" for onSample (not the ever-growing sinceInjectMs). */
function key(s: LiveTimerState): string {
  return `${s.state}|${s.detectedAtMs}|${s.recoveredAtMs}|${s.vsTarget}`;
}
