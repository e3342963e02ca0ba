/**
 * Watches the labelled chaos objects of a run and keeps the latest of each, so the adapter waits on
 * state (conditions, records) instead of sleeping. A watch ends (server timeout, network) or answers
 * an ERROR with 410 (its resourceVersion was compacted): both lead to a fresh list, then a watch
 * from the list's version. `refresh()` lets a waiter read one object directly as a fallback, so a
 * slow or broken watch can delay a verdict but never falsify one.
 */
import { EventEmitter } from 'node:events';
import { CHAOS_GROUP, CHAOS_VERSION } from '../../faults/index.js';
import type { ChaosObject } from './chaos-object.js';
import { K8sError, type KubeClient } from './client.js';

/** Pause before re-listing after a watch ended, so a refusing server is not hammered. */
const REWATCH_DELAY_MS = 500;

const key = (plural: string, ns: string, name: string): string => `${plural}/${ns}/${name}`;

export class ChaosObserver extends EventEmitter<{ change: [plural: string, obj: ChaosObject, deleted: boolean] }> {
  private readonly objects = new Map<string, ChaosObject | null>();
  private readonly streams = new Map<string, () => void>();
  private disposed = false;

  constructor(private readonly client: KubeClient, private readonly labelSelector: string) {
    super();
  }

  /** The latest object, `null` once deleted, undefined when never seen. */
  latest(plural: string, ns: string, name: string): ChaosObject | null | undefined {
    return this.objects.get(key(plural, ns, name));
  }

  private put(plural: string, o: ChaosObject, deleted: boolean): void {
    this.objects.set(key(plural, o.metadata.namespace ?? '', o.metadata.name), deleted ? null : o);
    this.emit('change', plural, o, deleted);
  }

  /** Read one object now (fallback to the watch); NOT_FOUND records it as deleted. */
  async refresh(plural: string, ns: string, name: string): Promise<ChaosObject | null> {
    try {
      const o = await this.client.get(plural, ns, name);
      this.put(plural, o, false);
      return o;
    } catch (e) {
      if (e instanceof K8sError && e.code === 'NOT_FOUND') {
        this.objects.set(key(plural, ns, name), null);
        this.emit('change', plural, { apiVersion: '', kind: '', metadata: { name, namespace: ns }, spec: {} }, true);
        return null;
      }
      throw e;
    }
  }

  /** Make sure `plural` in `ns` is watched (idempotent). */
  async follow(plural: string, ns: string): Promise<void> {
    const k = `${plural}/${ns}`;
    if (this.streams.has(k) || this.disposed) return;
    this.streams.set(k, () => undefined);
    await this.start(plural, ns, k);
  }

  private async start(plural: string, ns: string, k: string): Promise<void> {
    if (this.disposed) return;
    let rv: string;
    try {
      const l = await this.client.list(plural, this.labelSelector, ns);
      for (const o of l.items) this.put(plural, o, false);
      rv = l.resourceVersion;
    } catch {
      this.retry(plural, ns, k);
      return;
    }
    let expired = false;
    try {
      const stop = await this.client.watch(`/apis/${CHAOS_GROUP}/${CHAOS_VERSION}/namespaces/${ns}/${plural}`, { labelSelector: this.labelSelector, resourceVersion: rv, allowWatchBookmarks: true },
        (type, obj) => {
          if (type === 'ERROR') expired = true;
          else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.put(plural, obj as ChaosObject, type === 'DELETED');
        },
        () => { if (!this.disposed) this.retry(plural, ns, k, expired ? 0 : REWATCH_DELAY_MS); });
      this.streams.set(k, stop);
    } catch {
      this.retry(plural, ns, k);
    }
  }

  private retry(plural: string, ns: string, k: string, ms = REWATCH_DELAY_MS): void {
    if (this.disposed) return;
    const t = setTimeout(() => void this.start(plural, ns, k), ms);
    this.streams.set(k, () => clearTimeout(t));
  }

  dispose(): void {
    this.disposed = true;
    for (const stop of this.streams.values()) stop();
    this.streams.clear();
    this.removeAllListeners();
  }
}
