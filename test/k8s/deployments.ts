/**
 * The Deployment (and its ReplicaSet's) controller of the test cluster: keeps `spec.replicas` pods
 * that are not terminating. A pod that is deleted (or gets a deletionTimestamp) is replaced by a
 * new pod with a new name after `recreateDelayMs` — what makes a pod-kill observable as a gap and
 * a recovery. Writes readyReplicas/availableReplicas back into the Deployment's status.
 * ReplicaSet objects themselves are not served; pods name them in ownerReferences as the real ones do.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Kubelet } from './kubelet.js';
import { NODE_NAME } from './kubelet.js';
import { findResource } from './resources.js';
import { randomSuffix, type ObjectStore } from './store.js';
import { clone, isObject, k8sTime, type JsonObject, type KObject } from './types.js';

const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const PODS = findResource('', 'v1', 'pods')!;

/** pod-template-hash: 10 characters from the template, in Kubernetes' safe alphabet. */
function templateHash(template: JsonObject): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...digest.subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
}

function matchLabels(deploy: KObject): Record<string, string> {
  const spec = isObject(deploy.spec) ? deploy.spec : {};
  const sel = isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  return Object.fromEntries(Object.entries(sel).map(([k, v]) => [k, String(v)]));
}

/** Keeps Deployments' pods alive. */
export class DeploymentController {
  private readonly pendingCreates = new Map<string, number>();
  private readonly queued = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private disposed = false;
  private readonly rsUids = new Map<string, string>();
  private readonly filled = new Set<string>();

  constructor(private readonly store: ObjectStore, private readonly kubelet: Kubelet, private readonly recreateDelayMs: () => number) {
    this.unsubscribe = store.subscribe((e) => {
      if (e.def === DEPLOYMENTS) this.queue(`${e.object.metadata.namespace}/${e.object.metadata.name}`, e.type === 'DELETED' ? e.object : undefined);
      else if (e.def === PODS) for (const d of this.ownersOf(e.object)) this.queue(d);
    });
  }

  private ownersOf(pod: KObject): string[] {
    return this.store.list(DEPLOYMENTS, pod.metadata.namespace).filter((d) => this.owns(d, pod)).map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
  }

  private owns(deploy: KObject, pod: KObject): boolean {
    const sel = matchLabels(deploy);
    const labels = pod.metadata.labels ?? {};
    return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v)
      && (pod.metadata.ownerReferences ?? []).some((o) => typeof o.name === 'string' && o.name.startsWith(`${deploy.metadata.name}-`));
  }

  private queue(key: string, deleted?: KObject): void {
    if (this.disposed || this.queued.has(key)) return;
    this.queued.add(key);
    setImmediate(() => { this.queued.delete(key); if (!this.disposed) this.reconcile(key, deleted); });
  }

  private podsOf(deploy: KObject): KObject[] {
    return this.store.list(PODS, deploy.metadata.namespace).filter((p) => this.owns(deploy, p));
  }

  private reconcile(key: string, deleted?: KObject): void {
    const [ns, name] = key.split('/') as [string, string];
    const deploy = this.store.get(DEPLOYMENTS, ns, name);
    if (!deploy) {
      // Deleted Deployment: its pods go too (garbage collection through the ReplicaSet).
      if (deleted) for (const p of this.podsOf(deleted)) this.deletePod(p, 0);
      return;
    }
    const spec = isObject(deploy.spec) ? deploy.spec : {};
    const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const pods = this.podsOf(deploy);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    const pending = this.pendingCreates.get(key) ?? 0;
    // The first fill of a new Deployment is immediate; replacements wait recreateDelayMs.
    const delay = this.filled.has(key) ? this.recreateDelayMs() : 0;
    for (let i = active.length + pending; i < want; i++) this.createLater(key, delay);
    this.filled.add(key);
    if (active.length > want) {
      const extra = active.sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp)).slice(0, active.length - want);
      for (const p of extra) this.deletePod(p, 30);
    }
    this.writeStatus(deploy, active.length, active.filter((p) => this.kubelet.isEndpoint(p)).length);
  }

  private deletePod(pod: KObject, grace: number): void {
    try { this.store.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: grace }); } catch { /* gone already */ }
  }

  private createLater(key: string, delayMs: number): void {
    this.pendingCreates.set(key, (this.pendingCreates.get(key) ?? 0) + 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pendingCreates.set(key, (this.pendingCreates.get(key) ?? 1) - 1);
      if (this.disposed) return;
      const [ns, name] = key.split('/') as [string, string];
      const deploy = this.store.get(DEPLOYMENTS, ns, name);
      if (!deploy) return;
      const want = isObject(deploy.spec) && typeof deploy.spec.replicas === 'number' ? deploy.spec.replicas : 1;
      if (this.podsOf(deploy).filter((p) => !p.metadata.deletionTimestamp).length >= want) return;
      this.store.create(PODS, this.newPod(deploy));
    }, delayMs);
    this.timers.add(timer);
  }

  /** A pod from the Deployment's template, named `<deployment>-<template hash>-<5 random>`. */
  private newPod(deploy: KObject): KObject {
    const spec = isObject(deploy.spec) ? deploy.spec : {};
    const template = isObject(spec.template) ? clone(spec.template) : {};
    const tmeta = isObject(template.metadata) ? template.metadata : {};
    const hash = templateHash(template);
    const rsName = `${deploy.metadata.name}-${hash}`;
    const rsUid = this.rsUids.get(rsName) ?? randomUUID();
    this.rsUids.set(rsName, rsUid);
    const labels = { ...(isObject(tmeta.labels) ? tmeta.labels : {}), 'pod-template-hash': hash } as Record<string, string>;
    const podSpec = isObject(template.spec) ? template.spec : {};
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name: `${rsName}-${randomSuffix()}`, namespace: deploy.metadata.namespace, labels,
        ...(isObject(tmeta.annotations) ? { annotations: tmeta.annotations as Record<string, string> } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true, blockOwnerDeletion: true }],
        uid: '', resourceVersion: '', creationTimestamp: '',
      },
      spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', serviceAccountName: 'default', ...podSpec, nodeName: NODE_NAME },
      status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: k8sTime(this.store.now()) }] },
    };
  }

  private writeStatus(deploy: KObject, replicas: number, ready: number): void {
    const spec = isObject(deploy.spec) ? deploy.spec : {};
    const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const status: JsonObject = {
      observedGeneration: deploy.metadata.generation ?? 1, replicas, updatedReplicas: replicas,
      readyReplicas: ready, availableReplicas: ready, unavailableReplicas: Math.max(0, want - ready),
      conditions: [{ type: 'Available', status: ready >= want ? 'True' : 'False', reason: ready >= want ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' }],
    };
    if (ready === 0) delete status.readyReplicas;
    if (JSON.stringify(deploy.status) === JSON.stringify(status)) return;
    const next = clone(deploy);
    next.status = status;
    delete (next.metadata as { resourceVersion?: string }).resourceVersion;
    this.store.update(DEPLOYMENTS, next);
  }

  /** Re-checks every Deployment now (after a pod's readiness changed outside a store event). */
  resync(): void {
    for (const d of this.store.list(DEPLOYMENTS)) this.queue(`${d.metadata.namespace}/${d.metadata.name}`);
  }

  /** Stops reacting; timers cleared. */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
