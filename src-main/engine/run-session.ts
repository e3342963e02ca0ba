import { EventEmitter } from 'node:events';
import type { AuditStore } from '../audit/index.js';
import { probeUnit, type EngineEvent, type Note, type PhaseView, type RunSnapshot, type RunState, type SloResult, type StepView } from '../api/index.js';
import type { Inventory } from '../inventory/index.js';
import { buildScheduledProbes, nowMs, ProbeScheduler, type Sample } from '../probes/index.js';
import { planFaultParams, planTimes, type InjectStep, type PlanTimes, type Scenario } from '../scenario/index.js';
import type { Shell } from '../shell/index.js';
import { FaultManager, type InjectOutcome } from './fault-manager.js';
import { utf8Stream } from '../ssh/index.js';
import { canMove, checkApprover, initialViews, rolesOf, Stopped } from './run-state.js';
import { StepWaits } from './step-waits.js';
import { RunTelemetry } from './run-telemetry.js';
import { awaitSteadyState } from './steady-state.js';
import { mapProbe } from '../scenario/index.js';
import { evaluateRunSlos } from './slo-eval.js';
import { runStep, type StepHost } from './step-runners.js';
import { RunLapses } from './lease-lapses.js';
import { StopController, type StopReport } from './stop-controller.js';
import { probeNodes, resolveTargets, type ResolvedTarget } from './targets.js';
import { EXIT, type RunMode } from '../api/index.js';
import type { ClusterSide } from '../engines/k8s/index.js';
import { DrillController, NARRATED_KINDS, traineeCommands } from '../drill/index.js';

export type { RunOptions, RunOutcome } from './run-options.js';
import type { RunOptions, RunOutcome } from './run-options.js';

/** Probe samples go to the UI in batches, at most this often (a chart needs no more). */
const UI_SAMPLE_FLUSH_MS = 250;

/**
 * One game day: the runbook's state machine on the monotonic clock, its probes, timers, faults,
 * approvals and the one STOP. Emits typed `event`s (src-main/api/events.ts). Everything it starts
 * is stopped in `run()`'s finally: faults reverted, probes stopped, the audit closed for this run.
 */
export class RunSession extends EventEmitter<{ event: [EngineEvent] }> implements StepHost {
  readonly scenario: Scenario;
  readonly runId: string;
  readonly dryRun: boolean;
  readonly mode: RunMode;
  /** Drill / rehearsal bookkeeping (src-main/drill); absent in a plain game day. */
  readonly drill?: DrillController;
  readonly faults: FaultManager;
  readonly stopper: StopController;
  /** Every duration of the runbook, in milliseconds (scenario/plan-times.ts). */
  readonly times: PlanTimes;
  readonly faultParams: ReadonlyMap<string, unknown>;
  readonly cluster?: ClusterSide;
  targets = new Map<string, ResolvedTarget>();
  readonly integrity = new Map<string, Map<string, string>>();
  state: RunState = 'ready';
  private readonly phases: PhaseView[];
  private readonly steps: StepView[];
  private readonly notes: Note[] = [];
  private readonly waits = new StepWaits({ stopped: () => this.stopper.stopped, paused: () => this.state === 'paused' });
  private readonly telemetry: RunTelemetry;
  private scheduler?: ProbeScheduler;
  private abortReason?: string;
  private currentStepId?: string;
  private startedAt?: number;
  private endedAt?: number;
  /** Why the run failed, if it did (e.g. steady state not reached): in the outcome, so `run --json` says it too. */
  private failure?: string;
  private stopReport?: StopReport;
  private sloResults?: SloResult[];
  /** Steady state before the first inject (steady-state.ts): failed = nothing was injected, exit 4. */
  private steady: 'unchecked' | 'ok' | 'failed' = 'unchecked';
  private readonly lapses: RunLapses;
  private flushTimer?: NodeJS.Timeout;

