import type { EngineEvent, FaultView, ProbeView, TimerView } from '../api/index.js';
import { AbortEvaluator, DEFAULT_RECOVERY_CLOCK, LiveRecoveryTimers, nowMs, targetFor, type AbortTrip, type ImpactWindow, type LiveTimerState, type RecoveryClock, type Sample, type UnattributedImpact, type WindowEndKind } from '../probes/index.js';
import { DEFAULT_HEALTHY_AFTER, planTimes, type PlanTimes, type Scenario } from '../scenario/index.js';
import { mapAbort, mapSlos, primaryProbe } from '../scenario/index.js';
import { SteadyState } from './steady-state.js';
import { POLL_MS, sleep } from './step-waits.js';

/** After the last step, how long to keep measuring an impact that has not recovered yet (plus the hold). */
const RECOVERY_WAIT_DEFAULT_MS = 30_000;
const RECOVERY_WAIT_MAX_MS = 120_000;

/** One fault of an inject step: when its active window ended, if it has (see faultChanged). */
interface FaultEnd {
  /** When it became active (the instant its audit event records). */
  activeAt?: number;
  at?: number;
  kind?: WindowEndKind;
}

/**
 * What the probes say during one run: latest health per series, the steady-state streaks, the live
 * recovery timers (the one attribution of probes/impact.ts on the primary probe, per inject step and
 * for impact outside every fault window), the abort conditions, and probe samples waiting to go to
 * the UI in a batch. Pure bookkeeping: the session decides what to do with it.
 *
 * A step's fault window starts when its inject returned with at least one fault active, and ends
 * when every one of its active faults has ended: revert verified, its lease known to have expired
 * (`leaseExpired`), or at once for a one-shot fault. STOP's reverts end windows like any other.
 */
export class RunTelemetry {
  readonly steady = new SteadyState();
  private readonly timers = new Map<string, TimerView>();
  private readonly health = new Map<string, Map<string, boolean>>();
  private readonly live?: LiveRecoveryTimers;
  private readonly probe?: { id: string; intervalMs: number };
  private readonly clock: RecoveryClock = DEFAULT_RECOVERY_CLOCK;
  private readonly recoveryTargetMs?: number;
  private readonly stepFaults = new Map<string, Map<string, FaultEnd>>();
  /** Per step, each fault whose inject was sent: 'injecting' until it settles (then its state). */
  private readonly tried = new Map<string, Map<string, string>>();
  private readonly activated = new Set<string>();
  private readonly unattributedIds = new Map<number, string>();
  private readonly pending = new Map<string, Array<[number, number | null, 0 | 1]>>();
  private readonly abortEval: AbortEvaluator;

  constructor(
    private readonly scenario: Scenario,
    private readonly runId: string,
    private readonly emit: (e: EngineEvent) => void,
    /** The runbook's durations in ms (default: converted here, for callers without a plan). */
    private readonly times: PlanTimes = planTimes(scenario),
  ) {
    this.abortEval = new AbortEvaluator(scenario.abort.map(mapAbort));
    const id = primaryProbe(scenario);
    const spec = scenario.probes.find((p) => p.id === id);
    if (!id || !spec) return;
    const slos = mapSlos(scenario.slos);
    const env = scenario.environment;
    this.clock = slos.recoveryTimeMs?.from ?? DEFAULT_RECOVERY_CLOCK;
    this.recoveryTargetMs = slos.recoveryTimeMs ? targetFor(slos.recoveryTimeMs, env) : undefined;
    this.probe = { id, intervalMs: this.times.probeIntervalMs.get(spec.id)! };
    this.live = new LiveRecoveryTimers({
      probeId: id,
      healthyAfter: spec.healthyAfter ?? DEFAULT_HEALTHY_AFTER,
      intervalMs: this.probe.intervalMs,
      holdMs: slos.recoveryTimeMs?.holdMs,
      recoveryTargetMs: this.recoveryTargetMs,
      recoveryClock: this.clock,
      detectionTargetMs: slos.detectionTimeMs ? targetFor(slos.detectionTimeMs, env) : undefined,
    });
  }

  /** Every series of the probe healthy at its latest sample (undefined before the first sample). */
  probeHealthy(probeId: string): boolean | undefined {
    const m = this.health.get(probeId);
    if (!m || m.size === 0) return undefined;
    return [...m.values()].every(Boolean);
  }

