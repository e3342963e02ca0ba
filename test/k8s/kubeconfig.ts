/**
 * Writes a kubeconfig for the test server as `kubectl config view --raw` would show it: one
 * cluster with certificate-authority-data, one token user, one context with a default namespace.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

/** What goes into the kubeconfig. */
export interface KubeconfigSpec {
  server: string;
  caPem: string;
  token: string;
  user: string;
  namespace: string;
  contextName: string;
}

/** The kubeconfig YAML text. */
export function kubeconfigYaml(s: KubeconfigSpec): string {
  const cluster = `${s.contextName}-cluster`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: s.server, 'certificate-authority-data': Buffer.from(s.caPem).toString('base64') } }],
    users: [{ name: s.user, user: { token: s.token } }],
    contexts: [{ name: s.contextName, context: { cluster, user: s.user, namespace: s.namespace } }],
    'current-context': s.contextName,
    preferences: {},
  });
}

/** Writes the kubeconfig (mode 0600: it holds a token). */
export function writeKubeconfig(path: string, s: KubeconfigSpec): void {
  writeFileSync(path, kubeconfigYaml(s), { mode: 0o600 });
}