  constructor(private readonly o: RunOptions) {
    super();
    this.scenario = o.scenario;
    this.runId = o.runId;
    this.mode = o.mode ?? 'gameday';
    if (this.mode === 'drill' && !o.scenario.drill) throw new Error(`${o.scenarioFile} has no drill block: it can run as a game day or a rehearsal, not as a drill`);
    // A rehearsal is a dry run that narrates: the dry-run path is what proves nothing is sent.
    this.dryRun = Boolean(o.dryRun) || this.mode === 'rehearsal';
    this.times = o.times ?? planTimes(o.scenario);
    this.faultParams = o.faultParams ?? planFaultParams(o.scenario);
    if (this.mode !== 'gameday') this.drill = new DrillController({ runId: o.runId, scenario: o.scenario, times: this.times, mode: this.mode, audit: o.audit, commander: o.commander, emit: (e) => this.emitEvent(e), now: nowMs, commandsUsed: () => traineeCommands(o.audit, o.runId) });
    const v = initialViews(o.scenario, this.times);
    this.phases = v.phases;
    this.steps = v.steps;
    this.faults = new FaultManager(o.pool, o.audit, o.runId, this.times.leaseTtlSec, { maxNodesPerFault: 1000, protected: o.scenario.protected, allowProd: o.scenario.allowProd, commander: o.commander });
    this.cluster = o.cluster;
    this.stopper = new StopController(this.faults, o.audit, o.cluster);
    o.cluster?.onFault((v, at) => (this.emitEvent({ type: 'fault.update', runId: this.runId, fault: v }), this.telemetry.faultChanged(v, at)));
    this.telemetry = new RunTelemetry(o.scenario, o.runId, (e) => this.emitEvent(e), this.times);
    this.faults.on('fault', (f) => (this.emitEvent({ type: 'fault.update', runId: this.runId, fault: FaultManager.view(f) }), this.telemetry.faultChanged(FaultManager.view(f), f.changedAt)));
    this.lapses = new RunLapses({ faults: this.faults, times: this.times, emit: (e) => this.emitEvent(e), leaseExpired: (id, at) => this.telemetry.leaseExpired(id, at), update: (s, p) => this.update(s, p), audit: (k, d) => this.audit(k, d) });
  }

  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  private emitEvent(e: EngineEvent): void {
    this.emit('event', e);
  }

  private setState(to: RunState): void {
    if (this.state === to || !canMove(this.state, to)) return;
    this.state = to;
    this.o.audit.append({ runId: this.runId, kind: `run.${to}`, actor: this.o.commander });
    this.emitEvent({ type: 'run.state', runId: this.runId, state: to, at: nowMs() });
  }

  view(stepId: string): StepView {
    const s = this.steps.find((x) => x.id === stepId);
    if (!s) throw new Error(`no step ${stepId}`);
    return s;
  }

  update(stepId: string, patch: Partial<StepView>): void {
    const s = this.view(stepId);
    Object.assign(s, patch);
    this.emitEvent({ type: 'step.update', runId: this.runId, step: { ...s } });
  }

  audit(kind: string, data: Record<string, unknown>, node?: string): void {
    this.o.audit.append({ runId: this.runId, kind, node, actor: this.o.commander, data });
  }

  output(stepId: string, node: string, stream: 'stdout' | 'stderr' | 'info', data: string): void {
    this.emitEvent({ type: 'exec.output', runId: this.runId, stepId, node, stream, data });
  }

  async exec(t: ResolvedTarget['nodes'][number], cmd: Shell, stepId: string, timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
    const out = utf8Stream();
    const err = utf8Stream();
    const r = await this.o.pool.exec(t.spec, cmd, { timeoutMs, signal: this.signal, onStdout: (b) => this.output(stepId, t.name, 'stdout', out(b)), onStderr: (b) => this.output(stepId, t.name, 'stderr', err(b)) });
    return { code: r.code, stdout: r.stdout };
  }

  async hold(ms: number, stepId: string): Promise<'elapsed' | 'advanced'> {
    this.update(stepId, { plannedMs: ms, startedAt: this.view(stepId).startedAt ?? nowMs() });
    return this.waits.hold(ms, stepId);
  }

  waitFor(stepId: string, ready: () => boolean, timeoutMs?: number): Promise<'ok' | 'advanced' | 'timeout'> {
    return this.waits.waitFor(stepId, ready, timeoutMs);
  }

  probeHealthy(probeId: string): boolean | undefined {
    return this.telemetry.probeHealthy(probeId);
  }

