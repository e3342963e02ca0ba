/**
 * The test-side handle on a running test cluster: read objects without going through the API,
 * create fixtures, reach Services and pods over loopback, read the ground truth (fault windows,
 * pod lifecycle, controller events, API requests), change RBAC and timings, and inject
 * controller failures (stuck mode). Nothing here is reachable through the kubeconfig.
 */
import type { AdmissionHook, RequestRecord } from './api-context.js';
import type { ChaosController, ChaosTimings, ControllerEvent, FailureRule } from './chaos-controller.js';
import type { EffectTimings } from './chaos-effects.js';
import type { DataPlane, FaultWindow } from './data-plane.js';
import type { Manifest } from './fixtures.js';
import type { PodEvent, Kubelet, KubeletTimings } from './kubelet.js';
import { findResource, resourceForKind } from './resources.js';
import type { RbacTable, TokenTable } from './rbac.js';
import type { ServiceNetwork } from './services.js';
import type { ObjectStore } from './store.js';
import { clone, type KObject } from './types.js';

/** Every tunable delay of the test cluster (ms). */
export type ClusterTimings = ChaosTimings & KubeletTimings & EffectTimings & { recreateDelayMs: number };

/** Defaults: fast enough for tests, slow enough that each state is observable. */
export const DEFAULT_TIMINGS: ClusterTimings = {
  injectDelayMs: 150, recoverDelayMs: 150, retryMs: 500,
  readyDelayMs: 300, terminationMs: 200, containerRestartMs: 1000,
  recreateDelayMs: 800, stressMsPerWorker: 100,
};

/** The parts the controls reach into. */
export interface ControlParts {
  store: ObjectStore; plane: DataPlane; kubelet: Kubelet; services: ServiceNetwork; chaos: ChaosController;
  tokens: TokenTable; admission: AdmissionHook[]; log: RequestRecord[];
  timings: ClusterTimings; rbac: { table: RbacTable };
}

/** Test-side controls of one test cluster. */
export class K8sControls {
  constructor(private readonly p: ControlParts) {}

  /** Creates (or replaces, keeping server fields) objects as an admin would, admission included. */
  apply(objects: Manifest | Manifest[]): KObject[] {
    return (Array.isArray(objects) ? objects : [objects]).map((m) => {
      const def = resourceForKind(m.apiVersion, m.kind);
      if (!def) throw new Error(`the test server does not serve ${m.apiVersion} ${m.kind}`);
      const obj = clone(m) as unknown as KObject;
      const old = this.p.store.get(def, obj.metadata.namespace, obj.metadata.name);
      for (const hook of this.p.admission) hook(old ? 'update' : 'create', def, obj, old);
      if (!old) return this.p.store.create(def, obj);
      obj.metadata = { ...old.metadata, ...obj.metadata, resourceVersion: '' };
      return this.p.store.update(def, obj);
    });
  }

  /** An object by apiVersion/kind/namespace/name, straight from the store. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KObject | undefined {
    const def = resourceForKind(apiVersion, kind);
    return def ? this.p.store.get(def, namespace, name) : undefined;
  }

  /** Objects of a kind, in one namespace or all. */
  list(apiVersion: string, kind: string, namespace?: string): KObject[] {
    const def = resourceForKind(apiVersion, kind);
    return def ? this.p.store.list(def, namespace) : [];
  }

