import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AuditStore, auditExecHooks } from '../audit/index.js';
import { ApiFailure, type Caller as Who, type CommandName, type CommandReq, type CommandRes, type ConsoleBackend, type EngineEvent } from '../api/index.js';
import { getFault } from '../faults/index.js';
import { inventorySshOptions, loadInventory, sharedSelector, toConnectSpec, type Inventory } from '../inventory/index.js';
import { FACTS_SCRIPT, parseFacts } from '../preflight/index.js';
import { runPreflight } from '../preflight/index.js';
import { checkScenario, flattenSteps, planFaultParams, planTimes, type Scenario, type ScenarioProblem } from '../scenario/index.js';
import { SshPool, sharePool, type SshError } from '../ssh/index.js';
import { reconcileFaults } from './reconcile.js';
import { launchRun, preflightItems, type RunSession } from '../engine/index.js';
import { ShellManager } from './shells.js';
import { ClusterSetupError, prepareClusterSide } from '../engines/k8s/index.js';
import { DrillAccess } from './drill-access.js';
import { controlDir } from './workspace.js';
import { listRuns } from '../engine/index.js';
import { exportedFile, writeAuditExport } from '../engine/index.js';

/** Runs listed (Recent runs, run pickers): a workspace's last hundred; older ones stay in the audit. */
const RUNS_LISTED = 100;

export interface ConsoleServiceOptions {
  workspace: string;
  auditFile: string;
  inventory?: string;
  scenariosDir: string;
  simulated?: boolean;
  trustNew?: boolean;
  version: string;
  newRunId: () => string;
  /** Report rendering (src-main/report), injected so the service stays free of Chromium/Electron. */
  reports?: {
    preview(audit: AuditStore, runId: string): Promise<{ markdown: string; html: string }>;
    export(audit: AuditStore, runId: string, format: 'md' | 'html' | 'pdf' | 'json', dir: string): Promise<string>;
  };
}

type Handler<K extends CommandName> = (req: CommandReq<K>, who: Who) => Promise<CommandRes<K>>;

/**
 * The console's backend behind the one API contract: the Electron IPC handlers and the loopback
 * bridge both call `handle()`. One run at a time; its events are re-emitted to every listener.
 * Files are only read and written inside the scenarios folder (or ones the desktop's open dialog
 * allowed), never wherever a client asks.
 */
export class ConsoleService implements ConsoleBackend {
  private readonly events = new EventEmitter<{ event: [EngineEvent] }>();
  private readonly audit: AuditStore;
  private readonly pool: SshPool;
  private readonly shells: ShellManager;
  private readonly allowed = new Set<string>();
  private session?: RunSession;
  private running?: Promise<unknown>;
  private inv?: Inventory;
  /** Drills: what trainees may see, and the drill commands (drill-access.ts). */
  private readonly drills = new DrillAccess(() => this.session, () => this.audit);

  constructor(private readonly o: ConsoleServiceOptions) {
    this.audit = AuditStore.open(o.auditFile);
    const inv = this.inventory();
    const so = inv ? inventorySshOptions(inv) : undefined;
    this.pool = new SshPool({ maxSessionsPerNode: so?.maxSessionsPerNode, maxConcurrentHandshakes: so?.maxConcurrentHandshakes, trustOnFirstUse: Boolean(o.trustNew) || Boolean(so?.trustOnFirstUse), ...auditExecHooks(this.audit, { actor: 'console' }) });
    this.shells = new ShellManager(this.pool, this.audit, (e) => this.emit(e));
    // The warm pool for `gameday exec` & co. from other terminals (ssh/pool-share.ts).
    this.share = sharePool(this.pool, controlDir(o.workspace), `console-${process.pid}`, () => {
      const inv = this.inventory();
      return inv && o.inventory ? sharedSelector(inv, o.inventory) : undefined;
    });
  }

  private readonly share: { close(): void };