  onInjected(step: InjectStep, outcomes: InjectOutcome[], at: number): void {
    if (!outcomes.some((o) => o.ok)) return;
    this.drill?.faultActive(at);
    this.telemetry.injected(step.id, at);
    const holdMs = this.times.steps.get(step.id)?.durationMs;
    if (holdMs !== undefined) {
      const ids = outcomes.map((o) => o.faultId);
      this.faults.revertAfter(ids, holdMs, () => this.stopper.stopped, () => undefined);
      for (const id of ids) {
        const f = this.faults.faults.get(id);
        if (f) this.emitEvent({ type: 'fault.update', runId: this.runId, fault: { ...FaultManager.view(f), autoRevertAt: at + holdMs } });
      }
    }
  }

  private onSample(s: Sample): void {
    const trip = this.telemetry.onSample(s);
    this.drill?.onSample(s);
    if (trip && !this.stopper.stopped) {
      this.abortReason = trip.reason;
      this.audit('abort.fired', { reason: trip.reason });
      this.emitEvent({ type: 'abort.fired', runId: this.runId, reason: trip.reason, at: nowMs() });
      void this.stop(trip.reason, 'abort-condition');
    }
  }

  // ---- commands from the UI / CLI -------------------------------------------------------------
  pause(): void { this.setState('paused'); }
  resume(): void { this.setState('running'); }
  advance(stepId: string): void {
    this.waits.advance(stepId);
    this.audit('step.advanced', { stepId });
  }
  skip(stepId: string, reason: string): void {
    this.waits.skip(stepId, reason);
    this.audit('step.skip-requested', { stepId, reason });
  }
  checklist(stepId: string, index: number, done: boolean): void {
    const s = this.view(stepId);
    if (!s.checklist?.[index]) throw new Error(`step ${stepId} has no checklist item ${index}`);
    s.checklist[index]!.done = done;
    this.update(stepId, { checklist: s.checklist });
  }
  note(role: string, author: string, text: string): void {
    const n: Note = { ts: nowMs(), role, author, text };
    this.notes.push(n);
    this.o.audit.addNote(this.runId, { role, author, text });
    this.emitEvent({ type: 'note.added', runId: this.runId, note: n });
  }
  /** Two-person rule (run-state.ts checkApprover), recorded in the audit. */
  approve(stepId: string, approver: string): void {
    const who = approver.trim();
    checkApprover(this.view(stepId), who, this.o.commander);
    this.o.audit.addApproval(this.runId, { step: stepId, approver: who, decision: 'approved' });
    this.update(stepId, { approvedBy: who, approvedAt: nowMs() });
  }
  reject(stepId: string, approver: string, reason: string): void {
    this.o.audit.addApproval(this.runId, { step: stepId, approver, decision: 'rejected', reason });
    void this.stop(`step ${stepId} rejected by ${approver}: ${reason}`, approver);
  }
  /** The one STOP (idempotent): cancels pending work, reverts everything, reports per node. */
  async stop(reason: string, actor = this.o.commander): Promise<StopReport> {
    // STOP first: it disarms lease renewals and lets the audit journal instead of wait before
    // anything here writes (a locked audit must not hold or kill STOP).
    const stopping = this.stopper.stop(reason, actor);
    this.setState('stopping');
    const report = await stopping;
    this.stopReport = report;
    this.emitEvent({ type: 'stop.report', runId: this.runId, report });
    return report;
  }

  snapshot(): RunSnapshot {
    return {
      runId: this.runId,
      scenarioFile: this.o.scenarioFile,
      title: this.scenario.title,
      environment: this.scenario.environment,
      simulated: Boolean(this.o.simulated),
      dryRun: this.dryRun,
      mode: this.mode,
      state: this.state,
      commander: this.o.commander,
      roles: rolesOf(this.scenario, this.o.commander),
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      serverNow: nowMs(),
      phases: this.phases.map((p) => ({ ...p })),
      steps: this.steps.map((s) => ({ ...s })),
      currentStepId: this.currentStepId,
      faults: [...[...this.faults.faults.values()].map((f) => FaultManager.view(f)), ...(this.cluster?.views() ?? [])],
      timers: this.telemetry.timerViews(),
      // Each chart's axis says what the value measures (api/units.ts).
      probes: this.telemetry.probeViews().map((v) => ({ ...v, unit: probeUnit(this.scenario.probes.find((x) => x.id === v.id) ?? v) })),
      notes: [...this.notes],
      stop: this.stopReport,
      slos: this.sloResults,
      abortReason: this.abortReason,
    };
  }

