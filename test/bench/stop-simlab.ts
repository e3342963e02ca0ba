/**
 * Benchmark (not a test): cost as work grows, on the embedded SIMULATED lab — STOP and a plain
 * fan-out of `true` through our warm SshPool on N = 10, 50, 100, 200 and 1000 simulated nodes.
 * Simulated means: one ssh2 server per node inside this process, every command a /bin/sh in the
 * node's bubblewrap sandbox on this same machine (not sshd, no network). The nodes share this
 * machine's 2 cores with the console, so a figure is the console's cost plus the simulation's.
 * Each N gets a fresh lab (an idle fleet of 1000 would tax the small points). The fault is
 * port-block: injected and verified by the node's own simulated firewall state; STOP reverts it.
 * Ratios are against our own N=50 figure in the same run (the anchor), per node.
 * STOP is measured up to BENCH_SIM_STOP_MAX nodes: every simulated tool call is a Node process
 * (~0.1-0.3 s of CPU). STOP takes the console's iptables-save/-restore path on the sim (five tool
 * processes per node for a port-block; the fallback of single iptables calls took ten, and STOP of
 * 50 nodes went from 11.4 s to 7.5 s). Above it only the fan-out is measured, and the bench says so.
 * Env: BENCH_SIM_NS (10,50,100,200,1000), BENCH_SIM_KIND (port-block), BENCH_TRIALS (1), BENCH_SIM_INJECT_BATCH (100), BENCH_SIM_STOP_MAX (100; at 200 the inject + STOP storm saturates 2 cores and STOP falls back to lease expiry).
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
import { linearFit, median, ms, raw } from './stats.js';

const NS = (process.env.BENCH_SIM_NS ?? '10,50,100,200,1000').split(',').map(Number);
const KIND = process.env.BENCH_SIM_KIND ?? 'port-block';
const PARAMS: Record<string, Record<string, unknown>> = { 'cpu-stress': { workers: 1, loadPercent: 10 }, 'port-block': { port: 8080 } };
const TRIALS = Number(process.env.BENCH_TRIALS ?? 1);
const STOP_MAX = Number(process.env.BENCH_SIM_STOP_MAX ?? 100);
const INJECT_BATCH = Number(process.env.BENCH_SIM_INJECT_BATCH ?? 100);
const ANCHOR_N = 50;
/**
 * Mostly API nodes, every 10th a db, every 100th a GPU node: the inventory's groups all have
 * members, and the start is not dominated by the GPU nodes' training jobs (two simulated-tool
 * Node processes per GPU node at boot).
 */
const fleetNode = (i: number) => {
  const role = i % 100 === 9 ? ('gpu' as const) : i % 10 === 5 ? ('db' as const) : ('api' as const);
  return { role, tags: [role as string], gpu: role === 'gpu' ? ('amd' as const) : ('none' as const) };
};

