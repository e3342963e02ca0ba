/**
 * A run's lapsed leases and what they make of its results. When the node's lease reverted a fault
 * before the runbook meant to (a cut management link), everything measured afterwards while the
 * fault was supposed to be held says nothing about the hypothesis: those steps are inconclusive,
 * passing SLO verdicts are inconclusive (a fail measured under a shorter fault is still a fail),
 * and the run exits 1 naming why.
 */
import type { EngineEvent, SloResult, StepView } from '../api/index.js';
import { nowMs } from '../probes/index.js';
import { planTimes, type PlanTimes, type Scenario, type Step } from '../scenario/index.js';
import type { FaultManager } from './fault-manager.js';
import { isoSeconds } from './lease-facts.js';
import { describeLeaseNotice, type LeaseNotice } from './lease-notice.js';

/** One fault the node's lease ended early. Times on the engine's clock (nowMs), like step times. */
export interface Lapse {
  faultId: string;
  faultKind: string;
  node: string;
  /** The inject step that put it in place. */
  stepId?: string;
  injectedAt?: number;
  expiredAt: number;
}

/** Step kinds whose outcome depends on what the system did during the fault. */
const OBSERVING = new Set<Step['kind']>(['wait', 'assert', 'command', 'integrity', 'revert', 'inject']);

/** The lapses of one run, and the pure rules for what they make inconclusive. */
export class LapseBook {
  readonly lapses: Lapse[] = [];

  /** `times`: the run's durations in ms, converted once when it was planned (default: from the scenario). */
  constructor(private readonly times?: PlanTimes) {}

  record(l: Lapse): void {
    if (!this.lapses.some((x) => x.faultId === l.faultId)) this.lapses.push(l);
  }

  /**
   * When the runbook meant the fault to end: its inject step's duration, else the start of the
   * revert step naming it, else the end of the run.
   */
  private plannedEnd(l: Lapse, scenario: Scenario, steps: StepView[], runEnd: number): number {
    const all = scenario.phases.flatMap((p) => p.steps);
    const inject = all.find((s) => s.id === l.stepId);
    const holdMs = inject?.kind === 'inject' ? (this.times ?? planTimes(scenario)).steps.get(inject.id)?.durationMs : undefined;
    if (holdMs !== undefined && l.injectedAt !== undefined) return l.injectedAt + holdMs;
    const revert = all.find((s) => s.kind === 'revert' && s.step === l.stepId);
    return (revert && steps.find((v) => v.id === revert.id)?.startedAt) || runEnd;
  }

  /** "port-block on node06 was in effect 14 s of the planned 45 s: the node's lease reverted it at ≈T (seen at reconnect)". */
  reasons(scenario: Scenario | undefined, steps: StepView[], runEnd: number): string[] {
    return this.lapses.map((l) => {
      const planned = scenario ? this.plannedEnd(l, scenario, steps, runEnd) : runEnd;
      const held = l.injectedAt !== undefined ? `was in effect ${Math.round((l.expiredAt - l.injectedAt) / 1000)} s of the planned ${Math.round((planned - l.injectedAt) / 1000)} s` : 'ended early';
      return `${l.faultKind} on ${l.node} ${held}: the node's lease reverted it at ≈${isoSeconds(l.expiredAt)} (seen at reconnect)`;
    });
  }

  /**
   * Steps that ran, at least in part, while a lapsed fault should still have been held (from its
   * expiry to its planned end), and observe the system: each with the reason.
   */
  inconclusiveSteps(scenario: Scenario, steps: StepView[], runEnd: number): Map<string, string> {
    const out = new Map<string, string>();
    const kinds = new Map(scenario.phases.flatMap((p) => p.steps).map((s) => [s.id, s.kind]));
    const reasons = this.reasons(scenario, steps, runEnd);
    this.lapses.forEach((l, i) => {
      const until = this.plannedEnd(l, scenario, steps, runEnd);
      for (const s of steps) {
        const kind = kinds.get(s.id);
        if (!kind || !OBSERVING.has(kind) || s.startedAt === undefined || s.status === 'skipped' || s.status === 'pending') continue;
        const end = s.endedAt ?? runEnd;
        if (end > l.expiredAt && s.startedAt <= until && !out.has(s.id)) out.set(s.id, `depended on ${reasons[i]}`);
      }
    });
    return out;
  }

  /** Passing verdicts become inconclusive ('unknown'); fails stay fails. */
  judgeSlos(results: SloResult[], reasons: string[]): SloResult[] {
    if (this.lapses.length === 0) return results;
    return results.map((r) => (r.verdict === 'pass' ? { ...r, verdict: 'unknown', detail: [`inconclusive: ${reasons.join('; ')}`, r.detail].filter(Boolean).join('; ') } : r));
  }
}

/** What RunLapses uses of the run session. */
export interface LapseHost {
  readonly faults: FaultManager;
  /** The run's durations in ms (scenario/plan-times.ts). */
  readonly times?: PlanTimes;
  emit(e: EngineEvent): void;
  /** The fault's lease expired at `at` (engine clock): its window ends there (RunTelemetry.leaseExpired). */
  leaseExpired(faultId: string, at: number): void;
  update(stepId: string, patch: Partial<StepView>): void;
  audit(kind: string, data: Record<string, unknown>): void;
}

/**
 * A run's side of the leases: every lease notice becomes a log line at once (the CLI's run display
 * and the UI show it), a lapse ends its step's fault window when it was the last fault held, and at
 * the end `settle` marks what the lapses made inconclusive.
 */
export class RunLapses {
  readonly book: LapseBook;
  /** Why the run's results prove less than planned; set by settle(), empty when no lease lapsed. */
  reasons: string[] = [];

  constructor(private readonly h: LapseHost) {
    this.book = new LapseBook(h.times);
    h.faults.on('lease', (n) => this.onNotice(n));
  }

  private onNotice(n: LeaseNotice): void {
    const level = n.kind === 'restored' ? 'info' : n.kind === 'expired' ? 'error' : 'warn';
    this.h.emit({ type: 'log', level, message: describeLeaseNotice(n), at: nowMs() });
    if (n.kind !== 'expired') return;
    // Epoch ms (the lease's clock) to the engine's clock (steps, samples).
    const mono = (epoch: number) => nowMs() - (Date.now() - epoch);
    const f = this.h.faults.faults.get(n.faultId);
    this.book.record({ faultId: n.faultId, faultKind: n.faultKind, node: n.node, stepId: f?.stepId, injectedAt: f?.injectedAt === undefined ? undefined : mono(f.injectedAt), expiredAt: mono(n.expiredAt) });
    // The telemetry ends the step's window once every fault of the step has ended (revert or lease).
    this.h.leaseExpired(n.faultId, mono(f?.leaseExpiredAt ?? n.expiredAt));
  }

  /** Mark inconclusive steps and the reasons, and return the SLO verdicts judged with them. */
  settle(scenario: Scenario, steps: StepView[], runEnd: number, slos: SloResult[]): SloResult[] {
    if (this.book.lapses.length === 0) return slos;
    const reasons = (this.reasons = this.book.reasons(scenario, steps, runEnd));
    for (const [stepId, why] of this.book.inconclusiveSteps(scenario, steps, runEnd)) {
      this.h.update(stepId, { inconclusive: why });
      this.h.audit('step.inconclusive', { stepId, reason: why });
    }
    return this.book.judgeSlos(slos, reasons);
  }
}
