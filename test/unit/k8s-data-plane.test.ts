/**
 * The test cluster's data plane as a probe sees it: a Service URL spreads connections round robin
 * over its ready pods; NetworkChaos loss/partition make a pod leave requests unanswered, delay
 * makes it answer later, StressChaos slower; recovery restores it; the ground-truth windows say
 * when each effect was on. Probes here are plain HTTP requests with their own timeouts.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../k8s/chaos-status.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';
import type { JsonObject, KObject } from '../k8s/types.js';

let srv: K8sTestServer;
beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 30, recoverDelayMs: 30, retryMs: 150, recreateDelayMs: 300, readyDelayMs: 60, terminationMs: 50 } });
});
afterAll(async () => { await srv?.dispose(); });

/** One GET on a fresh connection: the pod that answered, or 'timeout' / 'refused'. */
function probe(url: string, timeoutMs = 400): Promise<{ pod?: string; outcome: 'ok' | 'timeout' | 'error'; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ pod: (JSON.parse(body) as { pod: string }).pod, outcome: 'ok', ms: Date.now() - start }));
    });
    req.on('timeout', () => { req.destroy(); resolve({ outcome: 'timeout', ms: Date.now() - start }); });
    req.on('error', () => resolve({ outcome: 'error', ms: Date.now() - start }));
    req.end();
  });
}

const chaosName = (n: string): KObject | undefined => srv.controls.get('chaos-mesh.org/v1alpha1', 'NetworkChaos', 'shop', n);
const records = (o: KObject | undefined): ChaosRecord[] => ((o?.status as JsonObject | undefined)?.experiment as { containerRecords?: ChaosRecord[] } | undefined)?.containerRecords ?? [];
const allInjected = (o: KObject | undefined): boolean => ((o?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'AllInjected' && c.status === 'True');

async function inject(name: string, spec: JsonObject): Promise<string> {
  srv.controls.apply({ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name, namespace: 'shop' }, spec: { mode: 'one', selector: { labelSelectors: { app: 'checkout' } }, ...spec } });
  const o = await srv.controls.waitFor(() => allInjected(chaosName(name)) && chaosName(name), `${name} injected`);
  return records(o)[0]!.id.split('/')[1]!;
}

async function remove(name: string): Promise<void> {
  srv.controls.delete('chaos-mesh.org/v1alpha1', 'NetworkChaos', 'shop', name);
  await srv.controls.waitFor(() => chaosName(name) === undefined, `${name} gone`);
}

describe('data plane', () => {
  it('a Service spreads new connections round robin over its ready pods', async () => {
    const url = srv.controls.serviceUrl('shop', 'checkout');
    const answers: string[] = [];
    for (let i = 0; i < 9; i++) answers.push((await probe(url)).pod!);
    const counts = new Map<string, number>();
    for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(srv.controls.endpoints('shop', 'checkout').map((p) => `shop/${p}`).sort());
    expect([...counts.values()]).toEqual([3, 3, 3]);
  });

  it('partition: the pod answers nothing until recovered; its window in the ground truth covers the silence', async () => {
    const pod = await inject('cut', { action: 'partition' });
    const podUrl = srv.controls.podUrl('shop', pod)!;
    expect((await probe(podUrl, 300)).outcome).toBe('timeout');
    const other = srv.controls.endpoints('shop', 'checkout').find((p) => p !== pod)!;
    expect((await probe(srv.controls.podUrl('shop', other)!)).outcome).toBe('ok');
    await remove('cut');
    expect((await probe(podUrl)).outcome).toBe('ok');
    const w = srv.controls.truth().faults.find((f) => f.source === 'NetworkChaos shop/cut')!;
    expect(w).toMatchObject({ pod: `shop/${pod}`, effect: { kind: 'partition' }, endedBy: 'recovered' });
    expect(w.to).toBeGreaterThan(w.from);
  });

  it('loss 50: about half of the requests to that pod go unanswered (binomial bounds over 60 requests)', async () => {
    const pod = await inject('lossy', { action: 'loss', loss: { loss: '50' } });
    const results = await Promise.all(Array.from({ length: 60 }, () => probe(srv.controls.podUrl('shop', pod)!, 400)));
    const dropped = results.filter((r) => r.outcome === 'timeout').length;
    // P(X ∉ [15, 45]) for X ~ Bin(60, 0.5) is about 1e-4.
    expect(dropped).toBeGreaterThanOrEqual(15);
    expect(dropped).toBeLessThanOrEqual(45);
    expect(results.filter((r) => r.outcome === 'error')).toEqual([]);
    await remove('lossy');
  });

  it('delay: answers of that pod come no sooner than the latency; StressChaos slows answers too', async () => {
    const pod = await inject('slow', { action: 'delay', delay: { latency: '250ms' } });
    const r = await probe(srv.controls.podUrl('shop', pod)!, 2000);
    expect(r.outcome).toBe('ok');
    expect(r.ms).toBeGreaterThanOrEqual(250);
    await remove('slow');
    srv.controls.apply({ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'hot', namespace: 'shop' }, spec: { mode: 'one', selector: { labelSelectors: { app: 'checkout' } }, stressors: { cpu: { workers: 3, load: 100 } } } });
    const st = await srv.controls.waitFor(() => {
      const o = srv.controls.get('chaos-mesh.org/v1alpha1', 'StressChaos', 'shop', 'hot');
      return allInjected(o) && o;
    }, 'stress injected');
    const hot = records(st)[0]!.id.split('/')[1]!;
    const s = await probe(srv.controls.podUrl('shop', hot)!, 2000);
    expect(s.ms).toBeGreaterThanOrEqual(300); // 3 workers × 100 % × stressMsPerWorker (100)
    srv.controls.delete('chaos-mesh.org/v1alpha1', 'StressChaos', 'shop', 'hot');
    await srv.controls.waitFor(() => !srv.controls.get('chaos-mesh.org/v1alpha1', 'StressChaos', 'shop', 'hot'), 'stress gone');
  });

  it('a Service with no ready pod resets connections, as kube-proxy rejects them', async () => {
    srv.controls.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ghost', namespace: 'shop' }, spec: { selector: { app: 'ghost' }, ports: [{ port: 80 }] } });
    const url = await srv.controls.waitFor(() => { try { return srv.controls.serviceUrl('shop', 'ghost'); } catch { return undefined; } }, 'ghost proxy');
    expect((await probe(url)).outcome).toBe('error');
  });
});
