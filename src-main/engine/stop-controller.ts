import type { AuditEventInput, AuditStore } from '../audit/index.js';
import type { ActiveFault, FaultManager } from './fault-manager.js';

/** How long STOP waits for in-flight inject execs to be killed and return (remote TERM, 1 s, KILL). */
const INJECT_SETTLE_MS = 4_000;

export type NodeStopStatus = 'reverted' | 'residue' | 'unreachable' | 'nothing';

export interface NodeStopResult {
  node: string;
  status: NodeStopStatus;
  faults: Array<{ id: string; kind: string; state: string; detail?: string }>;
  /** When not verified clean: the node-side watchdog reverts by itself at this time (ISO). */
  leaseExpiresAt?: string;
}

export interface StopReport {
  reason: string;
  actor: string;
  startedAt: string;
  /** From the STOP call to every node verified (or given up on), ms. */
  durationMs: number;
  nodes: NodeStopResult[];
  clean: boolean;
  /**
   * The audit could not take STOP's records (another process held its lock, the disk refused):
   * where they are kept instead. The nodes are unaffected (reverts come first); the record is late.
   */
  auditProblem?: string;
  /** STOP itself hit an unexpected error (a bug): what it could revert is reverted, the rest is named with its lease expiry. */
  error?: string;
}

/**
 * The one STOP. Reached from the UI button, the keyboard, `gameday stop`, SIGINT/SIGTERM and abort
 * conditions; all of them call `stop()`, which is idempotent (a second press gets the same report).
 *
 * Nothing may stop STOP: its first act disarms every lease renewal (from then on each node's own
 * dead-man reverts within one TTL, whatever this process does next); then it cancels pending work
 * and reverts every live fault on every node in parallel, newest first on each node. The audit is
 * written after and never in the way: while stopping, a write the database cannot take goes to a
 * journal file (replayed at the next open). `stop()` never rejects: an unexpected error ends in a
 * report that names it and each fault's lease expiry.
 */
export class StopController {
  private running?: Promise<StopReport>;
  private readonly abort = new AbortController();

  constructor(
    private readonly faults: FaultManager,
    private readonly audit?: AuditStore,
    /** Chaos Mesh faults (engines/k8s): reverted in parallel with the nodes, one verdict per pod. */
    private readonly cluster?: { stop(): Promise<NodeStopResult[]> },
  ) {}

  /** Pending work listens to this and gives up as soon as STOP is pressed. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopped(): boolean {
    return this.running !== undefined;
  }

  stop(reason: string, actor = 'commander'): Promise<StopReport> {
    this.running ??= this.guarded(reason, actor);
    return this.running;
  }

  /**
   * Give up on this process (a second SIGINT/SIGTERM while STOP is still reverting): renewals are
   * disarmed (already, if STOP started) and the live faults are returned with the time each node
   * reverts by itself. The caller exits.
   */
  abandon(): Array<{ node: string; kind: string; state: string; leaseExpiresAt: string }> {
    this.faults.disarmRenewals();
    return this.faults.live().map((f) => ({ node: f.target.name, kind: f.kind, state: f.state, leaseExpiresAt: new Date(f.leaseExpiresAt).toISOString() }));
  }

  private async guarded(reason: string, actor: string): Promise<StopReport> {
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    // Before anything that could throw or wait: the nodes' dead-man switches take over.
    this.faults.disarmRenewals();
    try {
      this.audit?.setStopping(true);
      return await this.doStop(reason, actor, t0, startedAt);
    } catch (e) {
      const nodes = this.nodeResults();
      return { reason, actor, startedAt, durationMs: performance.now() - t0, nodes, clean: false, error: (e as Error)?.stack ?? String(e), auditProblem: this.auditProblem() };
    } finally {
      this.audit?.setStopping(false);
    }
  }

  /** Record after the fact; a failure here (even of the journal) is reported, never thrown. */
  private record(e: AuditEventInput): void {
    try {
      this.audit?.append(e);
    } catch {
      /* counted by the store as lost, reported through auditProblem() */
    }
  }

