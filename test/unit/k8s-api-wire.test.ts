/**
 * The test apiserver on the wire, request by request: authentication, discovery, Status objects
 * for each failure (NotFound, AlreadyExists, Conflict, Invalid, Forbidden), admission (CRD schema,
 * Chaos Mesh's webhook, spec immutability, pruning with fieldValidation), patches, dryRun, RBAC
 * with SelfSubjectAccessReview, selectors, pagination and server-side tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type RawTarget } from '../k8s/raw-client.js';
import { allowAll } from '../k8s/rbac.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';

let srv: K8sTestServer;
let t: RawTarget;
beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 20, recoverDelayMs: 20 } });
  t = { url: srv.url, caPem: srv.caPem, token: srv.token };
});
afterAll(async () => { await srv?.dispose(); });

const NC = '/apis/chaos-mesh.org/v1alpha1/namespaces/shop/networkchaos';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const nc = (name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>): unknown => ({
  apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name, ...(labels ? { labels } : {}) },
  spec: { action: 'delay', mode: 'one', selector: { labelSelectors: { app: 'checkout' } }, delay: { latency: '10ms' }, duration: '1m', ...spec },
});
const msg = (r: { json: unknown }): string => String((r.json as { message?: string }).message);

describe('authentication and discovery', () => {
  it('refuses a missing or unknown token with a 401 Status; /version stays public', async () => {
    const none = await call({ url: srv.url, caPem: srv.caPem }, 'GET', '/api/v1/namespaces');
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await call({ ...t, token: 'wrong' }, 'GET', '/api/v1/namespaces')).status).toBe(401);
    expect((await call({ ...t, token: 'wrong' }, 'GET', '/version')).status).toBe(401);
    expect((await call({ url: srv.url, caPem: srv.caPem }, 'GET', '/version')).json).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
  });

  it('serves the chaos-mesh.org group and its six kinds as the CRDs declare them (no short names)', async () => {
    const groups = (await call(t, 'GET', '/apis')).json as { groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> };
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'authorization.k8s.io', 'chaos-mesh.org']));
    const list = (await call(t, 'GET', '/apis/chaos-mesh.org/v1alpha1')).json as { groupVersion: string; resources: Array<Record<string, unknown>> };
    expect(list.groupVersion).toBe('chaos-mesh.org/v1alpha1');
    expect(list.resources.map((r) => r.kind).sort()).toEqual(['DNSChaos', 'IOChaos', 'NetworkChaos', 'PodChaos', 'StressChaos', 'TimeChaos']);
    expect(list.resources.find((r) => r.name === 'networkchaos')).toEqual({ name: 'networkchaos', singularName: 'networkchaos', namespaced: true, kind: 'NetworkChaos', verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] });
    const core = (await call(t, 'GET', '/api/v1')).json as { resources: Array<{ name: string; shortNames?: string[] }> };
    expect(core.resources.find((r) => r.name === 'pods')!.shortNames).toEqual(['po']);
    const pb = await call(t, 'GET', '/openapi/v2', undefined, { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(pb.text.startsWith('\n\u00032.0')).toBe(true); // field 1 (swagger) = "2.0"
  });
});

describe('Status objects for failures', () => {
  it('NotFound, AlreadyExists and a missing namespace, worded as apimachinery words them', async () => {
    const missing = await call(t, 'GET', `${NC}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'networkchaos.chaos-mesh.org "nope" not found', details: { name: 'nope', group: 'chaos-mesh.org', kind: 'networkchaos' } });
    expect((await call(t, 'POST', NC, nc('dup'))).status).toBe(201);
    const dup = await call(t, 'POST', NC, nc('dup'));
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ reason: 'AlreadyExists', message: 'networkchaos.chaos-mesh.org "dup" already exists' });
    const nowhere = await call(t, 'POST', '/apis/chaos-mesh.org/v1alpha1/namespaces/nowhere/networkchaos', nc('x'));
    expect(nowhere.json).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
  });

  it('CRD schema errors are 422 Invalid; Chaos Mesh webhook denials are 403 from "vnetworkchaos.kb.io"', async () => {
    const mode = await call(t, 'POST', NC, nc('bad-mode', { mode: 'bogus' }));
    expect(mode.status).toBe(422);
    expect(msg(mode)).toBe('NetworkChaos.chaos-mesh.org "bad-mode" is invalid: spec.mode: Unsupported value: "bogus": supported values: "one", "all", "fixed", "fixed-percent", "random-max-percent"');
    const value = await call(t, 'POST', NC, nc('bad-value', { mode: 'fixed', value: '0' }));
    expect(value.status).toBe(403);
    expect(msg(value)).toBe('admission webhook "vnetworkchaos.kb.io" denied the request: spec.value: Invalid value: "0": value must be greater than 0 with mode:fixed');
    const dur = await call(t, 'POST', NC, nc('bad-duration', { duration: '2d' }));
    expect(msg(dur)).toContain('spec.duration: Invalid value: "2d": parse duration field error: time: unknown unit "d" in duration "2d"');
    const label = await call(t, 'POST', NC, nc('bad-label', {}, { 'gameday.io/run': 'x'.repeat(64) }));
    expect(label.status).toBe(422);
    expect(msg(label)).toContain('metadata.labels: Invalid value');
    const name = await call(t, 'POST', NC, nc('Bad_Name'));
    expect(msg(name)).toContain('a lowercase RFC 1123 subdomain must consist of');
  });

  it('a stale resourceVersion is a 409 Conflict; a spec change is refused ("Cannot update chaos spec"); metadata changes pass', async () => {
    const cur = (await call(t, 'GET', `${NC}/dup`)).json as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    const stale = await call(t, 'PUT', `${NC}/dup`, { ...cur, metadata: { ...cur.metadata, resourceVersion: '1' } });
    expect(stale.status).toBe(409);
    expect(msg(stale)).toBe('Operation cannot be fulfilled on networkchaos.chaos-mesh.org "dup": the object has been modified; please apply your changes to the latest version and try again');
    const noRv = await call(t, 'PUT', `${NC}/dup`, { ...cur, metadata: { ...cur.metadata, resourceVersion: undefined } });
    expect(noRv.status).toBe(422);
    const fresh = (await call(t, 'GET', `${NC}/dup`)).json as typeof cur;
    const spec = await call(t, 'PATCH', `${NC}/dup`, { spec: { duration: '5m' } }, MERGE);
    expect(spec.status).toBe(403);
    expect(msg(spec)).toBe('admission webhook "vnetworkchaos.kb.io" denied the request: Cannot update chaos spec');
    const ann = await call(t, 'PATCH', `${NC}/dup`, { metadata: { annotations: { note: 'hi' } } }, MERGE);
    expect(ann.status).toBe(200);
    expect(Number((ann.json as typeof cur).metadata.resourceVersion)).toBeGreaterThan(Number(fresh.metadata.resourceVersion));
    const jp = await call(t, 'PATCH', `${NC}/dup`, [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }], { 'Content-Type': 'application/json-patch+json' });
    expect(jp.status).toBe(200);
    const smp = await call(t, 'PATCH', `${NC}/dup`, { metadata: { labels: { c: 'd' } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(smp.status).toBe(415);
    const pre = await call(t, 'PATCH', `${NC}/dup`, { metadata: { resourceVersion: fresh.metadata.resourceVersion, labels: { e: 'f' } } }, MERGE);
    expect(pre.status).toBe(409);
  });
});

describe('admission details, dryRun, RBAC', () => {
  it('prunes unknown fields as a structural CRD does: a warning by default, 400 with fieldValidation=Strict', async () => {
    const typo = { ...(nc('typo') as Record<string, unknown>), spec: { action: 'delay', mode: 'one', delay: { latency: '10ms' }, selector: { labelSelector: { app: 'checkout' } } } };
    const strict = await call(t, 'POST', `${NC}?fieldValidation=Strict`, typo);
    expect(strict.status).toBe(400);
    expect(msg(strict)).toBe('strict decoding error: unknown field "spec.selector.labelSelector"');
    const warned = await call(t, 'POST', NC, typo);
    expect(warned.status).toBe(201);
    expect(String(warned.headers.warning)).toContain('unknown field \\"spec.selector.labelSelector\\"');
    // The typo'd selector is gone, so the experiment selects every pod of the namespace: what a real cluster would do.
    expect((warned.json as { spec: { selector: unknown } }).spec.selector).toEqual({ namespaces: ['shop'] });
  });

  it('dryRun=All answers as a real write would but stores nothing', async () => {
    const created = await call(t, 'POST', `${NC}?dryRun=All`, nc('dry'));
    expect(created.status).toBe(201);
    expect((created.json as { metadata: { uid: string } }).metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(t, 'GET', `${NC}/dry`)).status).toBe(404);
    expect((await call(t, 'DELETE', `${NC}/dup?dryRun=All`)).status).toBe(200);
    expect((await call(t, 'GET', `${NC}/dup`)).status).toBe(200);
    expect((await call(t, 'POST', `${NC}?dryRun=Some`, nc('dry'))).status).toBe(400);
  });

  it('one RBAC table answers SelfSubjectAccessReview and guards the real endpoints (403 worded as the authorizer)', async () => {
    srv.controls.setRbac({ allow: [{}], deny: [{ verbs: ['delete'], resources: ['networkchaos'], namespaces: ['shop'] }] });
    const review = (verb: string, namespace: string): Promise<{ json: unknown }> => call(t, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace, verb, group: 'chaos-mesh.org', resource: 'networkchaos' } },
    });
    expect((await review('delete', 'shop')).json).toMatchObject({ kind: 'SelfSubjectAccessReview', status: { allowed: false } });
    expect((await review('patch', 'shop')).json).toMatchObject({ status: { allowed: true } });
    expect((await review('delete', 'default')).json).toMatchObject({ status: { allowed: true } });
    const denied = await call(t, 'DELETE', `${NC}/dup`);
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ reason: 'Forbidden', message: 'networkchaos.chaos-mesh.org "dup" is forbidden: User "gameday-tester" cannot delete resource "networkchaos" in API group "chaos-mesh.org" in the namespace "shop"' });
    srv.controls.setRbac(allowAll());
    const ok = await call(t, 'DELETE', `${NC}/dup`);
    expect(ok.status).toBe(200);
    expect((ok.json as { metadata: { deletionTimestamp?: string; finalizers?: string[] } }).metadata).toMatchObject({ deletionTimestamp: expect.any(String), finalizers: ['chaos-mesh/records'] });
    await srv.controls.waitFor(() => !srv.controls.get('chaos-mesh.org/v1alpha1', 'NetworkChaos', 'shop', 'dup'), 'dup gone after recovery');
  });
});

/** A length-delimited protobuf field. */
function pb(field: number, payload: Buffer | string): Buffer {
  const b = Buffer.from(payload);
  return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
}

