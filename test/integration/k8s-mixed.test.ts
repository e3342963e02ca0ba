/**
 * The "done when" (#15): the shipped mixed runbook — NetworkChaos delay on the checkout
 * pods (Kubernetes test server) and a port block over SSH on the netns lab's database node — runs
 * under one STOP, through the real CLI. STOP takes back both in parallel; the cluster is checked
 * through the test server's ground truth and the node with our own SSH commands (iptables), and the
 * report has both kinds of fault on one timeline with one STOP verdict per pod and per node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';
import { CLEAN, nodeTraces, openAudit, parseRunJson, waitUntil } from './helpers/engine-cli.js';
import { gameday, k8sRunbook, k8sWorkspace, labelledChaos, startGameday } from './helpers/k8s-cli.js';

let lab: LabInfo;
let srv: K8sTestServer;
beforeAll(async () => {
  lab = getTestLab();
  srv = await startK8sTestServer({ timings: { injectDelayMs: 100, recoverDelayMs: 100, retryMs: 300 } });
});
afterAll(async () => {
  await srv?.dispose();
});

/** The lab's inventory (absolute key and known_hosts paths) plus the test cluster. */
function labNodes(): Record<string, unknown> {
  return {
    ssh: { config: false, knownHosts: lab.knownHostsPath, trustOnFirstUse: false },
    defaults: { user: 'root', port: 22, identity: lab.keyPath, env: 'lab', gpu: 'none' },
    nodes: lab.nodes.map((n) => ({ name: n.name, host: n.ip, tags: n.tags, ...(n.gpu !== 'none' && { gpu: n.gpu }), ...(n.behindBastion && { jump: 'bastion' }) })),
    groups: { api: ['tag:api'], db: ['tag:db'], gpu: ['tag:gpu'] },
  };
}

describe('mixed runbook: Kubernetes pods and an SSH node under one STOP', () => {
  it('STOP while both faults hold reverts both in parallel; one verdict per pod and per node; one timeline in the report', async () => {
    const db = lab.nodes.find((n) => n.tags.includes('db'))!;
    const w = k8sWorkspace(srv, labNodes());
    const file = k8sRunbook(w, join(process.cwd(), 'scenarios/k8s-mixed-checkout-db.yaml'), { 'http://127.0.0.1:30080/': `${srv.controls.serviceUrl('shop', 'checkout')}/` });
    const t0 = Date.now();
    const p = startGameday(w, ['run', file, '--approver', 'Dee', '--json']);
    const open = () => srv.controls.truth().faults.filter((f) => f.from >= t0 && f.to === undefined);
    await waitUntil('the delay on the three checkout pods (ground truth)', () => open().length === 3, 60_000);
    let runId = '';
    await waitUntil('the port block active on the db node (audit)', () => {
      const a = openAudit(w.ws);
      try {
        const run = a.runs()[0];
        runId = run?.id ?? '';
        return Boolean(run && a.runFaults(run.id).some((f) => f.node === db.name && f.state === 'active'));
      } finally {
        a.close();
      }
    }, 60_000);
    // Observed from outside: the rule is on the node, the delay on the pods.
    expect((await nodeTraces(lab, [db.name], runId))[0]!.rules).toBeGreaterThan(0);
    expect(open().every((f) => f.effect.kind === 'delay')).toBe(true);
    p.child.kill('SIGINT');
    const r = await p.done;
    const j = parseRunJson(r);
    expect(r.code).toBe(2);
    // Both sides clean, each checked at its source.
    expect(await nodeTraces(lab, [db.name], runId)).toEqual([{ node: db.name, ...CLEAN }]);
    expect(open()).toEqual([]);
    expect(labelledChaos(srv)).toEqual([]);
    const pods = srv.controls.truth().faults.filter((f) => f.from >= t0).map((f) => f.pod).sort();
    expect(j.stop!.nodes.map((n) => [n.node, n.status]).sort()).toEqual([...pods.map((pod) => [pod, 'reverted']), [db.name, 'reverted']].sort());
    expect(j.stop!.clean).toBe(true);
    // One timeline: the report of the run has both kinds of fault.
    const out = join(w.dir, 'report');
    const rep = await gameday(w, ['report', runId, '--format', 'json', '--output', out]);
    expect(rep.code, rep.out + rep.err).toBe(0);
    const text = readFileSync(join(out, `${runId}.json`), 'utf8');
    for (const name of [db.name, ...pods]) expect(text).toContain(name);
    expect(text).toContain('network-latency');
    expect(text).toContain('port-block');
  });
});
