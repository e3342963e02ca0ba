/**
 * A synthetic game day written into a real audit file (AuditStore on a temp file), with a clock the
 * test controls, so every figure of the report is known in advance:
 *
 * run "main" (10:00:00 UTC, runbook present), primary probe api-health at 1 Hz, k = 3:
 *   T+40   fault `cut` (network-partition on db1) active      → first unhealthy 43.5 → TTD 3.5 s
 *                                                               first of 3 healthy 58.5 → TTR 18.5 s (target 15 s: FAIL)
 *   T+102  revert step `heal` reverts it (recovered 43.5 s before the revert: failover)
 *   T+102  assert step `check` fails
 *   T+116  fault `stall` (process-pause on db2, db3) active    → first unhealthy 118.5 → TTD 2.5 s, never recovers
 *   T+130  abort condition fires → STOP: db2 residue, db3 unreachable
 *   T+140  run ends (aborted). api-health: 140 samples, 37 unhealthy → availability 73.571… %
 * run "earlier" (one day before, same runbook): fault `cut` never seen by the probe, clean finish.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';
import { evaluateSlos, runSamples } from '../../src-main/engine/slo-eval.js';
import { mapSlos } from '../../src-main/scenario/probe-map.js';
import { loadScenario } from '../../src-main/scenario/index.js';

/** Replaces the global Date so the audit's `new Date()` timestamps are ours; restore() puts it back. */
export class FakeClock {
  private readonly real = Date;
  constructor(public now: number) {}
  install(): this {
    const clock = this;
    const Real = this.real;
    class FakeDate extends Real {
      constructor(...args: [] | [string | number | Date]) {
        if (args.length === 0) super(clock.now);
        else super(args[0]);
      }
      static override now(): number {
        return clock.now;
      }
    }
    globalThis.Date = FakeDate as DateConstructor;
    return this;
  }
  restore(): void {
    globalThis.Date = this.real;
  }
}

export const T0 = Date.parse('2025-03-04T10:00:00.000Z');
const DAY = 86_400_000;
export const HOSTILE = {
  note: 'Failover alarm fired <script>alert("note")</script> see [docs](javascript:alert(1))',
  reason: 'looks fine <img src=x onerror=alert(2)> | pipe',
  message: 'api-health was not healthy within 10s ](javascript:alert(3)) <b>bold</b>',
  detail: 'SIGCONT failed: <svg onload=alert(4)> process gone',
  series: '<script>alert(5)</script>',
};

export const RUNBOOK = `version: 1
title: Database replica failover under partition
owner: dba-team@example.com
hypothesis: >
  When the primary database node is cut off, the API fails over to a replica within 15 s and
  the partition is detected within 5 s.
environment: lab
targets:
  db1: { selector: "db1", maxNodes: 1 }
  replicas: { selector: "db2,db3", maxNodes: 2 }
roles: { commander: Ana, scribe: Bo, injector: Cy, observer: [Dee] }
probes:
  - { id: api-health, kind: http, url: "http://127.0.0.1:8080/health", interval: 1s, timeout: 500ms, healthyAfter: 3 }
  - { id: db-lag, kind: command, target: replicas, command: "cat /tmp/lag", interval: 2s, timeout: 1s, expect: { number: { below: 5 } } }
slos:
  recoveryTime: { target: 15s, from: inject }
  detectionTime: { target: 5s }
  availability: { probe: api-health, target: 99 }
abort:
  - { probe: api-health, unhealthyFor: 10s }
phases:
  - id: prep
    title: Preparation
    steps:
      - { id: brief, kind: instruction, text: "Brief the room." }
      - { id: baseline, kind: wait, duration: 28s }
  - id: inject
    title: Failure injection
    steps:
      - { id: go, kind: approval, text: "Go / no-go" }
      - { id: cut, kind: inject, fault: network-partition, target: db1 }
      - { id: hold, kind: wait, duration: 60s }
  - id: recover
    title: Recovery
    steps:
      - { id: heal, kind: revert, step: cut }
      - { id: check, kind: assert, probe: api-health, expect: healthy, within: 10s }
      - { id: stall, kind: inject, fault: process-pause, target: replicas, params: { name: postgres } }
      - { id: watch, kind: wait, duration: 60s }
`;

export interface Fixture {
  dir: string;
  file: string;
  audit: AuditStore;
  runId: string;
  earlierRunId: string;
  runbook: string;
}

const at = (s: number) => T0 + s * 1000;

/** Healthy at 1 Hz (samples at T+0.5 … T+139.5) except the two outages of the story above. */
export function apiHealthRows(base: number, outages: Array<[number, number]>, until = 140) {
  const rows = [];
  for (let i = 0; i < until; i++) {
    const s = i + 0.5;
    const bad = outages.some(([a, b]) => s >= a && s <= b);
    rows.push({ tMs: base + s * 1000, value: bad ? 400 : 12 + (i % 7), healthy: !bad, detail: JSON.stringify({ series: 'default', latencyMs: bad ? 400 : 12 + (i % 7), ...(bad && { error: 'timeout' }) }) });
  }
  return rows;
}