  /** Set by the bridge once it listens; only the facilitator (commander) is told it. */
  private traineeUrl?: string;

  bridgeListening(links: { traineeUrl: string }): void {
    this.traineeUrl = links.traineeUrl;
  }

  onEvent(fn: (e: EngineEvent) => void): () => void {
    this.events.on('event', fn);
    return () => this.events.off('event', fn);
  }

  /** Trainees of a live drill get events redacted (src-main/drill/redact.ts); everyone else gets them as they are. */
  eventFor(e: EngineEvent, role: Who['role']): EngineEvent | null {
    return this.drills.eventFor(e, role);
  }

  private emit(e: EngineEvent): void {
    this.events.emit('event', e);
  }

  /** Let the desktop's native open dialog grant access to a file outside the scenarios folder. */
  allowFile(file: string): void {
    this.allowed.add(resolve(file));
  }

  private inventory(): Inventory | undefined {
    if (!this.inv && this.o.inventory) this.inv = loadInventory(this.o.inventory);
    return this.inv;
  }

  private requireInventory(): Inventory {
    const inv = this.inventory();
    if (!inv) throw new ApiFailure('NO_INVENTORY', 'no inventory is loaded', 'start the console with --inventory FILE, or with a lab up');
    return inv;
  }

  /** A runbook path a client may read or write: inside the scenarios folder, or explicitly allowed. */
  private safePath(file: string): string {
    const dir = realpathSync(this.o.scenariosDir);
    const abs = resolve(dir, file);
    if (!/\.ya?ml$/i.test(abs)) throw new ApiFailure('BAD_PATH', 'runbooks are .yaml files');
    const real = existsSync(abs) ? realpathSync(abs) : join(realpathSync(dirname(abs)), basename(abs));
    if (!real.startsWith(`${dir}/`) && !this.allowed.has(real)) throw new ApiFailure('BAD_PATH', `${file} is outside the scenarios folder`, 'open it with File → Open, or copy it into the scenarios folder');
    return real;
  }

  private summarize(file: string, text: string): { summary: CommandRes<'scenario.validate'>['summary']; problems: ScenarioProblem[] } {
    const r = checkScenario(text, file, { inventory: this.inventory() });
    const sc = r.scenario;
    if (!sc) return { summary: null, problems: r.problems };
    const faults = flattenSteps(sc).flatMap((l) => (l.step.kind === 'inject' ? [l.step.fault] : []));
    const cats = new Set<string>(faults.map((f) => {
      try {
        return getFault(f).category;
      } catch {
        return 'unknown';
      }
    }));
    if (faults.length > 1 && new Set(faults).size > 1) cats.add('cascading');
    const valid = !r.problems.some((p) => p.severity !== 'warning');
    return {
      summary: { file, title: sc.title, environment: sc.environment, hypothesis: sc.hypothesis, tags: [...new Set([...cats, ...(sc.tags ?? []), ...(sc.drill ? ['drill'] : [])])].sort(), phases: sc.phases.length, steps: flattenSteps(sc).length, faults: [...new Set(faults)], valid },
      problems: r.problems,
    };
  }

  private scenarioOf(file: string): Scenario {
    const text = readFileSync(this.safePath(file), 'utf8');
    const r = checkScenario(text, file, { inventory: this.inventory() });
    if (!r.scenario || r.problems.some((p) => p.severity !== 'warning')) throw new ApiFailure('INVALID_SCENARIO', `${file} has ${r.problems.length} problem(s)`, r.problems[0] ? `${r.problems[0].line}:${r.problems[0].col} ${r.problems[0].message}` : undefined);
    return r.scenario;
  }

  /** What the session knows about its run better than the audit (its state right now, its roles). */
  private liveFacts(): Parameters<typeof listRuns>[2] {
    const s = this.session?.snapshot();
    if (!s) return undefined;
    return { runId: s.runId, facts: { status: s.state, mode: s.mode ?? 'gameday', dryRun: s.dryRun, commander: s.commander, roles: s.roles, ...(s.stop ? { stop: { actor: s.stop.actor, reason: s.stop.reason } } : {}), ...(s.abortReason ? { abortReason: s.abortReason } : {}) } };
  }

