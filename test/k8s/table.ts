/**
 * Server-side printing: when a client asks for `application/json;as=Table;v=v1;g=meta.k8s.io`
 * (what `kubectl get` does without -o json/yaml/jsonpath), lists, gets and watch events are sent as
 * meta.k8s.io/v1 Table objects with the columns of resources.ts and rows carrying the object's
 * metadata (includeObject=Metadata, the default) or the whole object (includeObject=Object).
 */
import type { PrinterColumn, ResourceDef } from './resources.js';
import { fieldValue } from './selectors.js';
import { isObject, type Json, type JsonObject, type KObject } from './types.js';

/** Does an Accept header ask for a Table? */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

/** Kubernetes' duration.HumanDuration ("5s", "3m20s", "2d5h"). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  if (h < 24 * 365 * 8) { const y = Math.floor(h / 24 / 365); const d = Math.floor(h / 24) % 365; return d === 0 ? `${y}y` : `${y}y${d}d`; }
  return `${Math.floor(h / 24 / 365)}y`;
}

function podCell(obj: KObject, what: string): Json {
  const status = isObject(obj.status) ? obj.status : {};
  const cs = Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isObject) : [];
  const spec = isObject(obj.spec) ? obj.spec : {};
  const total = Array.isArray(spec.containers) ? spec.containers.length : cs.length;
  if (what === 'ready') return `${cs.filter((c) => c.ready === true).length}/${total}`;
  if (what === 'restarts') return cs.reduce((n, c) => n + (typeof c.restartCount === 'number' ? c.restartCount : 0), 0);
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  const waiting = cs.map((c) => (isObject(c.state) && isObject(c.state.waiting) ? c.state.waiting.reason : undefined)).find((r) => typeof r === 'string');
  return typeof waiting === 'string' ? waiting : typeof status.phase === 'string' ? status.phase : 'Unknown';
}

function cell(obj: KObject, col: PrinterColumn, now: number): Json {
  const [special, what] = col.path.startsWith('#') ? col.path.slice(1).split('.') : [];
  if (special === 'pod') return podCell(obj, what!);
  if (special === 'deploy') {
    const st = isObject(obj.status) ? obj.status : {};
    const spec = isObject(obj.spec) ? obj.spec : {};
    return `${Number(st.readyReplicas ?? 0)}/${Number(spec.replicas ?? 1)}`;
  }
  if (special === 'event') {
    const io = isObject(obj.involvedObject) ? obj.involvedObject : {};
    return `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`;
  }
  if (special === 'svc') {
    const spec = isObject(obj.spec) ? obj.spec : {};
    if (what === 'external') return '<none>';
    const ports = Array.isArray(spec.ports) ? spec.ports.filter(isObject) : [];
    return ports.map((p) => `${String(p.port)}/${String(p.protocol ?? 'TCP')}`).join(',') || '<none>';
  }
  if (col.type === 'date') {
    const t = Date.parse(fieldValue(obj, col.path));
    return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
  }
  const v = fieldValue(obj, col.path);
  return col.type === 'integer' ? Number(v || 0) : v;
}

/** A Table of objects; `includeObject` as the query parameter (None | Metadata | Object). */
export function toTable(def: ResourceDef, objs: KObject[], rv: string, includeObject: string | null, now: number): JsonObject {
  const columnDefinitions = def.columns.map((c) => ({
    name: c.name, type: c.type === 'date' ? 'string' : c.type, format: c.name === 'Name' ? 'name' : '',
    description: c.description ?? '', priority: c.priority ?? 0,
  }));
  const rows = objs.map((o) => {
    const row: JsonObject = { cells: def.columns.map((c) => cell(o, c, now)) };
    if (includeObject === 'Object') row.object = o as unknown as JsonObject;
    else if (includeObject !== 'None') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata as unknown as JsonObject };
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: rv }, columnDefinitions, rows };
}
