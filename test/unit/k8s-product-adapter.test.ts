/**
 * The Chaos Mesh adapter (ClusterFaults over client-node 1.4) against the in-process Kubernetes
 * test server: spec.duration is the engine-side dead-man (Chaos Mesh recovers by itself when it
 * runs out, and the adapter records the pods reverted with that reason), a pause on a one-shot
 * kill is never sent, and an object with no matching pod is reported after the bounded wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getK8sFault, resolveK8sParams } from '../../src-main/faults/k8s-kinds.js';
import { MANAGED_SELECTOR } from '../../src-main/engines/k8s/chaos-object.js';
import { KubeClient } from '../../src-main/engines/k8s/client.js';
import { ClusterFaults } from '../../src-main/engines/k8s/cluster-faults.js';
import { ChaosObserver } from '../../src-main/engines/k8s/observer.js';
import { parseK8sSelector } from '../../src-main/inventory/k8s-selector.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';

let srv: K8sTestServer;
let client: KubeClient;
let observer: ChaosObserver;
let faults: ClusterFaults;
beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 50, recoverDelayMs: 50, retryMs: 200, recreateDelayMs: 300, readyDelayMs: 100 } });
  client = KubeClient.fromSettings({ kubeconfig: srv.kubeconfigPath, protectedNamespaces: [], waitSeconds: 3 });
  observer = new ChaosObserver(client, MANAGED_SELECTOR);
  faults = new ClusterFaults({ client, observer, runId: 'run-unit', leaseTtlSec: 1, waits: { verifyMs: 3000, recoverMs: 3000, deleteMs: 3000 } });
});
afterAll(async () => {
  observer?.dispose();
  client?.dispose();
  await srv?.dispose();
});

function req(kind: string, params: Record<string, unknown>, selector = 'k8s:shop/app=payments', holdSec = 1) {
  const fault = getK8sFault(kind)!;
  const r = resolveK8sParams(fault, undefined, params);
  if (!r.ok) throw new Error(r.issues.join());
  return { stepId: 'u', fault, params: r.params, selector: parseK8sSelector(selector), namespace: 'shop', holdSec };
}

describe('ClusterFaults against the test server', () => {
  it('spec.duration (hold + lease TTL) ends the fault by itself: ground truth closes, pods recorded reverted by Chaos Mesh', async () => {
    const out = await faults.inject(req('network-latency', { latency: '100ms' }));
    expect(out.ok, out.message).toBe(true);
    const h = out.handle!;
    expect(h.manifest.spec.duration).toBe('2s');
    expect([...h.pods.values()].map((p) => p.state)).toEqual(['active', 'active']);
    // No revert is asked for: the console could be dead. Chaos Mesh recovers at creation + 2 s.
    await srv.controls.waitFor(() => [...h.pods.values()].every((p) => p.state === 'reverted'), 'pods reverted by duration', 8000);
    expect([...h.pods.values()].map((p) => p.detail)).toEqual(['Chaos Mesh recovered it when spec.duration ran out', 'Chaos Mesh recovered it when spec.duration ran out']);
    const windows = srv.controls.truth().faults.filter((f) => f.source === `NetworkChaos shop/${h.name}`);
    expect(windows).toHaveLength(2);
    expect(windows.every((w) => w.to !== undefined && w.endedBy === 'recovered')).toBe(true);
    await faults.revert(h);
    expect(h.removed).toBe(true);
  });

  it('a one-shot kill is not paused (a pause changes nothing for it): delete only', async () => {
    const out = await faults.inject(req('pod-kill', { mode: 'one' }, 'k8s:shop/app=payments', 0));
    expect(out.ok, out.message).toBe(true);
    await faults.revert(out.handle!);
    expect(out.handle!.removed).toBe(true);
    const writes = srv.controls.requests({ resource: 'podchaos', name: out.handle!.name }).filter((r) => r.verb === 'patch' || r.verb === 'delete');
    expect(writes.map((r) => r.verb)).toEqual(['delete']);
  });

  it('a selector no pod matches: not active, reported after the bounded wait, the object removed', async () => {
    const out = await faults.inject(req('network-partition', {}, 'k8s:shop/app=nothing-here'));
    expect(out.ok).toBe(false);
    expect(out.message).toContain('Chaos Mesh selected no pod');
    expect(out.handle?.removed).toBe(true);
  });
});
