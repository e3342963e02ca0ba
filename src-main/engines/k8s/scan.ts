/**
 * Residue on the cluster: every Chaos Mesh object labelled `app.kubernetes.io/managed-by:
 * gameday-console`, in every namespace the kubeconfig user may list (cluster-wide when allowed, else
 * the namespaces it can, said plainly), and its removal by the same path as a revert (pause → wait
 * for every record Not Injected → delete → wait gone). An object the finalizer holds is reported
 * with its records still Injected; forcing it away is a separate, approved action (forceRelease).
 */
import { PLURALS } from '../../faults/index.js';
import { MANAGED_SELECTOR, RUN_LABEL, labelValue, type ChaosObject } from './chaos-object.js';
import { K8sError, type KubeClient } from './client.js';
import { ClusterFaults, type ChaosHandle, type ClusterWaits } from './cluster-faults.js';
import { ChaosObserver } from './observer.js';
import { describeRecords } from './status.js';

export interface FoundChaos {
  plural: string;
  obj: ChaosObject;
}

/** What the scan could see, and where it could not look. */
export interface ChaosScan {
  found: FoundChaos[];
  /** Namespaces scanned one by one because the cluster-wide list was refused (else undefined = all). */
  namespacesOnly?: string[];
  problems: string[];
}

/** List labelled objects of every Chaos Mesh kind (one run's, with `run`). */
export async function scanChaos(client: KubeClient, run?: string, extraNamespaces: string[] = []): Promise<ChaosScan> {
  const selector = run ? `${MANAGED_SELECTOR},${RUN_LABEL}=${labelValue(run)}` : MANAGED_SELECTOR;
  const out: ChaosScan = { found: [], problems: [] };
  for (const plural of Object.values(PLURALS)) {
    try {
      for (const obj of (await client.list(plural, selector)).items) out.found.push({ plural, obj });
    } catch (e) {
      const k = e as K8sError;
      if (k.code === 'NOT_FOUND') continue; // that kind is not installed: nothing of it can exist
      if (k.code !== 'FORBIDDEN') {
        out.problems.push(k.message);
        continue;
      }
      const nss = [...new Set([client.namespace, ...extraNamespaces])];
      out.namespacesOnly = nss;
      for (const ns of nss) {
        try {
          for (const obj of (await client.list(plural, selector, ns)).items) out.found.push({ plural, obj });
        } catch (e2) {
          out.problems.push((e2 as Error).message);
        }
      }
    }
  }
  return out;
}

export interface Removal {
  found: FoundChaos;
  handle: ChaosHandle;
  removed: boolean;
  detail: string;
}

/** Remove found objects in parallel (pause → wait → delete). The caller disposes nothing: all is owned here. */
export async function removeChaos(client: KubeClient, found: FoundChaos[], waits: ClusterWaits, forced?: { approver: string; actor: string; audit: (kind: string, data: Record<string, unknown>) => void }): Promise<Removal[]> {
  const observer = new ChaosObserver(client, MANAGED_SELECTOR);
  try {
    const faults = new ClusterFaults({ client, observer, runId: 'cleanup', leaseTtlSec: 0, waits });
    return await Promise.all(found.map(async (f) => {
      const h = faults.adopt(f.obj, f.plural);
      await faults.revert(h);
      if (!h.removed && forced) {
        // Audited (committed) before the annotation is sent: intent before action.
        const message = await faults.forceRelease(h, forced.approver, forced.actor, (msg, abandoned) => forced.audit('cleanup.k8s-forced', { object: `${h.namespace}/${h.name}`, kind: f.obj.kind, message: msg, abandoned, approver: forced.approver, requestedBy: forced.actor }));
        return { found: f, handle: h, removed: h.removed, detail: message };
      }
      return { found: f, handle: h, removed: h.removed, detail: h.removed ? `recovered and deleted (${[...h.pods.keys()].join(', ') || 'no pod'})` : (h.stuck ?? describeRecords(observer.latest(f.plural, h.namespace, h.name))) };
    }));
  } finally {
    observer.dispose();
  }
}
