/**
 * STOP on a simulated lab takes the console's fast path: port-block and network-partition injected
 * on 10 simulated nodes through the product (SshPool → FaultManager, leases and all), then STOP
 * (StopController). Each node's STOP script must have reverted both chain faults with one
 * `iptables-restore` transaction each between its two `iptables-save` dumps, and never fallen back
 * to single `iptables` calls: read from the tool-call log the simulated tools keep in each node's
 * state folder (src-main/lab/sim/tools/cli.mjs), not from the product's report. The nodes are then
 * clean as the simulated `iptables -S` prints them, run here from outside the node on its state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src-main/faults/index.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { StopController } from '../../src-main/engine/stop-controller.js';
import type { FaultTarget } from '../../src-main/faults/index.js';
import { loadInventory, selectNodes, toConnectSpec } from '../../src-main/inventory/index.js';
import { labProcesses, startSimLab } from '../../src-main/lab/index.js';
import { toolsDir } from '../../src-main/lab/sim/resources.js';
import type { SimLab, SimNodeInfo } from '../../src-main/lab/sim/types.js';
import { SshPool } from '../../src-main/ssh/index.js';

const N = 10;
/** Every inventory group needs a member: one db and one GPU node among the API nodes. */
const role = (i: number) => (i === 9 ? ('gpu' as const) : i === 5 ? ('db' as const) : ('api' as const));
const CLEAN = '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n';

/** The node's simulated `iptables -S`, run by the test on the node's state folder (no SSH, no product code). */
function iptablesS(n: SimNodeInfo): string {
  const r = spawnSync(process.execPath, [join(toolsDir(), 'cli.mjs'), 'iptables', '-S'], {
    encoding: 'utf8',
    // This call lands in the node's tool-call log too: the test reads the log before it looks.
    env: { PATH: process.env.PATH, GAMEDAY_SIM_STATE: n.stateDir, GAMEDAY_SIM_NODE: 'outside', GAMEDAY_SIM_ROOT: n.rootDir },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The simulated tools the node ran (`<tool> <exit code>` per line, oldest first). */
const calls = (n: SimNodeInfo): string[] => {
  const f = join(n.stateDir, 'tool-calls.log');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
};

describe(`STOP on ${N} simulated nodes`, () => {
  let dir: string;
  let lab: SimLab;
  let pool: SshPool;
  let targets: FaultTarget[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gd-simlab-stop-'));
    lab = await startSimLab({ dir, nodes: Array.from({ length: N }, (_, i) => ({ name: `sim${String(i + 1).padStart(2, '0')}`, role: role(i), tags: [role(i)], gpu: role(i) === 'gpu' ? ('amd' as const) : ('none' as const) })) });
    const inv = loadInventory(lab.inventoryPath);
    targets = selectNodes(inv, 'all').map((x) => ({ name: x.name, host: x.host, env: x.env, tags: x.tags, gpu: x.gpu, spec: toConnectSpec(inv, x) }));
    pool = new SshPool();
  }, 120_000);

  afterAll(async () => {
    await pool?.dispose();
    await lab?.close();
    if (dir) expect(labProcesses(dir)).toEqual([]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('port-block + network-partition: STOP reverts both with one iptables-restore each (no fallback), every node clean', async () => {
    expect(targets).toHaveLength(N);
    const fm = new FaultManager(pool, undefined, 'simlab-stop', 600, { maxNodesPerFault: N, protected: [], allowProd: false, commander: 'test' });
    try {
      for (const [kind, params] of [['port-block', { port: 8080 }], ['network-partition', {}]] as const) {
        const out = await fm.inject({ kind, params, targets, maxDurationSec: 1800, approver: 'test-approver' });
        expect(out.filter((o) => !o.ok).slice(0, 3), kind).toEqual([]);
      }
      // Both chains are in every node's table before STOP (this outside view sees faults).
      for (const n of lab.nodes) expect(iptablesS(n).match(/^-N GD-.*$/gm), n.name).toHaveLength(2);
      const before = new Map(lab.nodes.map((n) => [n.name, calls(n).length]));

      const rep = await new StopController(fm).stop('test');
      expect(rep.nodes.filter((x) => x.status !== 'reverted')).toEqual([]);
      expect(rep.nodes).toHaveLength(N);

      for (const n of lab.nodes) {
        const during = calls(n).slice(before.get(n.name));
        // One dump before the reverts, one restore transaction per chain fault, one dump after; no
        // single iptables call (the fallback's -S/-D/-F/-X), all exit 0.
        expect(during.filter((c) => /^ip6?tables(-save|-restore)? /.test(c)), n.name).toEqual(['iptables-save 0', 'iptables-restore 0', 'iptables-restore 0', 'iptables-save 0']);
        expect(iptablesS(n), n.name).toBe(CLEAN);
      }
    } finally {
      fm.dispose();
    }
  }, 300_000);
});
