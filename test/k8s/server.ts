/**
 * startK8sTestServer: a protocol-level Kubernetes API server over HTTPS on 127.0.0.1:0 with a
 * Chaos Mesh controller emulation, a Deployment controller, a kubelet and a loopback data plane,
 * plus a kubeconfig for it. Real clients (kubectl, @kubernetes/client-node) talk to it as to a
 * cluster; tests read the ground truth through `controls`. See test/k8s/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admitChaosCreate, admitChaosUpdate } from './chaos-admission.js';
import type { AdmissionHook, ApiContext, RequestRecord } from './api-context.js';
import { handleRequest } from './api-server.js';
import { ChaosController } from './chaos-controller.js';
import { ChaosEffects } from './chaos-effects.js';
import { startControlEndpoint, type ControlEndpoint } from './control-endpoint.js';
import { K8sControls, DEFAULT_TIMINGS, type ClusterTimings } from './controls.js';
import { DataPlane } from './data-plane.js';
import { DeploymentController } from './deployments.js';
import { shopCluster, type Manifest } from './fixtures.js';
import { Kubelet } from './kubelet.js';
import { writeKubeconfig } from './kubeconfig.js';
import { allowAll, TokenTable, type RbacTable } from './rbac.js';
import { CHAOS_RESOURCES } from './resources.js';
import { serviceDefaults, ServiceNetwork } from './services.js';
import { ObjectStore } from './store.js';
import { makeTestPki } from './tls.js';
import type { WatchHandle } from './watch.js';

/** Options of startK8sTestServer (all optional). */
export interface K8sTestServerOptions {
  /** Objects to start with: 'shop' (default, see fixtures.ts), 'empty' (namespaces default and kube-system only) or a list. */
  seed?: 'shop' | 'empty' | Manifest[];
  /** User the kubeconfig's token authenticates as (default "gameday-tester"). */
  user?: string;
  /** Default namespace of the kubeconfig context (default "shop"). */
  namespace?: string;
  /** RBAC table (default: allow everything). */
  rbac?: RbacTable;
  /** Delays of controllers, kubelet and effects; see DEFAULT_TIMINGS. */
  timings?: Partial<ClusterTimings>;
  /** Watch history kept (events); older resourceVersions get 410 Expired (default 1000). */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches with allowWatchBookmarks=true (default 5000 ms). */
  bookmarkIntervalMs?: number;
  /** Folder for the kubeconfig and certificates (default: a new temp folder, removed on dispose). */
  dir?: string;
}

/** A running test server. */
export interface K8sTestServer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the CA that signed the server certificate. */
  caPem: string;
  /** Bearer token of `user`. */
  token: string;
  user: string;
  /** Path of the kubeconfig written for this server (cluster, user and context "gameday-test"). */
  kubeconfigPath: string;
  contextName: string;
  namespace: string;
  dir: string;
  /** Loopback HTTP control endpoint (Authorization: Bearer controlToken); see control-endpoint.ts. */
  controlUrl: string;
  controlToken: string;
  store: ObjectStore;
  controls: K8sControls;
  /** Stops everything (servers, watches, backends, timers) and removes the temp folder it made. */
  dispose(): Promise<void>;
}

/** Starts a test server; resolves once seeded Deployments are ready. */
export async function startK8sTestServer(opts: K8sTestServerOptions = {}): Promise<K8sTestServer> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'gd-k8s-'));
  const pki = makeTestPki(dir);
  const user = opts.user ?? 'gameday-tester';
  const token = randomBytes(24).toString('hex');
  const tokens = new TokenTable();
  tokens.add(token, user);
  const timings: ClusterTimings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const rbac = { table: opts.rbac ?? allowAll() };
  const store = new ObjectStore({ historyLimit: opts.historyLimit });
  const plane = new DataPlane();
  const kubelet = new Kubelet(store, plane, timings);
  const deployments = new DeploymentController(store, kubelet, () => timings.recreateDelayMs);
  const services = new ServiceNetwork(store, kubelet, plane);
  const chaos = new ChaosController(store, new ChaosEffects(store, plane, kubelet, timings), () => timings);
  let ipSeq = 10;
  const admission: AdmissionHook[] = [
    (op, def, obj, old) => (CHAOS_RESOURCES.includes(def) ? (op === 'create' ? admitChaosCreate(def, obj) : admitChaosUpdate(def, old!, obj)) : undefined),
    serviceDefaults(() => `10.96.${Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`),
  ];
  const log: RequestRecord[] = [];
  const watches = new Set<WatchHandle>();
  const ctx: ApiContext = {
    store, tokens, rbac: () => rbac.table, admission, watch: { bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000 }, watches, log, serverAddress: '',
  };
  const server: Server = createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => void handleRequest(ctx, req, res));
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const port = (server.address() as AddressInfo).port;
  ctx.serverAddress = `127.0.0.1:${port}`;
  const url = `https://127.0.0.1:${port}`;
  const controls = new K8sControls({ store, plane, kubelet, services, chaos, tokens, admission, log, timings, rbac });
  const seed = opts.seed ?? 'shop';
  controls.apply(seed === 'shop' ? shopCluster() : seed === 'empty' ? shopCluster().filter((m) => m.kind === 'Namespace' && ['default', 'kube-system'].includes(m.metadata.name)) : seed);
  const namespace = opts.namespace ?? 'shop';
  const contextName = 'gameday-test';
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.caPem, token, user, namespace, contextName });
  const controlToken = randomBytes(16).toString('hex');
  const control: ControlEndpoint = await startControlEndpoint(controls, controlToken);
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    for (const w of [...watches]) w.stop();
    chaos.dispose();
    deployments.dispose();
    kubelet.dispose();
    await control.dispose();
    await services.dispose();
    await plane.dispose();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await controls.waitForDeployments();
  } catch (e) {
    await dispose();
    throw e;
  }
  return { url, caPem: pki.caPem, token, user, kubeconfigPath, contextName, namespace, dir, controlUrl: control.url, controlToken, store, controls, dispose };
}
