/**
 * Fidelity with @kubernetes/client-node 1.4 (the client the product adapter will use), through its
 * real classes: KubeConfig from the written kubeconfig (CA verification, bearer token),
 * CustomObjectsApi create/list/get/patch/delete, Watch with resourceVersion and 410 handling,
 * AuthorizationV1Api SelfSubjectAccessReview, CoreV1Api pods. What a client sees is then checked
 * against the test cluster's own state.
 */
import {
  ApiException, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowAll } from '../k8s/rbac.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';

let srv: K8sTestServer;
let kc: KubeConfig;
let custom: CustomObjectsApi;
const aborts: AbortController[] = [];
beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 30, recoverDelayMs: 30, retryMs: 150 } });
  kc = new KubeConfig();
  kc.loadFromFile(srv.kubeconfigPath);
  custom = kc.makeApiClient(CustomObjectsApi);
});
afterAll(async () => {
  for (const a of aborts) a.abort();
  await srv?.dispose();
});

const G = { group: 'chaos-mesh.org', version: 'v1alpha1', plural: 'networkchaos' } as const;
const LABELS = { 'app.kubernetes.io/managed-by': 'gameday-console', 'gameday.io/run': 'run-7' };
type Chaos = { metadata: { name: string; resourceVersion: string; deletionTimestamp?: string; labels?: Record<string, string> }; status?: { conditions?: Array<{ type: string; status: string }> } };
const cond = (o: Chaos, type: string): string | undefined => o.status?.conditions?.find((c) => c.type === type)?.status;

/** Collects watch events through client-node's Watch until `until` holds for one of them. */
function watchUntil(path: string, query: Record<string, string | boolean>, until: (type: string, obj: Chaos) => boolean): Promise<Array<{ type: string; obj: Chaos }>> {
  return new Promise((resolve, reject) => {
    const seen: Array<{ type: string; obj: Chaos }> = [];
    let ctl: AbortController | undefined;
    let finished = false;
    const timer = setTimeout(() => reject(new Error(`watch: condition not met; saw ${seen.map((s) => s.type).join(',')}`)), 8000);
    void new Watch(kc).watch(path, query, (type, obj: Chaos) => {
      seen.push({ type, obj });
      if (!finished && until(type, obj)) { finished = true; clearTimeout(timer); ctl?.abort(); resolve(seen); }
    }, (err: unknown) => { if (!finished && err) { clearTimeout(timer); reject(err as Error); } }).then((c) => { ctl = c; aborts.push(c); });
  });
}

