/**
 * The inventory's `kubernetes:` section: where the kubeconfig is, which context, the default
 * namespace, and the namespaces no runbook may touch without saying so and an approver confirming.
 * Strict like the rest of the inventory: a misspelt `protectedNamespace` must not silently drop the
 * guard around kube-system.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DNS_LABEL } from './k8s-selector.js';

/** Namespaces that run the cluster (and Chaos Mesh itself): a fault there hurts every workload. */
export const DEFAULT_PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'chaos-mesh'] as const;

const namespace = z.string().regex(DNS_LABEL, { error: 'a namespace is lower-case letters, digits and "-" (at most 63)' });
/** Paths and context names: printable text (control characters would corrupt audit lines). */
const printable = z.string().min(1, { error: 'must not be empty' }).max(4096).regex(/^[^\x00-\x1f\x7f]+$/, { error: 'cannot hold control characters' });

export const kubernetesSectionSchema = z.strictObject({
  /** Default: $KUBECONFIG (first entry), else ~/.kube/config. Relative paths are from the inventory file. */
  kubeconfig: printable.optional(),
  /** Default: the kubeconfig's current-context. */
  context: printable.optional(),
  /** Default: the context's namespace, else "default". */
  namespace: namespace.optional(),
  protectedNamespaces: z.array(namespace, { error: 'protectedNamespaces is a list of namespaces' }).default([...DEFAULT_PROTECTED_NAMESPACES]),
  /**
   * How long the console waits for Chaos Mesh at each stage (every record Injected after create;
   * recovered after pause; gone after delete) before it reports the object as it stands.
   */
  waitSeconds: z.number({ error: 'waitSeconds is a number of seconds' }).min(1, { error: 'waitSeconds must be 1-600' }).max(600, { error: 'waitSeconds must be 1-600' }).default(30),
});

export type KubernetesSectionDoc = z.input<typeof kubernetesSectionSchema>;

/** The section after defaults, the kubeconfig path absolute. */
export interface KubernetesSettings {
  kubeconfig: string;
  context?: string;
  namespace?: string;
  protectedNamespaces: string[];
  waitSeconds: number;
}

/** Normalise the parsed section; `dir` is the inventory file's directory. */
export function normaliseKubernetes(doc: z.output<typeof kubernetesSectionSchema>, dir: string, env: NodeJS.ProcessEnv = process.env): KubernetesSettings {
  const home = os.homedir();
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  const raw = doc.kubeconfig ?? fromEnv ?? '~/.kube/config';
  const expanded = raw === '~' || raw.startsWith('~/') ? path.join(home, raw.slice(1)) : raw;
  return {
    kubeconfig: path.resolve(dir, expanded),
    ...(doc.context !== undefined && { context: doc.context }),
    ...(doc.namespace !== undefined && { namespace: doc.namespace }),
    protectedNamespaces: [...doc.protectedNamespaces],
    waitSeconds: doc.waitSeconds,
  };
}
