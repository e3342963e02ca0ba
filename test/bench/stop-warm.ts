/**
 * Benchmark (not a test): STOP and fan-out against WARM pdsh — OpenSSH ControlMaster connections
 * already open, `pdsh -R ssh` reusing them — on the same netns nodes, trials interleaved in one
 * run. pdsh runs the very same node-side STOP script (stop-batch.ts) for the same faults, so the
 * figures compare the orchestration and transport, not the script. Every ratio names its anchor.
 * Prints p50/p99 (with ≤ 10 trials p99 is the slowest trial) and the raw per-trial numbers.
 *
 * Env: BENCH_N (50), BENCH_TRIALS (10), BENCH_KINDS (all four), BENCH_PARTS (stop,cli,fanout,scale),
 * BENCH_HOLD_MS (1000: STOP this long after the inject, on both sides).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../src-main/faults/index.js';
import { getFault, resolveParams } from '../../src-main/faults/registry.js';
import { buildInject } from '../../src-main/faults/lease.js';
import { buildNodeStop } from '../../src-main/faults/stop-batch.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { StopController } from '../../src-main/engine/stop-controller.js';
import { listenControl } from '../../src-main/engine/control-socket.js';
import { SshPool, sharePool } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { loadInventory, sharedSelector } from '../../src-main/inventory/index.js';
import { labDown, labUp, type LabInfo } from '../../src-main/lab/index.js';
import { benchNodes, closeMasters, openMasters, pdsh, timed, type BenchNodes } from './bench-lab.js';
import { linearFit, median, ms, percentile, ratio, raw } from './stats.js';

const N = Number(process.env.BENCH_N ?? 50);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 10);
const PARTS = (process.env.BENCH_PARTS ?? 'stop,cli,fanout,scale').split(',');
const SCALE = (process.env.BENCH_SCALE ?? '10,50,100,200').split(',').map(Number);
const KINDS: Array<[string, Record<string, unknown>]> = (
  [
    ['port-block', { port: 8080 }],
    ['network-loss', { percent: 30, direction: 'both' }],
    ['network-partition', {}],
    ['cpu-stress', { workers: 1, loadPercent: 10 }],
  ] as Array<[string, Record<string, unknown>]>
).filter(([k]) => !process.env.BENCH_KINDS || process.env.BENCH_KINDS.split(',').includes(k));
const CLI = join(process.cwd(), 'out/cli/gameday.mjs');
/** STOP is pressed this long after the inject, for both sides: during a hold, as in a game day (not in the inject's own millisecond). */
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 1000);
const policy = (n: number) => ({ maxNodesPerFault: n, protected: [], allowProd: false, commander: 'bench' });
let seq = 0;

const line = (label: string, xs: number[], anchor?: { name: string; xs: number[] }) =>
  `  ${label.padEnd(44)} p50 ${ms(median(xs))}  p99 ${ms(percentile(xs, 99))}${anchor ? `   ${ratio(median(xs), median(anchor.xs))} of ${anchor.name} (p50)` : ''}\n      raw ${raw(xs)}`;

/** Inject one fault kind on every node through our engine; returns the manager and its STOP. */
async function injectOurs(pool: SshPool, b: BenchNodes, kind: string, params: Record<string, unknown>): Promise<{ fm: FaultManager; stopper: StopController }> {
  const fm = new FaultManager(pool, undefined, `bench-${process.pid}-${++seq}`, 30, policy(b.targets.length));
  const out = await fm.inject({ kind, params, targets: b.targets, approver: 'bench-approver', maxDurationSec: 600 });
  if (!out.every((o) => o.ok)) throw new Error(`inject ${kind} failed: ${out.filter((o) => !o.ok).map((o) => o.message).join('; ').slice(0, 300)}`);
  await new Promise((r) => setTimeout(r, HOLD_MS));
  return { fm, stopper: new StopController(fm) };
}

/**
 * The same fault injected with the same lease machinery, then the SAME per-node STOP script, written
 * where the node can read it (the lab's nodes share the host's filesystem; each node picks its own
 * script by its address from $SSH_CONNECTION), run by warm pdsh. Returns wall ms.
 */
