import { AuditStore, type Head } from '../audit/index.js';
import { type FaultTarget } from '../faults/index.js';
import { type LaunchDeps, type StopReport } from '../engine/index.js';
import type { InventoryNode } from '../inventory/index.js';
import { type ConnectSpec } from '../ssh/index.js';
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
 * A fault-driving CLI command's audit, opened in the workspace (notes about its state printed), and
 * what the run is wired to there: the control socket for `gameday stop`, its connections lent to
 * `gameday exec` with this inventory, SIGINT/SIGTERM as STOP.
 * The run itself is wired by the engine's `launchRun()`.
 */
export function openRunAudit(opts: SessionOpts, runPrefix?: string): { loaded: Loaded; audit: AuditStore; runId: string; commander: string; deps: Pick<LaunchDeps, 'controlDir' | 'lend' | 'stopSignals'> } {
  const loaded = load(opts);
  const ws = workspaceDir(opts.workspace);
  const audit = AuditStore.open(auditFile(ws));
  printAuditOpenNotes(audit, opts.json);
  return { loaded, audit, runId: newRunId(runPrefix), commander: opts.commander ?? process.env.USER ?? 'commander', deps: { controlDir: controlDir(ws), lend: () => loaded.shared(), stopSignals: installStopSignals } };
}

/**
 * After the run has ended in the audit: its head (unless its last records are waiting in the
 * journal) and what could not be written, if anything; closes the audit.
 */
export function closeRunAudit(audit: AuditStore, runId: string): AuditEnd {
  const head = audit.auditProblem() ? undefined : audit.runHead(runId);
  const anchorFile = audit.anchorFile;
  const pending = auditProblemText(audit);
  audit.close();
  // close() replays this process's journal when the lock is free by then; say which happened.
  const still = auditProblemText(audit);
  return { head, anchorFile, problem: still ?? (pending ? `${pending} — replayed into the audit before exit` : undefined), pending: Boolean(still) };
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
