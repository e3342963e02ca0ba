/**
 * Writes: create (POST), update (PUT), patch (merge / JSON / strategic for built-ins), delete
 * (DeleteOptions: gracePeriodSeconds, preconditions, dryRun) and deletecollection, with
 * validation → admission → store, in the apiserver's order. `?dryRun=All` runs everything but
 * the store write. `fieldValidation` Strict/Warn/Ignore governs pruned unknown fields.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, invalid, notFound } from './api-errors.js';
import type { ApiContext } from './api-context.js';
import { selectObjects } from './api-read.js';
import { sendJson, type ResourceRoute } from './http-util.js';
import { applyPatch } from './patch.js';
import { apiVersionOf, findResource, type ResourceDef } from './resources.js';
import { metadataCauses } from './selectors.js';
import { clone, isObject, type Json, type JsonObject, type KObject } from './types.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;

/** Parses ?dryRun: only "All" exists. */
export function dryRunOf(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  if (v.length === 0) return false;
  if (v.every((x) => x === 'All')) return true;
  throw badRequest(`Invalid dry run value: ${v.join(',')}`);
}

function asObject(def: ResourceDef, body: Json, route: ResourceRoute): KObject {
  if (!isObject(body)) throw badRequest('the server rejected our request due to an error in our request: the body must be a JSON object');
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(def)) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersionOf(def)})`);
  }
  if (body.kind !== undefined && body.kind !== def.kind) throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`);
  const metadata = isObject(body.metadata) ? body.metadata : {};
  if (def.namespaced) {
    if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== route.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    metadata.namespace = route.namespace ?? null;
  }
  return { ...body, apiVersion: apiVersionOf(def), kind: def.kind, metadata } as unknown as KObject;
}

/** Validation, admission and fieldValidation handling shared by create and update. */
function admit(ctx: ApiContext, res: ServerResponse, q: URLSearchParams, op: 'create' | 'update', def: ResourceDef, obj: KObject, old?: KObject): void {
  const causes = metadataCauses(obj, { nameRule: def.nameRule });
  if (causes.length > 0) throw invalid(def.kind, def.group, obj.metadata.name, causes);
  const pruned: string[] = [];
  for (const hook of ctx.admission) pruned.push(...(hook(op, def, obj, old) ?? []));
  const mode = q.get('fieldValidation') ?? 'Warn';
  if (pruned.length > 0 && mode === 'Strict') {
    throw badRequest(`strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(', ')}`);
  }
  if (pruned.length > 0 && mode === 'Warn') res.setHeader('Warning', pruned.map((p) => `299 - "unknown field \\"${p}\\""`));
}