  private activeSession(): RunSession {
    if (!this.session) throw new ApiFailure('NO_RUN', 'no run is active');
    return this.session;
  }

  private wrap(fn: () => void): Promise<{ ok: true }> {
    try {
      fn();
    } catch (e) {
      throw e instanceof ApiFailure ? e : new ApiFailure('REFUSED', (e as Error).message);
    }
    return Promise.resolve({ ok: true });
  }

  private readonly handlers: { [K in CommandName]: Handler<K> } = {
    'app.info': async (_r, who) => ({ version: this.o.version, role: who.role, simulated: Boolean(this.o.simulated), workspace: this.o.workspace, inventory: this.o.inventory ?? null, transport: who.transport, ...(who.role === 'commander' && this.traineeUrl ? { traineeUrl: this.traineeUrl } : {}) }),
    'scenario.list': async () =>
      readdirSync(this.o.scenariosDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => {
          // A runbook that does not load against this inventory (e.g. Kubernetes targets and no
          // kubernetes: section) is still listed, as invalid: opening it shows why.
          const text = readFileSync(join(this.o.scenariosDir, f), 'utf8');
          const title = /^title:\s*["']?(.+?)["']?\s*$/m.exec(text)?.[1] ?? f;
          return this.summarize(f, text).summary ?? { file: f, title, environment: 'unknown', tags: [], phases: 0, steps: 0, faults: [], valid: false };
        }),
    'scenario.open': async ({ file }) => {
      const text = readFileSync(this.safePath(file), 'utf8');
      const { summary, problems } = this.summarize(file, text);
      return { file, text, summary, problems };
    },
    'scenario.validate': async ({ file, text }) => this.summarize(file, text),
    'scenario.save': async ({ file, text }) => {
      const path = this.safePath(file);
      const { problems } = this.summarize(file, text);
      writeFileSync(path, text);
      this.audit.append({ kind: 'scenario.saved', data: { file, problems: problems.length } });
      return { problems };
    },
    'inventory.nodes': async () => {
      const inv = this.inventory();
      return { file: this.o.inventory ?? null, nodes: (inv?.nodes ?? []).map((n) => ({ name: n.name, address: `${n.user ?? 'root'}@${n.host}:${n.port ?? 22}`, env: n.env, gpu: n.gpu, tags: n.tags, jump: n.jump })) };
    },
    'inventory.check': async () => {
      const inv = this.requireInventory();
      return Promise.all(
        inv.nodes.map(async (n) => {
          const spec = toConnectSpec(inv, n);
          try {
            const conn = await this.pool.connect(spec);
            const sent = Date.now();
            const r = await this.pool.exec(spec, FACTS_SCRIPT, { timeoutMs: 15_000 });
            const f = parseFacts(r.stdout, sent, Date.now());
            return { node: n.name, reachable: true, auth: conn.authMethod.replace(/publickey .*\//, 'key '), privilege: f.privilege, os: f.os };
          } catch (e) {
            return { node: n.name, reachable: false, error: (e as SshError).message };
          }
        }),
      );
    },
    'preflight.run': async ({ file }) => {
      const sc = this.scenarioOf(file);
      const r = await runPreflight(this.pool, preflightItems(sc, this.requireInventory()));
      return { ok: r.ok, cells: r.cells, nodes: r.nodes.map((n) => ({ node: n.node, reachable: n.reachable, os: n.facts?.os, error: n.error?.message })) };
    },
    'run.start': async ({ file, commander, dryRun, mode, preflightOverride }) => {
      if (this.session && !['completed', 'aborted', 'failed'].includes(this.session.state)) throw new ApiFailure('RUN_ACTIVE', 'a run is already in progress', 'stop it first');
      const sc = this.scenarioOf(file);
      const inv = this.requireInventory();
      if (mode === 'drill' && !sc.drill) throw new ApiFailure('NOT_A_DRILL', `${file} has no drill block`, 'add a drill: block (briefing, diagnosis, hints, targets), or start it as a game day or a rehearsal');
      const runId = this.o.newRunId();
      if (!dryRun && mode !== 'rehearsal') {
        const pre = await this.handlers['preflight.run']({ file }, { role: 'commander', transport: 'bridge' });
        if (!pre.ok && !preflightOverride) throw new ApiFailure('PREFLIGHT_FAILED', 'preflight failed', 'fix the checks, or start with an override reason (recorded in the audit)');
        if (!pre.ok) this.audit.append({ runId, kind: 'preflight.overridden', actor: commander, data: { reason: preflightOverride, failed: pre.cells.filter((c) => !c.ok).map((c) => `${c.node}/${c.fault}`) } });
      }
      // Kubernetes targets (engines/k8s): resolved and preflighted before the run, reverted by its STOP.
      const cluster = await prepareClusterSide({ scenario: sc, inv, audit: this.audit, runId, preflight: !dryRun && mode !== 'rehearsal' }).catch((e: unknown) => {
        if (e instanceof ClusterSetupError) throw new ApiFailure('PREFLIGHT_FAILED', e.message, e.hint);
        throw e;
      });
      const run = launchRun({ kind: 'scenario', run: { scenario: sc, times: planTimes(sc), faultParams: planFaultParams(sc), scenarioFile: this.safePath(file), inventory: inv, dryRun, mode, simulated: this.o.simulated, cluster } }, { audit: this.audit, runId, commander, pool: this.pool, controlDir: controlDir(this.o.workspace), sharePool: false });
      const s = run.session;
      this.drills.started(s);
      s.on('event', (e) => this.emit(e));
      this.session = s;
      this.running = run.start().finally(() => run.close()).catch((e: Error) => this.emit({ type: 'log', level: 'error', message: `run crashed: ${e.message}`, at: Date.now() }));
      return { runId };
    },
    'run.snapshot': async (_r, who) => {
      return this.drills.snapshotFor(this.session?.snapshot() ?? null, who.role);
    },
    'run.pause': async () => this.wrap(() => this.activeSession().pause()),
    'run.resume': async () => this.wrap(() => this.activeSession().resume()),
    'run.advance': async ({ stepId }) => this.wrap(() => this.activeSession().advance(stepId)),
    'run.skip': async ({ stepId, reason }) => this.wrap(() => this.activeSession().skip(stepId, reason)),
    'run.approve': async ({ stepId, approver }) => this.wrap(() => this.activeSession().approve(stepId, approver)),
    'run.reject': async ({ stepId, approver, reason }) => this.wrap(() => this.activeSession().reject(stepId, approver, reason)),
    'run.checklist': async ({ stepId, index, done }) => this.wrap(() => this.activeSession().checklist(stepId, index, done)),
    'run.note': async ({ role, author, text }) => this.wrap(() => this.activeSession().note(role, author, text)),
    'run.stop': async ({ reason }, who) => this.activeSession().stop(reason ?? `STOP pressed (${who.transport})`, 'commander'),
    'runs.list': async (_r, who) => listRuns(this.audit, RUNS_LISTED, this.liveFacts()).map((r) => this.drills.runFor(r, who.role)),
    'runs.interrupted': async () => {
      const active = this.session?.runId;
      const by = new Map<string, CommandRes<'runs.interrupted'>[number]['faults']>();
      for (const f of this.audit.openFaults()) if (f.run_id !== active) by.set(f.run_id, [...(by.get(f.run_id) ?? []), { id: f.id, node: f.node, kind: f.kind, state: f.state, leaseExpiresAt: f.lease_expires_at }]);
      return [...by.entries()].map(([runId, faults]) => ({ runId, faults }));
    },
    'runs.reconcile': async ({ runId }) => {
      const inv = this.requireInventory();
      const nodes = new Map(inv.nodes.map((n) => [n.name, { spec: toConnectSpec(inv, n), host: n.host, gpu: n.gpu }]));
      const res = await reconcileFaults(this.audit, this.pool, this.audit.openFaults(runId), nodes);
      const n = (...o: string[]) => res.filter((r) => o.includes(r.outcome)).length;
      return { reverted: n('reverted'), residue: n('residue'), unreachable: n('unreachable', 'skipped'), live: n('live') };
    },
    'report.preview': async ({ runId }) => {
      if (!this.o.reports) throw new ApiFailure('NO_REPORTS', 'reports are not available in this build');
      return this.o.reports.preview(this.audit, runId);
    },
    'report.export': async ({ runId, format, content }) => {
      if (!this.o.reports) throw new ApiFailure('NO_REPORTS', 'reports are not available in this build');
      const path = await this.o.reports.export(this.audit, runId, format, join(this.o.workspace, 'reports'));
      return { path, ...(content ? { file: exportedFile(path) } : {}) };
    },
    'audit.export': async ({ runId, content }) => {
      if (runId && !this.audit.runs().some((r) => r.id === runId)) throw new ApiFailure('UNKNOWN_RUN', `no run ${runId} in the audit`);
      const r = writeAuditExport(this.audit, join(this.o.workspace, 'exports'), runId);
      return { ...r, ...(content ? { file: exportedFile(r.path) } : {}) };
    },
    'audit.events': async ({ runId, kind, sinceSeq, limit }) => this.audit.events({ runId, kind, sinceSeq, limit: limit ?? 500 }).map((e) => ({ seq: e.seq, runId: e.run_id, ts: e.ts, kind: e.kind, actor: e.actor, node: e.node, data: JSON.parse(e.data) as unknown })),
    'audit.verify': async () => this.audit.verify(),
    'shell.open': async ({ node, cols, rows }, who) => {
      const inv = this.requireInventory();
      const n = inv.nodes.find((x) => x.name === node);
      if (!n) throw new ApiFailure('UNKNOWN_NODE', `no node ${node} in the inventory`);
      const shellId = await this.shells.open(toConnectSpec(inv, n), cols, rows, this.session?.runId);
      this.drills.shellOpened(shellId, node, who.role);
      return { shellId };
    },
    'shell.input': async ({ shellId, data }) => this.wrap(() => this.shells.input(shellId, data)),
    'shell.resize': async ({ shellId, cols, rows }) => this.wrap(() => this.shells.resize(shellId, cols, rows)),
    'shell.ack': async ({ shellId, bytes }) => this.wrap(() => this.shells.ack(shellId, bytes)),
    'shell.close': async ({ shellId }) => this.wrap(() => this.shells.close(shellId)),
    ...this.drills.handlers,
  };

  async handle<K extends CommandName>(name: K, req: CommandReq<K>, who: Who): Promise<CommandRes<K>> {
    const h = this.handlers[name] as Handler<K> | undefined;
    if (!h) throw new ApiFailure('UNKNOWN_COMMAND', `unknown command ${String(name)}`);
    this.drills.guard(name, who.role);
    try {
      return await h(req, who);
    } catch (e) {
      if (e instanceof ApiFailure) throw e;
      const err = e as SshError & { problems?: unknown };
      throw new ApiFailure(err.code ?? 'FAILED', err.message, err.hint);
    }
  }

  /** Press STOP on the active run (if any), close shells and connections, close the audit. */
  async dispose(): Promise<void> {
    if (this.session && !['completed', 'aborted', 'failed'].includes(this.session.state)) await this.session.stop('console closed', 'console');
    await this.running;
    this.shells.dispose();
    this.share.close();
    await this.pool.dispose();
    this.audit.close();
  }
}

export function createConsoleService(o: ConsoleServiceOptions): ConsoleService {
  return new ConsoleService(o);
}
