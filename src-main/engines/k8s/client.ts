/**
 * The one place that talks to the Kubernetes API (@kubernetes/client-node 1.4: 2.x cannot import on
 * Node 20). Everything the adapter needs, named by what it does, with every failure classified once
 * into a typed K8sError (what, why, hint). Merge patches set the content type explicitly: client-node's
 * `patch*` defaults to JSON patch. Creates send fieldValidation=Strict, because a CRD prunes unknown
 * fields silently (a misspelt selector key would select every pod of the namespace).
 */
import { existsSync } from 'node:fs';
import {
  ApiException, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, VersionApi, Watch,
} from '@kubernetes/client-node';
import { CHAOS_GROUP, CHAOS_VERSION } from '../../faults/index.js';
import type { ChaosObject } from './chaos-object.js';
import type { KubernetesSettings } from '../../inventory/index.js';

export type K8sErrorCode = 'KUBECONFIG' | 'UNREACHABLE' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'GONE' | 'API';

/** An expected failure of a Kubernetes call, as data. */
export class K8sError extends Error {
  override readonly name = 'K8sError';
  constructor(readonly code: K8sErrorCode, message: string, readonly hint?: string, readonly status?: number) {
    super(message);
  }
}

function statusMessage(body: unknown): string | undefined {
  const parsed = typeof body === 'string' ? (() => { try { return JSON.parse(body) as unknown; } catch { return undefined; } })() : body;
  const m = (parsed as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m : undefined;
}

/** Classify any error of a client-node call made to do `what`. */
export function classify(e: unknown, what: string): K8sError {
  if (e instanceof K8sError) return e;
  if (e instanceof ApiException) {
    const code = e.code as number;
    const msg = statusMessage(e.body) ?? `HTTP ${code}`;
    const map: Record<number, K8sErrorCode> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 410: 'GONE', 400: 'INVALID', 422: 'INVALID' };
    const c = map[code] ?? 'API';
    const hint = c === 'UNAUTHORIZED' ? 'the kubeconfig credentials were refused: refresh them (kubectl get pods should work with the same kubeconfig and context)'
      : c === 'FORBIDDEN' ? 'the console needs the Role in README "Kubernetes" (create, get, list, watch, patch, delete on the Chaos Mesh kinds; list pods)' : undefined;
    return new K8sError(c, `${what}: ${msg}`, hint, code);
  }
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const sys = err.code ?? err.cause?.code;
  return new K8sError('UNREACHABLE', `${what}: the Kubernetes API cannot be reached (${sys ?? err.message ?? String(e)})`, 'check the kubeconfig server address and that this machine can reach it (kubectl version)');
}

const G = { group: CHAOS_GROUP, version: CHAOS_VERSION } as const;

/** A connected (configured) client; owns the watches it starts. */
export class KubeClient {
  readonly namespace: string;
  readonly context: string;
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly watches = new Set<AbortController>();

