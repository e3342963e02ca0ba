/**
 * Report benchmark: a synthetic 2-hour game day with 1000 probe series at 1 Hz (7.2 M samples) in a
 * temp audit, then the time to build the report model and render the HTML (target: < 3 s together).
 * The 1000 series are 10 probes × 100 nodes (a runbook holds at most 100 probes, each with one series
 * per node of its target). Figures are printed, never asserted.
 *
 *   npx tsx test/bench/report.ts [--series 1000] [--seconds 7200] [--probes 10]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';
import { buildReportModel, renderHtml, renderJson, renderMarkdown } from '../../src-main/report/index.js';
import { FakeClock } from '../unit/report-fixture.js';
import { ms } from './stats.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SERIES = arg('series', 1000);
const SECONDS = arg('seconds', 7200);
const PROBES = Math.min(arg('probes', 10), SERIES);
const PER_PROBE = Math.ceil(SERIES / PROBES);
const T0 = Date.parse('2025-03-04T08:00:00Z');
/** One fault in the middle of the day, with a 90 s outage on the primary probe. */
const INJECT_S = SECONDS / 2;
const OUTAGE_S = 90;

const dir = mkdtempSync(join(tmpdir(), 'gd-bench-report-'));
const runbook = join(dir, 'bench.yaml');
const probesYaml = Array.from({ length: PROBES }, (_, p) => `  - { id: p${p}, kind: command, target: fleet, command: "cat /proc/loadavg", interval: 1s, timeout: 500ms, expect: { number: { below: 50 } } }`).join('\n');
writeFileSync(
  runbook,
  `version: 1\ntitle: Bench game day\nhypothesis: The fleet survives one node partition.\ntargets:\n  fleet: { selector: "all", maxNodes: 1000 }\nprobes:\n${probesYaml}\nslos:\n  recoveryTime: { target: 120s }\n  detectionTime: { target: 10s }\n  availability: { probe: p0, target: 99 }\nphases:\n  - id: main\n    title: Main\n    steps:\n      - { id: cut, kind: inject, fault: network-partition, target: fleet }\n      - { id: hold, kind: wait, duration: 60s }\n      - { id: heal, kind: revert, step: cut }\n`,
);
const file = join(dir, 'audit.sqlite');
const clock = new FakeClock(T0).install();
const audit = AuditStore.open(file);
const runId = 'run-bench';
const at = (s: number) => (clock.now = T0 + s * 1000);
let rows = 0;
const g0 = performance.now();
try {
  audit.createRun({ id: runId, scenario: runbook, title: 'Bench game day', env: 'lab', commander: 'bench' });
  at(INJECT_S - 1);
  audit.append({ runId, kind: 'step.started', data: { stepId: 'cut', kind: 'inject' } });
  audit.recordFaultIntent({ id: 'cut-1', runId, node: 'n0', kind: 'network-partition', params: {}, oneShot: false, revertCmd: 'r', leaseTtlSec: 30 });
  at(INJECT_S);
  audit.setFaultState('cut-1', 'active');
  audit.append({ runId, kind: 'step.done', data: { stepId: 'cut' } });
  at(INJECT_S + 60);
  audit.append({ runId, kind: 'step.started', data: { stepId: 'heal', kind: 'revert' } });
  audit.setFaultState('cut-1', 'reverting');
  audit.setFaultState('cut-1', 'reverted');
  audit.append({ runId, kind: 'step.done', data: { stepId: 'heal' } });
  // Time-ordered flushes as the probe batcher writes them (all probes in one transaction), 10 s of
  // samples per flush here (the batcher flushes every second; fewer, larger flushes keep generation short).
  const FLUSH_S = 10;
  for (let s0 = 0; s0 < SECONDS; s0 += FLUSH_S) {
    const batches: Array<[string, Array<{ tMs: number; value: number; healthy: boolean; detail: string }>]> = [];
    for (let p = 0; p < PROBES; p++) {
      const batch: Array<{ tMs: number; value: number; healthy: boolean; detail: string }> = [];
      for (let s = s0; s < Math.min(SECONDS, s0 + FLUSH_S); s++) {
        for (let n = 0; n < PER_PROBE && p * PER_PROBE + n < SERIES; n++) {
          const down = p === 0 && n === 0 && s >= INJECT_S + 2 && s < INJECT_S + 2 + OUTAGE_S;
          const v = down ? 80 : 5 + ((s * 13 + n * 7) % 17);
          batch.push({ tMs: T0 + s * 1000 + 0.5, value: v, healthy: !down, detail: `{"series":"n${n}","latencyMs":${(v / 10).toFixed(1)}}` });
        }
      }
      batches.push([`p${p}`, batch]);
      rows += batch.length;
    }
    audit.addSampleBatches(runId, batches);
    if (s0 % 600 === 0) process.stdout.write(`\rgenerating: ${rows.toLocaleString()} samples`);
  }
  at(SECONDS);
  audit.append({ runId, kind: 'stop.requested', data: { reason: 'runbook finished' } });
  audit.append({ runId, kind: 'stop.completed', data: { durationMs: 5, clean: true, nodes: [] } });
  audit.endRun(runId, 'completed', { exitCode: 0, clean: true });
} finally {
  clock.restore();
}
const genMs = performance.now() - g0;
const sizeMb = (statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1e6;
process.stdout.write(`\n`);
console.log(`game day: ${SERIES} series (${PROBES} probes × ${PER_PROBE} nodes) × ${SECONDS} s at 1 Hz = ${rows.toLocaleString()} samples, audit ${sizeMb.toFixed(0)} MB`);
console.log(`generation      ${ms(genMs)}  (${Math.round(rows / (genMs / 1000)).toLocaleString()} rows/s, batched transactions)`);

const r0 = performance.now();
const one = audit.samples(runId, 'p0').length; // the old way: every row of one probe
const readMs = performance.now() - r0;
const m0 = performance.now();
const model = buildReportModel(audit, runId);
const modelMs = performance.now() - m0;
const h0 = performance.now();
const html = renderHtml(model);
const htmlMs = performance.now() - h0;
const w0 = performance.now();
renderHtml(model);
const htmlWarmMs = performance.now() - w0;
const o0 = performance.now();
const md = renderMarkdown(model);
const json = renderJson(model);
const otherMs = performance.now() - o0;
console.log(`read one probe  ${ms(readMs)}  (${one.toLocaleString()} rows via AuditStore.samples: ${((readMs * 1000) / one).toFixed(2)} µs/row)`);
console.log(`model           ${ms(modelMs)}  (${model.charts.length} charts, windows: ${model.windows.map((w) => `TTD ${w.ttdMs} ms, TTR ${w.ttrMs} ms`).join('; ')})`);
console.log(`HTML            ${ms(htmlMs)}  (${(html.length / 1e6).toFixed(2)} MB; again, echarts warm: ${htmlWarmMs.toFixed(0)} ms)`);
console.log(`model + HTML    ${ms(modelMs + htmlMs)}  target < 3000 ms: ${modelMs + htmlMs < 3000 ? 'met' : 'MISSED'}`);
console.log(`md + json       ${ms(otherMs)}  (${(md.length / 1e3).toFixed(0)} kB, ${(json.length / 1e6).toFixed(2)} MB)`);
audit.close();
if (process.env.KEEP) {
  writeFileSync(join(dir, 'report.html'), html);
  console.log(`kept ${file} and ${join(dir, 'report.html')}`);
}
else rmSync(dir, { recursive: true, force: true });
