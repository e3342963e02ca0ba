/**
 * The request entry point of the test apiserver: authentication (bearer token → user; /version
 * and health endpoints are public as on a real cluster), discovery and OpenAPI, verb mapping,
 * RBAC on every resource request, SelfSubjectAccessReview from the same table, dispatch to the
 * read/write handlers, and the request log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, forbidden, unauthorized } from './api-errors.js';
import type { ApiContext, RequestRecord } from './api-context.js';
import { handleGet, handleList } from './api-read.js';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './api-write.js';
import * as discovery from './discovery.js';
import { checkAccept, parseResourcePath, readBody, sendError, sendJson, type ResourceRoute } from './http-util.js';
import { authorize } from './rbac.js';
import { isObject, type Json } from './types.js';

const PUBLIC = new Set(['/version', '/healthz', '/livez', '/readyz']);

function verbOf(method: string, route: ResourceRoute, q: URLSearchParams): string {
  const named = route.name !== undefined;
  switch (method) {
    case 'GET': return named ? 'get' : q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return named ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}

function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** GET on a discovery or OpenAPI path; false when the path is not one. */
function serveDiscovery(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const parts = path.split('/').filter((p) => p !== '');
  let doc: unknown;
  if (path === '/version') doc = discovery.versionInfo();
  else if (PUBLIC.has(path)) { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok'); return true; }
  else if (path === '/api') doc = discovery.coreVersions(ctx.serverAddress);
  else if (path === '/apis') doc = discovery.groupList();
  else if (parts[0] === 'api' && parts.length === 2) doc = discovery.resourceList('', parts[1]!);
  else if (parts[0] === 'apis' && parts.length === 2) doc = discovery.groupDoc(parts[1]!);
  else if (parts[0] === 'apis' && parts.length === 3) doc = discovery.resourceList(parts[1]!, parts[2]!);
  else if (path === '/openapi/v2') {
    if ((req.headers.accept ?? '').includes('protobuf')) {
      const pb = discovery.openApiProto();
      res.writeHead(200, { 'Content-Type': discovery.OPENAPI_PROTO, 'Content-Length': pb.length });
      res.end(pb);
      return true;
    }
    doc = discovery.openApiJson();
  } else return false;
  if (doc === undefined) throw notFoundPath();
  sendJson(res, 200, doc);
  return true;
}

/** POST selfsubjectaccessreviews: the answer the same RBAC table gives the real endpoints. */
function selfSubjectAccessReview(ctx: ApiContext, res: ServerResponse, user: string, body: Json): number {
  if (!isObject(body) || !isObject(body.spec)) throw badRequest('SelfSubjectAccessReview needs a spec');
  const ra = body.spec.resourceAttributes;
  let allowed = false;
  let reason = '';
  if (isObject(ra)) {
    const str = (v: Json | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    ({ allowed, reason } = authorize(ctx.rbac(), {
      user, verb: str(ra.verb) ?? '', group: str(ra.group) ?? '', resource: str(ra.resource) ?? '',
      namespace: str(ra.namespace), name: str(ra.name),
    }));
  } else if (isObject(body.spec.nonResourceAttributes)) {
    allowed = true; // system:discovery and system:public-info-viewer grant the non-resource URLs clients ask about
    reason = 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"';
  } else throw badRequest('SelfSubjectAccessReview spec needs resourceAttributes or nonResourceAttributes');
  const status = reason ? { allowed, reason } : { allowed };
  sendJson(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: body.spec, status });
  return 201;
}

/** Handles one request end to end (never throws: failures become Status responses). */
export async function handleRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://test-apiserver');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const q = url.searchParams;
  const rec: RequestRecord = { at: Date.now(), user: '', method: req.method ?? 'GET', path, query: url.search, verb: '', group: '', resource: '', code: 0, dryRun: q.get('dryRun') === 'All' };
  if (req.headers['content-type']) rec.contentType = req.headers['content-type'];
  if (req.headers.accept) rec.accept = req.headers.accept;
  try {
    const user = ctx.tokens.userOf(req.headers.authorization);
    // A credential that does not authenticate is refused everywhere; no credential is anonymous (public paths only).
    if (!user && (req.headers.authorization !== undefined || !PUBLIC.has(path))) throw unauthorized();
    rec.user = user ?? 'system:anonymous';
    const route = parseResourcePath(path);
    if (path !== '/openapi/v2') checkAccept(req.headers.accept);
    if (route === undefined) {
      if (req.method !== 'GET') throw methodNotAllowed();
      if (!serveDiscovery(ctx, req, res, path)) throw notFoundPath();
      rec.code = 200;
      return;
    }
    if (route === 'unknown' || route.subresource !== undefined) throw notFoundPath();
    const verb = verbOf(req.method ?? 'GET', route, q);
    Object.assign(rec, { verb, group: route.def.group, resource: route.def.plural, namespace: route.namespace, name: route.name });
    if (!route.def.verbs.includes(verb)) throw methodNotAllowed();
    const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '') ? await readBody(req) : null;
    if (body !== null) rec.body = body;
    if (route.def.kind === 'SelfSubjectAccessReview') { rec.code = selfSubjectAccessReview(ctx, res, rec.user, body); return; }
    const decision = authorize(ctx.rbac(), { user: rec.user, verb, group: route.def.group, resource: route.def.plural, namespace: route.namespace, name: route.name });
    if (!decision.allowed) throw forbidden({ user: rec.user, verb, plural: route.def.plural, group: route.def.group, namespace: route.namespace, name: route.name });
    switch (verb) {
      case 'get': rec.code = handleGet(ctx, req, res, route, q); break;
      case 'list': case 'watch': rec.code = handleList(ctx, req, res, route, q); break;
      case 'create': if (route.name !== undefined) throw methodNotAllowed(); rec.code = handleCreate(ctx, res, route, q, body); break;
      case 'update': if (route.name === undefined) throw methodNotAllowed(); rec.code = handleUpdate(ctx, res, route, q, body); break;
      case 'patch': if (route.name === undefined) throw methodNotAllowed(); rec.code = handlePatch(ctx, req, res, route, q, body); break;
      case 'delete': rec.code = handleDelete(ctx, res, route, q, body); break;
      case 'deletecollection': rec.code = handleDeleteCollection(ctx, res, route, q, body); break;
      default: throw methodNotAllowed();
    }
  } catch (err) {
    rec.code = sendError(res, err);
  } finally {
    ctx.log.push(rec);
  }
}
