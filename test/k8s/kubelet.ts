/**
 * The kubelet of the test cluster (one node, "gameday-test-node-1"): a new pod goes Pending →
 * Running/Ready once its backend listens (after `readyDelayMs`); a pod given a deletionTimestamp
 * stops serving at once (it leaves the Service's endpoints) and is removed after
 * min(grace period, `terminationMs`); container restarts and failures flip readiness. Each step is
 * logged with its time for ground-truth checks.
 */
import { randomBytes } from 'node:crypto';
import type { DataPlane } from './data-plane.js';
import { findResource } from './resources.js';
import type { ChangeEvent, ObjectStore } from './store.js';
import { isObject, k8sTime, type JsonObject, type KObject } from './types.js';

/** The node every pod runs on. */
export const NODE_NAME = 'gameday-test-node-1';
const PODS = findResource('', 'v1', 'pods')!;

/** A pod lifecycle step, as it happened. */
export interface PodEvent { pod: string; event: 'created' | 'ready' | 'not-ready' | 'terminating' | 'deleted' | 'container-restarted'; at: number }

/** Timings of the kubelet (ms). */
export interface KubeletTimings { readyDelayMs: number; terminationMs: number; containerRestartMs: number }

function podKey(o: KObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}

function containersOf(pod: KObject): JsonObject[] {
  const spec = isObject(pod.spec) ? pod.spec : {};
  return Array.isArray(spec.containers) ? spec.containers.filter(isObject) : [];
}

/** Runs pods against the data plane. */
export class Kubelet {
  readonly events: PodEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly starting = new Set<string>();
  private nextIp = 2;
  private readonly unsubscribe: () => void;
  private disposed = false;
  /** Pods whose containers are held not ready (pod-failure), with a reason. */
  private readonly failed = new Map<string, string>();

  constructor(private readonly store: ObjectStore, private readonly plane: DataPlane, private readonly t: KubeletTimings) {
    this.unsubscribe = store.subscribe((e) => { if (e.def === PODS) setImmediate(() => this.onPod(e)); });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => { this.timers.delete(timer); if (!this.disposed) fn(); }, ms);
    this.timers.add(timer);
  }

  private log(pod: string, event: PodEvent['event']): void {
    this.events.push({ pod, event, at: this.store.now() });
  }

  private onPod(e: ChangeEvent): void {
    if (this.disposed) return;
    const key = podKey(e.object);
    if (e.type === 'ADDED') {
      this.log(key, 'created');
      this.later(this.t.readyDelayMs, () => void this.start(e.object));
    } else if (e.type === 'DELETED') {
      this.log(key, 'deleted');
      this.failed.delete(key);
      void this.plane.stopPod(key);
    } else if (e.object.metadata.deletionTimestamp && !e.previous?.metadata.deletionTimestamp) {
      this.log(key, 'terminating');
      void this.plane.stopPod(key);
      const grace = (e.object.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
      this.later(Math.min(grace, this.t.terminationMs), () => this.finishDelete(e.object));
    }
  }

  private finishDelete(pod: KObject): void {
    const cur = this.store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== pod.metadata.uid) return;
    try { this.store.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, uid: pod.metadata.uid }); } catch { /* already gone */ }
  }

  private async start(pod: KObject): Promise<void> {
    const key = podKey(pod);
    const cur = this.store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== pod.metadata.uid || cur.metadata.deletionTimestamp || this.starting.has(key)) return;
    this.starting.add(key);
    try {
      await this.plane.startPod(key);
    } finally {
      this.starting.delete(key);
    }
    if (this.disposed) return;
    const ip = `10.244.0.${this.nextIp++ % 250 + 2}`;
    this.setStatus(pod, (now) => ({
      phase: 'Running', hostIP: '10.0.0.10', podIP: ip, podIPs: [{ ip }], startTime: now, qosClass: 'BestEffort',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
      containerStatuses: containersOf(pod).map((c) => ({
        name: c.name ?? 'app', ready: true, started: true, restartCount: 0, image: c.image ?? 'registry.example/app:1',
        imageID: `registry.example/app@sha256:${randomBytes(32).toString('hex')}`, containerID: `containerd://${randomBytes(32).toString('hex')}`,
        state: { running: { startedAt: now } }, lastState: {},
      })),
    }));
    if (!this.plane.isServing(key)) return;
    this.log(key, 'ready');
  }

  /** Rewrites a pod's status if the pod (same uid) still exists; returns false if it does not. */
  private setStatus(pod: KObject, make: (now: string, cur: JsonObject) => JsonObject): boolean {
    const cur = this.store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (!cur || cur.metadata.uid !== pod.metadata.uid || cur.metadata.deletionTimestamp) return false;
    cur.status = make(k8sTime(this.store.now()), isObject(cur.status) ? cur.status : {});
    delete (cur.metadata as { resourceVersion?: string }).resourceVersion;
    this.store.update(PODS, cur);
    return true;
  }

  private setReady(pod: KObject, ready: boolean, reason?: string, restart = false): boolean {
    return this.setStatus(pod, (now, st) => ({
      ...st,
      conditions: (Array.isArray(st.conditions) ? st.conditions.filter(isObject) : []).map((c) =>
        c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: ready ? 'True' : 'False', lastTransitionTime: now } : c),
      containerStatuses: (Array.isArray(st.containerStatuses) ? st.containerStatuses.filter(isObject) : []).map((c) => ({
        ...c, ready,
        restartCount: Number(c.restartCount ?? 0) + (restart ? 1 : 0),
        state: (ready ? { running: { startedAt: now } } : { waiting: { reason: reason ?? 'ContainerCreating' } }) as JsonObject,
      })),
    }));
  }

  /** Is the pod Running, Ready, not terminating and serving (an endpoint of its Services)? */
  isEndpoint(pod: KObject): boolean {
    const st = isObject(pod.status) ? pod.status : {};
    const ready = Array.isArray(st.conditions) && st.conditions.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True');
    return st.phase === 'Running' && ready && !pod.metadata.deletionTimestamp && !this.failed.has(podKey(pod)) && this.plane.isServing(podKey(pod));
  }

  /** pod-failure: containers not ready (reason shown as the pod STATUS) until `recoverPod`. */
  failPod(pod: KObject, reason: string): boolean {
    this.failed.set(podKey(pod), reason);
    this.log(podKey(pod), 'not-ready');
    return this.setReady(pod, false, reason);
  }

  /** Ends a pod-failure. */
  recoverPod(pod: KObject): boolean {
    if (!this.failed.delete(podKey(pod))) return false;
    this.log(podKey(pod), 'ready');
    return this.setReady(pod, true);
  }

  /** container-kill: not ready, restartCount+1, ready again after `containerRestartMs`. */
  restartContainer(pod: KObject): boolean {
    if (!this.setReady(pod, false, 'CrashLoopBackOff', true)) return false;
    this.log(podKey(pod), 'container-restarted');
    this.failed.set(podKey(pod), 'restarting');
    this.later(this.t.containerRestartMs, () => { this.failed.delete(podKey(pod)); if (this.setReady(pod, true)) this.log(podKey(pod), 'ready'); });
    return true;
  }

  /** Stops reacting; timers cleared. */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
