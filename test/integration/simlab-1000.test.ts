/**
 * A simulated lab of 1000 nodes (the most one lab holds, plan.ts MAX_NODES) comes up confined on
 * this 2-core machine, every node answers over SSH as itself, a fault injected on nodes spread over
 * all of its /24s is in each node's own simulated firewall state (read here from the node's state
 * folder, not from the product's report), STOP reverts every one and the state shows clean, and the
 * lab goes down leaving no process and no staging mount behind.
 *
 * The fault goes on every 20th node (50 nodes, in each of the five /24s), not on all 1000: every
 * simulated tool call is a Node process, and a port-block inject + STOP costs several of them per
 * node (STOP alone five, on its iptables-save/-restore path: simlab-stop.test.ts checks that path).
 * No timing is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src-main/faults/index.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { StopController } from '../../src-main/engine/stop-controller.js';
import type { FaultTarget } from '../../src-main/faults/index.js';
import { loadInventory, selectNodes, toConnectSpec } from '../../src-main/inventory/index.js';
import { labProcesses, startSimLab } from '../../src-main/lab/index.js';
import { MAX_NODES } from '../../src-main/lab/sim/plan.js';
import type { SimLab } from '../../src-main/lab/sim/types.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';

const N = MAX_NODES;
/**
 * Mostly API nodes, every 10th a db, every 100th a GPU node: the inventory's groups all have
 * members, and the start is not dominated by the GPU nodes' training jobs (two simulated-tool
 * Node processes per GPU node at boot).
 */
const fleetNode = (i: number) => {
  const role = i % 100 === 9 ? ('gpu' as const) : i % 10 === 5 ? ('db' as const) : ('api' as const);
  return { role, tags: [role as string], gpu: role === 'gpu' ? ('amd' as const) : ('none' as const) };
};
const stages = () => new Set(readdirSync('/tmp').filter((f) => f.startsWith('gameday-sim-stage-')));

/** The node's own simulated filter table, as its tools keep it (state/iptables.json). */
const firewall = (lab: SimLab, name: string) => {
  const f = join(lab.nodes.find((n) => n.name === name)!.stateDir, 'iptables.json');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};

describe(`a simulated lab of ${N} nodes`, () => {
  let dir: string;
  let lab: SimLab;
  let pool: SshPool;
  let stagesBefore: Set<string>;
  let targets: FaultTarget[];

  beforeAll(async () => {
    stagesBefore = stages();
    dir = mkdtempSync(join(tmpdir(), 'gd-simlab-1000-'));
    lab = await startSimLab({ dir, nodes: Array.from({ length: N }, (_, i) => ({ name: `sim${String(i + 1).padStart(4, '0')}`, ...fleetNode(i) })) });
    const inv = loadInventory(lab.inventoryPath);
    targets = selectNodes(inv, 'all').map((x) => ({ name: x.name, host: x.host, env: x.env, tags: x.tags, gpu: x.gpu, spec: toConnectSpec(inv, x) }));
    pool = new SshPool({ maxConcurrentHandshakes: 32 });
  }, 600_000);

  afterAll(async () => {
    await pool?.dispose();
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('comes up confined, on 1000 distinct loopback addresses over five /24s, every node answering as itself', async () => {
    expect(lab.confined).toBe(true);
    expect(lab.nodes).toHaveLength(N);
    const hosts = lab.nodes.map((n) => n.host);
    expect(new Set(hosts).size).toBe(N);
    expect(hosts.every((h) => /^127\.\d+\.\d+\.\d+$/.test(h) && h.split('.').every((o) => Number(o) <= 255))).toBe(true);
    expect(new Set(hosts.map((h) => h.split('.').slice(0, 3).join('.'))).size).toBe(Math.ceil(N / 244));
    // 100 at a time: this checks who answers, not the sandbox under load. About 1 in 1000
    // sandboxed execs is SIGKILLed (exit 137, empty output) for a cause not yet found
    // (src-main/lab/sim/README.md, "known"): such a node is asked once more, and must then answer
    // as itself; any other failure, a wrong answer or a second 137 fails the test.
    const specs = targets.map((t) => t.spec);
    const out = await pool.fanOut(specs, Shell.raw('hostname; cat /proc/1/comm'), { concurrency: 100 });
    const killed = out.flatMap((r, i) => (!r.ok && r.result?.code === 137 && r.result.stdout === '' ? [i] : []));
    for (const i of killed) out[i] = (await pool.fanOut([specs[i]!], Shell.raw('hostname; cat /proc/1/comm')))[0]!;
    if (killed.length) console.log(`[simlab-1000] ${killed.length} exec(s) SIGKILLed by the sandbox (the known sim bug), asked again: ${killed.map((i) => targets[i]!.name).join(' ')}`);
    const bad = out.filter((r, i) => !r.ok || r.result?.stdout !== `${targets[i]!.name}\nbwrap\n`);
    expect(bad.slice(0, 3)).toEqual([]);
  }, 600_000);

  it('port-block on nodes in every /24 is in their own firewall state; STOP reverts every one and the state is clean', async () => {
    const hit = targets.filter((_, i) => i % 20 === 19);
    const spared = targets.filter((_, i) => i % 20 === 9);
    const fm = new FaultManager(pool, undefined, 'simlab-1000', 600, { maxNodesPerFault: hit.length, protected: [], allowProd: false, commander: 'test' });
    try {
      const out = await fm.inject({ kind: 'port-block', params: { port: 8080 }, targets: hit, maxDurationSec: 1800, approver: 'test-approver' });
      expect(out.filter((o) => !o.ok).slice(0, 3)).toEqual([]);
      // The node's own state: our chain with the blocked port, hooked from INPUT.
      const blocked = hit.filter((t) => /"GD-[^"]*"/.test(firewall(lab, t.name)) && firewall(lab, t.name).includes('8080'));
      expect(blocked.map((t) => t.name)).toEqual(hit.map((t) => t.name));
      expect(spared.filter((t) => firewall(lab, t.name).includes('GD-')).map((t) => t.name)).toEqual([]);
      const rep = await new StopController(fm).stop('test');
      expect(rep.nodes.filter((x) => x.status !== 'reverted').slice(0, 3)).toEqual([]);
      expect(hit.filter((t) => firewall(lab, t.name).includes('GD-')).map((t) => t.name)).toEqual([]);
    } finally {
      fm.dispose();
    }
  }, 900_000);

  it('goes down leaving no node process and no staging mount folder', async () => {
    await lab.close();
    expect(labProcesses(dir)).toEqual([]);
    expect([...stages()].filter((s) => !stagesBefore.has(s))).toEqual([]);
  }, 120_000);
});
