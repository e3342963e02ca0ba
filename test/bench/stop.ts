/**
 * Benchmark (not a test): STOP latency — from the stop() call to every node verified clean — with
 * one fault on each of N lab nodes, against pdsh running the very same revert+verify script on the
 * same nodes. One run, one machine; figures and ratios are printed, nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { getFault, resolveParams } from '../../src-main/faults/registry.js';
import { buildInject, buildRevert } from '../../src-main/faults/lease.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { type FaultTarget } from '../../src-main/faults/index.js';
import { StopController } from '../../src-main/engine/stop-controller.js';
import { SshPool, type ConnectSpec } from '../../src-main/ssh/index.js';
import { shq } from '../../src-main/shell/index.js';
import { labDown, labUp } from '../../src-main/lab/index.js';
import { median, ms, percentile, ratio } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const SIZES = (process.env.BENCH_SIZES ?? '10,50').split(',').map(Number);
const KIND = 'port-block';
const PARAMS = { port: 8080 };

async function main(): Promise<void> {
  const lab = await labUp({ nodes: Math.max(...SIZES) });
  console.log(`STOP benchmark: one ${KIND} fault per node, ${RUNS} runs per N; lab ${lab.id}`);
  const mod = getFault(KIND);
  const params = resolveParams(mod, { params: PARAMS });
  try {
    for (const n of SIZES) {
      const nodes = lab.nodes.filter((x) => x.role === 'node').slice(0, n);
      const specs: ConnectSpec[] = nodes.map((x) => ({ name: x.name, host: x.ip, port: 22, user: 'root', identityFiles: [lab.keyPath], knownHostsFiles: [lab.knownHostsPath] }));
      const targets: FaultTarget[] = nodes.map((x, i) => ({ name: x.name, host: x.ip, env: 'lab', tags: [], gpu: 'none', spec: specs[i]! }));
      const pool = new SshPool();
      await pool.fanOut(specs, buildRevert(mod, params, { runId: 'warmup', faultId: 'w', node: { name: 'x', host: 'x', gpu: 'none' }, leaseTtlSec: 30, maxDurationSec: 60 }));
      const ours: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const fm = new FaultManager(pool, undefined, `bench-stop-${n}-${i}`, 30, { maxNodesPerFault: n, protected: [], allowProd: false, commander: 'bench' });
        const out = await fm.inject({ kind: KIND, params: PARAMS, targets });
        if (!out.every((o) => o.ok)) throw new Error(`inject failed: ${out.filter((o) => !o.ok).map((o) => o.message).join('; ')}`);
        const stopper = new StopController(fm);
        const t0 = performance.now();
        const report = await stopper.stop('bench');
        ours.push(performance.now() - t0);
        if (!report.clean) throw new Error('STOP left residue');
        fm.dispose();
      }
      // pdsh: the same revert+verify script, identical on every node (same ids), over fresh ssh.
      const pd: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const ctx = { runId: `bench-pdsh-${n}-${i}`, faultId: 'pb', node: { name: 'n', host: 'n', gpu: 'none' as const }, leaseTtlSec: 30, maxDurationSec: 600 };
        const inj = await pool.fanOut(specs, buildInject(mod, params, ctx));
        if (!inj.every((r) => r.ok)) throw new Error('pdsh-side inject failed');
        const revert = buildRevert(mod, params, ctx).text;
        const env = { ...process.env, PDSH_SSH_ARGS: `-i ${lab.keyPath} -o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR -l root %h` };
        const t0 = performance.now();
        const r = spawnSync('pdsh', ['-R', 'ssh', '-f', String(n), '-w', nodes.map((x) => x.ip).join(','), `sh -c ${shq(revert)}`], { env, encoding: 'utf8' });
        pd.push(performance.now() - t0);
        const clean = (r.stdout.match(/clean=yes/g) ?? []).length;
        if (clean !== n) throw new Error(`pdsh revert: ${clean}/${n} clean (${r.stderr.slice(0, 300)})`);
      }
      await pool.dispose();
      console.log(
        [
          `N=${String(n).padEnd(3)} pdsh revert+verify (median)  ${ms(median(pd))}   1.00×`,
          `      gameday STOP (median)         ${ms(median(ours))}   ${ratio(median(ours), median(pd))} pdsh   (target ≤ 0.25×)`,
          `      gameday STOP p99              ${ms(percentile(ours, 99))}              (target < 1000 ms at N=50)`,
        ].join('\n'),
      );
    }
  } finally {
    await labDown(lab.id);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
