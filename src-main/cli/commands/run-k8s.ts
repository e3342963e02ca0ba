/**
 * `gameday run` for runbooks with k8s: targets: connect with the inventory's kubeconfig, resolve the
 * targets to pods, and (unless a dry run or --skip-preflight) run the Kubernetes preflight
 * (engines/k8s/preflight.ts). Returns the ClusterSide for the session, or the exit code to end with.
 */
import type { AuditStore } from '../../audit/index.js';
import type { Inventory } from '../../inventory/index.js';
import type { Scenario } from '../../scenario/index.js';
import { parseDuration } from '../../api/index.js';
import { getK8sFault, type ChaosKind } from '../../faults/index.js';
import { K8sError } from '../../engines/k8s/index.js';
import { ClusterSetupError, ClusterSide, clusterTargetNames } from '../../engines/k8s/index.js';
import { K8sSelectorError } from '../../inventory/index.js';
import { k8sPreflight, type K8sCheck } from '../../engines/k8s/index.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';

export function printK8sChecks(checks: K8sCheck[]): void {
  for (const ch of checks) process.stdout.write(`${ch.ok ? c.green('✓') : c.red('✗')} kubernetes ${ch.what}: ${ch.detail}${!ch.ok && ch.hint ? `\n    hint: ${ch.hint}` : ''}\n`);
}

export async function prepareCluster(o: { scenario: Scenario; inv: Inventory; audit: AuditStore; runId: string; preflight: boolean; json?: boolean }): Promise<{ cluster?: ClusterSide; exit?: number }> {
  if (clusterTargetNames(o.scenario).length === 0) return {};
  const settings = o.inv.kubernetes;
  if (!settings) throw new CliError(`the runbook has Kubernetes targets (${clusterTargetNames(o.scenario).join(', ')}) but ${o.inv.file} has no kubernetes: section`, EXIT.INVALID_INPUT, 'add kubernetes: { kubeconfig: ~/.kube/config, context: NAME, namespace: NS } to the inventory');
  const leaseTtlSec = Math.max(3, Math.round(parseDuration(o.scenario.leaseTtl) / 1000));
  let cluster: ClusterSide;
  try {
    cluster = await ClusterSide.prepare({ scenario: o.scenario, settings, audit: o.audit, runId: o.runId, leaseTtlSec });
  } catch (e) {
    if (e instanceof K8sError && e.code === 'KUBECONFIG') throw new CliError(e.message, EXIT.INVALID_INPUT, e.hint);
    if (e instanceof K8sSelectorError) throw new CliError(e.message, EXIT.INVALID_INPUT, e.hint);
    if (e instanceof ClusterSetupError || e instanceof K8sError) {
      process.stdout.write(`${c.red('✗')} kubernetes: ${e.message}${e.hint ? `\n    hint: ${e.hint}` : ''}\n`);
      o.audit.append({ kind: 'preflight.failed', data: { kubernetes: e.message } });
      return { exit: EXIT.PREFLIGHT_FAILED };
    }
    throw e;
  }
  if (!o.preflight) return { cluster };
  const kinds = new Set<ChaosKind>();
  for (const st of o.scenario.phases.flatMap((p) => p.steps)) if (st.kind === 'inject' && cluster.owns(st.target)) kinds.add(getK8sFault(st.fault)!.chaosKind);
  const checks = await k8sPreflight(cluster.client, [...cluster.targets.values()], kinds);
  if (!o.json || checks.some((x) => !x.ok)) printK8sChecks(checks);
  o.audit.append({ kind: checks.every((x) => x.ok) ? 'preflight.k8s' : 'preflight.failed', data: { kubernetes: checks } });
  if (checks.every((x) => x.ok)) return { cluster };
  cluster.dispose();
  return { exit: EXIT.PREFLIGHT_FAILED };
}
