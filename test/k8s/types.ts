/**
 * The shapes the Kubernetes test server stores and sends: plain JSON objects as on the wire
 * (apiVersion, kind, metadata, spec, status), with just enough typing to handle metadata safely.
 * Spec and status stay `Json` because each kind has its own and the server must keep whatever a
 * client sent (a real apiserver keeps unknown-but-allowed fields too).
 */

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** metadata of a stored object (ObjectMeta); fields a real apiserver sets are marked. */
export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string; // server-set
  resourceVersion: string; // server-set
  generation?: number; // server-set
  creationTimestamp: string; // server-set, RFC 3339 seconds
  deletionTimestamp?: string; // server-set when a delete waits on finalizers
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: JsonObject[];
  [key: string]: Json | undefined;
}

/** A stored object as it goes on the wire. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Json;
  status?: Json;
  [key: string]: Json | ObjectMeta | undefined;
}

/** Is this value a JSON object (not an array, not null)? */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy through JSON: stored objects are never shared with callers or clients. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** RFC 3339 with whole seconds, as Kubernetes writes metav1.Time. */
export function k8sTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds, as Kubernetes writes metav1.MicroTime; used where order within a second matters. */
export function k8sMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** JSON with object keys sorted: equal for semantically equal values (Go's DeepEqual on decoded JSON). */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    isObject(val) ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, val[k]])) : val);
}
