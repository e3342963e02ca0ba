/**
 * Watch and resourceVersion semantics of the test apiserver over real HTTPS: initial ADDED events,
 * resume from a resourceVersion without gaps or duplicates, 410 Expired as an ERROR event after
 * compaction, bookmarks, objects entering/leaving a label selector, timeoutSeconds; and the store
 * rules behind them (no-op updates, generation, finalizers on deleting objects).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openWatch, type RawTarget, type RawWatch } from '../k8s/raw-client.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';

let srv: K8sTestServer;
let t: RawTarget;
const watches: RawWatch[] = [];
beforeAll(async () => {
  // Services only: no controller puts finalizers on them, so every delete here is the store's own.
  srv = await startK8sTestServer({ seed: 'empty', bookmarkIntervalMs: 200, historyLimit: 50 });
  t = { url: srv.url, caPem: srv.caPem, token: srv.token };
});
afterAll(async () => {
  for (const w of watches) w.close();
  await srv?.dispose();
});

const NS = '/api/v1/namespaces/default/services';
const svc = (name: string, labels: Record<string, string> = {}): unknown => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
async function watch(path: string): Promise<RawWatch> {
  const w = await openWatch(t, path);
  watches.push(w);
  return w;
}
const rvOf = (x: unknown): string => (x as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

describe('watch', () => {
  it('without a resourceVersion: ADDED for what exists, then live changes', async () => {
    expect((await call(t, 'POST', NS, svc('a'))).status).toBe(201);
    const w = await watch(`${NS}?watch=true`);
    expect(w.status).toBe(200);
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { kind: 'Service', metadata: { name: 'a' } } });
    await call(t, 'PATCH', `${NS}/a`, { metadata: { labels: { tier: 'web' } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(await w.next()).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'a', labels: { tier: 'web' } } } });
    await call(t, 'DELETE', `${NS}/a`);
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'a' } } });
    w.close();
  });

  it('from a resourceVersion: exactly the changes after it, and a resume from any event RV continues without gaps or duplicates', async () => {
    const list = await call(t, 'GET', NS);
    const start = rvOf(list.json);
    for (const n of ['r1', 'r2', 'r3']) await call(t, 'POST', NS, svc(n));
    await call(t, 'DELETE', `${NS}/r2`);
    const w = await watch(`${NS}?watch=true&resourceVersion=${start}`);
    const got = [await w.next(), await w.next(), await w.next(), await w.next()];
    expect(got.map((e) => `${e.type}:${e.object.metadata!.name}`)).toEqual(['ADDED:r1', 'ADDED:r2', 'ADDED:r3', 'DELETED:r2']);
    const rvs = got.map((e) => Number(e.object.metadata!.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    w.close();
    const resumed = await watch(`${NS}?watch=true&resourceVersion=${rvs[1]}`);
    expect([await resumed.next(), await resumed.next()].map((e) => `${e.type}:${e.object.metadata!.name}`)).toEqual(['ADDED:r3', 'DELETED:r2']);
    resumed.close();
  });

  it('a resourceVersion older than the kept history: HTTP 200 and one ERROR event with Status 410 Expired, then the stream ends', async () => {
    const old = rvOf((await call(t, 'GET', NS)).json);
    await call(t, 'POST', NS, svc('after-old'));
    srv.controls.compactHistory();
    await call(t, 'POST', NS, svc('after-compact'));
    const w = await watch(`${NS}?watch=true&resourceVersion=${old}`);
    expect(w.status).toBe(200);
    const e = await w.next();
    expect(e).toMatchObject({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 } });
    expect(String(e.object.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    await expect(w.next(1000)).rejects.toThrow('watch ended');
  });

  it('bookmarks carry the latest resourceVersion; timeoutSeconds ends the stream', async () => {
    const w = await watch(`${NS}?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${rvOf((await call(t, 'GET', NS)).json)}`);
    const b = await w.next(2000);
    expect(b).toMatchObject({ type: 'BOOKMARK', object: { kind: 'Service', apiVersion: 'v1' } });
    expect(b.object.metadata!.resourceVersion).toBe(String(srv.store.currentRv()));
    await srv.controls.waitFor(() => w.ended, 'stream ended by timeoutSeconds', 3000);
  });

  it('with a labelSelector, an object relabelled into the selector is ADDED and out of it DELETED', async () => {
    await call(t, 'POST', NS, svc('moving'));
    const w = await watch(`${NS}?watch=true&labelSelector=${encodeURIComponent('team=core')}`);
    await call(t, 'PATCH', `${NS}/moving`, { metadata: { labels: { team: 'core' } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'moving' } } });
    await call(t, 'PATCH', `${NS}/moving`, { metadata: { labels: { team: null } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'moving' } } });
    w.close();
  });
});

describe('store rules behind resourceVersion', () => {
  it('an update that changes nothing keeps the resourceVersion and sends no event', async () => {
    const cur = (await call(t, 'GET', `${NS}/r1`)).json as { metadata: { resourceVersion: string } };
    const again = await call(t, 'PUT', `${NS}/r1`, cur);
    expect(again.status).toBe(200);
    expect(rvOf(again.json)).toBe(cur.metadata.resourceVersion);
  });

  it('a deleting object may lose finalizers but not gain new ones (422), and goes when the last one is removed', async () => {
    await call(t, 'POST', NS, { ...(svc('fin') as object), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await call(t, 'DELETE', `${NS}/fin`);
    expect(del.status).toBe(200);
    expect((del.json as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeDefined();
    const add = await call(t, 'PATCH', `${NS}/fin`, { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(add.status).toBe(422);
    expect(String((add.json as { message: string }).message)).toContain('no new finalizers can be added if the object is being deleted');
    const w = await watch(`${NS}?watch=true&fieldSelector=metadata.name%3Dfin`);
    expect((await w.next()).type).toBe('ADDED');
    expect((await call(t, 'PATCH', `${NS}/fin`, [{ op: 'remove', path: '/metadata/finalizers' }], { 'Content-Type': 'application/json-patch+json' })).status).toBe(200);
    expect((await w.next()).type).toBe('DELETED');
    expect((await call(t, 'GET', `${NS}/fin`)).status).toBe(404);
  });
});