interface Point {
  n: number;
  up: number;
  fan: number[];
  stop: number[];
  reverted: number[];
  injected: number[];
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

async function point(n: number): Promise<Point> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-sim-'));
  const t0 = performance.now();
  const lab = await startSimLab({ dir, nodes: Array.from({ length: n }, (_, i) => ({ name: `sim${String(i + 1).padStart(4, '0')}`, ...fleetNode(i) })) });
  const p: Point = { n, up: performance.now() - t0, fan: [], stop: [], reverted: [], injected: [] };
  const inv = loadInventory(lab.inventoryPath);
  const targets: FaultTarget[] = selectNodes(inv, 'all').map((x) => ({ name: x.name, host: x.host, env: x.env, tags: x.tags, gpu: x.gpu, spec: toConnectSpec(inv, x) }));
  const pool = new SshPool({ maxConcurrentHandshakes: 32 });
  try {
    if (!lab.confined) console.log(`  N=${n}: NOT confined (${lab.warnings.join('; ')})`);
    const first = await pool.fanOut(targets.map((t) => t.spec), Shell.raw('true'));
    for (let i = 0; i < TRIALS; i++) {
      const f0 = performance.now();
      const fo = await pool.fanOut(targets.map((t) => t.spec), Shell.raw('true'));
      p.fan.push(performance.now() - f0);
      if (n > STOP_MAX) {
        console.log(`  N=${n} trial ${i + 1}: connect ${first.filter((r) => r.ok).length}/${n}, fan-out ok ${fo.filter((r) => r.ok).length}/${n}; STOP not measured above ${STOP_MAX} nodes (simulated iptables = a Node process per call); load ${load()}`);
        const bad = fo.find((r) => !r.ok || r.result?.code !== 0);
        if (bad) console.log(`    first node that failed: ${JSON.stringify(bad).slice(0, 300)}`);
        continue;
      }
      const fm = new FaultManager(pool, undefined, `bench-sim-${n}-${i}`, 600, { maxNodesPerFault: n, protected: [], allowProd: false, commander: 'bench' });
      // The inject is not what is measured: it goes in batches, because every simulated node's
      // tools run on this machine's 2 cores and 1000 injects at once starve the in-process SSH
      // servers (channels not opened within 35 s). STOP then reverts all N at once.
      const out = [];
      for (let b = 0; b < targets.length; b += INJECT_BATCH) out.push(...(await fm.inject({ kind: KIND, params: PARAMS[KIND], targets: targets.slice(b, b + INJECT_BATCH), maxDurationSec: 1800, approver: 'bench-approver' })));
      const injected = out.filter((o) => o.ok).length;
      p.injected.push(injected);
      const s0 = performance.now();
      const rep = await new StopController(fm).stop('bench');
      const took = performance.now() - s0;
      const reverted = rep.nodes.filter((x) => x.status === 'reverted').length;
      p.reverted.push(reverted);
      // A STOP figure is a STOP of N faulted nodes, every one verified reverted; anything less is not one.
      const whole = injected === n && reverted === n;
      if (whole) p.stop.push(took);
      const bad = rep.nodes.find((x) => x.status !== 'reverted');
      console.log(`  N=${n} trial ${i + 1}: connect ${first.filter((r) => r.ok).length}/${n}, fan-out ok ${fo.filter((r) => r.ok).length}/${n}; injected ${injected}/${n}; STOP ${ms(took)} reverted ${reverted}/${n}${whole ? '' : ' (NOT a STOP figure: not every node was faulted and verified reverted)'}; load ${load()}`);
      if (injected < n) console.log(`    first node not injected: ${JSON.stringify(out.find((o) => !o.ok)).slice(0, 400)}`);
      if (bad) console.log(`    first node not reverted: ${JSON.stringify(bad).slice(0, 400)}`);
      fm.dispose();
    }
  } finally {
    await pool.dispose();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return p;
}

async function main(): Promise<void> {
  console.log(`SIMULATED lab (in-process ssh2 servers, one bwrap sandbox per node, same 2-core machine; not sshd): fan-out \`true\` (warm SshPool) and STOP ${KIND}; load ${load()}`);
  const pts: Point[] = [];
  const b0 = Date.now();
  for (const n of NS) {
    try {
      pts.push(await point(n));
    } catch (e) {
      console.log(`  N=${n}: stops here: ${(e as Error).message}`);
      break;
    }
  }
  const anchor = pts.find((p) => p.n === ANCHOR_N);
  const perNode = (xs: number[], n: number) => median(xs) / n;
  console.log('   N |  up (s) | fan-out p50 | ms/node | ×N=50/node | STOP p50 | ms/node | ×N=50/node | reverted');
  for (const p of pts) {
    const f = perNode(p.fan, p.n);
    const s = perNode(p.stop, p.n);
    const rel = (x: number, a: number | undefined) => (a ? `${(x / a).toFixed(2)}×` : '—');
    console.log(`${String(p.n).padStart(4)} | ${(p.up / 1000).toFixed(1).padStart(7)} | ${ms(median(p.fan))} | ${f.toFixed(2).padStart(7)} | ${rel(f, anchor && perNode(anchor.fan, anchor.n)).padStart(10)} | ${p.stop.length ? `${ms(median(p.stop))} | ${s.toFixed(2).padStart(7)} | ${rel(s, anchor && perNode(anchor.stop, anchor.n)).padStart(10)} | ${Math.min(...p.reverted)}/${p.n}` : p.reverted.length ? `      — (no trial faulted and reverted every node) | reverted ${Math.min(...p.reverted)}/${p.n}` : '      — (not measured) |         |            |'}`);
  }
  for (const p of pts) console.log(`  raw N=${p.n}: fan-out ${raw(p.fan)}; STOP ${raw(p.stop)}`);
  if (pts.length >= 2) {
    const xs = pts.map((p) => p.n);
    const fan = linearFit(xs, pts.map((p) => median(p.fan)));
    const sp = pts.filter((p) => p.stop.length);
    const stop = linearFit(sp.map((p) => p.n), sp.map((p) => median(p.stop)));
    console.log(`slope (least squares): fan-out over N=${xs.join(',')}: ${fan.slope.toFixed(2)} ms/node + ${fan.intercept.toFixed(0)} ms; STOP ${KIND} over N=${sp.map((p) => p.n).join(',')}: ${stop.slope.toFixed(2)} ms/node + ${stop.intercept.toFixed(0)} ms`);
  }
  const last = pts.at(-1);
  if (last && last.n < Math.max(...NS)) console.log(`stopped at N=${last.n}: see the error above`);
  console.log(`simulated-lab scaling took ${((Date.now() - b0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