describe('protobuf requests (what kubectl ≥ 1.30 sends for SelfSubjectAccessReview)', () => {
  it('decodes a SelfSubjectAccessReview in the k8s protobuf envelope and answers in JSON; other kinds get 415', async () => {
    srv.controls.setRbac({ allow: [{}], deny: [{ verbs: ['delete'], resources: ['networkchaos'] }] });
    const attrs = Buffer.concat([pb(1, 'shop'), pb(2, 'delete'), pb(3, 'chaos-mesh.org'), pb(5, 'networkchaos')]);
    const review = pb(2, pb(1, attrs));
    const envelope = (kind: string, raw: Buffer): Buffer => Buffer.concat([Buffer.from('k8s\0', 'latin1'), pb(1, Buffer.concat([pb(1, 'authorization.k8s.io/v1'), pb(2, kind)])), pb(2, raw)]);
    const post = (body: Buffer, path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'): Promise<{ status: number; json: unknown }> =>
      call(t, 'POST', path, body, { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf,application/json' });
    const r = await post(envelope('SelfSubjectAccessReview', review));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ spec: { resourceAttributes: { namespace: 'shop', verb: 'delete', group: 'chaos-mesh.org', resource: 'networkchaos' } }, status: { allowed: false } });
    srv.controls.setRbac(allowAll());
    const other = await post(envelope('Pod', Buffer.alloc(0)), '/api/v1/namespaces/shop/pods');
    expect(other.status).toBe(415);
  });
});

describe('lists', () => {
  it('label and field selectors on pods; unsupported fields refused; limit/continue pages', async () => {
    const pods = (q: string): Promise<{ status: number; json: unknown }> => call(t, 'GET', `/api/v1/namespaces/shop/pods${q}`);
    const byLabel = (await pods('?labelSelector=app%3Dcheckout')).json as { kind: string; items: Array<{ metadata: { name: string }; kind?: string }> };
    expect(byLabel.kind).toBe('PodList');
    expect(byLabel.items).toHaveLength(3);
    expect(byLabel.items[0]!.kind).toBeUndefined(); // typed lists carry no kind per item
    const one = byLabel.items[0]!.metadata.name;
    expect(((await pods(`?fieldSelector=metadata.name%3D${one}`)).json as { items: unknown[] }).items).toHaveLength(1);
    expect(((await pods('?fieldSelector=status.phase%3DRunning&labelSelector=app%20in%20(checkout,payments)')).json as { items: unknown[] }).items).toHaveLength(5);
    const bad = await pods('?fieldSelector=spec.containers%3Dx');
    expect(bad.status).toBe(400);
    expect(msg(bad)).toBe('field label not supported: spec.containers');
    const page1 = (await pods('?limit=2')).json as { items: unknown[]; metadata: { continue?: string } };
    expect(page1.items).toHaveLength(2);
    const page2 = (await pods(`?limit=2&continue=${page1.metadata.continue}`)).json as { items: unknown[]; metadata: { continue?: string } };
    const page3 = (await pods(`?limit=2&continue=${page2.metadata.continue}`)).json as { items: unknown[]; metadata: { continue?: string } };
    expect(page1.items.length + page2.items.length + page3.items.length).toBe(5);
    expect(page3.metadata.continue).toBeUndefined();
  });

  it('server-side printing: a Table with the CRD printer columns when kubectl asks for one', async () => {
    await call(t, 'POST', NC, nc('tabled'));
    const r = await call(t, 'GET', NC, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const table = r.json as { kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'action', 'duration']);
    expect(table.rows.find((row) => row.cells[0] === 'tabled')!.cells).toEqual(['tabled', 'delay', '1m']);
  });
});
