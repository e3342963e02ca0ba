/**
 * The object store behind the test apiserver, with etcd-like semantics: one cluster-wide
 * resourceVersion counter bumped by every write, optimistic concurrency on updates, finalizers
 * (a delete of an object with finalizers only sets deletionTimestamp; the object goes when the
 * last finalizer is removed), and a bounded history of change events that watches resume from.
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, expired, invalid, notFound } from './api-errors.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { canonical, clone, k8sTime, type Json, type KObject } from './types.js';

/** Change event kinds a watch streams (BOOKMARK is made by the watch layer, not stored). */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as kept in the history. `object` is the state after the change (before removal for DELETED). */
export interface ChangeEvent { type: ChangeType; rv: number; def: ResourceDef; object: KObject; previous?: KObject }

/** Options for writes. */
export interface WriteOptions { dryRun?: boolean }

/** Store tuning. */
export interface StoreOptions {
  /** Change events kept for watch resumption; older resourceVersions get 410 Expired. */
  historyLimit?: number;
  /** Clock, for tests that control time. */
  now?: () => number;
}

/** A finalizer the garbage collector handles itself (it has no dependents to wait on here). */
const GC_FINALIZERS = ['foregroundDeletion', 'orphan'];

function key(def: ResourceDef, ns: string | undefined, name: string): string {
  return `${def.group}/${def.plural}/${ns ?? ''}/${name}`;
}

/** Everything but metadata (and status for built-in kinds, which have a status subresource). */
function generationContent(def: ResourceDef, obj: KObject): string {
  const { metadata: _m, status, ...rest } = obj;
  return canonical(def.custom ? { ...rest, status } : rest);
}

/** The in-memory object store. */
export class ObjectStore {
  private rv = 100;
  private readonly objects = new Map<string, KObject>();
  private history: ChangeEvent[] = [];
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private readonly historyLimit: number;
  readonly now: () => number;

