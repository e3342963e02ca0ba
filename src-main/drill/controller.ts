/**
 * One drill or rehearsal: the drill clock, the hint schedule, trainees' declarations and their
 * confirmation by the probes, the facilitator's rulings, rehearsal outcomes and the final score.
 * Everything it decides goes to the audit as a `drill.*` / `rehearsal.*` event and to clients as
 * a `drill.update` event (the full view; the backend redacts it per client, see redact.ts).
 */
import type { AuditStore } from '../audit/index.js';
import type { Declaration, DrillScore, DrillView, RunMode } from '../api/index.js';
import type { EngineEvent } from '../api/index.js';
import type { Sample } from '../probes/index.js';
import { DEFAULT_HEALTHY_AFTER, planTimes, type PlanTimes, type Scenario, type Step } from '../scenario/index.js';
import { HintSchedule } from './hints.js';
import { rehearsalOutcome } from './rehearsal.js';
import { scoreDrill } from './score.js';

/** How often the controller looks at the hint schedule and pending confirmations. */
const TICK_MS = 200;
/** A "mitigated" declaration the probes have not confirmed after this long is not confirmed. */
export const CONFIRM_WAIT_MS = 60_000;

export interface DrillHost {
  runId: string;
  scenario: Scenario;
  /** The runbook's durations in ms, converted once when the run was planned (default: converted here). */
  times?: PlanTimes;
  mode: RunMode;
  audit: AuditStore;
  commander: string;
  emit(e: EngineEvent): void;
  /** Monotonic epoch ms (the engine's clock). */
  now(): number;
  /** Shell commands trainees ran so far (from the audit). */
  commandsUsed(): number;
}

interface Pending {
  id: number;
  deadline: number;
  /** Consecutive healthy samples per series since the declaration. */
  runs: Map<string, number>;
}

export class DrillError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class DrillController {
  readonly schedule: HintSchedule;
  readonly declarations: Declaration[] = [];
  readonly outcomes: Record<string, string> = {};
  clockStartedAt?: number;
  score?: DrillScore;
  private readonly pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly probeId: string | undefined;
  private readonly k: number;
  private readonly times: PlanTimes['drill'];

  constructor(private readonly h: DrillHost) {
    const d = h.scenario.drill;
    this.times = (h.times ?? planTimes(h.scenario)).drill;
    const after = this.times?.hintAfterMs ?? [];
    this.schedule = new HintSchedule((d?.hints ?? []).map((x, i) => ({ afterMs: after[i]!, text: x.text, penalty: x.penalty })));
    this.probeId = d?.mitigationProbe ?? h.scenario.probes[0]?.id;
    this.k = h.scenario.probes.find((p) => p.id === this.probeId)?.healthyAfter ?? DEFAULT_HEALTHY_AFTER;
  }

  get isDrill(): boolean {
    return this.h.mode === 'drill';
  }

  private audit(kind: string, data: Record<string, unknown>, actor = this.h.commander): void {
    this.h.audit.append({ runId: this.h.runId, kind, actor, data });
  }

  private changed(): void {
    this.h.emit({ type: 'drill.update', runId: this.h.runId, drill: this.view() });
  }

