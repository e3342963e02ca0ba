import type { AuditStore, FaultRow } from '../audit/index.js';
import { getFault } from '../faults/index.js';
import type { SshError, SshPool, ConnectSpec } from '../ssh/index.js';
import { firedAt, leaseRevertedDetail } from '../engine/index.js';
import { revertAndVerify } from '../engine/index.js';

export interface ReconcileResult {
  fault: FaultRow;
  /** `live`: its lease is still being renewed (a console, maybe another one, holds it): not touched. */
  outcome: 'reverted' | 'residue' | 'unreachable' | 'skipped' | 'live';
  detail?: string;
}

export interface ReconcileOptions {
  /** Revert even faults whose lease is still being renewed (cleanup --force-live, approved). */
  forceLive?: boolean;
}

/**
 * Revert faults the audit says may still be in effect (a console that died mid-run): run each
 * one's revert with the ids it was injected with (reverts are idempotent), verify, and record the
 * outcome. Nodes not in `nodes` are skipped and reported, never guessed. A fault whose lease was
 * renewed within its TTL belongs to a live run and is left alone unless `forceLive`.
 */
export async function reconcileFaults(audit: AuditStore, pool: SshPool, rows: FaultRow[], nodes: Map<string, { spec: ConnectSpec; host: string; gpu: 'amd' | 'nvidia' | 'none' }>, o: ReconcileOptions = {}): Promise<ReconcileResult[]> {
  return Promise.all(
    rows.map(async (f): Promise<ReconcileResult> => {
      const n = nodes.get(f.node);
      if (!n) return { fault: f, outcome: 'skipped', detail: `${f.node} is not in the inventory` };
      try {
        const mod = getFault(f.kind);
        const ctx = { runId: f.run_id, faultId: f.id, node: { name: f.node, host: n.host, gpu: n.gpu }, leaseTtlSec: Math.max(1, Math.round(f.lease_ttl_s ?? 30)), maxDurationSec: 1 };
        const r = await revertAndVerify(pool, n.spec, mod, JSON.parse(f.params) as unknown, ctx, { unlessLive: !o.forceLive });
        const st = r.status;
        if (st.live === 'yes') return { fault: f, outcome: 'live', detail: `live, run ${f.run_id}, renewed ${st.renewed} s ago (lease ${st.ttl} s)` };
        const ok = r.clean;
        const fired = firedAt(st.fired);
        const detail = ok ? (fired !== undefined ? `${leaseRevertedDetail(fired, 'seen at cleanup')}; reconciled after restart` : 'reconciled after restart') : r.stderr.slice(0, 300);
        // Known from the watchdog's own log: the fault's active window ended when the node reverted it.
        if (fired !== undefined) audit.append({ runId: f.run_id, kind: 'fault.lease-expired', node: f.node, actor: 'cleanup', data: { fault: f.id, node: f.node, expiredAt: fired, seenAt: Date.now() } });
        audit.setFaultState(f.id, ok ? 'reverted' : 'residue', { detail });
        return { fault: f, outcome: ok ? 'reverted' : 'residue', detail: ok ? (fired !== undefined ? detail : undefined) : r.stderr.trim().slice(0, 300) };
      } catch (e) {
        return { fault: f, outcome: 'unreachable', detail: (e as SshError).message };
      }
    }),
  );
}
