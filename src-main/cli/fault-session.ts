import { AuditStore, auditExecHooks, type Head } from '../audit/index.js';
import { FaultManager } from '../engine/index.js';
import { type FaultTarget } from '../faults/index.js';
import { StopController, type StopReport } from '../engine/index.js';
import { listenControl } from '../engine/index.js';
import type { SafetyPolicy } from '../faults/index.js';
import type { InventoryNode } from '../inventory/index.js';
import { SshPool, sharePool, type ConnectSpec } from '../ssh/index.js';
import { load, type GlobalOpts, type Loaded } from './context.js';
import { EXIT } from './exit-codes.js';
import { auditFile, controlDir, newRunId, workspaceDir } from './workspace.js';
import { c } from './output.js';
import { auditProblemText, headLine, printAuditOpenNotes } from './audit-notes.js';
import { installStopSignals } from './stop-signals.js';

export function toTargets(sel: Array<{ node: InventoryNode; spec: ConnectSpec }>): FaultTarget[] {
  return sel.map(({ node, spec }) => ({ name: node.name, host: node.host, env: node.env, tags: node.tags, gpu: node.gpu, spec }));
}

export interface SessionOpts extends GlobalOpts {
  workspace?: string;
  commander?: string;
}

/**
 * Everything one fault-driving CLI command owns: inventory, audit, pool (every exec audited),
 * fault manager, the STOP controller wired to SIGINT/SIGTERM and to `gameday stop` over the
 * workspace control socket. `close()` releases it all.
 */
export class FaultSession {
  readonly runId: string;
  readonly loaded: Loaded;
  readonly audit: AuditStore;
  readonly pool: SshPool;
  readonly faults: FaultManager;
  readonly stopper: StopController;
  private readonly control: { close(): void };
  private readonly uninstallSignals: () => void;

  constructor(opts: SessionOpts, p: { title: string; leaseTtlSec: number; policy: SafetyPolicy; runPrefix?: string }) {
    this.loaded = load(opts);
    const ws = workspaceDir(opts.workspace);
    this.audit = AuditStore.open(auditFile(ws));
    printAuditOpenNotes(this.audit, opts.json);
    this.runId = newRunId(p.runPrefix);
    const actor = opts.commander ?? process.env.USER ?? 'commander';
    this.audit.createRun({ id: this.runId, scenario: p.title, title: p.title, env: 'adhoc', commander: actor, meta: { inventory: this.loaded.file } });
    this.pool = new SshPool({ ...this.loaded.poolOptions(), ...auditExecHooks(this.audit, { runId: this.runId, actor }) });
    this.faults = new FaultManager(this.pool, this.audit, this.runId, p.leaseTtlSec, p.policy);
    this.stopper = new StopController(this.faults, this.audit);
    this.control = listenControl(controlDir(ws), this.runId, async (req) => (req.cmd === 'stop' ? this.stopper.stop(req.reason ?? 'gameday stop', req.actor ?? 'cli') : { runId: this.runId, faults: this.faults.live().map((f) => ({ id: f.id, node: f.target.name, kind: f.kind, state: f.state })) }));
    this.uninstallSignals = installStopSignals({ stop: (sig) => this.stopper.stop(`${sig} received`, actor), abandon: () => this.stopper.abandon() });
    this.share = sharePool(this.pool, controlDir(ws), this.runId, () => this.loaded.shared());
  }

  /** This run's connections, shared with `gameday exec` & co. while it lives (ssh/pool-share.ts). */
  private readonly share: { close(): void };

  /**
   * Ends the run in the audit and releases everything. Returns the run's head (unless its last
   * records are waiting in the journal) and what could not be written, if anything.
   */
  async close(status: string): Promise<AuditEnd> {
    this.uninstallSignals();
    this.control.close();
    this.share.close();
    this.faults.dispose();
    await this.pool.dispose();
    this.audit.endRun(this.runId, status);
    const head = this.audit.auditProblem() ? undefined : this.audit.runHead(this.runId);
    const anchorFile = this.audit.anchorFile;
    const pending = auditProblemText(this.audit);
    this.audit.close();
    // close() replays this process's journal when the lock is free by then; say which happened.
    const still = auditProblemText(this.audit);
    return { head, anchorFile, problem: still ?? (pending ? `${pending} — replayed into the audit before exit` : undefined), pending: Boolean(still) };
  }
}

/** How the audit ended for one run. */
export interface AuditEnd {
  /** The run's last event (undefined while its records wait in the journal). */
  head?: Head;
  anchorFile: string;
  /** What could not be written at the time, if anything (loud). */
  problem?: string;
  /** Records are still in the journal at exit (the run is not fully on record yet). */
  pending: boolean;
}

/** The end of a run on the terminal: the head to keep, or (loudly) what the audit could not take. */
export function printAuditEnd(end: AuditEnd): void {
  if (end.problem) process.stderr.write(`${c.red('AUDIT PROBLEM:')} ${end.problem}\n`);
  process.stdout.write(`${end.head ? headLine(end.head, end.anchorFile) : 'audit head: not known yet (the run\'s last records are in the journal)'}\n`);
}

export { printStopReport, printStopProblems } from './stop-report-text.js';

/**
 * Exit code after a STOP (README table): an error inside STOP → 70 while a node is not verified
 * clean (its lease expiry is printed), else 2; the audit could not take STOP's records → 2.
 * Undefined: the caller's usual codes apply.
 */
export function stopExitCode(r: StopReport): number | undefined {
  if (r.error) return r.clean ? EXIT.STOPPED : EXIT.INTERNAL;
  if (r.auditProblem) return EXIT.STOPPED;
  return undefined;
}
