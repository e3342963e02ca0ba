/**
 * One call for a launcher (the console service; the CLI prints its checks itself, run-k8s.ts):
 * resolve the runbook's k8s: targets and, unless told not to, run the Kubernetes preflight. Every
 * failure is a ClusterSetupError whose message names each failed check.
 */
import type { AuditStore } from '../../audit/index.js';
import type { Inventory } from '../../inventory/index.js';
import type { Scenario } from '../../scenario/index.js';
import { parseDuration } from '../../api/index.js';
import { getK8sFault, type ChaosKind } from '../../faults/index.js';
import { K8sError } from './client.js';
import { ClusterSetupError, ClusterSide, clusterTargetNames } from './cluster-side.js';
import { k8sPreflight } from './preflight.js';

/** The ClusterSide for a run, or undefined when the runbook has no k8s: target. Throws ClusterSetupError. */
export async function prepareClusterSide(o: { scenario: Scenario; inv: Inventory; audit?: AuditStore; runId: string; preflight: boolean }): Promise<ClusterSide | undefined> {
  if (clusterTargetNames(o.scenario).length === 0) return undefined;
  if (!o.inv.kubernetes) throw new ClusterSetupError(`the runbook has Kubernetes targets but ${o.inv.file} has no kubernetes: section`, 'add kubernetes: { kubeconfig, context, namespace } to the inventory');
  let cluster: ClusterSide;
  try {
    cluster = await ClusterSide.prepare({ scenario: o.scenario, settings: o.inv.kubernetes, audit: o.audit, runId: o.runId, leaseTtlSec: Math.max(3, Math.round(parseDuration(o.scenario.leaseTtl) / 1000)) });
  } catch (e) {
    if (e instanceof K8sError) throw new ClusterSetupError(e.message, e.hint);
    throw e;
  }
  if (!o.preflight) return cluster;
  const kinds = new Set<ChaosKind>();
  for (const st of o.scenario.phases.flatMap((p) => p.steps)) if (st.kind === 'inject' && cluster.owns(st.target)) kinds.add(getK8sFault(st.fault)!.chaosKind);
  const failed = (await k8sPreflight(cluster.client, [...cluster.targets.values()], kinds)).filter((c) => !c.ok);
  if (failed.length === 0) return cluster;
  cluster.dispose();
  throw new ClusterSetupError(`Kubernetes preflight failed: ${failed.map((c) => `${c.what}: ${c.detail}`).join('; ')}`, failed.find((c) => c.hint)?.hint);
}
