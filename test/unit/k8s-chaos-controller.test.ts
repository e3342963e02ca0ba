/**
 * The Chaos Mesh controller emulation as a state machine, driven through the test cluster's store
 * and checked from outside it: object state (finalizers, desiredPhase, records, conditions), the
 * order of writes a watcher sees, and the data plane's ground truth of which fault was on which pod.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../k8s/chaos-status.js';
import type { Manifest } from '../k8s/fixtures.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';
import type { ChangeEvent } from '../k8s/store.js';
import type { JsonObject, KObject } from '../k8s/types.js';

let srv: K8sTestServer;
beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 40, recoverDelayMs: 40, retryMs: 150, recreateDelayMs: 300, readyDelayMs: 80, terminationMs: 50 } });
});
afterAll(async () => { await srv?.dispose(); });

function chaos(kind: string, name: string, spec: JsonObject, annotations?: Record<string, string>): Manifest {
  return { apiVersion: 'chaos-mesh.org/v1alpha1', kind, metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) }, spec };
}
const loss = (mode = 'all', extra: JsonObject = {}): JsonObject => ({ action: 'loss', mode, selector: { labelSelectors: { app: 'checkout' } }, loss: { loss: '100' }, ...extra });
const get = (kind: string, name: string): KObject | undefined => srv.controls.get('chaos-mesh.org/v1alpha1', kind, 'shop', name);
const records = (o: KObject | undefined): ChaosRecord[] => ((o?.status as JsonObject | undefined)?.experiment as { containerRecords?: ChaosRecord[] } | undefined)?.containerRecords ?? [];
const condition = (o: KObject | undefined, type: string): unknown => ((o?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).find((c) => c.type === type)?.status;
const phase = (o: KObject | undefined): unknown => ((o?.status as JsonObject | undefined)?.experiment as JsonObject | undefined)?.desiredPhase;
const until = <T>(f: () => T | undefined | false, what: string): Promise<T> => srv.controls.waitFor(f, what, 8000);
const annotate = (kind: string, name: string, annotations: Record<string, string | null>): void => {
  const o = get(kind, name)!;
  const next = { ...(o.metadata.annotations ?? {}) } as Record<string, string>;
  for (const [k, v] of Object.entries(annotations)) if (v === null) delete next[k]; else next[k] = v;
  srv.controls.apply({ ...o, metadata: { ...o.metadata, annotations: next } } as unknown as Manifest);
};
const del = (kind: string, name: string): boolean => srv.controls.delete('chaos-mesh.org/v1alpha1', kind, 'shop', name);

describe('Chaos Mesh controller emulation', () => {
  it('on create: adds the finalizer, sets Run, selects, injects every record, then reports AllInjected — in that order of writes', async () => {
    const seen: ChangeEvent[] = [];
    const stop = srv.store.subscribe((e) => { if (e.object.metadata.name === 'order') seen.push(e); });
    srv.controls.apply(chaos('NetworkChaos', 'order', loss()));
    const done = await until(() => condition(get('NetworkChaos', 'order'), 'AllInjected') === 'True' && get('NetworkChaos', 'order'), 'AllInjected');
    stop();
    expect(done.metadata.finalizers).toEqual(['chaos-mesh/records']);
    expect(phase(done)).toBe('Run');
    const recs = records(done);
    expect(recs.map((r) => r.id).sort()).toEqual(srv.controls.pods('shop', { app: 'checkout' }).map((p) => `shop/${p.metadata.name}`).sort());
    expect(recs.every((r) => r.phase === 'Injected' && r.selectorKey === '.' && r.injectedCount === 1)).toBe(true);
    expect(recs[0]!.events).toEqual([expect.objectContaining({ type: 'Succeeded', operation: 'Apply' })]);
    // Each pipeline step is its own update, as with Chaos Mesh's steps: a watcher sees them in this order.
    const steps = seen.map((e) => {
      const st = (e.object.status ?? {}) as JsonObject;
      return `${e.type}:${(e.object.metadata.finalizers ?? []).length}:${String((st.experiment as JsonObject | undefined)?.desiredPhase ?? '')}:${records(e.object).filter((r) => r.phase === 'Injected').length}:${String(condition(e.object, 'AllInjected') ?? '')}`;
    });
    expect(steps).toEqual(['ADDED:0::0:', 'MODIFIED:1::0:', 'MODIFIED:1:Run:0:', 'MODIFIED:1:Run:0:False', 'MODIFIED:1:Run:3:False', 'MODIFIED:1:Run:3:True']);
    // Ground truth: a loss window is open on every selected pod.
    const open = srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/order' && w.to === undefined);
    expect(open.map((w) => w.pod).sort()).toEqual(recs.map((r) => r.id).sort());
    // The recorder's Events, as `kubectl describe` lists them.
    const reasons = srv.controls.list('v1', 'Event', 'shop').filter((e) => (e.involvedObject as { name: string }).name === 'order')
      .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion)).map((e) => e.reason);
    expect(reasons).toEqual(['FinalizerInited', 'Updated', 'Started', 'Updated', 'Applied', 'Applied', 'Applied', 'Updated']);
  });

  it('pause recovers every record (AllRecovered, Paused) and closes the fault windows; unpausing injects again', async () => {
    annotate('NetworkChaos', 'order', { 'experiment.chaos-mesh.org/pause': 'true' });
    const paused = await until(() => condition(get('NetworkChaos', 'order'), 'AllRecovered') === 'True' && get('NetworkChaos', 'order'), 'AllRecovered');
    expect(phase(paused)).toBe('Stop');
    expect(condition(paused, 'Paused')).toBe('True');
    expect(records(paused).every((r) => r.phase === 'Not Injected' && r.recoveredCount === 1 && r.events?.at(-1)?.operation === 'Recover')).toBe(true);
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/order' && w.to === undefined)).toEqual([]);
    annotate('NetworkChaos', 'order', { 'experiment.chaos-mesh.org/pause': null });
    const again = await until(() => condition(get('NetworkChaos', 'order'), 'AllInjected') === 'True' && get('NetworkChaos', 'order'), 're-injected');
    expect(records(again).every((r) => r.injectedCount === 2)).toBe(true);
  });

  it('delete recovers the records first, then drops the finalizer and the object goes', async () => {
    const seen: ChangeEvent[] = [];
    const stop = srv.store.subscribe((e) => { if (e.object.metadata.name === 'order') seen.push(e); });
    expect(del('NetworkChaos', 'order')).toBe(true);
    await until(() => get('NetworkChaos', 'order') === undefined, 'object gone');
    stop();
    expect(seen[0]!.object.metadata.deletionTimestamp).toBeDefined();
    const last = seen.at(-1)!;
    expect(last.type).toBe('DELETED');
    expect(records(last.object).every((r) => r.phase === 'Not Injected')).toBe(true);
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/order' && w.to === undefined)).toEqual([]);
  });

  it('duration counts from creationTimestamp: at expiry the records are recovered (desiredPhase Stop, AllRecovered)', async () => {
    srv.controls.apply(chaos('NetworkChaos', 'short', loss('one', { duration: '2s' })));
    const created = await until(() => condition(get('NetworkChaos', 'short'), 'AllInjected') === 'True' && get('NetworkChaos', 'short'), 'injected');
    const done = await until(() => condition(get('NetworkChaos', 'short'), 'AllRecovered') === 'True' && get('NetworkChaos', 'short'), 'recovered at expiry');
    expect(phase(done)).toBe('Stop');
    expect(condition(done, 'Paused')).toBe('False');
    const w = srv.controls.truth().faults.find((f) => f.source === 'NetworkChaos shop/short')!;
    // The fault ended no earlier than creationTimestamp (whole seconds, as on a real cluster) + 2 s.
    expect(w.to! - Date.parse(created.metadata.creationTimestamp)).toBeGreaterThanOrEqual(2000);
    expect(w.endedBy).toBe('recovered');
    expect(del('NetworkChaos', 'short')).toBe(true);
    await until(() => get('NetworkChaos', 'short') === undefined, 'gone');
  });

  it('stuck mode: a record that cannot recover holds the delete on the finalizer; cleanFinalizer=forced releases it and the fault is abandoned', async () => {
    srv.controls.failRecover({ name: 'stuck' });
    srv.controls.apply(chaos('NetworkChaos', 'stuck', loss('fixed', { value: '2' })));
    await until(() => condition(get('NetworkChaos', 'stuck'), 'AllInjected') === 'True', 'injected');
    expect(del('NetworkChaos', 'stuck')).toBe(true);
    const held = await until(() => {
      const o = get('NetworkChaos', 'stuck');
      const r = records(o);
      return r[1]?.phase === 'Not Injected' && (r[0]?.events?.filter((e) => e.type === 'Failed').length ?? 0) >= 2 && o;
    }, 'second record recovered, first failing');
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toEqual(['chaos-mesh/records']);
    const stuckRec = records(held)[0]!;
    expect(stuckRec.phase).toBe('Injected');
    expect(stuckRec.events?.at(-1)).toMatchObject({ type: 'Failed', operation: 'Recover', message: expect.stringContaining('connection refused') });
    expect(condition(held, 'AllRecovered')).toBe('False');
    annotate('NetworkChaos', 'stuck', { 'chaos-mesh.chaos-mesh.org/cleanFinalizer': 'forced' });
    await until(() => get('NetworkChaos', 'stuck') === undefined, 'forced away');
    srv.controls.clearFailures();
    // Forcing abandons the fault: it is still in effect on that pod (until the pod goes).
    const open = srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/stuck' && w.to === undefined);
    expect(open.map((w) => w.recordId)).toEqual([stuckRec.id]);
    // Chaos Mesh's FinalizerRemoved event really carries reason "FinalizerInited" (recorder/finalizer.go).
    expect(srv.controls.chaosEvents().some((e) => e.object === 'NetworkChaos/shop/stuck' && e.reason === 'FinalizerInited' && e.message === 'Finalizer has been removed')).toBe(true);
    const failed = srv.controls.list('v1', 'Event', 'shop').filter((e) => (e.involvedObject as { name: string }).name === 'stuck' && e.reason === 'Failed');
    // Repeated recover failures fold into one Warning Event with a count, as client-go's correlator does.
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ type: 'Warning', source: { component: 'records' }, message: expect.stringContaining('Failed to recover chaos: rpc error') });
    expect(Number(failed[0]!.count)).toBeGreaterThanOrEqual(2);
  });

  it('selects nothing when no pod matches: records stay unset, Selected False, a Failed event says why', async () => {
    srv.controls.apply(chaos('NetworkChaos', 'nomatch', { action: 'partition', mode: 'all', selector: { labelSelectors: { app: 'no-such-app' } } }));
    await until(() => srv.controls.chaosEvents().find((e) => e.object === 'NetworkChaos/shop/nomatch' && e.reason === 'Failed'), 'select failure');
    const o = await until(() => condition(get('NetworkChaos', 'nomatch'), 'Selected') === 'False' && get('NetworkChaos', 'nomatch'), 'conditions');
    expect(((o.status as JsonObject).experiment as JsonObject).containerRecords).toBeUndefined();
    expect(condition(o, 'AllInjected')).toBe('False');
    expect(srv.controls.chaosEvents().filter((e) => e.object === 'NetworkChaos/shop/nomatch').map((e) => e.message)).toContain('Failed to select targets: no pod is selected');
    del('NetworkChaos', 'nomatch');
    await until(() => get('NetworkChaos', 'nomatch') === undefined, 'gone');
  });

  it('a failed injection leaves that record Not Injected with a Failed Apply event (AllInjected False) and is retried', async () => {
    srv.controls.failApply({ name: 'partial', record: 1 }, 'rpc error: code = Unknown desc = tc: RTNETLINK answers: Operation not permitted');
    srv.controls.apply(chaos('NetworkChaos', 'partial', loss('all')));
    const o = await until(() => {
      const x = get('NetworkChaos', 'partial');
      return records(x)[1]?.events?.some((e) => e.type === 'Failed') && condition(x, 'Selected') === 'True' && records(x)[0]?.phase === 'Injected' && x;
    }, 'partial injection');
    expect(records(o)[1]).toMatchObject({ phase: 'Not Injected', injectedCount: 0 });
    expect(records(o)[1]!.events![0]).toMatchObject({ type: 'Failed', operation: 'Apply', message: expect.stringContaining('RTNETLINK') });
    expect(condition(o, 'AllInjected')).toBe('False');
    srv.controls.clearFailures();
    await until(() => condition(get('NetworkChaos', 'partial'), 'AllInjected') === 'True', 'retry succeeds');
    del('NetworkChaos', 'partial');
    await until(() => get('NetworkChaos', 'partial') === undefined, 'gone');
  });

  it('container selectors (StressChaos) record "ns/pod/container"; NetworkChaos target pods get ".Target" records', async () => {
    srv.controls.apply(chaos('StressChaos', 'cpu', { mode: 'one', selector: { labelSelectors: { app: 'payments' } }, stressors: { cpu: { workers: 2, load: 50 } }, duration: '1m' }));
    srv.controls.apply(chaos('NetworkChaos', 'split', { action: 'partition', mode: 'one', selector: { labelSelectors: { app: 'checkout' } }, direction: 'both', target: { mode: 'all', selector: { labelSelectors: { app: 'payments' } } } }));
    const st = await until(() => condition(get('StressChaos', 'cpu'), 'AllInjected') === 'True' && get('StressChaos', 'cpu'), 'stress injected');
    expect(records(st)).toHaveLength(1);
    expect(records(st)[0]!.id).toMatch(/^shop\/payments-[a-z0-9]+-[a-z0-9]{5}\/payments$/);
    const stressWindow = srv.controls.truth().faults.find((w) => w.source === 'StressChaos shop/cpu' && w.to === undefined)!;
    expect(stressWindow.effect).toEqual({ kind: 'stress', ms: 100 }); // 2 workers × 50 % × stressMsPerWorker (default 100)
    const nc = await until(() => condition(get('NetworkChaos', 'split'), 'AllInjected') === 'True' && get('NetworkChaos', 'split'), 'partition injected');
    expect(records(nc).map((r) => r.selectorKey).sort()).toEqual(['.', '.Target', '.Target']);
    // The webhook defaulted the target's namespaces to the object's, as Chaos Mesh's mutating webhook does.
    expect(((nc.spec as JsonObject).target as JsonObject).selector).toMatchObject({ namespaces: ['shop'] });
    for (const [k, n] of [['StressChaos', 'cpu'], ['NetworkChaos', 'split']] as const) del(k, n);
    await until(() => !get('StressChaos', 'cpu') && !get('NetworkChaos', 'split'), 'both gone');
  });
});