/** POST to a collection. */
export function handleCreate(ctx: ApiContext, res: ServerResponse, route: ResourceRoute, q: URLSearchParams, body: Json): number {
  const { def } = route;
  const obj = asObject(def, body, route);
  const meta = obj.metadata as unknown as JsonObject;
  if (!meta.name && !meta.generateName) {
    throw invalid(def.kind, def.group, '', [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
  }
  if (!meta.name) meta.name = '';
  const ns = def.namespaced ? ctx.store.get(NAMESPACES, undefined, route.namespace!) : undefined;
  if (def.namespaced && !ns) throw notFound('namespaces', '', route.namespace!);
  if (ns?.metadata.deletionTimestamp) {
    throw new ApiError(403, 'Forbidden', `${def.plural}${def.group ? `.${def.group}` : ''} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${route.namespace} because it is being terminated`);
  }
  if (!def.custom) delete obj.status;
  const probe = clone(obj);
  if (!probe.metadata.name) probe.metadata.name = `${String(meta.generateName)}xxxxx`;
  admit(ctx, res, q, 'create', def, probe);
  probe.metadata.name = obj.metadata.name;
  const created = ctx.store.create(def, probe, { dryRun: dryRunOf(q) });
  sendJson(res, 201, created);
  return 201;
}

/** Reads ?resourceVersion in an update: required for custom resources (AllowUnconditionalUpdate false). */
function requireRv(def: ResourceDef, obj: KObject): void {
  if (def.custom && !obj.metadata.resourceVersion) {
    throw invalid(def.kind, def.group, obj.metadata.name, [{ field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
  }
}

function write(ctx: ApiContext, res: ServerResponse, q: URLSearchParams, def: ResourceDef, obj: KObject, old: KObject): number {
  // Built-in kinds have a status subresource: writes to the main resource keep the old status.
  if (!def.custom) obj.status = old.status;
  admit(ctx, res, q, 'update', def, obj, old);
  const out = ctx.store.update(def, obj, { dryRun: dryRunOf(q) });
  sendJson(res, 200, out);
  return 200;
}

/** PUT to an object. */
export function handleUpdate(ctx: ApiContext, res: ServerResponse, route: ResourceRoute, q: URLSearchParams, body: Json): number {
  const { def } = route;
  const obj = asObject(def, body, route);
  if (obj.metadata.name !== route.name) throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${route.name})`);
  const old = ctx.store.get(def, route.namespace, route.name!);
  if (!old) throw notFound(def.plural, def.group, route.name!);
  requireRv(def, obj);
  return write(ctx, res, q, def, obj, old);
}

/** PATCH to an object. */
export function handlePatch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, q: URLSearchParams, body: Json): number {
  const { def } = route;
  const old = ctx.store.get(def, route.namespace, route.name!);
  if (!old) throw notFound(def.plural, def.group, route.name!);
  const patched = applyPatch(req.headers['content-type'] ?? '', old as unknown as Json, body, !def.custom);
  if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch removed the object\'s metadata');
  const obj = asObject(def, patched, route);
  if (obj.metadata.name !== route.name) throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${route.name})`);
  // A patch that does not mention resourceVersion applies to the current object; one that does is a precondition.
  if (!obj.metadata.resourceVersion) obj.metadata.resourceVersion = old.metadata.resourceVersion;
  return write(ctx, res, q, def, obj, old);
}

interface DeleteOpts { gracePeriodSeconds?: number; uid?: string; resourceVersion?: string; dryRun: boolean }

function deleteOptions(def: ResourceDef, q: URLSearchParams, body: Json): DeleteOpts {
  const b = isObject(body) ? body : {};
  const pre = isObject(b.preconditions) ? b.preconditions : {};
  const graceRaw = q.get('gracePeriodSeconds') ?? (typeof b.gracePeriodSeconds === 'number' ? String(b.gracePeriodSeconds) : undefined);
  const bodyDry = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  return {
    gracePeriodSeconds: graceRaw !== undefined ? Number(graceRaw) : def.kind === 'Pod' ? undefined : 0,
    uid: typeof pre.uid === 'string' ? pre.uid : undefined,
    resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
    dryRun: dryRunOf(q) || bodyDry,
  };
}

/** Grace of a pod delete: the request's, else the pod's terminationGracePeriodSeconds (default 30). */
function graceFor(obj: KObject, requested: number | undefined): number {
  if (requested !== undefined) return Math.max(0, requested);
  const spec = isObject(obj.spec) ? obj.spec : {};
  return typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
}

function deleteOne(ctx: ApiContext, def: ResourceDef, ns: string | undefined, name: string, o: DeleteOpts): { object: KObject; gone: boolean } {
  const cur = ctx.store.get(def, ns, name);
  if (!cur) throw notFound(def.plural, def.group, name);
  const grace = def.kind === 'Pod' ? graceFor(cur, o.gracePeriodSeconds) : 0;
  return ctx.store.delete(def, ns, name, { gracePeriodSeconds: grace, uid: o.uid, resourceVersion: o.resourceVersion, dryRun: o.dryRun });
}

/** DELETE of an object: the object while finalizers or a grace period keep it, else a Success Status (built-ins) or the object (custom resources). */
export function handleDelete(ctx: ApiContext, res: ServerResponse, route: ResourceRoute, q: URLSearchParams, body: Json): number {
  const { def } = route;
  const { object, gone } = deleteOne(ctx, def, route.namespace, route.name!, deleteOptions(def, q, body));
  if (gone && !def.custom) {
    sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: object.metadata.name, group: def.group, kind: def.plural, uid: object.metadata.uid } });
  } else sendJson(res, 200, object);
  return 200;
}

/** DELETE of a collection (selectors apply). */
export function handleDeleteCollection(ctx: ApiContext, res: ServerResponse, route: ResourceRoute, q: URLSearchParams, body: Json): number {
  const { def } = route;
  const o = deleteOptions(def, q, body);
  const items = selectObjects(ctx, route, q).map((x) => deleteOne(ctx, def, x.metadata.namespace, x.metadata.name, o).object);
  sendJson(res, 200, { apiVersion: apiVersionOf(def), kind: `${def.kind}List`, metadata: { resourceVersion: String(ctx.store.currentRv()) }, items });
  return 200;
}