  private async doStop(reason: string, actor: string, t0: number, startedAt: string): Promise<StopReport> {
    this.abort.abort(new Error(`STOP: ${reason}`));
    this.record({ runId: this.faults.runId, kind: 'stop.requested', actor, data: { reason } });
    const errors: string[] = [];
    // The cluster side starts at once, in parallel with the nodes (it waits for its own creates).
    const onCluster = this.cluster?.stop().catch((e: unknown) => (errors.push(`Kubernetes: ${(e as Error).message}`), [] as NodeStopResult[]));
    // Injects cut short are being killed on their node (remote process-group kill). Revert only once
    // each has returned: a revert racing a still-running inject script could run before the fault
    // lands and leave it behind. Bounded, so a dead link cannot hold STOP (the lease covers that node).
    const inflight = [...this.faults.faults.values()].filter((f) => f.state === 'injecting' && f.settled).map((f) => f.settled!);
    if (inflight.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(inflight), new Promise((r) => (timer = setTimeout(r, INJECT_SETTLE_MS)))]);
      clearTimeout(timer);
    }
    const liveAtStart = new Set(this.faults.live().map((f) => f.target.name));
    await Promise.all(
      [...this.byNode().values()].map(async (list) => {
        // One exec per node carries every revert (newest first: a later fault may sit on top of an
        // earlier one, e.g. nested qdiscs), the lease disarms and the check (node-stop.ts).
        try {
          await this.faults.revertNode(list);
        } catch (e) {
          for (const f of list) if (f.state !== 'reverted' && f.state !== 'failed') f.detail = `STOP could not revert it: ${(e as Error).message}`;
          errors.push(`${list[0]?.target.name ?? '?'}: ${(e as Error).message}`);
        }
      }),
    );
    const nodes = [...this.nodeResults(liveAtStart), ...((await onCluster) ?? [])];
    const report: StopReport = { reason, actor, startedAt, durationMs: performance.now() - t0, nodes, clean: nodes.every((n) => n.status === 'reverted' || n.status === 'nothing') };
    if (errors.length) report.error = errors.join('; ');
    this.record({ runId: this.faults.runId, kind: 'stop.completed', actor, data: { durationMs: Math.round(report.durationMs), clean: report.clean, nodes: nodes.map((n) => ({ node: n.node, status: n.status, leaseExpiresAt: n.leaseExpiresAt })), error: report.error } });
    const problem = this.auditProblem();
    if (problem) report.auditProblem = problem;
    return report;
  }

  private byNode(): Map<string, ActiveFault[]> {
    const byNode = new Map<string, ActiveFault[]>();
    for (const f of this.faults.faults.values()) {
      const list = byNode.get(f.target.name) ?? [];
      list.push(f);
      byNode.set(f.target.name, list);
    }
    return byNode;
  }

  /**
   * Each node as it stands now: `nothing` if it had no live fault when STOP began; where a fault
   * is still live and not known as residue, when its lease makes the node revert by itself.
   */
  private nodeResults(liveAtStart?: Set<string>): NodeStopResult[] {
    return [...this.byNode().entries()].map(([node, list]) => {
      const states = list.map((f) => f.state);
      const live = list.filter((f) => f.state !== 'reverted' && f.state !== 'failed');
      const status: NodeStopStatus = liveAtStart && !liveAtStart.has(node) ? 'nothing' : live.length === 0 ? 'reverted' : states.includes('residue') ? 'residue' : 'unreachable';
      const lease = Math.max(...live.map((f) => f.leaseExpiresAt));
      return { node, status, faults: list.map((f) => ({ id: f.id, kind: f.kind, state: f.state, detail: f.detail })), leaseExpiresAt: status === 'unreachable' ? new Date(lease).toISOString() : undefined };
    });
  }

  private auditProblem(): string | undefined {
    const p = this.audit?.auditProblem();
    if (!p) return undefined;
    const kept = p.journaled ? `${p.journaled} record(s) kept in ${p.journal} (added to the audit at its next open)` : '';
    const lost = p.lost ? `${p.lost} record(s) could be written nowhere` : '';
    return `the audit could not be written (${p.why}): ${[kept, lost].filter(Boolean).join('; ')}`;
  }
}
