/**
 * Game days on Kubernetes through Chaos Mesh (issue #15), through the real CLI bundle against the
 * protocol-level test server (test/k8s). Every outcome is checked against the server's own ground
 * truth (fault windows of its data plane, pod events, the objects in its store, the requests it
 * got), not only against what the CLI reports.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allowAll } from '../k8s/rbac.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';
import { openAudit, parseRunJson, waitUntil } from './helpers/engine-cli.js';
import { gameday, k8sRunbook, k8sWorkspace, labelledChaos, startGameday, type K8sWs } from './helpers/k8s-cli.js';

const ROOT = process.cwd();
const LOSS = join(ROOT, 'test/integration/fixtures/k8s-loss.yaml');
let srv: K8sTestServer;
const TIMINGS = { injectDelayMs: 100, recoverDelayMs: 100, retryMs: 300, recreateDelayMs: 500, readyDelayMs: 200 };

beforeAll(async () => {
  srv = await startK8sTestServer({ timings: TIMINGS });
});
afterAll(async () => {
  await srv?.dispose();
});
afterEach(async () => {
  srv.controls.clearFailures();
  srv.controls.setRbac(allowAll());
  srv.controls.setTimings(TIMINGS);
  // Leave no object for the next test even when one failed (test hygiene, not a product check).
  for (const o of labelledChaos(srv)) {
    const [ns, name] = o.name.split('/');
    srv.controls.delete('chaos-mesh.org/v1alpha1', o.kind, ns!, name!);
  }
});

const checkoutPods = (): string[] => srv.controls.pods('shop', { app: 'checkout' }).map((p) => `shop/${p.metadata.name}`);
const windows = (since: number) => srv.controls.truth().faults.filter((f) => f.from >= since && f.source.includes('/gd-'));
const svc = (): string => srv.controls.serviceUrl('shop', 'checkout');
const lossRunbook = (w: K8sWs, hold: string): string => k8sRunbook(w, LOSS, { SERVICE_URL: svc(), HOLD: hold });

describe('gameday run on Kubernetes', () => {
  it('the shipped pod-kill runbook kills exactly one checkout pod, its Deployment replaces it, nothing is left', async () => {
    const w = k8sWorkspace(srv);
    const file = k8sRunbook(w, join(ROOT, 'scenarios/k8s-checkout-pod-kill.yaml'), { 'http://127.0.0.1:30080/': `${svc()}/` });
    const before = new Set(checkoutPods());
    const t0 = Date.now();
    const r = await gameday(w, ['run', file, '--approver', 'Dee', '--json']);
    const j = parseRunJson(r);
    expect(j.state, r.out.slice(0, 3000)).toBe('completed');
    expect(r.code).toBe(0);
    // Ground truth (the kubelet's pod events): exactly one pod that existed before was deleted, one replacement created.
    const podEvents = srv.controls.truth().pods.filter((e) => e.at >= t0);
    const killed = podEvents.filter((e) => e.event === 'deleted').map((e) => e.pod);
    expect(killed).toHaveLength(1);
    expect(before.has(killed[0]!)).toBe(true);
    expect(podEvents.filter((e) => e.event === 'created')).toHaveLength(1);
    expect(checkoutPods()).toHaveLength(3);
    expect(checkoutPods()).not.toContain(killed[0]);
    expect(srv.controls.chaosEvents().some((e) => /^PodChaos\/shop\/gd-kill-/.test(e.object) && e.reason === 'Applied' && e.message.includes(killed[0]!))).toBe(true);
    // The object was created with strict field validation and is gone.
    const create = srv.controls.requests({ verb: 'create', resource: 'podchaos' }).at(-1)!;
    expect(create.query).toContain('fieldValidation=Strict');
    expect((create.body as { spec: Record<string, unknown> }).spec).toMatchObject({ action: 'pod-kill', mode: 'one', duration: '30s', selector: { namespaces: ['shop'], labelSelectors: { app: 'checkout' } } });
    expect(labelledChaos(srv)).toEqual([]);
    // The audit has the pod as the fault's target, active then reverted.
    const a = openAudit(w.ws);
    try {
      const f = a.runFaults(j.runId);
      expect(f.map((x) => [x.node, x.kind, x.state])).toEqual([[killed[0], 'pod-kill', 'reverted']]);
      expect(a.events({ runId: j.runId, kind: 'fault.active' }).map((e) => e.node)).toEqual([killed[0]]);
    } finally {
      a.close();
    }
  });

  it('a dry run prints the exact objects as YAML and creates nothing', async () => {
    const w = k8sWorkspace(srv);
    const creates = srv.controls.requests({ verb: 'create' }).length;
    const r = await gameday(w, ['run', lossRunbook(w, '7s'), '--dry-run']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('kind: NetworkChaos');
    expect(r.out).toContain('action: partition');
    expect(r.out).toContain('duration: 27s'); // 7 s hold + 20 s lease TTL
    expect(r.out).toContain('app.kubernetes.io/managed-by: gameday-console');
    expect(srv.controls.requests({ verb: 'create' }).length).toBe(creates);
  });

  it('RBAC denied: preflight names the verb and the resource, exit 4, nothing created', async () => {
    srv.controls.setRbac({ allow: [{}], deny: [{ verbs: ['delete'], resources: ['networkchaos'] }] });
    const w = k8sWorkspace(srv);
    const creates = srv.controls.requests({ verb: 'create', resource: 'networkchaos' }).length;
    const r = await gameday(w, ['run', lossRunbook(w, '5s'), '--approver', 'Dee']);
    expect(r.code, r.out + r.err).toBe(4);
    expect(r.out).toContain('may not: delete networkchaos.chaos-mesh.org in namespace shop');
    expect(r.out).not.toContain('Error:');
    expect(srv.controls.requests({ verb: 'create', resource: 'networkchaos' }).length).toBe(creates);
  });
});

describe('protected namespaces', () => {
  const DNS = (allow: string) => `version: 1
title: kill a DNS pod
hypothesis: cluster DNS survives the loss of one replica
targets:
  dns: { selector: "k8s:kube-system/k8s-app=kube-dns", maxPods: 1${allow} }
phases:
  - id: p
    title: Inject
    steps:
      - { id: kill, kind: inject, fault: pod-kill, target: dns, params: { mode: one }, approval: required }
`;
  const write = (w: K8sWs, text: string): string => {
    const f = join(w.dir, 'dns.yaml');
    writeFileSync(f, text);
    return f;
  };

  it('kube-system is refused (exit 3, what/why/hint) unless the runbook allows it; then an approver must confirm', async () => {
    const w = k8sWorkspace(srv);
    const creates = () => srv.controls.requests({ verb: 'create', resource: 'podchaos' }).length;
    const before = creates();
    const r1 = await gameday(w, ['run', write(w, DNS(''))]);
    expect(r1.code).toBe(3);
    expect(r1.out + r1.err).toContain('target "dns" is in the protected namespace kube-system');
    expect(r1.out + r1.err).toContain('allowProtectedNamespace: true');
    expect(r1.out + r1.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // Allowed by the runbook, but nobody confirms (no --approver, no terminal): nothing is created.
    const r2 = await gameday(w, ['run', write(w, DNS(', allowProtectedNamespace: true'))]);
    expect(r2.code).not.toBe(0);
    expect(r2.out).toContain('needs approval');
    expect(creates()).toBe(before);
    // Confirmed by a second person: the kill happens, in kube-system, with the approver in the audit.
    const r3 = await gameday(w, ['run', write(w, DNS(', allowProtectedNamespace: true')), '--approver', 'Dee', '--json']);
    const j = parseRunJson(r3);
    expect(j.state, r3.out.slice(-1500)).toBe('completed');
    expect(creates()).toBe(before + 1);
    expect(srv.controls.requests({ verb: 'create', resource: 'podchaos' }).at(-1)!.namespace).toBe('kube-system');
    const a = openAudit(w.ws);
    try {
      expect(a.events({ runId: j.runId, kind: 'k8s.chaos.intent' }).map((e) => (JSON.parse(e.data) as { approver: string }).approver)).toEqual(['Dee']);
    } finally {
      a.close();
    }
    await srv.controls.waitForDeployments();
  });
});

describe('STOP on Kubernetes', () => {
  it('STOP while the fault holds: pause (merge patch), records Not Injected, delete; every data-plane window closed; one verdict per pod', async () => {
    const w = k8sWorkspace(srv);
    const t0 = Date.now();
    const p = startGameday(w, ['run', lossRunbook(w, '60s'), '--approver', 'Dee', '--json']);
    await waitUntil('the partition on all three checkout pods (ground truth)', () => windows(t0).filter((x) => x.to === undefined).length === 3, 30_000);
    p.child.kill('SIGINT');
    const r = await p.done;
    const j = parseRunJson(r);
    expect(r.code).toBe(2);
    expect(windows(t0).every((x) => x.to !== undefined && x.endedBy === 'recovered')).toBe(true);
    expect(labelledChaos(srv)).toEqual([]);
    const pods = windows(t0).map((x) => x.pod).sort();
    expect(j.stop!.nodes.map((n) => [n.node, n.status]).sort()).toEqual(pods.map((pod) => [pod, 'reverted']));
    expect(j.stop!.clean).toBe(true);
    // Pause first, as a merge patch, then delete.
    const writes = srv.controls.requests({ resource: 'networkchaos' }).filter((q) => q.at >= t0 && (q.verb === 'patch' || q.verb === 'delete'));
    expect(writes.map((q) => q.verb)).toEqual(['patch', 'delete']);
    expect(writes[0]!.contentType).toBe('application/merge-patch+json');
    expect(writes[0]!.body).toEqual({ metadata: { annotations: { 'experiment.chaos-mesh.org/pause': 'true' } } });
  });

  it('STOP during inject (records not yet applied): the created object is found and removed; no window stays open', async () => {
    srv.controls.setTimings({ injectDelayMs: 2500 });
    const w = k8sWorkspace(srv);
    const t0 = Date.now();
    const p = startGameday(w, ['run', lossRunbook(w, '60s'), '--approver', 'Dee', '--json']);
    await waitUntil('the NetworkChaos to exist (created, not yet injected)', () => labelledChaos(srv).length === 1, 30_000);
    // Mid-inject for real: no record Injected yet, no window open on the data plane.
    expect(labelledChaos(srv)[0]!.records.filter((x) => x.phase === 'Injected')).toEqual([]);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.out.slice(-2000)).toBe(2);
    await waitUntil('every window to end', () => windows(t0).every((x) => x.to !== undefined), 10_000);
    expect(labelledChaos(srv)).toEqual([]);
    expect(srv.controls.truth().faults.filter((f) => f.from >= t0 && f.to === undefined)).toEqual([]);
  });

  it('a stuck finalizer is shown plainly: records still Injected, exit non-zero; cleanup --force-finalizer needs an approver and says it abandons', async () => {
    const w = k8sWorkspace(srv, { nodes: [] }, 3);
    const t0 = Date.now();
    const p = startGameday(w, ['run', lossRunbook(w, '60s'), '--approver', 'Dee', '--json']);
    await waitUntil('the partition on all three pods', () => windows(t0).filter((x) => x.to === undefined).length === 3, 30_000);
    srv.controls.failRecover({ kind: 'NetworkChaos', record: 0 });
    p.child.kill('SIGINT');
    const r = await p.done;
    const j = parseRunJson(r);
    expect(r.code).not.toBe(0);
    const open = windows(t0).filter((x) => x.to === undefined);
    expect(open).toHaveLength(1); // ground truth: one pod still partitioned
    const stuckPod = open[0]!.pod;
    const byPod = Object.fromEntries(j.stop!.nodes.map((n) => [n.node, n.status]));
    expect(byPod[stuckPod]).toBe('residue');
    expect(Object.values(byPod).filter((s) => s === 'reverted')).toHaveLength(2);
    const left = labelledChaos(srv);
    expect(left).toHaveLength(1);
    expect(left[0]!.deleting).toBe(true);
    expect(left[0]!.records.filter((x) => x.phase === 'Injected').map((x) => x.id)).toEqual([stuckPod]);
    const detail = j.snapshot.faults.find((f) => f.node === stuckPod);
    expect(detail?.state).toBe('residue');
    // cleanup --scan shows it stuck (exit 1) and does not force it.
    const c1 = await gameday(w, ['cleanup', '--scan']);
    expect(c1.code).toBe(1);
    expect(c1.out).toMatch(/stuck ✗ NetworkChaos shop\/gd-cut-\S+ .*held by the chaos-mesh\/records finalizer.*Injected/);
    expect(c1.out).toContain('forcing the finalizer away abandons it');
    expect(labelledChaos(srv)).toHaveLength(1);
    // Forcing needs a second person.
    const c2 = await gameday(w, ['cleanup', '--scan', '--force-finalizer']);
    expect(c2.code).toBe(3);
    expect(c2.err + c2.out).toContain('needs a second person');
    const c3 = await gameday(w, ['cleanup', '--scan', '--force-finalizer', '--approver', 'Dee Lee']);
    expect(c3.out).toContain(`ABANDONS the fault on ${stuckPod}`);
    expect(c3.code).toBe(1); // the object is gone, but the fault was abandoned, not recovered
    expect(labelledChaos(srv)).toEqual([]);
    // cleanFinalizer=forced really leaves the fault in place (ground truth).
    expect(windows(t0).filter((x) => x.to === undefined).map((x) => x.pod)).toEqual([stuckPod]);
    const a = openAudit(w.ws);
    try {
      expect(a.events({ kind: 'cleanup.k8s-forced' }).map((e) => e.actor)).toEqual(['Dee Lee']);
    } finally {
      a.close();
    }
    // What the message tells the operator to do: restart the pod; its replacement is clean.
    srv.controls.delete('v1', 'Pod', 'shop', stuckPod.split('/')[1]!);
    await waitUntil('the abandoned pod replaced', () => !checkoutPods().includes(stuckPod) && checkoutPods().length === 3, 15_000);
    await srv.controls.waitForDeployments();
  });

  it('the CLI killed with SIGKILL mid-fault: the fault stays (spec.duration bounds it), cleanup --scan finds and removes it', async () => {
    const w = k8sWorkspace(srv);
    const t0 = Date.now();
    const p = startGameday(w, ['run', lossRunbook(w, '60s'), '--approver', 'Dee']);
    await waitUntil('the partition on all three pods', () => windows(t0).filter((x) => x.to === undefined).length === 3, 30_000);
    // Mid-fault as the console knows it too: all three pods recorded active in its audit.
    await waitUntil('three active pod faults in the audit', () => {
      const a = openAudit(w.ws);
      try {
        const run = a.runs()[0];
        return Boolean(run && a.runFaults(run.id).filter((f) => f.state === 'active').length === 3);
      } finally {
        a.close();
      }
    }, 30_000);
    p.child.kill('SIGKILL');
    await p.done;
    const left = labelledChaos(srv);
    expect(left).toHaveLength(1);
    expect(srv.controls.get('chaos-mesh.org/v1alpha1', 'NetworkChaos', 'shop', left[0]!.name.split('/')[1]!)?.spec).toMatchObject({ duration: '80s' });
    expect(windows(t0).filter((x) => x.to === undefined)).toHaveLength(3);
    const dry = await gameday(w, ['cleanup', '--scan', '--dry-run']);
    expect(dry.out).toContain(`would remove NetworkChaos ${left[0]!.name}`);
    expect(labelledChaos(srv)).toHaveLength(1);
    const c = await gameday(w, ['cleanup', '--scan']);
    expect(c.code, c.out + c.err).toBe(0);
    expect(c.out).toContain(`removed ✓ NetworkChaos ${left[0]!.name}`);
    expect(labelledChaos(srv)).toEqual([]);
    expect(windows(t0).every((x) => x.to !== undefined && x.endedBy === 'recovered')).toBe(true);
    const a = openAudit(w.ws);
    try {
      const run = a.runs()[0]!;
      expect(a.runFaults(run.id).map((f) => f.state)).toEqual(['reverted', 'reverted', 'reverted']);
    } finally {
      a.close();
    }
  });
});
