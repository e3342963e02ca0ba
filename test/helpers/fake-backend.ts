/**
 * An in-memory ConsoleBackend for bridge unit tests and renderer development only — never for e2e
 * (those drive the real ConsoleService against the netns lab). It records every call it receives
 * and can play a small run: phases, an approval, a fault with a lease, probe samples, STOP.
 */
import type { Caller, CommandName, CommandReq, CommandRes, ConsoleBackend, EngineEvent, RunSnapshot, StepView } from '../../src-main/api/index.js';
import { ApiFailure } from '../../src-main/api/index.js';

export interface FakeCall {
  name: CommandName;
  req: unknown;
  who: Caller;
}

const SCENARIO = `version: 1
title: Packet loss on the API tier
environment: lab
phases:
  - id: preparation
    title: Preparation
    steps:
      - { id: brief, kind: instruction, text: Brief the room }
`;

const step = (id: string, phaseId: string, kind: string, title: string, extra: Partial<StepView> = {}): StepView => ({ id, phaseId, kind, title, status: 'pending', needsApproval: false, ...extra });

type Handlers = { [K in CommandName]?: (req: CommandReq<K>) => CommandRes<K> | Promise<CommandRes<K>> };

export class FakeBackend implements ConsoleBackend {
  readonly calls: FakeCall[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  snapshot: RunSnapshot | null = null;
  /** Per-test overrides of single commands. */
  readonly overrides: Handlers = {};

  onEvent(fn: (e: EngineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: EngineEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  async handle<K extends CommandName>(name: K, req: CommandReq<K>, who: FakeCall['who']): Promise<CommandRes<K>> {
    this.calls.push({ name, req, who });
    const o = this.overrides[name] as ((r: CommandReq<K>) => CommandRes<K>) | undefined;
    if (o) return o(req);
    return this.builtin(name, req as never, who) as CommandRes<K>;
  }

  private builtin(name: CommandName, req: Record<string, unknown>, who: FakeCall['who']): unknown {
    const ok = { ok: true as const };
    const summary = { file: 'scenarios/api-packet-loss.yaml', title: 'Packet loss on the API tier', environment: 'lab', tags: ['network', 'api'], phases: 4, steps: 11, faults: ['network-loss'], valid: true };
    switch (name) {
      case 'app.info':
        return { version: '0.1.0-fake', role: who.role, simulated: true, workspace: '/tmp/fake-ws', inventory: '/tmp/fake-ws/inventory.yaml', transport: who.transport };
      case 'scenario.list':
        return [summary, { ...summary, file: 'scenarios/cpu-starvation.yaml', title: 'CPU starvation on the DB', tags: ['host', 'db'], faults: ['cpu-stress'] }];
      case 'scenario.open':
        return { file: String(req.file), text: SCENARIO, summary, problems: [] };
      case 'scenario.validate':
        return String(req.text).includes('oops')
          ? { summary: null, problems: [{ file: String(req.file), line: 3, col: 1, path: 'title', message: 'title must be a string', hint: 'quote it' }] }
          : { summary, problems: [] };
      case 'scenario.save':
        return { problems: [] };
      case 'inventory.nodes':
        return { file: '/tmp/fake-ws/inventory.yaml', nodes: ['node01', 'node02', 'node03'].map((n, i) => ({ name: n, address: `10.0.0.${i + 1}`, env: 'lab', gpu: 'none', tags: ['api'], jump: [] })) };
      case 'inventory.check':
        return [{ node: 'node01', reachable: true, os: 'Debian 12' }];
      case 'preflight.run':
        return { ok: true, nodes: [{ node: 'node01', reachable: true }], cells: [{ node: 'node01', fault: 'network-loss', ok: true, checks: [{ id: 'root', ok: true, required: true, message: 'root' }] }] };
      case 'run.start':
        return { runId: this.start(String(req.commander), Boolean(req.dryRun)) };
      case 'run.snapshot':
        return this.snapshot;
      case 'run.stop':
        return this.stop(String(req.reason ?? 'STOP'));
      case 'runs.list':
        return [{ id: 'run-1', title: 'Packet loss on the API tier', scenario: 'scenarios/api-packet-loss.yaml', status: 'completed', startedAt: new Date(0).toISOString(), endedAt: new Date(60_000).toISOString() }];
      case 'runs.interrupted':
        return [];
      case 'runs.reconcile':
        return { reverted: 0, residue: 0, unreachable: 0 };
      case 'report.preview':
        return { markdown: '# Report', html: '<h1>Report</h1>' };
      case 'report.export':
        return { path: `/tmp/fake-ws/report.${String(req.format)}` };
      case 'audit.events':
        return [{ seq: 1, runId: 'run-1', ts: new Date(0).toISOString(), kind: 'run.start', actor: 'Ana', node: null, data: {} }];
      case 'audit.verify':
        return { ok: true, checked: 1 };
      case 'shell.open':
        return { shellId: 'sh-1' };
      case 'run.approve':
        if (this.snapshot && String(req.approver) === this.snapshot.commander) throw new ApiFailure('SAME_PERSON', 'the approver must be someone else', 'ask a second person');
        return ok;
      default:
        return ok;
    }
  }

  private start(commander: string, dryRun: boolean): string {
    const now = Date.now();
    this.snapshot = {
      runId: 'run-fake',
      scenarioFile: 'scenarios/api-packet-loss.yaml',
      title: 'Packet loss on the API tier',
      environment: 'lab',
      simulated: true,
      dryRun,
      state: 'running',
      commander,
      roles: { commander: [commander], scribe: ['Bo'] },
      startedAt: now,
      serverNow: now,
      phases: [
        { id: 'preparation', title: 'Preparation', status: 'running', plannedMs: 20_000, startedAt: now },
        { id: 'injection', title: 'Failure injection', status: 'pending', plannedMs: 40_000 },
      ],
      steps: [step('brief', 'preparation', 'instruction', 'Brief the room', { status: 'running', startedAt: now, checklist: [{ item: 'Dashboard open', done: false }] }), step('go', 'injection', 'approval', 'Go / no-go', { needsApproval: true, risk: 'high' })],
      currentStepId: 'brief',
      faults: [],
      timers: [],
      probes: [{ id: 'api-health', kind: 'http', series: ['node01', 'node02'], intervalMs: 500, healthy: { node01: true, node02: true } }],
      notes: [],
    };
    this.emit({ type: 'run.snapshot', snapshot: this.snapshot });
    return this.snapshot.runId;
  }

  private stop(reason: string): CommandRes<'run.stop'> {
    const report = { reason, actor: 'commander', startedAt: new Date().toISOString(), durationMs: 42, clean: true, nodes: [{ node: 'node01', status: 'reverted' as const, faults: [] }] };
    if (this.snapshot) {
      this.snapshot = { ...this.snapshot, state: 'aborted', stop: report };
      this.emit({ type: 'run.state', runId: this.snapshot.runId, state: 'aborted', at: Date.now() });
      this.emit({ type: 'stop.report', runId: this.snapshot.runId, report });
    }
    return report;
  }
}