async function pdshStop(lab: LabInfo, pool: SshPool, b: BenchNodes, kind: string, params: Record<string, unknown>, dir: string, warm: boolean): Promise<number> {
  const mod = getFault(kind);
  const p = resolveParams(mod, { params });
  const runId = `bench-pd-${process.pid}-${++seq}`;
  const ctx = (name: string) => ({ runId, faultId: `pd-${name}`, node: { name, host: name, gpu: 'none' as const }, leaseTtlSec: 30, maxDurationSec: 600 });
  const inj = await pool.fanOut(b.specs, (s) => buildInject(mod, p, ctx(s.name)));
  if (!inj.every((r) => r.ok)) throw new Error(`pdsh-side inject of ${kind} failed`);
  await new Promise((r) => setTimeout(r, HOLD_MS));
  b.nodes.forEach((n) => writeFileSync(join(dir, `${n.ip}.sh`), buildNodeStop([{ module: mod, params: p, ctx: ctx(n.name) }]).text));
  const r = await pdsh(lab, b.ips, `set -- $SSH_CONNECTION; sh ${dir}/$3.sh`, warm);
  const clean = (r.out.match(/clean=yes/g) ?? []).length;
  if (clean !== b.ips.length) throw new Error(`pdsh STOP of ${kind}: ${clean}/${b.ips.length} clean`);
  return r.ms;
}

async function stopPart(lab: LabInfo, pool: SshPool, b: BenchNodes, dir: string): Promise<void> {
  console.log(`\n== STOP → every node reverted and verified, ${b.ips.length} nodes, ${TRIALS} interleaved trials ==`);
  const ws = mkdtempSync(join(tmpdir(), 'gd-bench-ws-'));
  const ctl = join(ws, 'control');
  mkdirSync(ctl, { recursive: true, mode: 0o700 });
  for (const [kind, params] of KINDS) {
    const ours: number[] = [];
    const warm: number[] = [];
    const cold: number[] = [];
    const cliTotal: number[] = [];
    const cliDelivered: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const order = i % 2 ? ['pdsh', 'ours'] : ['ours', 'pdsh'];
      for (const who of order) {
        if (who === 'pdsh') warm.push(await pdshStop(lab, pool, b, kind, params, dir, true));
        else {
          const { fm, stopper } = await injectOurs(pool, b, kind, params);
          const t0 = performance.now();
          const rep = await stopper.stop('bench');
          ours.push(performance.now() - t0);
          if (!rep.clean) throw new Error(`STOP of ${kind} left residue`);
          fm.dispose();
        }
      }
      if (kind === 'port-block') {
        // `gameday stop` from another process against a live run's control socket (this process).
        cold.push(await pdshStop(lab, pool, b, kind, params, dir, false));
        const { fm, stopper } = await injectOurs(pool, b, kind, params);
        let delivered = 0;
        const t0 = performance.now();
        const control = listenControl(ctl, `bench-run-${i}`, async () => {
          delivered = performance.now() - t0;
          return stopper.stop('gameday stop', 'bench');
        });
        const t1 = performance.now();
        const r = await timed(process.execPath, [CLI, 'stop', '--workspace', ws], { ...process.env, NO_COLOR: '1' });
        cliTotal.push(performance.now() - t1);
        cliDelivered.push(delivered - (t1 - t0));
        control.close();
        if (r.code !== 0 || !/every node verified clean/.test(r.out)) throw new Error(`gameday stop: exit ${r.code}: ${r.out.slice(0, 300)}`);
        fm.dispose();
      }
    }
    const anchor = { name: 'warm pdsh (ControlMaster)', xs: warm };
    console.log(`-- ${kind}`);
    console.log(line('warm pdsh (ControlMaster), same STOP script', warm));
    console.log(line('gameday STOP (what SIGINT/button call)', ours, anchor));
    if (kind === 'port-block') {
      console.log(line('cold pdsh (new ssh per node), same script', cold));
      console.log(line('gameday STOP (SIGINT path) vs cold pdsh', ours, { name: 'cold pdsh', xs: cold }));
      console.log(line('`gameday stop` (new process) → verified', cliTotal, anchor));
      console.log(line('`gameday stop` start → request on socket', cliDelivered));
    }
  }
  rmSync(ws, { recursive: true, force: true });
}

