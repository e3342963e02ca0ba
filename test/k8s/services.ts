/**
 * Services of the test cluster: defaults on create (type ClusterIP, a cluster IP from 10.96.0.0/12,
 * protocol TCP, targetPort = port) and, for each Service, a loopback proxy over the ready pods its
 * selector matches (service-proxy.ts). Also the namespace cascade: deleting a Namespace deletes what
 * is in it (objects with finalizers linger until their controller clears them).
 */
import type { AdmissionHook } from './api-context.js';
import type { Kubelet } from './kubelet.js';
import { findResource, RESOURCES } from './resources.js';
import { matchLabels } from './selectors.js';
import { ServiceProxy } from './service-proxy.js';
import type { ChangeEvent, ObjectStore } from './store.js';
import { isObject, type KObject } from './types.js';
import type { DataPlane } from './data-plane.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;

/** Admission defaults for Services (what the apiserver's Service strategy fills in). */
export function serviceDefaults(nextIp: () => string): AdmissionHook {
  return (op, def, obj, old) => {
    if (def !== SERVICES) return;
    const spec = isObject(obj.spec) ? obj.spec : (obj.spec = {});
    if (op === 'update' && old && isObject(old.spec)) spec.clusterIP = old.spec.clusterIP ?? null;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (!spec.clusterIP) spec.clusterIP = nextIp();
    spec.clusterIPs = [spec.clusterIP];
    if (Array.isArray(spec.ports)) {
      spec.ports = spec.ports.map((p) => (isObject(p) ? { protocol: 'TCP', targetPort: p.port ?? null, ...p } : p));
    }
  };
}

/** Loopback proxies of every Service, kept in step with the store. */
export class ServiceNetwork {
  private readonly proxies = new Map<string, ServiceProxy>();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly store: ObjectStore, private readonly kubelet: Kubelet, private readonly plane: DataPlane) {
    for (const s of store.list(SERVICES)) void this.open(s);
    this.unsubscribe = store.subscribe((e) => this.onChange(e));
  }

  private onChange(e: ChangeEvent): void {
    if (e.def === SERVICES && e.type === 'ADDED') void this.open(e.object);
    if (e.def === SERVICES && e.type === 'DELETED') void this.close(e.object);
    if (e.def === NAMESPACES && e.type === 'DELETED') setImmediate(() => this.cascade(e.object.metadata.name));
  }

  private key(svc: KObject): string {
    return `${svc.metadata.namespace}/${svc.metadata.name}`;
  }

  /** Ready backend ports behind a Service now. */
  endpointPorts(ns: string, name: string): number[] {
    const svc = this.store.get(SERVICES, ns, name);
    const sel = svc && isObject(svc.spec) && isObject(svc.spec.selector) ? svc.spec.selector : undefined;
    if (!sel) return [];
    const reqs = Object.entries(sel).map(([key, v]) => ({ key, op: 'eq' as const, values: [String(v)] }));
    return this.store.list(PODS, ns)
      .filter((p) => matchLabels(p.metadata.labels, reqs) && this.kubelet.isEndpoint(p))
      .map((p) => this.plane.portOf(`${p.metadata.namespace}/${p.metadata.name}`))
      .filter((p): p is number => p !== undefined);
  }

  private async open(svc: KObject): Promise<void> {
    const key = this.key(svc);
    if (this.proxies.has(key) || this.disposed) return;
    const proxy = new ServiceProxy(() => this.endpointPorts(svc.metadata.namespace!, svc.metadata.name));
    this.proxies.set(key, proxy);
    await proxy.start();
  }

  private async close(svc: KObject): Promise<void> {
    const key = this.key(svc);
    const p = this.proxies.get(key);
    this.proxies.delete(key);
    await p?.dispose();
  }

  /** http://127.0.0.1:<port> of a Service's proxy, or undefined (no such Service yet). */
  url(ns: string, name: string): string | undefined {
    const p = this.proxies.get(`${ns}/${name}`);
    return p && p.port ? `http://127.0.0.1:${p.port}` : undefined;
  }

  /** Connections the proxy sent to each backend port (for spread checks). */
  picks(ns: string, name: string): Map<number, number> {
    return new Map(this.proxies.get(`${ns}/${name}`)?.picks ?? []);
  }

  /** Deletes every namespaced object of a deleted namespace. */
  private cascade(ns: string): void {
    for (const def of RESOURCES.filter((r) => r.namespaced && !r.virtual)) {
      for (const o of this.store.list(def, ns)) {
        try { this.store.delete(def, ns, o.metadata.name); } catch { /* already gone */ }
      }
    }
  }

  /** Closes every proxy. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    await Promise.all([...this.proxies.values()].map((p) => p.dispose()));
    this.proxies.clear();
  }
}