  constructor(opts: StoreOptions = {}) {
    this.historyLimit = opts.historyLimit ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** The latest resourceVersion (what a list reports). */
  currentRv(): number {
    return this.rv;
  }

  /** The object, or undefined. Always a copy. */
  get(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    const o = this.objects.get(key(def, def.namespaced ? ns : undefined, name));
    return o ? clone(o) : undefined;
  }

  /** Every object of a resource, in one namespace or all, sorted by namespace then name. */
  list(def: ResourceDef, ns?: string): KObject[] {
    const prefix = `${def.group}/${def.plural}/`;
    const out: KObject[] = [];
    for (const [k, o] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      if (ns !== undefined && def.namespaced && o.metadata.namespace !== ns) continue;
      out.push(clone(o));
    }
    return out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  /** Creates; the caller has validated the object. Throws 409 AlreadyExists. */
  create(def: ResourceDef, input: KObject, opts: WriteOptions = {}): KObject {
    const obj = clone(input);
    const ns = def.namespaced ? obj.metadata.namespace : undefined;
    if (!def.namespaced) delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    const k = key(def, ns, obj.metadata.name);
    if (this.objects.has(k)) throw alreadyExists(def.plural, def.group, obj.metadata.name);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = k8sTime(this.now());
    obj.metadata.generation = 1;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    if (opts.dryRun) {
      obj.metadata.resourceVersion = '';
      return obj;
    }
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, obj);
    this.emit('ADDED', def, obj);
    return clone(obj);
  }

  /**
   * Replaces an object. `input.metadata.resourceVersion`, when set, must match (409 otherwise).
   * Server-owned metadata is kept from the stored object. Removing the last finalizer of an
   * object being deleted removes it (DELETED).
   */
  update(def: ResourceDef, input: KObject, opts: WriteOptions = {}): KObject {
    const ns = def.namespaced ? input.metadata.namespace : undefined;
    const k = key(def, ns, input.metadata.name);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(def.plural, def.group, input.metadata.name);
    const want = input.metadata.resourceVersion;
    if (want && want !== cur.metadata.resourceVersion) throw conflict(def.plural, def.group, input.metadata.name);
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace'] as const) {
      const v = cur.metadata[f];
      if (v === undefined) delete obj.metadata[f];
      else (obj.metadata as Record<string, Json | undefined>)[f] = v;
    }
    if (cur.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(cur.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(def.kind, def.group, obj.metadata.name, [{
          field: 'metadata.finalizers', reason: 'FieldValueForbidden',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        }]);
      }
    }
    if (generationContent(def, obj) !== generationContent(def, cur)) obj.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    if (obj.metadata.finalizers?.length === 0) delete obj.metadata.finalizers;
    const unchanged = canonical({ ...obj, metadata: { ...obj.metadata, resourceVersion: '' } }) === canonical({ ...cur, metadata: { ...cur.metadata, resourceVersion: '' } });
    if (opts.dryRun) return obj;
    // An update that changes nothing is a no-op on a real apiserver: same resourceVersion, no event.
    if (unchanged) return clone(cur);
    obj.metadata.resourceVersion = String(++this.rv);
    if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length) {
      this.objects.delete(k);
      this.emit('DELETED', def, obj, cur);
      return clone(obj);
    }
    this.objects.set(k, obj);
    this.emit('MODIFIED', def, obj, cur);
    return clone(obj);
  }

  /**
   * Deletes: with finalizers the object only gets deletionTimestamp (once) and stays; without it
   * goes. The garbage collector's own finalizers (foregroundDeletion, orphan: what propagation
   * Foreground/Orphan add) are dropped at once, as the GC does when no dependents wait on them.
   * Returns the object and whether it is gone.
   */
  delete(def: ResourceDef, ns: string | undefined, name: string, opts: WriteOptions & { uid?: string; resourceVersion?: string; gracePeriodSeconds?: number } = {}): { object: KObject; gone: boolean } {
    const k = key(def, def.namespaced ? ns : undefined, name);
    const cur = this.objects.get(k);
    if (!cur) throw notFound(def.plural, def.group, name);
    if (opts.uid && opts.uid !== cur.metadata.uid) {
      throw conflict(def.plural, def.group, name);
    }
    if (opts.resourceVersion && opts.resourceVersion !== cur.metadata.resourceVersion) throw conflict(def.plural, def.group, name);
    const obj = clone(cur);
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => !GC_FINALIZERS.includes(f));
    const grace = opts.gracePeriodSeconds ?? 0;
    if (grace > 0) return this.markGraceful(def, k, obj, finalizers, grace, opts.dryRun === true);
    if (finalizers.length === 0) {
      if (opts.dryRun) return { object: obj, gone: true };
      obj.metadata.resourceVersion = String(++this.rv);
      this.objects.delete(k);
      this.emit('DELETED', def, obj, cur);
      return { object: clone(obj), gone: true };
    }
    if (obj.metadata.deletionTimestamp) return { object: obj, gone: false };
    obj.metadata.deletionTimestamp = k8sTime(this.now());
    obj.metadata.deletionGracePeriodSeconds = 0;
    obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
    obj.metadata.finalizers = finalizers;
    if (opts.dryRun) return { object: obj, gone: false };
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, obj);
    this.emit('MODIFIED', def, obj, cur);
    return { object: clone(obj), gone: false };
  }

  /**
   * Graceful deletion (pods): deletionTimestamp = now + grace and the object stays until its
   * kubelet deletes it with grace 0. A later delete may shorten the grace, never lengthen it.
   */
  private markGraceful(def: ResourceDef, k: string, obj: KObject, finalizers: string[], grace: number, dryRun: boolean): { object: KObject; gone: boolean } {
    const cur = this.objects.get(k)!;
    const prevGrace = obj.metadata.deletionGracePeriodSeconds;
    if (obj.metadata.deletionTimestamp && prevGrace !== undefined && prevGrace <= grace) return { object: obj, gone: false };
    if (!obj.metadata.deletionTimestamp) obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
    obj.metadata.deletionTimestamp = k8sTime(this.now() + grace * 1000);
    obj.metadata.deletionGracePeriodSeconds = grace;
    if (finalizers.length > 0) obj.metadata.finalizers = finalizers;
    else delete obj.metadata.finalizers;
    if (dryRun) return { object: obj, gone: false };
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, obj);
    this.emit('MODIFIED', def, obj, cur);
    return { object: clone(obj), gone: false };
  }

  /** Events after `rv` (exclusive), or 'expired' when the history no longer reaches back that far. */
  eventsSince(rv: number): ChangeEvent[] | 'expired' {
    if (rv >= this.rv) return [];
    const first = this.history[0];
    if (!first || rv < first.rv - 1) return 'expired';
    return this.history.filter((e) => e.rv > rv);
  }

  /** The oldest resourceVersion a watch may still resume from. */
  oldestResumableRv(): number {
    return this.history[0] ? this.history[0].rv - 1 : this.rv;
  }

  /** Drops the kept history (an etcd compaction): older watches then get 410. */
  compact(): void {
    this.history = [];
  }

  /** Calls `fn` for every change from now on; returns the unsubscribe function. */
  subscribe(fn: (e: ChangeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(type: ChangeType, def: ResourceDef, obj: KObject, previous?: KObject): void {
    const e: ChangeEvent = { type, rv: Number(obj.metadata.resourceVersion), def, object: clone(obj), ...(previous ? { previous: clone(previous) } : {}) };
    this.history.push(e);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const l of [...this.listeners]) l(e);
  }
}

/** Five characters from the alphabet Kubernetes uses for generated names (no vowels, no 0/1/3). */
export function randomSuffix(n = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** The expired error for a resourceVersion the history no longer covers. */
export function expiredFor(store: ObjectStore, requested: string): ReturnType<typeof expired> {
  return expired(requested, store.oldestResumableRv());
}