  private constructor(readonly kc: KubeConfig, namespace: string | undefined) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
    this.context = kc.getCurrentContext();
    this.namespace = namespace ?? kc.getContextObject(this.context)?.namespace ?? 'default';
  }

  /** Load the kubeconfig the inventory names. Throws K8sError KUBECONFIG with a hint. */
  static fromSettings(s: KubernetesSettings): KubeClient {
    if (!existsSync(s.kubeconfig)) throw new K8sError('KUBECONFIG', `no kubeconfig at ${s.kubeconfig}`, 'set kubernetes.kubeconfig in the inventory (or $KUBECONFIG)');
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(s.kubeconfig);
    } catch (e) {
      throw new K8sError('KUBECONFIG', `${s.kubeconfig} is not a usable kubeconfig: ${(e as Error).message}`, 'kubectl config view --kubeconfig FILE shows what is wrong');
    }
    if (s.context !== undefined) {
      if (!kc.getContextObject(s.context)) throw new K8sError('KUBECONFIG', `${s.kubeconfig} has no context "${s.context}"`, `contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
      kc.setCurrentContext(s.context);
    }
    if (!kc.getCurrentCluster()) throw new K8sError('KUBECONFIG', `${s.kubeconfig}: the context "${kc.getCurrentContext()}" names no cluster`, 'set kubernetes.context in the inventory');
    return new KubeClient(kc, s.namespace);
  }

  /** The server URL of the current context. */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '?';
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw classify(e, what);
    }
  }

  version(): Promise<{ gitVersion: string }> {
    return this.call('GET /version', () => this.kc.makeApiClient(VersionApi).getCode());
  }

  /** Plurals the server serves in chaos-mesh.org/v1alpha1 (discovery); NOT_FOUND when the group is absent. */
  async chaosResources(): Promise<string[]> {
    const list = await this.call(`discovery ${CHAOS_GROUP}/${CHAOS_VERSION}`, () => this.custom.getAPIResources(G));
    return list.resources.map((r) => r.name).filter((n) => !n.includes('/'));
  }

  /** SelfSubjectAccessReview: may the kubeconfig's user do `verb` on `resource` (of `group`) in `namespace`? */
  async can(verb: string, resource: string, namespace: string | undefined, group = CHAOS_GROUP): Promise<boolean> {
    const r = await this.call(`SelfSubjectAccessReview ${verb} ${resource}`, () => this.kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb, resource, group, ...(namespace !== undefined && { namespace }) } } },
    }));
    return r.status?.allowed === true;
  }

  /** Pods matching a label selector, names and phases. */
  async pods(namespace: string, labelSelector: string): Promise<Array<{ name: string; phase: string; deleting: boolean }>> {
    const list = await this.call(`list pods in ${namespace}`, () => this.core.listNamespacedPod({ namespace, labelSelector }));
    return list.items.map((p) => ({ name: p.metadata?.name ?? '?', phase: p.status?.phase ?? '?', deleting: p.metadata?.deletionTimestamp !== undefined }));
  }

  create(plural: string, o: ChaosObject, dryRun = false): Promise<ChaosObject> {
    const namespace = o.metadata.namespace!;
    return this.call(`create ${plural} ${namespace}/${o.metadata.name}`, () => this.custom.createNamespacedCustomObject({ ...G, plural, namespace, body: o, fieldValidation: 'Strict', ...(dryRun && { dryRun: 'All' }) }) as Promise<ChaosObject>);
  }

  get(plural: string, namespace: string, name: string): Promise<ChaosObject> {
    return this.call(`get ${plural} ${namespace}/${name}`, () => this.custom.getNamespacedCustomObject({ ...G, plural, namespace, name }) as Promise<ChaosObject>);
  }

  /** List objects of one kind by label, in one namespace or (namespace undefined) cluster-wide. */
  async list(plural: string, labelSelector: string, namespace?: string): Promise<{ items: ChaosObject[]; resourceVersion: string }> {
    const r = await this.call(`list ${plural}${namespace ? ` in ${namespace}` : ' in all namespaces'}`, () => (namespace === undefined
      ? this.custom.listClusterCustomObject({ ...G, plural, labelSelector })
      : this.custom.listNamespacedCustomObject({ ...G, plural, namespace, labelSelector })) as Promise<{ items: ChaosObject[]; metadata: { resourceVersion: string } }>);
    return { items: r.items, resourceVersion: r.metadata.resourceVersion };
  }

  /** Merge-patch metadata annotations (pause, cleanFinalizer). */
  annotate(plural: string, namespace: string, name: string, annotations: Record<string, string>): Promise<ChaosObject> {
    return this.call(`annotate ${plural} ${namespace}/${name}`, () => this.custom.patchNamespacedCustomObject(
      { ...G, plural, namespace, name, body: { metadata: { annotations } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ) as Promise<ChaosObject>);
  }

  /** Delete; the object may stay (deletionTimestamp set) while Chaos Mesh's finalizer holds it. */
  async delete(plural: string, namespace: string, name: string): Promise<'deleting' | 'gone'> {
    try {
      await this.custom.deleteNamespacedCustomObject({ ...G, plural, namespace, name });
      return 'deleting';
    } catch (e) {
      const k = classify(e, `delete ${plural} ${namespace}/${name}`);
      if (k.code === 'NOT_FOUND') return 'gone';
      throw k;
    }
  }

  /**
   * Watch a collection path from `resourceVersion`. `onEvent` gets every event (an `ERROR` with a
   * 410 Status means the version is too old: the caller re-lists); `onEnd` when the stream ends.
   */
  async watch(path: string, query: Record<string, string | boolean>, onEvent: (type: string, obj: unknown) => void, onEnd: (err?: unknown) => void): Promise<() => void> {
    let ctl: AbortController | undefined;
    ctl = await new Watch(this.kc).watch(path, query, onEvent, (err: unknown) => {
      if (ctl) this.watches.delete(ctl);
      onEnd(err);
    });
    this.watches.add(ctl);
    return () => {
      this.watches.delete(ctl!);
      ctl!.abort();
    };
  }

  /** Stop every watch this client started. */
  dispose(): void {
    for (const c of this.watches) c.abort();
    this.watches.clear();
  }
}