async function cliPart(): Promise<void> {
  console.log(`\n== CLI start-up, ${TRIALS} interleaved trials (whole process, spawn to exit) ==`);
  const ws = mkdtempSync(join(tmpdir(), 'gd-bench-ws-'));
  const base: number[] = [];
  const help: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    base.push((await timed(process.execPath, ['-e', '0'])).ms);
    help.push((await timed(process.execPath, [CLI, '--help'])).ms);
    stop.push((await timed(process.execPath, [CLI, 'stop', '--workspace', ws])).ms);
  }
  const anchor = { name: '`node -e 0`', xs: base };
  console.log(line('node -e 0', base));
  console.log(line('gameday --help', help, anchor));
  console.log(line('gameday stop (no run active)', stop, anchor));
  console.log(`  over node -e 0 (p50): --help +${(median(help) - median(base)).toFixed(0)} ms, stop +${(median(stop) - median(base)).toFixed(0)} ms`);
  rmSync(ws, { recursive: true, force: true });
}

async function fanoutPart(lab: LabInfo, pool: SshPool, b: BenchNodes): Promise<void> {
  console.log(`\n== fan-out 'true' on ${b.ips.length} nodes, ${TRIALS} interleaved trials ==`);
  const ws = mkdtempSync(join(tmpdir(), 'gd-bench-ws-'));
  // Like a console: its inventory is loaded once, and resolves the selectors `gameday exec` sends.
  const selector = sharedSelector(loadInventory(lab.inventoryPath), lab.inventoryPath);
  const share = sharePool(pool, join(ws, 'control'), 'bench-console', () => selector);
  const sel = b.nodes.map((n) => n.name).join(',');
  const execArgs = [CLI, '--inventory', lab.inventoryPath, 'exec', '--workspace', ws, sel, '--', 'true'];
  // `gameday inventory check` (connect, facts script) through the live pool vs its own connections.
  const checkArgs = [CLI, '--inventory', lab.inventoryPath, 'inventory', 'check', sel, '--workspace', ws];
  const r: Record<string, number[]> = { warmPool: [], execShared: [], execCold: [], pdshWarm: [], pdshCold: [], checkShared: [], checkOwn: [] };
  for (let i = 0; i < TRIALS; i++) {
    const t0 = performance.now();
    if (!(await pool.fanOut(b.specs, Shell.raw('true'))).every((x) => x.ok)) throw new Error('warm fan-out failed');
    r.warmPool!.push(performance.now() - t0);
    const s = await timed(process.execPath, execArgs, { ...process.env, NO_COLOR: '1' });
    if (s.code !== 0 || !/through the open connections/.test(s.out)) throw new Error(`exec via the shared pool: ${s.out.slice(0, 300)}`);
    r.execShared!.push(s.ms);
    const c = await timed(process.execPath, execArgs, { ...process.env, NO_COLOR: '1', GAMEDAY_SHARED_POOL: '0' });
    if (c.code !== 0) throw new Error(`exec cold: ${c.out.slice(0, 300)}`);
    r.execCold!.push(c.ms);
    r.pdshWarm!.push((await pdsh(lab, b.ips, 'true', true)).ms);
    r.pdshCold!.push((await pdsh(lab, b.ips, 'true', false)).ms);
    const k = await timed(process.execPath, checkArgs, { ...process.env, NO_COLOR: '1' });
    if (k.code !== 0 || !/through the open connections/.test(k.out)) throw new Error(`inventory check via the shared pool: ${k.out.slice(0, 300)}`);
    r.checkShared!.push(k.ms);
    const ko = await timed(process.execPath, checkArgs, { ...process.env, NO_COLOR: '1', GAMEDAY_SHARED_POOL: '0' });
    if (ko.code !== 0) throw new Error(`inventory check, own connections: ${ko.out.slice(0, 300)}`);
    r.checkOwn!.push(ko.ms);
  }
  share.close();
  const warm = { name: 'warm pdsh (ControlMaster)', xs: r.pdshWarm! };
  const cold = { name: 'cold pdsh', xs: r.pdshCold! };
  console.log(line('warm pdsh (ControlMaster)', r.pdshWarm!));
  console.log(line('cold pdsh', r.pdshCold!));
  console.log(line('gameday pool in a live run (in-process)', r.warmPool!, warm));
  console.log(line('`gameday exec` via a live console (socket)', r.execShared!, warm));
  console.log(line('`gameday exec`, own connections', r.execCold!, cold));
  console.log(line('`gameday inventory check`, own connections', r.checkOwn!));
  console.log(line('`gameday inventory check` via a live console', r.checkShared!, { name: 'own connections', xs: r.checkOwn! }));
  rmSync(ws, { recursive: true, force: true });
}

