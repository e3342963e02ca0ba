import type { AuditStore } from '../audit/index.js';
import type { ActiveFault, FaultManager } from './fault-manager.js';

/** How long STOP waits for in-flight inject execs to be killed and return (remote TERM, 1 s, KILL). */
const INJECT_SETTLE_MS = 4_000;

export type NodeStopStatus = 'reverted' | 'residue' | 'unreachable' | 'nothing';

export interface NodeStopResult {
  node: string;
  status: NodeStopStatus;
  faults: Array<{ id: string; kind: string; state: string; detail?: string }>;
  /** When unreachable: the node-side watchdog reverts by itself at this time (ISO). */
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
}

/**
 * The one STOP. Reached from the UI button, the keyboard, `gameday stop`, SIGINT/SIGTERM and abort
 * conditions; all of them call `stop()`, which is idempotent (a second press gets the same report).
 * It cancels pending work first, then reverts every live fault on every node in parallel over the
 * open connections (the pool reconnects where a link dropped), newest first on each node, and
 * reports each node as reverted, residue, or unreachable until its lease expires.
 */
export class StopController {
  private running?: Promise<StopReport>;
  private readonly abort = new AbortController();

  constructor(
    private readonly faults: FaultManager,
    private readonly audit?: AuditStore,
  ) {}

  /** Pending work listens to this and gives up as soon as STOP is pressed. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopped(): boolean {
    return this.running !== undefined;
  }

  stop(reason: string, actor = 'commander'): Promise<StopReport> {
    this.running ??= this.doStop(reason, actor);
    return this.running;
  }

  private async doStop(reason: string, actor: string): Promise<StopReport> {
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    this.abort.abort(new Error(`STOP: ${reason}`));
    this.audit?.append({ runId: this.faults.runId, kind: 'stop.requested', actor, data: { reason } });
    // Injects cut short are being killed on their node (remote process-group kill). Revert only once
    // each has returned: a revert racing a still-running inject script could run before the fault
    // lands and leave it behind. Bounded, so a dead link cannot hold STOP (the lease covers that node).
    const inflight = [...this.faults.faults.values()].filter((f) => f.state === 'injecting' && f.settled).map((f) => f.settled!);
    if (inflight.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(inflight), new Promise((r) => (timer = setTimeout(r, INJECT_SETTLE_MS)))]);
      clearTimeout(timer);
    }
    const byNode = new Map<string, ActiveFault[]>();
    for (const f of this.faults.faults.values()) {
      const list = byNode.get(f.target.name) ?? [];
      list.push(f);
      byNode.set(f.target.name, list);
    }
    const nodes = await Promise.all(
      [...byNode.entries()].map(async ([node, list]): Promise<NodeStopResult> => {
        const live = list.filter((f) => f.state !== 'reverted' && f.state !== 'failed');
        // Newest first: a later fault may sit on top of an earlier one (e.g. nested qdiscs).
        for (const f of [...live].reverse()) await this.faults.revertOne(f);
        const states = list.map((f) => f.state);
        const status: NodeStopStatus = live.length === 0 ? 'nothing' : states.includes('residue') ? 'residue' : states.includes('unreachable') ? 'unreachable' : 'reverted';
        const lease = Math.max(...list.map((f) => f.leaseExpiresAt));
        return {
          node,
          status,
          faults: list.map((f) => ({ id: f.id, kind: f.kind, state: f.state, detail: f.detail })),
          leaseExpiresAt: status === 'unreachable' ? new Date(lease).toISOString() : undefined,
        };
      }),
    );
    this.faults.stopRenewal();
    const report: StopReport = { reason, actor, startedAt, durationMs: performance.now() - t0, nodes, clean: nodes.every((n) => n.status === 'reverted' || n.status === 'nothing') };
    this.audit?.append({ runId: this.faults.runId, kind: 'stop.completed', actor, data: { durationMs: Math.round(report.durationMs), clean: report.clean, nodes: nodes.map((n) => ({ node: n.node, status: n.status, leaseExpiresAt: n.leaseExpiresAt })) } });
    return report;
  }
}