  /** The fault windows so far, as the SLO verdicts and the report take them. */
  windows(): ImpactWindow[] {
    return this.live ? [...this.activated].map((id) => ({ ...this.live!.window(id)! })) : [];
  }

  /**
   * An inject step's faults are active (the window starts): start timing its impact. The window
   * starts when the last of its faults became active, the instant the audit records for it, so the
   * report (report/fault-walk.ts) starts it at the same moment; `at` (the inject call's return)
   * only when no fault's time is known.
   */
  injected(stepId: string, returnedAt: number): void {
    if (!this.live || !this.probe || this.activated.has(stepId)) return;
    const known = [...(this.stepFaults.get(stepId)?.values() ?? [])].flatMap((e) => (e.activeAt === undefined ? [] : [e.activeAt]));
    const at = known.length ? Math.max(...known) : returnedAt;
    this.activated.add(stepId);
    this.live.addFault(stepId, at);
    const t: TimerView = { faultId: stepId, probeId: this.probe.id, series: 'all', state: 'waiting', injectedAt: at, targetMs: this.recoveryTargetMs, colour: 'green', precisionMs: this.probe.intervalMs, clock: this.clock, holdMs: this.live.holdMs, relapses: 0 };
    this.timers.set(stepId, t);
    this.emit({ type: 'timer.update', runId: this.runId, timer: t });
    this.maybeEnd(stepId);
  }

  /**
   * A fault changed state (FaultManager's 'fault' event). The step's window opens when its first
   * inject is sent (the fault may take effect before it is verified); it ends on verified ends only.
   */
  faultChanged(f: FaultView, at = nowMs()): void {
    if (!f.stepId || !this.live) return;
    let m = this.stepFaults.get(f.stepId);
    if (!m) this.stepFaults.set(f.stepId, (m = new Map()));
    let tried = this.tried.get(f.stepId);
    if (!tried) this.tried.set(f.stepId, (tried = new Map()));
    if (f.state === 'injecting' && !tried.has(f.id)) {
      tried.set(f.id, 'injecting');
      if (tried.size === 1 && !this.activated.has(f.stepId)) this.live.openFault(f.stepId, at);
    } else if (tried.has(f.id)) tried.set(f.id, f.state);
    // Rolled back everywhere, nothing ever active: the window never was.
    if ([...tried.values()].every((x) => x === 'failed') && m.size === 0 && !this.activated.has(f.stepId)) this.live.dropFault(f.stepId);
    // A one-shot fault (a kill) happened once: its window is over as soon as it was active.
    if (f.state === 'active' && !m.has(f.id)) m.set(f.id, f.oneShot ? { activeAt: at, at, kind: 'one-shot' } : { activeAt: at });
    else if (f.state === 'reverted' && m.get(f.id)?.at === undefined && m.has(f.id)) m.set(f.id, { ...m.get(f.id), at, kind: 'revert' });
    this.maybeEnd(f.stepId);
  }

  /** A fault's lease is known to have expired (the node reverted it by itself) at `expiredAt`. */
  leaseExpired(faultId: string, expiredAt: number): void {
    for (const [stepId, m] of this.stepFaults) {
      const e = m.get(faultId);
      if (!e || (e.at !== undefined && e.at <= expiredAt)) continue;
      m.set(faultId, { ...e, at: expiredAt, kind: 'lease' });
      this.maybeEnd(stepId);
    }
  }

  private maybeEnd(stepId: string): void {
    const ends = [...(this.stepFaults.get(stepId)?.values() ?? [])];
    if (!this.live || !this.activated.has(stepId) || ends.length === 0 || ends.some((e) => e.at === undefined)) return;
    const last = ends.reduce((a, b) => (b.at! > a.at! ? b : a));
    this.live.endFault(stepId, last.at!, last.kind!);
    this.publish(this.live.changes(nowMs()));
  }

  /** Feed one sample; returns the abort trip the first time a condition holds. */
  onSample(s: Sample): AbortTrip | null {
    const m = this.health.get(s.probeId) ?? new Map<string, boolean>();
    m.set(s.series, s.healthy);
    this.health.set(s.probeId, m);
    this.steady.onSample(s);
    const key = `${s.probeId}\u0000${s.series}`;
    const list = this.pending.get(key) ?? [];
    list.push([s.t, s.value, s.healthy ? 1 : 0]);
    this.pending.set(key, list);
    if (this.live) this.publish(this.live.onSample(s));
    return this.abortEval.onSample(s);
  }

