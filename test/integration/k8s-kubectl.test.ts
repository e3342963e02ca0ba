/**
 * Fidelity of the Kubernetes test server with a client no one here wrote: Debian's kubectl 1.20
 * (package kubernetes-client) runs the commands an operator would run against Chaos Mesh, and
 * what it prints is compared with the test cluster's own state and ground truth. Needs no root and
 * no network namespace; only the kubectl that test/tools/apt-deps.sh provides.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKubectl } from '../k8s/kubectl-bin.js';
import { Kubectl } from '../k8s/kubectl-run.js';
import { allowAll } from '../k8s/rbac.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';

const MANIFESTS = new URL('../k8s/manifests/', import.meta.url);
let srv: K8sTestServer;
let kubectl: Kubectl;
let watch: ReturnType<Kubectl['background']>;
let version: string;

beforeAll(async () => {
  const bin = findKubectl();
  version = bin.version;
  srv = await startK8sTestServer({ timings: { injectDelayMs: 100, recoverDelayMs: 100, retryMs: 300, recreateDelayMs: 600, readyDelayMs: 150 } });
  kubectl = new Kubectl(bin.path, srv.kubeconfigPath);
});
afterAll(async () => {
  await watch?.stop();
  kubectl?.dispose();
  await srv?.dispose();
});

/** Polls a kubectl jsonpath until it prints `want` (kubectl's own view, not the store's). */
async function jsonpathUntil(resource: string, path: string, want: string): Promise<void> {
  let last = '';
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const r = await kubectl.run(['get', ...resource.split(' '), '-n', 'shop', '-o', `jsonpath=${path}`]);
    last = `${r.stdout}${r.stderr}`;
    if (r.code === 0 && r.stdout === want) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`kubectl get ${resource} -o jsonpath=${path}: wanted ${JSON.stringify(want)}, last saw ${JSON.stringify(last)}`);
}

