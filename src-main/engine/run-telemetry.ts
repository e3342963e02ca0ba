import type { EngineEvent, ProbeView, TimerView } from '../api/index.js';
import { AbortEvaluator, LiveRecoveryTimers, nowMs, targetFor, type AbortTrip, type Sample } from '../probes/index.js';
import { DEFAULT_HEALTHY_AFTER, type Scenario } from '../scenario/index.js';
import { parseDuration } from '../util/duration.js';
import { mapAbort, mapSlos, primaryProbe } from './scenario-map.js';
import type { InjectWindow } from './slo-eval.js';
import { POLL_MS, sleep } from './step-waits.js';

/** After the last step, how long to keep measuring an impact that has not recovered yet. */
const RECOVERY_WAIT_DEFAULT_MS = 30_000;
const RECOVERY_WAIT_MAX_MS = 120_000;

/**
 * What the probes say during one run: latest health per series, live recovery timers per injected
 * step, the abort conditions, the inject/revert windows the SLO verdicts use, and probe samples
 * waiting to go to the UI in a batch. Pure bookkeeping: the session decides what to do with it.
 */
export class RunTelemetry {
  readonly injects: InjectWindow[] = [];
  private readonly timers = new Map<string, TimerView>();
  private readonly health = new Map<string, Map<string, boolean>>();
  private readonly live = new LiveRecoveryTimers();
  private readonly pending = new Map<string, Array<[number, number | null, 0 | 1]>>();
  private readonly abortEval: AbortEvaluator;

  constructor(
    private readonly scenario: Scenario,
    private readonly runId: string,
    private readonly emit: (e: EngineEvent) => void,
  ) {
    this.abortEval = new AbortEvaluator(scenario.abort.map(mapAbort));
  }

  /** Every series of the probe healthy at its latest sample (undefined before the first sample). */
  probeHealthy(probeId: string): boolean | undefined {
    const m = this.health.get(probeId);
    if (!m || m.size === 0) return undefined;
    return [...m.values()].every(Boolean);
  }

  /** Start timing an injected step's impact on the primary probe. */
  injected(stepId: string, at: number): void {
    this.injects.push({ stepId, injectAt: at });
    const probe = primaryProbe(this.scenario);
    if (!probe) return;
    const slos = mapSlos(this.scenario.slos);
    const env = this.scenario.environment;
    const spec = this.scenario.probes.find((p) => p.id === probe)!;
    const recoveryTargetMs = slos.recoveryTimeMs ? targetFor(slos.recoveryTimeMs, env) : undefined;
    this.live.addFault({ faultId: stepId, probeId: probe, injectAt: at, healthyAfter: spec.healthyAfter ?? DEFAULT_HEALTHY_AFTER, recoveryTargetMs, detectionTargetMs: slos.detectionTimeMs ? targetFor(slos.detectionTimeMs, env) : undefined });
    const t: TimerView = { faultId: stepId, probeId: probe, series: 'all', state: 'waiting', injectedAt: at, targetMs: recoveryTargetMs, colour: 'green', precisionMs: parseDuration(spec.interval) };
    this.timers.set(stepId, t);
    this.emit({ type: 'timer.update', runId: this.runId, timer: t });
  }

  reverted(stepId: string, at: number): void {
    const w = this.injects.find((x) => x.stepId === stepId && x.revertAt === undefined);
    if (w) w.revertAt = at;
  }

  /** Feed one sample; returns the abort trip the first time a condition holds. */
  onSample(s: Sample): AbortTrip | null {
    const m = this.health.get(s.probeId) ?? new Map<string, boolean>();
    m.set(s.series, s.healthy);
    this.health.set(s.probeId, m);
    const key = `${s.probeId}\u0000${s.series}`;
    const list = this.pending.get(key) ?? [];
    list.push([s.t, s.value, s.healthy ? 1 : 0]);
    this.pending.set(key, list);
    for (const st of this.live.onSample(s)) {
      const t = this.timers.get(st.faultId);
      if (!t) continue;
      Object.assign(t, { state: st.state, detectedAt: st.detectedAtMs, recoveredAt: st.recoveredAtMs, colour: st.vsTarget });
      this.emit({ type: 'timer.update', runId: this.runId, timer: { ...t } });
    }
    return this.abortEval.onSample(s);
  }

  /** Send the buffered samples to the UI, one event per (probe, series). */
  flush(): void {
    for (const [key, points] of this.pending) {
      const [probeId, series] = key.split('\u0000') as [string, string];
      this.emit({ type: 'probe.samples', runId: this.runId, probeId, series, points });
    }
    this.pending.clear();
  }

  /** Timers whose impact was detected and has not recovered yet. */
  unrecovered(): TimerView[] {
    return [...this.timers.values()].filter((t) => t.state === 'degraded' || t.state === 'recovering');
  }

  get hasTimers(): boolean {
    return this.timers.size > 0;
  }

  /**
   * The runbook's last step can come right after a revert, before the service has had k healthy
   * samples: keep measuring (probes keep running) until every detected impact has recovered, or
   * the recovery target (default 30 s, at most 2 min) has passed. `check` throws on STOP.
   */
  async awaitRecoveries(check: () => void): Promise<void> {
    if (this.unrecovered().length === 0) return;
    const slos = mapSlos(this.scenario.slos);
    const limit = Math.min(RECOVERY_WAIT_MAX_MS, slos.recoveryTimeMs ? targetFor(slos.recoveryTimeMs, this.scenario.environment) : RECOVERY_WAIT_DEFAULT_MS);
    this.emit({ type: 'log', level: 'info', message: `runbook done; measuring recovery of ${this.unrecovered().map((t) => t.faultId).join(', ')} (up to ${Math.round(limit / 1000)} s)`, at: nowMs() });
    const until = performance.now() + limit;
    while (this.unrecovered().length > 0 && performance.now() < until) {
      check();
      await sleep(POLL_MS);
    }
  }

  timerViews(): TimerView[] {
    return [...this.timers.values()];
  }

  probeViews(): ProbeView[] {
    return this.scenario.probes.map((p) => ({ id: p.id, kind: p.kind, series: [...(this.health.get(p.id)?.keys() ?? [])], intervalMs: parseDuration(p.interval), healthy: Object.fromEntries(this.health.get(p.id) ?? []) }));
  }
}