async function scalePart(lab: LabInfo, pool: SshPool, dir: string, sizes: number[]): Promise<void> {
  const trials = Math.max(3, Math.ceil(TRIALS / 2));
  console.log(`\n== scaling: port-block STOP and fan-out 'true' at N = ${sizes.join(', ')} netns nodes, ${trials} trials each ==`);
  const rows: Array<{ n: number; stop: number; pd: number; fan: number; pdFan: number }> = [];
  for (const n of sizes) {
    const b = benchNodes(lab, n);
    await openMasters(lab, b.ips);
    await pool.fanOut(b.specs, Shell.raw('true'));
    const stop: number[] = [];
    const pd: number[] = [];
    const fan: number[] = [];
    const pdFan: number[] = [];
    for (let i = 0; i < trials; i++) {
      const { fm, stopper } = await injectOurs(pool, b, 'port-block', { port: 8080 });
      const t0 = performance.now();
      if (!(await stopper.stop('bench')).clean) throw new Error('residue');
      stop.push(performance.now() - t0);
      fm.dispose();
      pd.push(await pdshStop(lab, pool, b, 'port-block', { port: 8080 }, dir, true));
      const t1 = performance.now();
      await pool.fanOut(b.specs, Shell.raw('true'));
      fan.push(performance.now() - t1);
      pdFan.push((await pdsh(lab, b.ips, 'true', true)).ms);
    }
    rows.push({ n, stop: median(stop), pd: median(pd), fan: median(fan), pdFan: median(pdFan) });
    console.log(`  N=${String(n).padStart(4)}  STOP p50 ${ms(median(stop))} (${(median(stop) / n).toFixed(1)} ms/node)  warm pdsh STOP ${ms(median(pd))} (${ratio(median(stop), median(pd))} of it)  fan-out ${ms(median(fan))} (${(median(fan) / n).toFixed(1)} ms/node)  warm pdsh fan-out ${ms(median(pdFan))}`);
    console.log(`          raw STOP ${raw(stop)}  pdsh ${raw(pd)}  fan-out ${raw(fan)}  pdsh fan-out ${raw(pdFan)}`);
  }
  if (rows.length > 1) {
    const f = (k: 'stop' | 'pd' | 'fan' | 'pdFan') => linearFit(rows.map((r) => r.n), rows.map((r) => r[k]));
    const txt = (k: 'stop' | 'pd' | 'fan' | 'pdFan') => `${f(k).slope.toFixed(2)} ms/node + ${f(k).intercept.toFixed(0)} ms`;
    console.log(`  slope (least squares over N): STOP ${txt('stop')}; warm pdsh STOP ${txt('pd')}; fan-out ${txt('fan')}; warm pdsh fan-out ${txt('pdFan')}`);
  }
}

async function main(): Promise<void> {
  const sizes = PARTS.includes('scale') ? SCALE : [];
  const want = Math.max(N, ...sizes);
  const t0 = Date.now();
  console.log(`STOP/fan-out vs warm pdsh; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  let lab: LabInfo;
  let got = want;
  try {
    lab = await labUp({ nodes: want });
  } catch (e) {
    // The machine may not hold that many sshd namespaces: say where it stopped and go on smaller.
    console.log(`lab of ${want} nodes failed (${(e as Error).message.split('\n')[0]}); trying ${N}`);
    got = N;
    lab = await labUp({ nodes: N });
  }
  console.log(`lab ${lab.id}: ${got} nodes up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const dir = join(lab.dir, 'bench-stop');
  mkdirSync(dir, { recursive: true });
  const pool = new SshPool({ maxSessionsPerNode: 4 });
  try {
    const b = benchNodes(lab, N);
    await openMasters(lab, b.ips);
    await pool.fanOut(b.specs, Shell.raw('true'));
    if (PARTS.includes('cli')) await cliPart();
    if (PARTS.includes('stop')) await stopPart(lab, pool, b, dir);
    if (PARTS.includes('fanout')) await fanoutPart(lab, pool, b);
    if (sizes.length) await scalePart(lab, pool, dir, sizes.filter((s) => s <= got));
  } finally {
    await pool.dispose();
    closeMasters(lab, lab.nodes.map((x) => x.ip));
    await labDown(lab.id);
  }
  console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
