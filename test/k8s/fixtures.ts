/**
 * Objects the test cluster can start with. The "shop" preset is a small staging cluster:
 * namespaces default, kube-system, kube-public, chaos-mesh (where Chaos Mesh would be installed)
 * and shop; Deployments shop/checkout (3 replicas, app=checkout) and shop/payments (2, app=payments)
 * with Services of the same names; kube-system/coredns (2 replicas, k8s-app=kube-dns) for
 * protected-namespace tests.
 */
import type { Json } from './types.js';

/** A bare object to create (server-set metadata is filled in by the store). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: Json;
  status?: Json;
}

/** A Namespace. */
export function namespace(name: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

/** A Deployment whose pods carry `labels` and run one container named after the Deployment. */
export function deployment(ns: string, name: string, replicas: number, labels: Record<string, string>): Manifest {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image: `registry.example/${ns}/${name}:1.4.2`, ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    },
  };
}

/** A ClusterIP Service on port 80 → 8080 over pods with `selector`. */
export function service(ns: string, name: string, selector: Record<string, string>): Manifest {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: ns, labels: selector },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

/** The "shop" preset. */
export function shopCluster(): Manifest[] {
  return [
    ...['default', 'kube-system', 'kube-public', 'chaos-mesh', 'shop'].map(namespace),
    deployment('shop', 'checkout', 3, { app: 'checkout' }),
    service('shop', 'checkout', { app: 'checkout' }),
    deployment('shop', 'payments', 2, { app: 'payments' }),
    service('shop', 'payments', { app: 'payments' }),
    deployment('kube-system', 'coredns', 2, { 'k8s-app': 'kube-dns' }),
  ];
}
