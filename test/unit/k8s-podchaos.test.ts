/**
 * PodChaos in the test cluster: pod-kill deletes the selected pod and the Deployment replaces it
 * with a new pod (new name) after the recreate delay; pod-kill is one-shot (pause does not
 * recover it); pod-failure takes the pod out of its Service until recovered; container-kill bumps
 * restartCount. Checked from outside: the pod objects, the Service's endpoints, the pod timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../k8s/chaos-status.js';
import type { Manifest } from '../k8s/fixtures.js';
import { call } from '../k8s/raw-client.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';
import type { JsonObject, KObject } from '../k8s/types.js';

const RECREATE_MS = 400;
let srv: K8sTestServer;
beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 30, recoverDelayMs: 30, retryMs: 150, recreateDelayMs: RECREATE_MS, readyDelayMs: 80, terminationMs: 50, containerRestartMs: 300 } });
});
afterAll(async () => { await srv?.dispose(); });

const podChaos = (name: string, action: string, extra: JsonObject = {}): Manifest => ({
  apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'PodChaos', metadata: { name, namespace: 'shop' },
  spec: { action, mode: 'one', selector: { labelSelectors: { app: 'checkout' } }, ...extra },
});
const get = (name: string): KObject | undefined => srv.controls.get('chaos-mesh.org/v1alpha1', 'PodChaos', 'shop', name);
const records = (o: KObject | undefined): ChaosRecord[] => ((o?.status as JsonObject | undefined)?.experiment as { containerRecords?: ChaosRecord[] } | undefined)?.containerRecords ?? [];
const condition = (o: KObject | undefined, type: string): unknown => ((o?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).find((c) => c.type === type)?.status;
const until = <T>(f: () => T | undefined | false, what: string): Promise<T> => srv.controls.waitFor(f, what, 8000);
const checkoutPods = (): string[] => srv.controls.pods('shop', { app: 'checkout' }).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
const del = async (name: string): Promise<void> => {
  srv.controls.delete('chaos-mesh.org/v1alpha1', 'PodChaos', 'shop', name);
  await until(() => get(name) === undefined, `${name} gone`);
};

describe('PodChaos', () => {
  it('pod-kill: the selected pod goes, the Deployment brings a new pod with a new name after the recreate delay', async () => {
    const before = checkoutPods();
    expect(srv.controls.endpoints('shop', 'checkout')).toHaveLength(3);
    srv.controls.apply(podChaos('kill', 'pod-kill'));
    const o = await until(() => condition(get('kill'), 'AllInjected') === 'True' && get('kill'), 'injected');
    const victim = records(o)[0]!.id.split('/')[1]!;
    expect(before).toContain(victim);
    await until(() => !srv.controls.pods('shop').some((p) => p.metadata.name === victim), 'victim gone');
    const after = await until(() => srv.controls.endpoints('shop', 'checkout').length === 3 && checkoutPods(), 'three ready endpoints again');
    const replacement = after.filter((n) => !before.includes(n));
    expect(replacement).toHaveLength(1);
    expect(after).not.toContain(victim);
    const timeline = srv.controls.truth().pods;
    const killed = timeline.find((e) => e.pod === `shop/${victim}` && (e.event === 'terminating' || e.event === 'deleted'))!;
    const born = timeline.find((e) => e.pod === `shop/${replacement[0]}` && e.event === 'created')!;
    const ready = timeline.find((e) => e.pod === `shop/${replacement[0]}` && e.event === 'ready')!;
    expect(born.at - killed.at).toBeGreaterThanOrEqual(RECREATE_MS - 5);
    expect(ready.at).toBeGreaterThanOrEqual(born.at);
  });

  it('pod-kill is one-shot: pausing it does not recover it (Paused True, AllRecovered False); delete does', async () => {
    const o0 = get('kill')!;
    srv.controls.apply({ ...o0, metadata: { ...o0.metadata, annotations: { 'experiment.chaos-mesh.org/pause': 'true' } } } as unknown as Manifest);
    const paused = await until(() => condition(get('kill'), 'Paused') === 'True' && get('kill'), 'paused');
    expect(((paused.status as JsonObject).experiment as JsonObject).desiredPhase).toBe('Run');
    expect(condition(paused, 'AllRecovered')).toBe('False');
    expect(records(paused)[0]!.phase).toBe('Injected');
    await del('kill');
  });

  it('pod-failure: the pod leaves its Service (not ready) until the chaos is recovered', async () => {
    srv.controls.apply(podChaos('fail', 'pod-failure', { duration: '1m' }));
    const o = await until(() => condition(get('fail'), 'AllInjected') === 'True' && get('fail'), 'injected');
    const pod = records(o)[0]!.id.split('/')[1]!;
    await until(() => !srv.controls.endpoints('shop', 'checkout').includes(pod) && srv.controls.endpoints('shop', 'checkout').length === 2, 'out of endpoints');
    const status = srv.controls.get('v1', 'Pod', 'shop', pod)!.status as { containerStatuses: Array<{ ready: boolean; state: JsonObject }> };
    expect(status.containerStatuses[0]).toMatchObject({ ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } });
    await del('fail');
    await until(() => srv.controls.endpoints('shop', 'checkout').includes(pod), 'back in endpoints');
  });

  it('container-kill: the container restarts (restartCount 1), the pod stays', async () => {
    srv.controls.apply(podChaos('ckill', 'container-kill', { containerNames: ['checkout'] }));
    const o = await until(() => condition(get('ckill'), 'AllInjected') === 'True' && get('ckill'), 'injected');
    expect(records(o)[0]!.id).toMatch(/^shop\/checkout-.+\/checkout$/);
    const pod = records(o)[0]!.id.split('/')[1]!;
    const restarted = await until(() => {
      const p = srv.controls.get('v1', 'Pod', 'shop', pod);
      const cs = (p?.status as { containerStatuses?: Array<{ restartCount: number; ready: boolean }> } | undefined)?.containerStatuses?.[0];
      return cs?.restartCount === 1 && cs.ready && cs;
    }, 'restarted and ready');
    expect(restarted.restartCount).toBe(1);
    await del('ckill');
  });
});

describe('workloads around the experiments', () => {
  it('a Deployment follows spec.replicas patched through the API (pods and endpoints)', async () => {
    const t = { url: srv.url, caPem: srv.caPem, token: srv.token };
    const scale = (n: number): Promise<unknown> => call(t, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/checkout', { spec: { replicas: n } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    await scale(4);
    await until(() => srv.controls.endpoints('shop', 'checkout').length === 4, 'four endpoints');
    await scale(3);
    await until(() => srv.controls.endpoints('shop', 'checkout').length === 3 && checkoutPods().length === 3, 'back to three');
    await until(() => (srv.controls.get('apps/v1', 'Deployment', 'shop', 'checkout')!.status as { readyReplicas?: number }).readyReplicas === 3, 'status caught up');
    // Two spec changes: generation 1 → 3 (status writes do not count for built-in kinds).
    expect(srv.controls.get('apps/v1', 'Deployment', 'shop', 'checkout')!.metadata.generation).toBe(3);
  });

  it('deleting a namespace deletes what is in it', async () => {
    srv.controls.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'tmp', namespace: 'scratch' }, spec: { selector: { app: 'tmp' }, ports: [{ port: 80 }] } },
    ]);
    expect(srv.controls.delete('v1', 'Namespace', undefined, 'scratch')).toBe(true);
    await until(() => srv.controls.list('v1', 'Service', 'scratch').length === 0, 'service gone with its namespace');
  });
});
