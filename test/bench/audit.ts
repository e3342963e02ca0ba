/**
 * Benchmark (not a test): audit write rates on this disk. Chained events, each its own committed
 * transaction (synchronous=FULL: fsync per commit, what a command intent costs), versus probe
 * samples in batches (one transaction per batch).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';

const N = Number(process.env.BENCH_EVENTS ?? 2000);
const a = AuditStore.open(join(mkdtempSync(join(tmpdir(), 'gd-audit-bench-')), 'audit.sqlite'));
a.createRun({ id: 'b', title: 'bench' });
let t0 = performance.now();
for (let i = 0; i < N; i++) a.append({ runId: 'b', kind: 'exec.intent', node: `node${i % 50}`, data: { command: `tc qdisc show dev eth0 # ${i}`, user: 'root' } });
const ev = N / ((performance.now() - t0) / 1000);
const rows = Array.from({ length: 500 }, (_, i) => ({ tMs: i, value: i, healthy: i % 7 !== 0, detail: '{"series":"node01","latencyMs":3}' }));
const batches = 200;
t0 = performance.now();
for (let b = 0; b < batches; b++) a.addSamples('b', `p${b % 20}`, rows);
const sr = (batches * rows.length) / ((performance.now() - t0) / 1000);
t0 = performance.now();
const v = a.verify();
const vt = performance.now() - t0;
console.log(`audit: ${N} chained events, one fsynced transaction each: ${ev.toFixed(0)} events/s`);
console.log(`audit: ${batches} batches of ${rows.length} samples: ${sr.toFixed(0)} samples/s`);
console.log(`audit verify: ${v.checked} events in ${vt.toFixed(0)} ms (${v.ok ? 'intact' : 'BROKEN'})`);
a.close();
