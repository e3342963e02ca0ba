/**
 * Reads: get, list (labelSelector, fieldSelector, limit/continue) and watch, each answering with
 * a Table when the client asked for server-side printing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, notFound } from './api-errors.js';
import type { ApiContext } from './api-context.js';
import { sendJson, type ResourceRoute } from './http-util.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable, wantsTable } from './table.js';
import type { JsonObject, KObject } from './types.js';
import { serveWatch, type WatchHandle } from './watch.js';

/** An item as it appears in a list: typed (built-in) lists carry no kind/apiVersion per item. */
function listItem(def: ResourceDef, o: KObject): KObject | JsonObject {
  if (def.custom) return o;
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest as JsonObject;
}

interface ContinueToken { rv: number; start: string }

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', ...t })).toString('base64url');
}

function decodeContinue(raw: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch { /* fall through */ }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** GET of one object. */
export function handleGet(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, q: URLSearchParams): number {
  const { def } = route;
  const obj = ctx.store.get(def, route.namespace, route.name!);
  if (!obj) throw notFound(def.plural, def.group, route.name!);
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, toTable(def, [obj], obj.metadata.resourceVersion, q.get('includeObject'), ctx.store.now()));
  } else sendJson(res, 200, obj);
  return 200;
}

/** Selects the objects of a list or deletecollection request. */
export function selectObjects(ctx: ApiContext, route: ResourceRoute, q: URLSearchParams): KObject[] {
  const labels = parseLabelSelector(q.get('labelSelector'));
  const fields = parseFieldSelector(q.get('fieldSelector'), route.def.fieldSelectors);
  return ctx.store.list(route.def, route.namespace).filter((o) => matchLabels(o.metadata.labels, labels) && matchFields(o, fields));
}

/** GET of a collection, or a watch when ?watch=true. */
export function handleList(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, q: URLSearchParams): number {
  const { def } = route;
  const watch = q.get('watch');
  if (watch === 'true' || watch === '1') {
    const timeout = q.get('timeoutSeconds');
    const holder: { handle?: WatchHandle } = {};
    holder.handle = serveWatch(ctx.store, res, {
      def, namespace: route.namespace,
      labels: parseLabelSelector(q.get('labelSelector')),
      fields: parseFieldSelector(q.get('fieldSelector'), def.fieldSelectors),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowBookmarks: q.get('allowWatchBookmarks') === 'true',
      timeoutSeconds: timeout ? Number(timeout) : undefined,
      table: wantsTable(req.headers.accept) ? { includeObject: q.get('includeObject') } : undefined,
    }, ctx.watch, () => { if (holder.handle) ctx.watches.delete(holder.handle); });
    if (!holder.handle.done) ctx.watches.add(holder.handle);
    return 200;
  }
  let items = selectObjects(ctx, route, q);
  let rv = ctx.store.currentRv();
  let next: string | undefined;
  const cont = q.get('continue');
  if (cont) {
    const t = decodeContinue(cont);
    if (t.rv < ctx.store.oldestResumableRv()) throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    rv = t.rv;
    items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > t.start);
  }
  const limit = Number(q.get('limit') ?? 0);
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    items = items.slice(0, limit);
    const last = items[items.length - 1]!;
    next = encodeContinue({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` });
  }
  if (wantsTable(req.headers.accept)) {
    const table = toTable(def, items, String(rv), q.get('includeObject'), ctx.store.now());
    if (next) (table.metadata as JsonObject).continue = next;
    sendJson(res, 200, table);
    return 200;
  }
  const metadata: JsonObject = { resourceVersion: String(rv) };
  if (next) metadata.continue = next;
  sendJson(res, 200, { apiVersion: apiVersionOf(def), kind: `${def.kind}List`, metadata, items: items.map((o) => listItem(def, o)) });
  return 200;
}