describe(`kubectl (Debian kubernetes-client) against the Kubernetes test server`, () => {
  it('is the Debian kubectl 1.20 and reaches the server through the written kubeconfig (TLS verified against its CA)', async () => {
    expect(version).toMatch(/^v1\.20\./);
    const r = await kubectl.run(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion.gitVersion).toMatch(/\+gameday-test$/);
  });

  it('api-resources lists the six Chaos Mesh kinds from discovery', async () => {
    const r = await kubectl.run(['api-resources', '--api-group=chaos-mesh.org']);
    expect(r.code).toBe(0);
    for (const [name, kind] of [['networkchaos', 'NetworkChaos'], ['podchaos', 'PodChaos'], ['stresschaos', 'StressChaos'], ['iochaos', 'IOChaos'], ['dnschaos', 'DNSChaos'], ['timechaos', 'TimeChaos']]) {
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s+chaos-mesh\\.org/v1alpha1\\s+true\\s+${kind}$`, 'm'));
    }
  });

  it('create -f makes a PodChaos (pod-kill): a checkout pod goes and a new one takes its place in `get pods -l app=checkout`', async () => {
    watch = kubectl.background(['get', 'networkchaos', '-n', 'shop', '-w', '--output-watch-events']);
    await srv.controls.waitFor(() => srv.controls.requests({ verb: 'watch', resource: 'networkchaos' }).length > 0, 'kubectl watch open');
    const before = srv.controls.pods('shop', { app: 'checkout' }).map((p) => p.metadata.name);
    const r = await kubectl.run(['create', '-f', new URL('podchaos-kill.yaml', MANIFESTS).pathname]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('podchaos.chaos-mesh.org/checkout-kill created');
    await jsonpathUntil('podchaos checkout-kill', '{.status.conditions[?(@.type=="AllInjected")].status}', 'True');
    const victim = (await kubectl.run(['get', 'podchaos', 'checkout-kill', '-n', 'shop', '-o', 'jsonpath={.status.experiment.containerRecords[0].id}'])).stdout.split('/')[1]!;
    expect(before).toContain(victim);
    await srv.controls.waitFor(() => srv.controls.endpoints('shop', 'checkout').length === 3 && !srv.controls.pods('shop').some((p) => p.metadata.name === victim), 'replacement ready');
    const pods = await kubectl.run(['get', 'pods', '-n', 'shop', '-l', 'app=checkout']);
    const rows = pods.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rows.slice(1)).toHaveLength(3);
    expect(rows.slice(1).every((row) => /\s1\/1\s+Running\s+0\s/.test(row))).toBe(true);
    expect(pods.stdout).not.toContain(victim);
    expect(rows.slice(1).filter((row) => !before.includes(row.split(/\s+/)[0]!))).toHaveLength(1);
  });

  it('create -f makes a NetworkChaos; get -o json shows it with the webhook defaults', async () => {
    // After the pod-kill settled: a NetworkChaos whose selected pod is then killed could never be
    // re-injected after a pause (its record's pod is gone), as with Chaos Mesh (see README).
    const r = await kubectl.run(['create', '-f', new URL('networkchaos-loss.yaml', MANIFESTS).pathname]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('networkchaos.chaos-mesh.org/checkout-loss created');
    const got = await kubectl.run(['get', 'networkchaos', 'checkout-loss', '-n', 'shop', '-o', 'json']);
    const obj = JSON.parse(got.stdout);
    expect(obj.spec).toMatchObject({ action: 'loss', mode: 'one', duration: '10m', direction: 'to', loss: { loss: '50' }, selector: { namespaces: ['shop'], labelSelectors: { app: 'checkout' } } });
    expect(obj.metadata.labels['app.kubernetes.io/managed-by']).toBe('gameday-console');
    expect(readFileSync(new URL('networkchaos-loss.yaml', MANIFESTS), 'utf8')).not.toContain('direction'); // the default came from the server
  });

  it('get -o jsonpath reads AllInjected=True once the controller injected, and the ground truth agrees', async () => {
    await jsonpathUntil('networkchaos checkout-loss', '{.status.conditions[?(@.type=="AllInjected")].status}', 'True');
    const table = await kubectl.run(['get', 'networkchaos', '-n', 'shop']);
    expect(table.stdout).toMatch(/^NAME\s+ACTION\s+DURATION\n/);
    expect(table.stdout).toMatch(/^checkout-loss\s+loss\s+10m$/m);
    const id = (await kubectl.run(['get', 'networkchaos', 'checkout-loss', '-n', 'shop', '-o', 'jsonpath={.status.experiment.containerRecords[0].id}'])).stdout;
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/checkout-loss' && w.to === undefined).map((w) => w.pod)).toEqual([id]);
    // describe lists the controller's Events (core/v1 Events about the object), as the Chaos Mesh docs suggest checking.
    const described = await kubectl.run(['describe', 'networkchaos', 'checkout-loss', '-n', 'shop']);
    expect(described.stdout).toMatch(new RegExp(`Normal\\s+Applied\\s+\\S+\\s+records\\s+Successfully apply chaos for ${id.replace('/', '\\/')}`));
    expect(described.stdout).toMatch(/Desired Phase:\s+Run/);
  });

  it('annotate experiment.chaos-mesh.org/pause=true recovers it: AllRecovered and Paused True', async () => {
    const r = await kubectl.run(['annotate', 'networkchaos', 'checkout-loss', '-n', 'shop', 'experiment.chaos-mesh.org/pause=true']);
    expect(r.stdout.trim()).toBe('networkchaos.chaos-mesh.org/checkout-loss annotated');
    expect(srv.controls.requests({ verb: 'patch', name: 'checkout-loss' }).at(-1)!.contentType).toBe('application/merge-patch+json');
    await jsonpathUntil('networkchaos checkout-loss', '{.status.conditions[?(@.type=="AllRecovered")].status},{.status.conditions[?(@.type=="Paused")].status}', 'True,True');
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/checkout-loss' && w.to === undefined)).toEqual([]);
  });

  it('auth can-i answers from the RBAC table (SelfSubjectAccessReview), and the real endpoint agrees', async () => {
    expect(await kubectl.run(['auth', 'can-i', 'delete', 'networkchaos', '-n', 'shop'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    srv.controls.setRbac({ allow: [{}], deny: [{ verbs: ['delete'], groups: ['chaos-mesh.org'], resources: ['networkchaos'], namespaces: ['shop'] }] });
    expect(await kubectl.run(['auth', 'can-i', 'delete', 'networkchaos', '-n', 'shop'])).toMatchObject({ code: 1, stdout: 'no\n' });
    expect((await kubectl.run(['auth', 'can-i', 'patch', 'networkchaos', '-n', 'shop'])).stdout).toBe('yes\n');
    expect(srv.controls.requests({ resource: 'selfsubjectaccessreviews' }).length).toBeGreaterThanOrEqual(3);
    const denied = await kubectl.run(['delete', 'networkchaos', 'checkout-loss', '-n', 'shop']);
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim()).toBe('Error from server (Forbidden): networkchaos.chaos-mesh.org "checkout-loss" is forbidden: User "gameday-tester" cannot delete resource "networkchaos" in API group "chaos-mesh.org" in the namespace "shop"');
    srv.controls.setRbac(allowAll());
  });

  it('annotate pause- resumes it; delete then waits until the records are recovered and the object is gone', async () => {
    expect((await kubectl.run(['annotate', 'networkchaos', 'checkout-loss', '-n', 'shop', 'experiment.chaos-mesh.org/pause-'])).code).toBe(0);
    await jsonpathUntil('networkchaos checkout-loss', '{.status.conditions[?(@.type=="AllInjected")].status},{.status.experiment.containerRecords[0].injectedCount}', 'True,2');
    const r = await kubectl.run(['delete', 'networkchaos', 'checkout-loss', '-n', 'shop']);
    expect(r.stdout.trim()).toBe('networkchaos.chaos-mesh.org "checkout-loss" deleted');
    // kubectl returned only once the object was gone: it is gone now.
    expect(srv.controls.get('chaos-mesh.org/v1alpha1', 'NetworkChaos', 'shop', 'checkout-loss')).toBeUndefined();
    expect(srv.controls.requests({ verb: 'watch', resource: 'networkchaos' }).some((q) => q.query.includes('metadata.name%3Dcheckout-loss'))).toBe(true);
  });

  it('stuck mode: delete times out with deletionTimestamp set and a record Injected; cleanFinalizer=forced releases it', async () => {
    srv.controls.failRecover({ name: 'checkout-stuck' });
    const yaml = readFileSync(new URL('networkchaos-loss.yaml', MANIFESTS), 'utf8').replace('name: checkout-loss', 'name: checkout-stuck');
    expect((await kubectl.run(['create', '-f', '-'], { input: yaml })).code).toBe(0);
    await jsonpathUntil('networkchaos checkout-stuck', '{.status.conditions[?(@.type=="AllInjected")].status}', 'True');
    const del = await kubectl.run(['delete', 'networkchaos', 'checkout-stuck', '-n', 'shop', '--timeout=3s']);
    expect(del.code).toBe(1);
    expect(del.stderr).toContain('timed out waiting for the condition on networkchaos/checkout-stuck');
    const held = await kubectl.run(['get', 'networkchaos', 'checkout-stuck', '-n', 'shop', '-o', 'jsonpath={.metadata.deletionTimestamp}|{.metadata.finalizers[0]}|{.status.experiment.containerRecords[0].phase}|{.status.experiment.containerRecords[0].events[-1].type}']);
    expect(held.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|chaos-mesh\/records\|Injected\|Failed$/);
    const forced = await kubectl.run(['annotate', 'networkchaos', 'checkout-stuck', '-n', 'shop', 'chaos-mesh.chaos-mesh.org/cleanFinalizer=forced']);
    expect(forced.code).toBe(0);
    // (kubectl 1.20's `wait --for=delete` errors when the object is already gone, so poll get instead.)
    let gone = await kubectl.run(['get', 'networkchaos', 'checkout-stuck', '-n', 'shop']);
    for (let i = 0; i < 50 && gone.code === 0; i++) gone = await kubectl.run(['get', 'networkchaos', 'checkout-stuck', '-n', 'shop']);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): networkchaos.chaos-mesh.org "checkout-stuck" not found');
    srv.controls.clearFailures();
    // Forcing abandoned the fault: still in effect on the pod.
    expect(srv.controls.truth().faults.filter((w) => w.source === 'NetworkChaos shop/checkout-stuck' && w.to === undefined)).toHaveLength(1);
  });

  it('get -w --output-watch-events saw ADDED, MODIFIED and DELETED for the experiments', async () => {
    await watch.stop();
    const lines = watch.output().split('\n');
    expect(lines[0]).toMatch(/^EVENT\s+NAME\s+ACTION\s+DURATION$/);
    for (const type of ['ADDED', 'MODIFIED', 'DELETED']) {
      expect(lines.some((l) => new RegExp(`^${type}\\s+checkout-loss\\s+loss\\s+10m$`).test(l))).toBe(true);
    }
    expect(lines.some((l) => /^DELETED\s+checkout-stuck\s/.test(l))).toBe(true);
    expect((await kubectl.run(['delete', 'podchaos', 'checkout-kill', '-n', 'shop'])).code).toBe(0);
  });
});
