/**
 * The console service's drill side: who may see what of the active run (trainees of a live drill
 * get redacted views and events, and none of the read commands that would show the runbook or the
 * audit), and the drill commands (state, declare, hint, rule, debrief). Kept out of
 * console-service.ts so that file stays about transport-neutral plumbing.
 */
import type { AuditStore } from '../audit/index.js';
import { ApiFailure, type CommandName, type CommandReq, type CommandRes, type EngineEvent, type Role, type RunSnapshot } from '../api/index.js';
import type { DrillController } from '../drill/index.js';
import { buildDebrief } from '../report/index.js';
import { hiddenOf, isEnded, redactDrillView, redactEvent, redactRunSummary, redactSnapshot, type Hidden } from '../drill/index.js';
import { HIDDEN_FROM_TRAINEES } from '../drill/index.js';
import type { RunSession } from '../engine/index.js';

/**
 * Only the facilitator (the commander seat) sees a live drill's hidden faults. Observers get the
 * trainees' view too: an observer screen is typically the room's projector.
 */
export const seesHidden = (role: Role): boolean => role === 'commander';
type DrillCommand = 'drill.state' | 'drill.declare' | 'drill.hint' | 'drill.rule' | 'run.debrief';
type Handler<K extends CommandName> = (req: CommandReq<K>, who: { role: Role }) => Promise<CommandRes<K>>;

export class DrillAccess {
  /** What trainees must not see of the active drill (its inject/revert steps and fault kinds). */
  private hidden: Hidden = hiddenOf([]);

  constructor(
    private readonly session: () => RunSession | undefined,
    /** A getter: the service opens its audit after its fields are set up. */
    private readonly audit: () => AuditStore,
  ) {}

  /** A run was started: learn what to hide (from the unredacted step views). */
  started(s: RunSession): void {
    const snap = s.snapshot();
    this.hidden = hiddenOf(snap.steps, { title: snap.title, scenarioFile: snap.scenarioFile, traineeTitle: s.scenario.drill?.title });
  }

  /** A drill is running (not ended): trainees get the redacted world. */
  live(): boolean {
    const s = this.session();
    return s?.mode === 'drill' && !isEnded(s.state);
  }

  eventFor(e: EngineEvent, role: Role): EngineEvent | null {
    const s = this.session();
    if (!seesHidden(role) && s?.mode === 'drill') return redactEvent(e, this.hidden, isEnded(s.state));
    return e;
  }

  snapshotFor(snap: RunSnapshot | null, role: Role): RunSnapshot | null {
    return snap && !seesHidden(role) ? redactSnapshot(snap, this.hidden) : snap;
  }

  /** Refuse the read commands that would show a trainee the hidden fault while the drill runs. */
  guard(name: CommandName, role: Role): void {
    if (!seesHidden(role) && this.live() && HIDDEN_FROM_TRAINEES.has(name)) throw new ApiFailure('HIDDEN_DURING_DRILL', `${name} is not available to trainees while the drill runs`, 'it opens again at the debrief');
  }

  /**
   * A runs-list row as `role` may see it: while a drill runs, trainees see its runbook's runs (this
   * one and earlier ones) by the drill's trainee title only — the runbook title and file name
   * (drill-db-disk-full.yaml) can give the answer away.
   */
  runFor<T extends { title: string | null; scenario: string | null }>(r: T, role: Role): T {
    return !seesHidden(role) && this.live() ? redactRunSummary(r, this.hidden) : r;
  }

  /** Is runId a run of the live drill's runbook? */
  private sameRunbook(runId: string): boolean {
    const file = this.hidden.scenarioFile;
    return file !== undefined && this.audit().runs().some((r) => r.id === runId && r.scenario === file);
  }

  /** Trainees' shell commands count in the drill score (drill/commands-used.ts reads this back). */
  shellOpened(shellId: string, node: string, role: Role): void {
    const s = this.session();
    if (role === 'trainee' && s?.drill) this.audit().append({ runId: s.runId, kind: 'drill.shell', node, data: { shellId } });
  }

  private active(): { s: RunSession; d: DrillController } {
    const s = this.session();
    if (!s) throw new ApiFailure('NO_RUN', 'no run is active');
    if (!s.drill?.isDrill) throw new ApiFailure('NOT_A_DRILL', 'the active run is not a drill', 'start the run in drill mode');
    return { s, d: s.drill };
  }

  readonly handlers: { [K in DrillCommand]: Handler<K> } = {
    'drill.state': async (_r, who) => {
      const s = this.session();
      const v = s?.drill?.view();
      if (!s || !v) return null;
      return !seesHidden(who.role) ? redactDrillView(v, isEnded(s.state)) : v;
    },
    'drill.declare': async ({ kind, trainee, diagnosis, notes }) => {
      this.active().d.declare(kind, trainee, diagnosis, notes);
      return { ok: true };
    },
    'drill.hint': async ({ index }) => {
      const { s, d } = this.active();
      d.hint(index, s.snapshot().commander);
      return { ok: true };
    },
    'drill.rule': async ({ declarationId, ruling }) => {
      const { s, d } = this.active();
      d.rule(declarationId, ruling, s.snapshot().commander);
      return { ok: true };
    },
    'run.debrief': async ({ runId }, who) => {
      // Not this drill's debrief while it runs, nor an earlier run's of the same runbook (it names the fault).
      if (!seesHidden(who.role) && this.live() && (this.session()?.runId === runId || this.sameRunbook(runId))) throw new ApiFailure('HIDDEN_DURING_DRILL', 'the debrief opens when the drill has ended');
      return buildDebrief(this.audit(), runId);
    },
  };
}