describe('@kubernetes/client-node 1.4 against the test server', () => {
  it('creates a NetworkChaos, lists it by label (namespace and cluster-wide), and watches it to AllInjected', async () => {
    const list0 = await custom.listNamespacedCustomObject({ ...G, namespace: 'shop' }) as { metadata: { resourceVersion: string } };
    const watched = watchUntil('/apis/chaos-mesh.org/v1alpha1/namespaces/shop/networkchaos',
      { labelSelector: 'gameday.io/run=run-7', resourceVersion: list0.metadata.resourceVersion, allowWatchBookmarks: true },
      (type, o) => type === 'MODIFIED' && cond(o, 'AllInjected') === 'True');
    const created = await custom.createNamespacedCustomObject({
      ...G, namespace: 'shop',
      body: { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name: 'cn-loss', labels: LABELS }, spec: { action: 'loss', mode: 'all', selector: { labelSelectors: { app: 'checkout' } }, loss: { loss: '30' }, duration: '5m' } },
    }) as Chaos;
    expect(created.metadata.labels).toEqual(LABELS);
    const events = await watched;
    expect(events[0]!.type).toBe('ADDED');
    expect(events.every((e) => e.obj.metadata.name === 'cn-loss')).toBe(true);
    const byLabel = await custom.listNamespacedCustomObject({ ...G, namespace: 'shop', labelSelector: 'app.kubernetes.io/managed-by=gameday-console' }) as { items: Chaos[] };
    expect(byLabel.items.map((i) => i.metadata.name)).toEqual(['cn-loss']);
    const all = await custom.listClusterCustomObject({ ...G, labelSelector: 'gameday.io/run=run-7' }) as { items: Chaos[] };
    expect(all.items).toHaveLength(1);
    // What the client saw matches the cluster: three open loss windows.
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/cn-loss' && w.to === undefined)).toHaveLength(3);
  });

  it('merge-patches the pause annotation (PatchStrategy.MergePatch) and sees AllRecovered through the watch', async () => {
    const cur = await custom.getNamespacedCustomObject({ ...G, namespace: 'shop', name: 'cn-loss' }) as Chaos;
    const watched = watchUntil('/apis/chaos-mesh.org/v1alpha1/namespaces/shop/networkchaos',
      { fieldSelector: 'metadata.name=cn-loss', resourceVersion: cur.metadata.resourceVersion },
      (type, o) => cond(o, 'AllRecovered') === 'True' && cond(o, 'Paused') === 'True');
    await custom.patchNamespacedCustomObject({ ...G, namespace: 'shop', name: 'cn-loss', body: { metadata: { annotations: { 'experiment.chaos-mesh.org/pause': 'true' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const events = await watched;
    expect(events.every((e) => e.type === 'MODIFIED')).toBe(true);
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/cn-loss' && w.to === undefined)).toEqual([]);
  });

  it('surfaces refusals as ApiException with the Status code and body (spec update 403, missing object 404)', async () => {
    const spec = await custom.patchNamespacedCustomObject({ ...G, namespace: 'shop', name: 'cn-loss', body: [{ op: 'replace', path: '/spec/duration', value: '9m' }] }).catch((e: unknown) => e);
    expect(spec).toBeInstanceOf(ApiException);
    expect((spec as ApiException<string>).code).toBe(403);
    expect(String((spec as ApiException<string>).body)).toContain('Cannot update chaos spec');
    const missing = await custom.getNamespacedCustomObject({ ...G, namespace: 'shop', name: 'nope' }).catch((e: unknown) => e);
    expect((missing as ApiException<string>).code).toBe(404);
    // What went over the wire: the pause used merge-patch (set explicitly); a bare patch() defaults to JSON patch.
    expect(srv.controls.requests({ verb: 'patch', name: 'cn-loss' }).map((r) => r.contentType)).toEqual(['application/merge-patch+json', 'application/json-patch+json']);
  });

  it('asks SelfSubjectAccessReview through AuthorizationV1Api and gets the RBAC table\'s answer', async () => {
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const ask = async (verb: string): Promise<boolean> => (await authz.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { namespace: 'shop', verb, group: 'chaos-mesh.org', resource: 'networkchaos' } } },
    })).status!.allowed;
    srv.controls.setRbac({ allow: [{}], deny: [{ verbs: ['delete'], resources: ['networkchaos'] }] });
    expect(await ask('delete')).toBe(false);
    expect(await ask('patch')).toBe(true);
    const refused = await custom.deleteNamespacedCustomObject({ ...G, namespace: 'shop', name: 'cn-loss' }).catch((e: unknown) => e);
    expect((refused as ApiException<string>).code).toBe(403);
    srv.controls.setRbac(allowAll());
    expect(await ask('delete')).toBe(true);
  });

  it('deletes: the object first shows deletionTimestamp, then the watch sees DELETED once the finalizer is released', async () => {
    const cur = await custom.getNamespacedCustomObject({ ...G, namespace: 'shop', name: 'cn-loss' }) as Chaos;
    const watched = watchUntil('/apis/chaos-mesh.org/v1alpha1/namespaces/shop/networkchaos', { resourceVersion: cur.metadata.resourceVersion }, (type) => type === 'DELETED');
    const deleted = await custom.deleteNamespacedCustomObject({ ...G, namespace: 'shop', name: 'cn-loss' }) as Chaos;
    expect(deleted.metadata.deletionTimestamp).toBeDefined();
    const events = await watched;
    expect(events.at(-1)!.type).toBe('DELETED');
  });

  it('a watch from a compacted resourceVersion gets an ERROR event with code 410 (the client must re-list)', async () => {
    const old = (await custom.listNamespacedCustomObject({ ...G, namespace: 'shop' }) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    await custom.createNamespacedCustomObject({ ...G, namespace: 'shop', body: { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name: 'cn-later' }, spec: { action: 'partition', mode: 'one', selector: { labelSelectors: { app: 'payments' } } } } });
    srv.controls.compactHistory();
    const events = await watchUntil('/apis/chaos-mesh.org/v1alpha1/namespaces/shop/networkchaos', { resourceVersion: old }, (type) => type === 'ERROR');
    expect(events[0]!.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('lists and reads pods through CoreV1Api', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' });
    expect(pods.items).toHaveLength(3);
    expect(pods.items.every((p) => p.status?.phase === 'Running' && p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet')).toBe(true);
    const one = await core.readNamespacedPod({ namespace: 'shop', name: pods.items[0]!.metadata!.name! });
    expect(one.metadata?.uid).toBe(pods.items[0]!.metadata?.uid);
  });
});
