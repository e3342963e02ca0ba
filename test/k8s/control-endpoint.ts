/**
 * The test cluster's control endpoint: plain HTTP on 127.0.0.1 (random port), independent of the
 * kubeconfig, for tests that run the server in another process (test/k8s/serve.ts) or want the
 * ground truth over HTTP. Every request needs `Authorization: Bearer <controlToken>`.
 *
 *   GET  /services            {"shop/checkout": "http://127.0.0.1:…", …}
 *   GET  /pods?namespace=shop [{name, namespace, url, endpoint}]  (url: the pod's own backend)
 *   GET  /truth               {faults: FaultWindow[], pods: PodEvent[]}
 *   GET  /events              controller events
 *   GET  /requests            API request log
 *   PUT  /rbac                body: {allow: RbacRule[], deny: RbacRule[]}
 *   POST /failures            body: {op: "Apply"|"Recover", kind?, namespace?, name?, record?, message?}
 *   DELETE /failures          lifts every injected failure
 *   PUT  /timings             body: partial ClusterTimings
 *   POST /compact             drops the watch history (410 for older resourceVersions)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { K8sControls } from './controls.js';
import type { RbacTable } from './rbac.js';

/** A running control endpoint. */
export interface ControlEndpoint { url: string; dispose(): Promise<void> }

async function body(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const c of req) text += String(c);
  return text ? JSON.parse(text) : {};
}

function send(res: ServerResponse, code: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function route(c: K8sControls, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  const key = `${req.method} ${url.pathname}`;
  if (key === 'GET /services') {
    const services = c.list('v1', 'Service');
    send(res, 200, Object.fromEntries(services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, c.serviceUrl(s.metadata.namespace!, s.metadata.name)])));
  } else if (key === 'GET /pods') {
    const ns = url.searchParams.get('namespace') ?? undefined;
    const pods = c.list('v1', 'Pod', ns);
    const services = c.list('v1', 'Service', ns);
    const endpoints = new Set(services.flatMap((s) => c.endpoints(s.metadata.namespace!, s.metadata.name).map((p) => `${s.metadata.namespace}/${p}`)));
    send(res, 200, pods.map((p) => ({ name: p.metadata.name, namespace: p.metadata.namespace, url: c.podUrl(p.metadata.namespace!, p.metadata.name) ?? null, endpoint: endpoints.has(`${p.metadata.namespace}/${p.metadata.name}`) })));
  } else if (key === 'GET /truth') send(res, 200, c.truth());
  else if (key === 'GET /events') send(res, 200, c.chaosEvents());
  else if (key === 'GET /requests') send(res, 200, c.requests());
  else if (key === 'PUT /rbac') { c.setRbac(await body(req) as RbacTable); send(res, 200, { ok: true }); }
  else if (key === 'POST /failures') {
    const b = await body(req) as { op?: string; kind?: string; namespace?: string; name?: string; record?: number | 'all'; message?: string };
    const match = { kind: b.kind, namespace: b.namespace, name: b.name, record: b.record ?? 0 };
    if (b.op === 'Apply') c.failApply(match, b.message);
    else if (b.op === 'Recover') c.failRecover(match, b.message);
    else { send(res, 400, { error: 'op must be Apply or Recover' }); return; }
    send(res, 200, { ok: true });
  } else if (key === 'DELETE /failures') { c.clearFailures(); send(res, 200, { ok: true }); }
  else if (key === 'PUT /timings') { c.setTimings(await body(req) as Record<string, number>); send(res, 200, { ok: true }); }
  else if (key === 'POST /compact') { c.compactHistory(); send(res, 200, { ok: true }); }
  else send(res, 404, { error: `no control ${key}`, hint: 'see test/k8s/control-endpoint.ts' });
}

/** Starts the endpoint on 127.0.0.1:0. */
export async function startControlEndpoint(controls: K8sControls, token: string): Promise<ControlEndpoint> {
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) { send(res, 401, { error: 'control token required' }); return; }
    route(controls, req, res).catch((e: unknown) => send(res, 400, { error: (e as Error).message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dispose: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
