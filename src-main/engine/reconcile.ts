import type { AuditStore, FaultRow } from '../audit/index.js';
import { buildRevert, parseStatus } from '../faults/lease.js';
import { getFault } from '../faults/registry.js';
import type { SshError, SshPool, ConnectSpec } from '../ssh/index.js';

export interface ReconcileResult {
  fault: FaultRow;
  outcome: 'reverted' | 'residue' | 'unreachable' | 'skipped';
  detail?: string;
}

/**
 * Revert faults the audit says may still be in effect (a console that died mid-run): run each
 * one's revert with the ids it was injected with (reverts are idempotent), verify, and record the
 * outcome. Nodes not in `nodes` are skipped and reported, never guessed.
 */
export async function reconcileFaults(audit: AuditStore, pool: SshPool, rows: FaultRow[], nodes: Map<string, { spec: ConnectSpec; host: string; gpu: 'amd' | 'nvidia' | 'none' }>): Promise<ReconcileResult[]> {
  return Promise.all(
    rows.map(async (f): Promise<ReconcileResult> => {
      const n = nodes.get(f.node);
      if (!n) return { fault: f, outcome: 'skipped', detail: `${f.node} is not in the inventory` };
      try {
        const mod = getFault(f.kind);
        const ctx = { runId: f.run_id, faultId: f.id, node: { name: f.node, host: n.host, gpu: n.gpu }, leaseTtlSec: Math.max(1, Math.round(f.lease_ttl_s ?? 30)), maxDurationSec: 1 };
        const r = await pool.exec(n.spec, buildRevert(mod, JSON.parse(f.params) as unknown, ctx), { sudo: mod.requires.root, timeoutMs: 60_000 });
        const clean = parseStatus(r.stdout).clean;
        const ok = clean === 'yes' || clean === 'oneshot';
        audit.setFaultState(f.id, ok ? 'reverted' : 'residue', { detail: ok ? 'reconciled after restart' : r.stderr.slice(0, 300) });
        return { fault: f, outcome: ok ? 'reverted' : 'residue', detail: ok ? undefined : r.stderr.trim().slice(0, 300) };
      } catch (e) {
        return { fault: f, outcome: 'unreachable', detail: (e as SshError).message };
      }
    }),
  );
}
