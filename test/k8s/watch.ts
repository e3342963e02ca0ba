/**
 * `?watch=true` streams as the apiserver's watch cache serves them: HTTP 200, one JSON event per
 * line ({"type":"ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR","object":…}).
 * - no resourceVersion or "0": synthetic ADDED for every current object, then changes;
 * - resourceVersion=N: every change after N, replayed from the kept history, then live;
 * - N older than the history: a single ERROR event carrying Status 410 reason Expired;
 * - an object entering or leaving the selector is sent as ADDED / DELETED;
 * - allowWatchBookmarks=true: BOOKMARK events with the latest resourceVersion, periodically;
 * - timeoutSeconds ends the stream cleanly (clients then resume from their last resourceVersion).
 */
import type { ServerResponse } from 'node:http';
import { expiredFor, type ChangeEvent, type ObjectStore } from './store.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { matchFields, matchLabels, type FieldRequirement, type LabelRequirement } from './selectors.js';
import { toTable } from './table.js';
import type { JsonObject, KObject } from './types.js';

/** What a watch request asked for. */
export interface WatchRequest {
  def: ResourceDef;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** Set when the client asked for Table output (kubectl get -w). */
  table?: { includeObject: string | null };
}

/** Watch tuning. */
export interface WatchOptions {
  bookmarkIntervalMs: number;
}

/** A running watch; `stop()` ends it (also called on client disconnect). */
export interface WatchHandle { stop(): void; readonly done: boolean }

/** Starts streaming; the response is owned by the watch from here on. */
export function serveWatch(store: ObjectStore, res: ServerResponse, req: WatchRequest, opts: WatchOptions, onEnd: () => void): WatchHandle {
  const { def } = req;
  const inScope = (o: KObject): boolean =>
    (req.namespace === undefined || o.metadata.namespace === req.namespace) && matchLabels(o.metadata.labels, req.labels) && matchFields(o, req.fields);
  let first = true;
  let lastRv = store.currentRv();
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: () => void = () => undefined;

  const write = (type: string, object: JsonObject | KObject): void => {
    if (ended) return;
    let body: JsonObject | KObject = object;
    if (req.table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      const t = toTable(def, [object as KObject], String(lastRv), req.table.includeObject, store.now());
      if (!first) t.columnDefinitions = [];
      body = t;
    }
    first = false;
    res.write(`${JSON.stringify({ type, object: body })}\n`);
  };

  const deliver = (e: ChangeEvent): void => {
    if (e.def !== def) return;
    const now = inScope(e.object);
    const before = e.previous ? inScope(e.previous) : false;
    lastRv = e.rv;
    if (e.type === 'ADDED' && now) write('ADDED', e.object);
    else if (e.type === 'DELETED' && (now || before)) write('DELETED', e.object);
    else if (e.type === 'MODIFIED') {
      if (now && before) write('MODIFIED', e.object);
      else if (now) write('ADDED', e.object);
      else if (before) write('DELETED', e.object);
    }
  };

  const stop = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
    onEnd();
  };

  const handle: WatchHandle = { stop, get done() { return ended; } };
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const rv = req.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    lastRv = store.currentRv();
    for (const o of store.list(def, req.namespace)) if (inScope(o)) write('ADDED', o);
  } else {
    const n = Number(rv);
    const events = Number.isInteger(n) && n >= 0 ? store.eventsSince(n) : 'expired';
    if (events === 'expired') {
      write('ERROR', expiredFor(store, rv).toStatus());
      stop();
      return handle;
    }
    lastRv = n;
    for (const e of events) deliver(e);
  }
  unsubscribe = store.subscribe(deliver);

  if (req.allowBookmarks) {
    const tick = (): void => {
      write('BOOKMARK', { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(store.currentRv()) } });
      timers[0] = setTimeout(tick, opts.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, opts.bookmarkIntervalMs);
  }
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) timers.push(setTimeout(stop, req.timeoutSeconds * 1000));
  res.on('close', stop);
  return handle;
}