  /** At run start: record the drill's set-up (so the report and debrief need only the audit) and start ticking. */
  begin(): void {
    const d = this.h.scenario.drill;
    this.audit('run.mode', { mode: this.h.mode });
    if (this.isDrill && d) {
      this.audit('drill.configured', { briefing: d.briefing, choices: d.diagnosis.choices, answer: d.diagnosis.answer, hints: this.schedule.hints.map((x) => ({ afterMs: x.afterMs, text: x.text, penalty: x.penalty })), ttdTargetMs: this.ttdTargetMs, ttmTargetMs: this.ttmTargetMs, mitigationProbe: this.probeId ?? null });
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
    this.changed();
  }

  /** The first hidden fault is active: the drill clock starts (once). */
  faultActive(at: number): void {
    if (!this.isDrill || this.clockStartedAt !== undefined) return;
    this.clockStartedAt = at;
    this.audit('drill.clock-started', { at });
    this.changed();
  }

  /** Reveal hints that fell due and close confirmations that waited too long. */
  tick(now = this.h.now()): void {
    for (const i of this.schedule.due(this.clockStartedAt, now)) this.revealHint(i, 'schedule', now);
    for (const p of [...this.pending]) {
      if (now < p.deadline) continue;
      this.settle(p, false, `the probes did not stay healthy for ${this.k} samples within ${Math.round(CONFIRM_WAIT_MS / 1000)} s`);
    }
  }

  private revealHint(index: number, by: string, now: number): void {
    if (!this.schedule.reveal(index, by, now)) return;
    const x = this.schedule.hints[index]!;
    this.audit('drill.hint', { index, text: x.text, penalty: x.penalty, by, afterClockMs: this.clockStartedAt === undefined ? null : now - this.clockStartedAt }, by === 'schedule' ? 'schedule' : by);
    this.changed();
  }

  /** The facilitator reveals a hint ahead of its schedule. */
  hint(index: number, by: string): void {
    this.requireDrill();
    if (!this.schedule.hints[index]) throw new DrillError('NO_HINT', `there is no hint ${index}`, `hints: 0-${this.schedule.hints.length - 1}`);
    this.revealHint(index, by, this.h.now());
  }

  private requireDrill(): void {
    if (!this.isDrill) throw new DrillError('NOT_A_DRILL', 'this run is not a drill', 'start the run with mode "drill"');
    if (this.score) throw new DrillError('DRILL_ENDED', 'the drill has ended');
  }

  declare(kind: Declaration['kind'], trainee: string, diagnosis?: string, notes?: string): Declaration {
    this.requireDrill();
    const choices = this.h.scenario.drill?.diagnosis.choices ?? [];
    if (diagnosis !== undefined && diagnosis !== '' && choices.length && !choices.includes(diagnosis)) throw new DrillError('BAD_DIAGNOSIS', `"${diagnosis}" is not one of the choices`, `choose one of: ${choices.join('; ')}`);
    const d: Declaration = { id: this.declarations.length, kind, trainee, at: this.h.now(), ...(diagnosis ? { diagnosis } : {}), ...(notes ? { notes } : {}), ...(kind === 'mitigated' ? { confirmed: null } : {}) };
    this.declarations.push(d);
    this.audit('drill.declared', { id: d.id, kind, diagnosis: d.diagnosis ?? null, notes: d.notes ?? null, afterClockMs: this.clockStartedAt === undefined ? null : d.at - this.clockStartedAt }, trainee);
    if (kind === 'mitigated') this.pending.push({ id: d.id, deadline: d.at + CONFIRM_WAIT_MS, runs: new Map() });
    this.changed();
    return d;
  }

  rule(id: number, ruling: 'accepted' | 'rejected', by: string): void {
    this.requireDrill();
    const d = this.declarations[id];
    if (!d) throw new DrillError('NO_DECLARATION', `there is no declaration ${id}`);
    d.ruling = ruling;
    this.audit('drill.ruled', { id, ruling, kind: d.kind }, by);
    this.changed();
  }

  /** Feed every probe sample; confirmations count the mitigation probe's samples after the declaration. */
  onSample(s: Sample): void {
    if (s.probeId !== this.probeId || this.pending.length === 0) return;
    for (const p of [...this.pending]) {
      const d = this.declarations[p.id]!;
      if (s.t < d.at) continue;
      p.runs.set(s.series, s.healthy ? (p.runs.get(s.series) ?? 0) + 1 : 0);
      if ([...p.runs.values()].every((n) => n >= this.k)) this.settle(p, true, `${this.probeId} healthy for ${this.k} consecutive samples`);
    }
  }

  private settle(p: Pending, ok: boolean, why: string): void {
    this.pending.splice(this.pending.indexOf(p), 1);
    const d = this.declarations[p.id]!;
    d.confirmed = ok;
    this.audit('drill.confirmed', { id: p.id, confirmed: ok, why }, 'probes');
    this.changed();
  }

  /** Rehearsal: the step's scripted outcome, recorded and shown. */
  rehearse(step: Step): string {
    const text = rehearsalOutcome(this.h.scenario, step);
    this.outcomes[step.id] = text;
    this.audit('rehearsal.outcome', { stepId: step.id, kind: step.kind, text });
    this.changed();
    return text;
  }

  /** Run over: pending confirmations end unconfirmed, the score is computed and recorded. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.isDrill) return;
    this.tick();
    for (const p of [...this.pending]) this.settle(p, false, 'the run ended before the probes confirmed it');
    this.score = scoreDrill({ clockStartedAt: this.clockStartedAt, ttdTargetMs: this.ttdTargetMs, ttmTargetMs: this.ttmTargetMs, declarations: this.declarations, answer: this.h.scenario.drill?.diagnosis.answer ?? '', hints: this.schedule.hints, commandsUsed: this.h.commandsUsed() });
    this.audit('drill.score', { ...this.score });
    this.changed();
  }

  /** Stop ticking without scoring (the run crashed before finish). */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private get ttdTargetMs(): number {
    return this.times?.detectMs ?? 0;
  }
  private get ttmTargetMs(): number {
    return this.times?.mitigateMs ?? 0;
  }

  /** The facilitator's (full) view; redact.ts derives the trainees' one. */
  view(): DrillView {
    const d = this.h.scenario.drill;
    const live = this.isDrill ? this.score ?? (this.clockStartedAt !== undefined ? scoreDrill({ clockStartedAt: this.clockStartedAt, ttdTargetMs: this.ttdTargetMs, ttmTargetMs: this.ttmTargetMs, declarations: this.declarations, answer: d?.diagnosis.answer ?? '', hints: this.schedule.hints, commandsUsed: this.h.commandsUsed() }) : undefined) : undefined;
    return {
      runId: this.h.runId,
      mode: this.h.mode,
      briefing: d?.briefing ?? '',
      choices: d ? [...d.diagnosis.choices] : [],
      ...(d && this.isDrill ? { answer: d.diagnosis.answer } : {}),
      ...(this.clockStartedAt !== undefined ? { clockStartedAt: this.clockStartedAt } : {}),
      hints: this.isDrill ? this.schedule.hints.map((x) => ({ ...x })) : [],
      declarations: this.declarations.map((x) => ({ ...x })),
      ...(live ? { score: live } : {}),
      ttdTargetMs: this.ttdTargetMs,
      ttmTargetMs: this.ttmTargetMs,
      ...(this.h.mode === 'rehearsal' ? { outcomes: { ...this.outcomes } } : {}),
    };
  }
}
