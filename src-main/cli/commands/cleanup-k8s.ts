/**
 * `gameday cleanup --scan` on the inventory's Kubernetes cluster: list every Chaos Mesh object this
 * console labelled, in every namespace the kubeconfig user may see, and remove each by pause → wait
 * → delete; mark the audit's matching per-pod faults reverted (or residue). An object Chaos Mesh's
 * finalizer holds is shown with its records still Injected. `--force-finalizer` (with a second
 * person's --approver) then drops the finalizer — which ABANDONS the fault on those pods — audited
 * before it is sent. Returns the number of problems (objects left, places it could not look).
 */
import type { AuditStore } from '../../audit/index.js';
import type { Inventory } from '../../inventory/index.js';
import { FAULT_LABEL, RUN_LABEL } from '../../engines/k8s/index.js';
import { K8sError, KubeClient } from '../../engines/k8s/index.js';
import { waitsOf } from '../../engines/k8s/index.js';
import { removeChaos, scanChaos } from '../../engines/k8s/index.js';
import { describeRecords } from '../../engines/k8s/index.js';
import { c } from '../output.js';

export async function cleanupK8s(inv: Inventory, audit: AuditStore, o: { run?: string; dryRun?: boolean; forceFinalizer?: boolean; approver?: string; actor: string }): Promise<number> {
  if (!inv.kubernetes) return 0;
  const w = (s: string): void => void process.stdout.write(`${s}\n`);
  let client: KubeClient;
  try {
    client = KubeClient.fromSettings(inv.kubernetes);
  } catch (e) {
    w(`${c.yellow('!')} kubernetes: ${(e as Error).message}${(e as K8sError).hint ? ` (${(e as K8sError).hint})` : ''}`);
    return 1;
  }
  try {
    const scan = await scanChaos(client, o.run);
    for (const p of scan.problems) w(`${c.yellow('!')} kubernetes: ${p}`);
    const where = scan.namespacesOnly ? `namespace(s) ${scan.namespacesOnly.join(', ')} only (listing across namespaces is not allowed for this user)` : 'all namespaces';
    w(`${scan.found.length} Chaos Mesh object(s) labelled by this console in ${where} (${client.context})`);
    if (o.dryRun) {
      for (const f of scan.found) w(`  would remove ${f.obj.kind} ${f.obj.metadata.namespace}/${f.obj.metadata.name} (run ${f.obj.metadata.labels?.[RUN_LABEL] ?? '?'}): ${describeRecords(f.obj)}`);
      return scan.problems.length;
    }
    const forced = o.forceFinalizer && o.approver ? { approver: o.approver, actor: o.actor, audit: (kind: string, data: Record<string, unknown>) => void audit.append({ kind, actor: o.approver, data }) } : undefined;
    const removals = await removeChaos(client, scan.found, waitsOf(inv.kubernetes), forced);
    const open = audit.openFaults(o.run);
    let left = 0;
    for (const r of removals) {
      const label = `${r.found.obj.kind} ${r.handle.namespace}/${r.handle.name} (run ${r.found.obj.metadata.labels?.[RUN_LABEL] ?? '?'})`;
      const stillInjected = [...r.handle.pods.values()].filter((p) => p.state === 'residue').map((p) => p.pod);
      if (r.removed && stillInjected.length === 0) w(`  ${c.green('removed ✓')} ${label}: ${r.detail}`);
      else {
        left++;
        w(`  ${c.red(r.removed ? 'abandoned ✗' : 'stuck ✗')} ${label}: ${r.detail}`);
        if (!r.removed && !forced) w(`    the fault stays on ${stillInjected.join(', ') || 'its pods'} until Chaos Mesh can recover it; forcing the finalizer away abandons it: gameday cleanup --scan --force-finalizer --approver NAME`);
      }
      audit.append({ kind: r.removed ? 'cleanup.k8s-removed' : 'cleanup.k8s-stuck', actor: o.actor, node: `${r.handle.namespace}/${r.handle.name}`, data: { kind: r.found.obj.kind, run: r.found.obj.metadata.labels?.[RUN_LABEL] ?? null, detail: r.detail, stillInjected } });
      // The audit's per-pod faults of this object (ids "<fault>.<n>") follow what the cluster says.
      const fid = r.found.obj.metadata.labels?.[FAULT_LABEL];
      for (const f of open.filter((x) => fid && x.id.startsWith(`${fid}.`))) {
        audit.setFaultState(f.id, stillInjected.includes(f.node) || (!r.removed && !stillInjected.length) ? 'residue' : 'reverted', { detail: r.detail.slice(0, 500) });
      }
    }
    return left + scan.problems.length;
  } finally {
    client.dispose();
  }
}