export function buildFixture(o: { hostile?: boolean } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'gd-report-'));
  const runbook = join(dir, 'failover.yaml');
  writeFileSync(runbook, RUNBOOK);
  const scenario = loadScenario(runbook).scenario;
  const file = join(dir, 'audit.sqlite');
  const clock = new FakeClock(T0 - DAY).install();
  const audit = AuditStore.open(file);
  const h = o.hostile ? HOSTILE : { note: 'Failover alarm fired on the API dashboard; replica db2 took writes.', reason: 'lab only, rollback plan agreed', message: 'api-health was not healthy within 10s', detail: 'SIGCONT failed: process gone', series: 'db4' };
  try {
    const go = (s: number, base = T0) => (clock.now = base + s * 1000);
    // --- the earlier run: same runbook, the probe never sees the partition; clean finish ---
    const early = 'run-20250303-100000-aaaa';
    go(0, T0 - DAY);
    audit.createRun({ id: early, scenario: runbook, title: scenario.title, env: 'lab', commander: 'Ana' });
    go(36, T0 - DAY);
    audit.append({ runId: early, kind: 'step.started', data: { stepId: 'cut', kind: 'inject' } });
    audit.recordFaultIntent({ id: 'cut-1aaaaaa', runId: early, node: 'db1', kind: 'network-partition', params: {}, oneShot: false, revertCmd: 'revert', leaseTtlSec: 30 });
    go(40, T0 - DAY);
    audit.setFaultState('cut-1aaaaaa', 'active');
    audit.append({ runId: early, kind: 'step.done', data: { stepId: 'cut' } });
    go(100, T0 - DAY);
    audit.append({ runId: early, kind: 'step.started', data: { stepId: 'heal', kind: 'revert' } });
    audit.setFaultState('cut-1aaaaaa', 'reverting');
    go(101, T0 - DAY);
    audit.setFaultState('cut-1aaaaaa', 'reverted');
    audit.append({ runId: early, kind: 'step.done', data: { stepId: 'heal' } });
    audit.addSamples(early, 'api-health', apiHealthRows(T0 - DAY, [], 120));
    go(120, T0 - DAY);
    audit.append({ runId: early, kind: 'stop.requested', actor: 'Ana', data: { reason: 'runbook finished' } });
    audit.append({ runId: early, kind: 'stop.completed', actor: 'Ana', data: { durationMs: 3, clean: true, nodes: [{ node: 'db1', status: 'nothing' }] } });
    audit.endRun(early, 'completed', { exitCode: 0, clean: true });

    // --- the main run ---
    const id = 'run-20250304-100000-bbbb';
    const step = (s: number, stepId: string, kind: string) => (go(s), audit.append({ runId: id, kind: 'step.started', actor: 'Ana', data: { stepId, kind } }));
    const done = (s: number, stepId: string, status = 'done', message?: string) => (go(s), audit.append({ runId: id, kind: `step.${status}`, actor: 'Ana', data: { stepId, message } }));
    const exec = (node: string, command: string, code: number) => {
      const ev = audit.append({ runId: id, kind: 'exec.intent', actor: 'Ana', node, data: { user: 'root', host: '127.0.0.1', command, sudo: false, timeoutMs: 60000 } });
      audit.append({ runId: id, kind: 'exec.outcome', actor: 'Ana', node, data: { intentSeq: ev!.seq, code, signal: null, timedOut: false, ms: 42, stdout: '', stderr: '' } });
    };
    go(0);
    audit.createRun({ id, scenario: runbook, title: o.hostile ? `${scenario.title} <script>alert("title")</script>` : scenario.title, env: 'lab', commander: 'Ana' });
    audit.append({ runId: id, kind: 'run.preflight', actor: 'Ana' });
    audit.append({ runId: id, kind: 'run.running', actor: 'Ana' });
    step(1, 'brief', 'instruction');
    done(2, 'brief');
    step(2, 'baseline', 'wait');
    done(30, 'baseline');
    step(30, 'go', 'approval');
    go(35);
    audit.addApproval(id, { step: 'go', approver: 'Dee', decision: 'approved', reason: h.reason });
    done(35, 'go');
    step(36, 'cut', 'inject');
    audit.recordFaultIntent({ id: 'cut-1abcdef', runId: id, node: 'db1', kind: 'network-partition', params: { action: 'drop' }, oneShot: false, revertCmd: 'gd revert cut-1abcdef', leaseTtlSec: 30 });
    audit.setFaultState('cut-1abcdef', 'injecting');
    exec('db1', 'sh -c "gameday lease install && iptables -N GD-cut-1abcdef && iptables -A GD-cut-1abcdef -j DROP"', 0);
    go(40);
    audit.setFaultState('cut-1abcdef', 'active');
    done(40, 'cut', 'done', 'network-partition active on 1/1 node(s)');
    step(40, 'hold', 'wait');
    go(50);
    audit.addNote(id, { role: 'scribe', author: 'Bo', text: h.note });
    go(60);
    audit.addNote(id, { role: 'observer', author: 'Dee', text: 'Write latency on the replica doubled while it caught up.' });
    done(100, 'hold');
    step(100, 'heal', 'revert');
    audit.setFaultState('cut-1abcdef', 'reverting');
    exec('db1', 'sh -c "iptables -F GD-cut-1abcdef && iptables -X GD-cut-1abcdef"', 0);
    go(102);
    audit.setFaultState('cut-1abcdef', 'reverted');
    done(102, 'heal', 'done', '1 fault(s) of cut reverted and verified');
    step(102, 'check', 'assert');
    done(112, 'check', 'failed', h.message);
    step(115, 'stall', 'inject');
    for (const [fid, node] of [['stall-2aaaaa', 'db2'], ['stall-3bbbbb', 'db3']] as const) {
      audit.recordFaultIntent({ id: fid, runId: id, node, kind: 'process-pause', params: { name: 'postgres' }, oneShot: false, revertCmd: `gd revert ${fid}`, leaseTtlSec: 30 });
      audit.setFaultState(fid, 'injecting');
      exec(node, 'sh -c "kill -STOP $(pgrep postgres)"', 0);
    }
    go(116);
    audit.setFaultState('stall-2aaaaa', 'active');
    audit.setFaultState('stall-3bbbbb', 'active');
    done(116, 'stall', 'done', 'process-pause active on 2/2 node(s)');
    step(116, 'watch', 'wait');
    go(130);
    audit.append({ runId: id, kind: 'abort.fired', actor: 'Ana', data: { reason: 'api-health unhealthy for 10s' } });
    audit.append({ runId: id, kind: 'stop.requested', actor: 'Ana', data: { reason: 'api-health unhealthy for 10s' } });
    audit.append({ runId: id, kind: 'run.stopping', actor: 'Ana' });
    audit.setFaultState('stall-3bbbbb', 'reverting');
    audit.setFaultState('stall-2aaaaa', 'reverting');
    exec('db2', 'sh -c "kill -CONT $(cat stall-2aaaaa.paused)"', 1);
    go(132);
    audit.setFaultState('stall-2aaaaa', 'residue', { detail: h.detail });
    go(133);
    audit.setFaultState('stall-3bbbbb', 'unreachable', { detail: 'connect ETIMEDOUT', leaseExpiresAt: new Date(at(160)).toISOString() });
    audit.append({ runId: id, kind: 'stop.completed', actor: 'Ana', data: { durationMs: 3012, clean: false, nodes: [{ node: 'db1', status: 'nothing' }, { node: 'db2', status: 'residue' }, { node: 'db3', status: 'unreachable', leaseExpiresAt: new Date(at(160)).toISOString() }] } });
    // Samples arrive in batches, as the probe batcher writes them.
    const api = apiHealthRows(T0, [[43.5, 57.5], [118.5, 139.5]]);
    for (let i = 0; i < api.length; i += 50) audit.addSamples(id, 'api-health', api.slice(i, i + 50));
    for (const node of ['db2', 'db3', h.series]) {
      const rows = [];
      for (let s = 1; s < 140; s += 2) {
        const lag = node === 'db2' && s > 118 ? 9 + (s % 3) : 0.4 + ((s * 7) % 10) / 10;
        rows.push({ tMs: at(s), value: lag, healthy: lag < 5, detail: JSON.stringify({ series: node, latencyMs: 30 }) });
      }
      audit.addSamples(id, 'db-lag', rows);
    }
    go(140);
    audit.append({ runId: id, kind: 'run.aborted', actor: 'Ana' });
    const ev = evaluateSlos({ samples: runSamples(audit, id), slos: mapSlos(scenario.slos), env: 'lab', primaryProbe: 'api-health', intervalOf: () => 1000, healthyAfterOf: () => 3, windows: [{ id: 'cut', activeAt: at(40), endAt: at(102) }, { id: 'stall', activeAt: at(116) }], startAt: T0, endAt: at(140) });
    audit.endRun(id, 'aborted', { exitCode: 2, clean: false, slos: ev.results, abortReason: 'api-health unhealthy for 10s' });
    return { dir, file, audit, runId: id, earlierRunId: early, runbook };
  } finally {
    clock.restore();
  }
}