  // ---- the run ----------------------------------------------------------------------------------
  private startProbes(): void {
    if (this.dryRun || this.scenario.probes.length === 0) return;
    const specs = this.scenario.probes.map(mapProbe);
    const probes = buildScheduledProbes(specs, (t) => probeNodes(this.targets.get(t)), { ssh: this.o.pool });
    this.scheduler = new ProbeScheduler({ probes, onSample: (s) => this.onSample(s), sinkAll: (batches) => this.o.audit.addSampleBatches(this.runId, batches), onError: (e) => this.emitEvent({ type: 'log', level: 'warn', message: `probe: ${(e as Error).message}`, at: nowMs() }) });
    this.scheduler.start();
    this.flushTimer = setInterval(() => this.telemetry.flush(), UI_SAMPLE_FLUSH_MS);
  }

  /** Wait for a second person before a step that needs one. Headless runs take `--approver`. */
  private async gate(st: StepView): Promise<void> {
    if (!st.needsApproval || st.approvedBy) return;
    if (this.dryRun && this.mode !== 'rehearsal') {
      this.update(st.id, { approvedBy: 'dry-run (no approval needed: nothing is sent)' });
      return;
    }
    this.update(st.id, { status: 'awaiting-approval' });
    if (this.o.headless) {
      const who = this.o.approver ?? (await this.o.approvalPrompt?.(st));
      if (!who) throw new Error(`step ${st.id} needs approval by someone other than the commander: pass --approver NAME`);
      this.approve(st.id, who);
      return;
    }
    await this.waitFor(st.id, () => Boolean(this.view(st.id).approvedBy) || this.waits.skipReason(st.id) !== undefined);
  }

  /** Runs the whole runbook; always ends with every fault reverted and the probes stopped. */
  async run(): Promise<RunOutcome> {
    let failure: string | undefined;
    this.o.audit.createRun({ id: this.runId, scenario: this.o.scenarioFile, title: this.scenario.title, env: this.scenario.environment, commander: this.o.commander, meta: { dryRun: this.dryRun, simulated: Boolean(this.o.simulated), mode: this.mode } });
    try {
      this.setState('preflight');
      this.targets = resolveTargets(this.scenario, this.o.inventory, this.o.sshConfig);
      this.startedAt = nowMs();
      this.setState('running');
      this.startProbes();
      this.emitEvent({ type: 'run.snapshot', snapshot: this.snapshot() });
      this.drill?.begin();
      for (const phase of this.phases) {
        this.waits.throwIfStopped();
        Object.assign(phase, { status: 'running', startedAt: nowMs() });
        this.emitEvent({ type: 'phase.update', runId: this.runId, phase: { ...phase } });
        for (const st of this.steps.filter((s) => s.phaseId === phase.id)) {
          this.waits.throwIfStopped();
          await this.waits.whilePaused();
          this.waits.throwIfStopped();
          this.currentStepId = st.id;
          const step = this.scenario.phases.flatMap((p) => p.steps).find((s) => s.id === st.id)!;
          // Steady state first: the probes must see a healthy system before anything is injected.
          if (step.kind === 'inject' && !this.dryRun && this.steady === 'unchecked') this.steady = await awaitSteadyState(this.scenario, this.times, this.telemetry.steady, () => this.waits.throwIfStopped(), (e) => ((this.steady = 'failed'), this.audit('steady-state.failed', { samples: e.samples, waitedMs: e.waitedMs, misses: e.misses })));
          this.update(st.id, { status: 'running', startedAt: nowMs() });
          this.audit('step.started', { stepId: st.id, kind: st.kind });
          await this.gate(st);
          const skipReason = this.waits.skipReason(st.id);
          let res = skipReason !== undefined ? { status: 'skipped' as const, message: `skipped: ${skipReason}` } : await runStep(this, step, Boolean(this.o.headless));
          // A skip pressed while the step ran ends it early: it counts as skipped, with the reason.
          const late = this.waits.skipReason(st.id);
          if (skipReason === undefined && late !== undefined && res.status === 'done') res = { status: 'skipped', message: `skipped: ${late}` };
          if (this.mode === 'rehearsal' && res.status === 'done' && NARRATED_KINDS.has(step.kind)) {
            const told = this.drill!.rehearse(step);
            await this.o.rehearsalPause?.(st.id, told);
          }
          this.update(st.id, { status: res.status, endedAt: nowMs(), message: res.message });
          this.audit(`step.${res.status}`, { stepId: st.id, message: res.message });
          if (res.status === 'failed') {
            if (this.o.headless) throw new Error(`step ${st.id} failed: ${res.message}`);
            this.emitEvent({ type: 'log', level: 'error', message: `step ${st.id} failed: ${res.message} — paused; resume to go on, or STOP`, at: nowMs() });
            this.setState('paused');
          }
        }
        Object.assign(phase, { status: 'done', endedAt: nowMs() });
        this.emitEvent({ type: 'phase.update', runId: this.runId, phase: { ...phase } });
      }
      if (!this.dryRun) await this.telemetry.awaitRecoveries(() => this.waits.throwIfStopped());
    } catch (e) {
      if (!(e instanceof Stopped)) failure = (e as Error).message;
      this.closeInterrupted(failure);
    } finally {
      await this.finish(failure);
    }
    return this.outcome();
  }