  /** Deletes as an admin would (finalizers apply; pods use grace 0). False when there was nothing to delete. */
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    const def = resourceForKind(apiVersion, kind);
    if (!def || !this.p.store.get(def, namespace, name)) return false;
    this.p.store.delete(def, namespace, name);
    return true;
  }

  /** Pods of a namespace whose labels include `labels`. */
  pods(namespace: string, labels: Record<string, string> = {}): KObject[] {
    return this.list('v1', 'Pod', namespace).filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  /** Names of the pods a Service sends connections to right now. */
  endpoints(namespace: string, service: string): string[] {
    const ports = new Set(this.p.services.endpointPorts(namespace, service));
    return this.pods(namespace).filter((p) => ports.has(this.p.plane.portOf(`${namespace}/${p.metadata.name}`) ?? -1)).map((p) => p.metadata.name);
  }

  /** http://127.0.0.1:<port> for a Service (round robin over its ready pods). */
  serviceUrl(namespace: string, name: string): string {
    const url = this.p.services.url(namespace, name);
    if (!url) throw new Error(`no Service ${namespace}/${name} in the test cluster`);
    return url;
  }

  /** http://127.0.0.1:<port> of one pod's backend, or undefined when it is not serving. */
  podUrl(namespace: string, name: string): string | undefined {
    const port = this.p.plane.portOf(`${namespace}/${name}`);
    return port ? `http://127.0.0.1:${port}` : undefined;
  }

  /** Ground truth: every fault window per pod and every pod lifecycle step, in order. */
  truth(): { faults: FaultWindow[]; pods: PodEvent[] } {
    return { faults: this.p.plane.truth(), pods: this.p.kubelet.events.map((e) => ({ ...e })) };
  }

  /** The Chaos Mesh controller's events (FinalizerInited, Started, Applied, Failed, …). */
  chaosEvents(): ControllerEvent[] {
    return this.p.chaos.events.map((e) => ({ ...e }));
  }

  /** API requests received so far (oldest first). */
  requests(filter: Partial<Pick<RequestRecord, 'verb' | 'resource' | 'namespace' | 'name' | 'user'>> = {}): RequestRecord[] {
    return this.p.log.filter((r) => Object.entries(filter).every(([k, v]) => r[k as keyof RequestRecord] === v));
  }

  /** Replaces the RBAC table (allow/deny rules; see rbac.ts). */
  setRbac(table: RbacTable): void {
    this.p.rbac.table = { allow: [...table.allow], deny: [...table.deny] };
  }

  /** Adds a bearer token for another user. */
  addToken(token: string, user: string): void {
    this.p.tokens.add(token, user);
  }

  /** Changes timings from now on. */
  setTimings(t: Partial<ClusterTimings>): void {
    Object.assign(this.p.timings, t);
  }

  /**
   * Stuck mode: recovering the matching record(s) fails with a chaos-daemon style error, so a
   * delete stays on the `chaos-mesh/records` finalizer until cleanFinalizer=forced. Default: the
   * first record of the matching objects.
   */
  failRecover(match: Omit<FailureRule, 'op' | 'message'> = {}, message = 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.10:31767: connect: connection refused"'): void {
    this.p.chaos.failures.push({ op: 'Recover', record: 0, ...match, message });
  }

  /** Injection of the matching record(s) fails (partial injection: AllInjected stays False). */
  failApply(match: Omit<FailureRule, 'op' | 'message'> = {}, message = 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.10:31767: connect: connection refused"'): void {
    this.p.chaos.failures.push({ op: 'Apply', record: 0, ...match, message });
  }

  /** Lifts every injected failure; the controller retries at once. */
  clearFailures(): void {
    this.p.chaos.failures.length = 0;
    this.p.chaos.resync();
  }

  /** Drops the watch history (etcd compaction): older resourceVersions get 410 Expired. */
  compactHistory(): void {
    this.p.store.compact();
  }

  /** Waits until `check` returns a value other than undefined/false; throws after `timeoutMs`. */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until every Deployment has all replicas ready. */
  async waitForDeployments(timeoutMs = 15_000): Promise<void> {
    const deployments = findResource('apps', 'v1', 'deployments')!;
    await this.waitFor(() => this.p.store.list(deployments).every((d) => {
      const spec = d.spec as { replicas?: number } | undefined;
      const st = d.status as { readyReplicas?: number } | undefined;
      return (st?.readyReplicas ?? 0) >= (spec?.replicas ?? 1);
    }), 'every Deployment ready', timeoutMs);
  }
}
