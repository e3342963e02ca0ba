/**
 * Kubernetes Events written by the Chaos Mesh emulation, as its recorder does
 * (controllers/utils/recorder: reasons FinalizerInited, Started, Paused, TimeUp, Deleted, Applied,
 * Recovered, Failed, Updated; type Normal or Warning; source component = the pipeline step), so
 * `kubectl describe networkchaos …` and event watches show them. Repeats of the same event on the
 * same object are folded into one with a growing count, as client-go's event correlator does.
 */
import { randomBytes } from 'node:crypto';
import { findResource } from './resources.js';
import type { ObjectStore } from './store.js';
import { k8sTime, type KObject } from './types.js';

const EVENTS = findResource('', 'v1', 'events')!;

/** One event to record. */
export interface EventSpec { type: 'Normal' | 'Warning'; reason: string; message: string; component: string }

/** Writes (or folds) an Event about `obj`. */
export function recordEvent(store: ObjectStore, obj: KObject, e: EventSpec): void {
  const ns = obj.metadata.namespace ?? 'default';
  const now = store.now();
  const same = store.list(EVENTS, ns).find((ev) => {
    const io = ev.involvedObject as { uid?: string } | undefined;
    return io?.uid === obj.metadata.uid && ev.reason === e.reason && ev.message === e.message && (ev.source as { component?: string } | undefined)?.component === e.component;
  });
  if (same) {
    const next = { ...same, count: Number(same.count ?? 1) + 1, lastTimestamp: k8sTime(now), metadata: { ...same.metadata, resourceVersion: '' } };
    store.update(EVENTS, next);
    return;
  }
  store.create(EVENTS, {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns, uid: '', resourceVersion: '', creationTimestamp: '' },
    involvedObject: { kind: obj.kind, namespace: ns, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion },
    reason: e.reason, message: e.message, type: e.type,
    source: { component: e.component },
    firstTimestamp: k8sTime(now), lastTimestamp: k8sTime(now), eventTime: null, count: 1,
    reportingComponent: '', reportingInstance: '',
  });
}