  /** A STOP, an abort or a failure cut the run short: no step or phase may be left "running". */
  private closeInterrupted(failure: string | undefined): void {
    const at = nowMs();
    for (const st of this.steps) {
      if (st.status === 'running' || st.status === 'awaiting-approval' || st.status === 'awaiting-operator') {
        this.update(st.id, failure ? { status: 'failed', endedAt: at, message: failure } : { status: 'skipped', endedAt: at, message: 'interrupted by STOP' });
        this.audit(failure ? 'step.failed' : 'step.skipped', { stepId: st.id, message: failure ?? 'interrupted by STOP' });
      }
    }
    for (const p of this.phases) {
      if (p.status !== 'running') continue;
      Object.assign(p, { status: 'skipped', endedAt: at });
      this.emitEvent({ type: 'phase.update', runId: this.runId, phase: { ...p } });
    }
  }

  private async finish(failure: string | undefined): Promise<void> {
    this.faults.cancelAutoReverts();
    const wasStopped = this.stopper.stopped;
    // Reverts in finally: a failure, an exception or the end of the runbook all leave nodes clean
    // (stop() moves the state to stopping once STOP has started).
    const report = await this.stop(wasStopped ? 'stopped' : failure ? `run failed: ${failure}` : 'runbook finished');
    await this.scheduler?.dispose();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.telemetry.flush();
    this.faults.dispose();
    this.cluster?.dispose();
    this.endedAt = nowMs();
    if (!this.dryRun) {
      this.sloResults = evaluateRunSlos(this.o.audit, this.runId, this.scenario, this.times, this.telemetry.windows(), this.startedAt ?? this.endedAt, this.endedAt).results;
    } else this.sloResults = [];
    this.sloResults = this.lapses.settle(this.scenario, this.steps, this.endedAt, this.sloResults);
    this.drill?.finish();
    this.failure = failure;
    if (failure) {
      this.emitEvent({ type: 'log', level: 'error', message: failure, at: nowMs() });
      this.setState('failed');
    } else this.setState(wasStopped ? 'aborted' : 'completed');
    const out = this.outcome();
    this.emitEvent({ type: 'run.result', runId: this.runId, slos: out.slos, exitCode: out.exitCode });
    this.o.audit.endRun(this.runId, this.state, { exitCode: out.exitCode, clean: report.clean, slos: out.slos, failure, abortReason: this.abortReason, inconclusive: this.lapses.reasons, mode: this.mode, dryRun: this.dryRun });
  }

  private outcome(): RunOutcome {
    const slos = this.sloResults ?? [];
    const clean = this.stopReport?.clean ?? true;
    // Steady state not reached: nothing was injected, like a failed preflight (exit 4).
    const exitCode = this.steady === 'failed' ? EXIT.PREFLIGHT_FAILED : this.state === 'aborted' ? EXIT.STOPPED : this.state === 'failed' || !clean || this.lapses.reasons.length ? EXIT.FAILED : slos.some((s) => s.verdict === 'fail') ? EXIT.FAILED : EXIT.OK;
    return { runId: this.runId, state: this.state, exitCode, slos, stop: this.stopReport, abortReason: this.abortReason, inconclusive: this.lapses.reasons, ...(this.failure ? { failure: this.failure } : {}) };
  }
}
