/**
 * Preflight for the Kubernetes side, before anything is created: the API answers, Chaos Mesh's
 * CRDs are served (discovery), the kubeconfig's user may do what a run needs on them
 * (SelfSubjectAccessReview per verb, resource and namespace: a denial names all three), and every
 * target selects pods. Each check is one line with what failed and a hint.
 */
import { CHAOS_GROUP, PLURALS, type ChaosKind } from '../../faults/index.js';
import { K8sError, type KubeClient } from './client.js';
import type { ClusterTarget } from './cluster-side.js';

export interface K8sCheck {
  what: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

/** Verbs a run uses on its chaos objects: create, follow (get/list/watch), pause (patch), delete. */
export const CHAOS_VERBS = ['create', 'get', 'list', 'watch', 'patch', 'delete'] as const;

const HELM_HINT = 'install Chaos Mesh >= 2.6: helm repo add chaos-mesh https://charts.chaos-mesh.org && helm install chaos-mesh chaos-mesh/chaos-mesh -n chaos-mesh --create-namespace';
const ROLE_HINT = 'grant the Role in README "Kubernetes" to the kubeconfig user (or ask the cluster admin)';

/** Run every check; later checks are skipped (and say so) when the API cannot be reached. */
export async function k8sPreflight(client: KubeClient, targets: ClusterTarget[], kinds: Set<ChaosKind>): Promise<K8sCheck[]> {
  const out: K8sCheck[] = [];
  try {
    const v = await client.version();
    out.push({ what: 'API reachable', ok: true, detail: `${client.server} (context ${client.context}), Kubernetes ${v.gitVersion}` });
  } catch (e) {
    const k = e as K8sError;
    out.push({ what: 'API reachable', ok: false, detail: `${client.server}: ${k.message}`, hint: k.hint });
    return out;
  }
  const plurals = [...kinds].map((k) => PLURALS[k]);
  try {
    const served = new Set(await client.chaosResources());
    const missing = plurals.filter((p) => !served.has(p));
    out.push(missing.length
      ? { what: 'Chaos Mesh CRDs', ok: false, detail: `${CHAOS_GROUP}/v1alpha1 does not serve ${missing.join(', ')}`, hint: HELM_HINT }
      : { what: 'Chaos Mesh CRDs', ok: true, detail: `${plurals.join(', ')} served by ${CHAOS_GROUP}/v1alpha1` });
  } catch (e) {
    const k = e as K8sError;
    out.push({ what: 'Chaos Mesh CRDs', ok: false, detail: k.code === 'NOT_FOUND' ? `the API group ${CHAOS_GROUP}/v1alpha1 is not served: Chaos Mesh is not installed` : k.message, hint: k.code === 'NOT_FOUND' ? HELM_HINT : k.hint });
  }
  for (const ns of [...new Set(targets.map((t) => t.namespace))]) {
    const denied: string[] = [];
    for (const plural of plurals) {
      for (const verb of CHAOS_VERBS) {
        try {
          if (!(await client.can(verb, plural, ns))) denied.push(`${verb} ${plural}.${CHAOS_GROUP}`);
        } catch (e) {
          denied.push(`${verb} ${plural}.${CHAOS_GROUP} (review failed: ${(e as Error).message})`);
        }
      }
    }
    if (!(await client.can('list', 'pods', ns, '').catch(() => false))) denied.push('list pods');
    out.push(denied.length
      ? { what: `RBAC in ${ns}`, ok: false, detail: `the kubeconfig user may not: ${denied.map((d) => `${d} in namespace ${ns}`).join('; ')}`, hint: ROLE_HINT }
      : { what: `RBAC in ${ns}`, ok: true, detail: `${CHAOS_VERBS.join('/')} on ${plurals.join(', ')}; list pods` });
  }
  for (const t of targets) {
    const over = t.pods.length > t.maxPods;
    out.push({ what: `target ${t.name}`, ok: true, detail: `${t.pods.length} pod(s) selected in ${t.namespace}: ${t.pods.map((p) => p.split('/')[1]).slice(0, 8).join(', ')}${t.pods.length > 8 ? ', …' : ''}${over ? ` (each step's mode must pick at most maxPods ${t.maxPods})` : ''}` });
  }
  return out;
}
