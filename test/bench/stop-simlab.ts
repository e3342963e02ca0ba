/**
 * Benchmark (not a test): a scaling point on the simulated lab — STOP and fan-out on
 * N nodes of the embedded simulated lab (default 200, its maximum; one ssh2 server per node in this process,
 * commands run by /bin/sh in each node's sandbox). The simulated nodes share this machine's CPU
 * with the console, so the figure is an upper bound of the console's own cost, not a network one.
 * The simulated lab refuses more than 200 nodes (simlab/plan.ts), so 1000 is not reachable yet.
 * Env: BENCH_SIM_N (200), BENCH_SIM_KIND (cpu-stress), BENCH_TRIALS (3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src-main/faults/index.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import type { FaultTarget } from '../../src-main/faults/index.js';
import { StopController } from '../../src-main/engine/stop-controller.js';
import { loadInventory, selectNodes, toConnectSpec } from '../../src-main/inventory/index.js';
import { startSimLab } from '../../src-main/lab/index.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { median, ms, raw } from './stats.js';

const N = Number(process.env.BENCH_SIM_N ?? 200);
const KIND = process.env.BENCH_SIM_KIND ?? 'cpu-stress';
const PARAMS: Record<string, Record<string, unknown>> = { 'cpu-stress': { workers: 1, loadPercent: 10 }, 'port-block': { port: 8080 } };
const TRIALS = Number(process.env.BENCH_TRIALS ?? 3);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-sim-'));
  console.log(`simulated lab: ${N} nodes, ${KIND}, ${TRIALS} trials; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const t0 = Date.now();
  const lab = await startSimLab({ dir, nodes: Array.from({ length: N }, (_, i) => ({ name: `sim${String(i + 1).padStart(4, '0')}`, role: (['api', 'db', 'gpu'] as const)[i % 3]!, tags: [(['api', 'db', 'gpu'] as const)[i % 3]!], gpu: i % 3 === 2 ? ('amd' as const) : ('none' as const) })) });
  console.log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s (confined: ${lab.confined})`);
  const inv = loadInventory(lab.inventoryPath);
  const targets: FaultTarget[] = selectNodes(inv, 'all').map((n) => ({ name: n.name, host: n.host, env: n.env, tags: n.tags, gpu: n.gpu, spec: toConnectSpec(inv, n) }));
  const pool = new SshPool({ maxConcurrentHandshakes: 32 });
  try {
    const c0 = performance.now();
    const first = await pool.fanOut(targets.map((t) => t.spec), Shell.raw('true'));
    console.log(`first fan-out (connect ${first.filter((r) => r.ok).length}/${N}) ${ms(performance.now() - c0)}`);
    const fan: number[] = [];
    const stop: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const f0 = performance.now();
      await pool.fanOut(targets.map((t) => t.spec), Shell.raw('true'));
      fan.push(performance.now() - f0);
      const fm = new FaultManager(pool, undefined, `bench-sim-${i}`, 60, { maxNodesPerFault: N, protected: [], allowProd: false, commander: 'bench' });
      const out = await fm.inject({ kind: KIND, params: PARAMS[KIND], targets, maxDurationSec: 600, approver: 'bench-approver' });
      const ok = out.filter((o) => o.ok).length;
      const s0 = performance.now();
      const rep = await new StopController(fm).stop('bench');
      stop.push(performance.now() - s0);
      console.log(`  trial ${i + 1}: injected ${ok}/${N}; STOP ${ms(stop.at(-1)!)} clean=${rep.clean} (${rep.nodes.filter((n) => n.status === 'reverted').length} reverted)`);
      const bad = rep.nodes.find((n) => n.status !== 'reverted');
      if (bad) console.log(`    first node not verified: ${JSON.stringify(bad).slice(0, 600)}`);
      fm.dispose();
    }
    console.log(`N=${N} warm fan-out p50 ${ms(median(fan))} (${(median(fan) / N).toFixed(2)} ms/node) raw ${raw(fan)}`);
    console.log(`N=${N} STOP ${KIND} p50 ${ms(median(stop))} (${(median(stop) / N).toFixed(2)} ms/node) raw ${raw(stop)}`);
  } finally {
    await pool.dispose();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