  private publish(c: { faults: LiveTimerState[]; unattributed: UnattributedImpact[] }): void {
    for (const st of c.faults) {
      const t = this.timers.get(st.id);
      if (!t) continue;
      Object.assign(t, {
        state: st.state,
        colour: st.vsTarget,
        detectedAt: st.detectedAt,
        recoveredAt: st.recoveredAt,
        endedAt: st.endAt,
        endKind: st.endKind,
        impactMs: st.impactMs,
        recoverAfterRevertMs: st.recoverAfterRevertMs,
        selfHealed: st.selfHealed,
        selfHealedAfterMs: st.selfHealedAfterMs,
        relapses: st.relapses,
        holdingSince: st.holdingSince,
        holdUntil: st.holdUntil,
        interruptedAt: st.interruptedAt,
        interruptedBy: st.interruptedBy,
        unhealthyAtStart: st.unhealthyAtStart,
      } satisfies Partial<TimerView>);
      this.emit({ type: 'timer.update', runId: this.runId, timer: strip(t) });
    }
    for (const u of c.unattributed) {
      const t = this.unattributedView(u);
      this.timers.set(t.faultId, t);
      this.emit({ type: 'timer.update', runId: this.runId, timer: strip(t) });
    }
  }

  private unattributedView(u: UnattributedImpact): TimerView {
    let id = this.unattributedIds.get(u.startAt);
    if (!id) this.unattributedIds.set(u.startAt, (id = `unattributed-${this.unattributedIds.size + 1}`));
    const state = u.state === 'recovered' ? 'recovered' : u.state === 'interrupted' ? 'interrupted' : u.relapses > 0 ? 'flapping' : 'degraded';
    return { faultId: id, probeId: this.probe!.id, series: u.series.join(', '), state, injectedAt: u.startAt, detectedAt: u.startAt, recoveredAt: u.recoveredAt, colour: 'amber', precisionMs: this.probe!.intervalMs, unattributed: true, impactMs: u.durationMs, relapses: u.relapses, holdMs: this.live!.holdMs };
  }

  /** Send the buffered samples to the UI, one event per (probe, series). */
  flush(): void {
    for (const [key, points] of this.pending) {
      const [probeId, series] = key.split('\u0000') as [string, string];
      this.emit({ type: 'probe.samples', runId: this.runId, probeId, series, points });
    }
    this.pending.clear();
  }

  /** Fault timers whose window has ended and whose impact has not recovered yet (still measurable). */
  unrecovered(): TimerView[] {
    return [...this.timers.values()].filter((t) => !t.unattributed && t.endedAt !== undefined && (t.state === 'degraded' || t.state === 'recovering' || t.state === 'flapping'));
  }

  get hasTimers(): boolean {
    return this.timers.size > 0;
  }

  /**
   * The runbook's last step can come right after a revert, before the service has held healthy for
   * the hold window: keep measuring (probes keep running) until every impact of a reverted fault has
   * recovered, or the recovery target (default 30 s, at most 2 min) plus the hold has passed. A fault
   * still active cannot recover (it is reverted by the final sweep): not waited for. `check` throws on STOP.
   */
  async awaitRecoveries(check: () => void): Promise<void> {
    if (!this.live || this.unrecovered().length === 0) return;
    const limit = Math.min(RECOVERY_WAIT_MAX_MS, this.recoveryTargetMs ?? RECOVERY_WAIT_DEFAULT_MS) + this.live.holdMs;
    this.emit({ type: 'log', level: 'info', message: `runbook done; measuring recovery of ${this.unrecovered().map((t) => t.faultId).join(', ')} (up to ${Math.round(limit / 1000)} s: the target plus a ${Math.round(this.live.holdMs / 1000)} s hold)`, at: nowMs() });
    const until = performance.now() + limit;
    while (this.unrecovered().length > 0 && performance.now() < until) {
      check();
      await sleep(POLL_MS);
    }
  }

  timerViews(): TimerView[] {
    return [...this.timers.values()].map(strip);
  }

  probeViews(): ProbeView[] {
    return this.scenario.probes.map((p) => ({ id: p.id, kind: p.kind, series: [...(this.health.get(p.id)?.keys() ?? [])], intervalMs: this.times.probeIntervalMs.get(p.id)!, healthy: Object.fromEntries(this.health.get(p.id) ?? []) }));
  }
}

/** A copy without undefined keys (the wire and JSON output stay tidy). */
function strip(t: TimerView): TimerView {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as TimerView;
}
