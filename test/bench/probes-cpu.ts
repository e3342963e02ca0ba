/**
 * Benchmark (not a test): 1000 probe series at 1 Hz for BENCH_SECONDS (default 60; the issue's
 * figure is 600) with samples batched into a real audit file, and the console process's CPU use
 * reported as % of one core. The HTTP target runs in a child process so its CPU is not counted.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';
import { buildScheduledProbes, ProbeScheduler, type ProbeSpec } from '../../src-main/probes/index.js';

const SERIES = Number(process.env.BENCH_SERIES ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

async function main(): Promise<void> {
  const server = fork(join(import.meta.dirname, 'http-target.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((r) => server.once('message', (m) => r(Number(m))));
  const audit = AuditStore.open(join(mkdtempSync(join(tmpdir(), 'gd-bench-')), 'audit.sqlite'));
  audit.createRun({ id: 'bench', title: 'probe cpu' });
  const specs: ProbeSpec[] = Array.from({ length: SERIES }, (_, i) => ({ id: `p${i}`, kind: 'http', url: `http://127.0.0.1:${port}/health?i=${i}`, intervalMs: 1000, timeoutMs: 800 }));
  let samples = 0;
  let unhealthy = 0;
  const sched = new ProbeScheduler({
    probes: buildScheduledProbes(specs, () => [], {}),
    onSample: (s) => {
      samples++;
      if (!s.healthy) unhealthy++;
    },
    sinkAll: (batches) => audit.addSampleBatches('bench', batches),
  });
  // Warm up for 5 s (sockets open, JIT), then measure.
  sched.start();
  await new Promise((r) => setTimeout(r, 5000));
  const s0 = samples;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const n = samples - s0;
  await sched.dispose();
  server.kill();
  const pct = ((cpu.user + cpu.system) / 1000 / wall) * 100;
  console.log(`probes: ${SERIES} series at 1 Hz for ${SECONDS} s (audit batching on, synchronous=FULL)`);
  console.log(`  samples measured: ${n} (${(n / (wall / 1000)).toFixed(0)}/s, expected ${SERIES}/s), unhealthy ${unhealthy}`);
  console.log(`  console CPU: ${pct.toFixed(1)} % of one core (target < 20 %)   [user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms]`);
  console.log(`  audit rows stored: ${audit.samples('bench').length}`);
  audit.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
