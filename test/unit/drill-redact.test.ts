/**
 * Trainees never receive hidden information: a real drill session's snapshot, the engine's event
 * shapes for the hidden fault, and the drill controller's view go through the redaction, and the
 * JSON a trainee would get must not contain the fault kind, the hidden step's title or command
 * output, the answer, unrevealed hint texts or the score. After the run ended, nothing is hidden.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/index.js';
import type { EngineEvent, RunSnapshot } from '../../src-main/api/index.js';
import { DrillController } from '../../src-main/drill/controller.js';
import { hiddenOf, NEUTRAL_TITLE, redactDrillView, redactEvent, redactRunSummary, redactSnapshot } from '../../src-main/drill/redact.js';
import { RunSession } from '../../src-main/engine/run-session.js';
import { loadInventory } from '../../src-main/inventory/index.js';
import { loadScenario } from '../../src-main/scenario/index.js';
import { SshPool } from '../../src-main/ssh/index.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'drill-db-disk-full.yaml');
const { scenario } = loadScenario(FILE);
const SECRET_TITLE = 'Fill the data disk (secret)';
// The shipped runbook already has a neutral title; give the hidden step a telling one to prove it is removed.
const sc = { ...scenario, phases: scenario.phases.map((p) => ({ ...p, steps: p.steps.map((s) => (s.id === 'act-1' ? { ...s, title: SECRET_TITLE } : s)) })) };
const HIDDEN = ['disk-fill', SECRET_TITLE, 'Writes fail, reads work', 'ballast', '"answer"', '"total"'];

let dir: string;
let audit: AuditStore;
let pool: SshPool;
let session: RunSession;
let now = 1_000_000;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-redact-'));
  audit = AuditStore.open(join(dir, 'audit.db'));
  pool = new SshPool();
  session = new RunSession({ scenario: sc, scenarioFile: FILE, inventory: loadInventory(join(import.meta.dirname, 'fixtures', 'scenarios', 'lab-inventory.yaml')), pool, audit, runId: 'r-drill', commander: 'Fran', mode: 'drill' });
});
afterAll(async () => {
  await pool.dispose();
  audit.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The snapshot as the engine has it mid-drill: the hidden fault active, its timer running, its step done. */
function liveSnapshot(): RunSnapshot {
  const s = session.snapshot();
  const act = s.steps.find((x) => x.id === 'act-1')!;
  Object.assign(act, { status: 'done', message: 'disk-fill active on 1/1 node(s)', startedAt: now, endedAt: now + 10 });
  return {
    ...s,
    state: 'running',
    faults: [{ id: 'f-1', stepId: 'act-1', kind: 'disk-fill', node: 'node03', state: 'active', oneShot: false, injectedAt: now, leaseExpiresAt: now + 15_000, detail: 'ballast 1.2 GB' }],
    timers: [{ faultId: 'act-1', probeId: 'db-disk', series: 'all', state: 'degraded', injectedAt: now, detectedAt: now + 2000, colour: 'green', precisionMs: 2000 }],
    stop: { reason: 'runbook finished', actor: 'Fran', startedAt: new Date(now).toISOString(), durationMs: 5, clean: true, nodes: [{ node: 'node03', status: 'reverted', faults: [{ id: 'f-1', kind: 'disk-fill', state: 'reverted', detail: 'ballast removed' }] }] },
  };
}

function liveEvents(snap: RunSnapshot, drill: DrillController): EngineEvent[] {
  const act = snap.steps.find((x) => x.id === 'act-1')!;
  return [
    { type: 'run.snapshot', snapshot: snap },
    { type: 'step.update', runId: 'r-drill', step: act },
    { type: 'fault.update', runId: 'r-drill', fault: snap.faults[0]! },
    { type: 'timer.update', runId: 'r-drill', timer: snap.timers[0]! },
    { type: 'exec.output', runId: 'r-drill', stepId: 'act-1', node: 'node03', stream: 'info', data: 'disk-fill: active — ballast written\n' },
    { type: 'exec.output', runId: 'r-drill', node: 'node03', stream: 'stderr', data: 'lease renew for disk-fill\n' },
    { type: 'log', level: 'info', message: 'runbook done; measuring recovery of act-1 (up to 10 s)', at: now },
    { type: 'log', level: 'warn', message: 'probe: timeout on node01', at: now },
    { type: 'stop.report', runId: 'r-drill', report: snap.stop! },
    { type: 'drill.update', runId: 'r-drill', drill: drill.view() },
    { type: 'probe.samples', runId: 'r-drill', probeId: 'db-disk', series: 'node03', points: [[now, 95, 0]] },
  ];
}

describe('redaction for trainees', () => {
  it('a live drill: no fault kind, hidden title, answer, unrevealed hint or score in anything a trainee gets', () => {
    const drill = new DrillController({ runId: 'r-drill', scenario: sc, mode: 'drill', audit, commander: 'Fran', emit: () => undefined, now: () => now, commandsUsed: () => 0 });
    drill.faultActive(now);
    now += 50_000;
    drill.tick(now); // hint 0 (45 s) is revealed, hint 1 (90 s) is not
    const snap = liveSnapshot();
    const h = hiddenOf(snap.steps);
    const events = liveEvents(snap, drill);
    // The facilitator's form holds every secret (so the test would notice a redaction that did nothing).
    const full = JSON.stringify({ snap, events });
    for (const w of HIDDEN) expect(full).toContain(w);

    const out = events.map((e) => redactEvent(e, h, false)).filter((e) => e !== null);
    const json = JSON.stringify({ snap: redactSnapshot(snap, h), out, view: redactDrillView(drill.view(), false) });
    for (const w of HIDDEN) expect(json, w).not.toContain(w);
    expect(out.map((e) => e.type)).toEqual(['run.snapshot', 'step.update', 'log', 'stop.report', 'drill.update', 'probe.samples']);
    const step = (out[1] as Extract<EngineEvent, { type: 'step.update' }>).step;
    expect(step).toMatchObject({ id: 'act-1', title: NEUTRAL_TITLE, kind: 'facilitator', status: 'done' });
    expect(step.fault).toBeUndefined();
    const view = redactDrillView(drill.view(), false);
    expect(view.answer).toBeUndefined();
    expect(view.score).toBeUndefined();
    expect(view.hints.map((x) => x.text)).toEqual(['The API nodes themselves look fine. Look one tier down.', undefined]);
    const rs = redactSnapshot(snap, h);
    expect([rs.faults, rs.timers, rs.stop?.nodes]).toEqual([[], [], []]);
    // Trainees still see what they need: probes and their samples, other steps, the briefing and choices.
    expect(rs.steps.find((x) => x.id === 'observe')!.title).toBe('Trainees investigate');
    expect(view.choices).toContain("The database's data disk is full");
    drill.dispose();
  });

  it('after the run ended (debrief) trainees see everything', () => {
    const snap = { ...liveSnapshot(), state: 'completed' as const };
    const h = hiddenOf(snap.steps);
    expect(redactSnapshot(snap, h)).toBe(snap);
    const e: EngineEvent = { type: 'fault.update', runId: 'r', fault: snap.faults[0]! };
    expect(redactEvent(e, h, true)).toBe(e);
    const v = { runId: 'r', mode: 'drill' as const, briefing: 'b', choices: ['a', 'b'], answer: 'a', hints: [], declarations: [], ttdTargetMs: 1, ttmTargetMs: 1 };
    expect(redactDrillView(v, true).answer).toBe('a');
  });

  it('a game day (not a drill) is not redacted', () => {
    const snap = { ...liveSnapshot(), mode: 'gameday' as const };
    expect(redactSnapshot(snap, hiddenOf(snap.steps))).toBe(snap);
  });

  it("the runbook's title and file name give way to the drill's trainee title (default \"Training drill\")", () => {
    const snap = liveSnapshot();
    const runbook = { title: scenario.title, scenarioFile: FILE };
    expect(snap.title).toBe('Drill: checkout is failing');
    const h = hiddenOf(snap.steps, runbook);
    const rs = redactSnapshot(snap, h);
    expect(rs.title).toBe('Training drill');
    expect(JSON.stringify(rs)).not.toContain('checkout is failing');
    expect(JSON.stringify(rs)).not.toContain('drill-db-disk-full');
    // A drill that names itself for trainees.
    expect(redactSnapshot(snap, hiddenOf(snap.steps, { ...runbook, traineeTitle: 'Shop on fire' })).title).toBe('Shop on fire');
    // Log lines and command output naming the runbook go; others stay.
    expect(redactEvent({ type: 'log', level: 'info', message: 'run of Drill: checkout is failing started', at: 1 }, h, false)).toBeNull();
    expect(redactEvent({ type: 'exec.output', runId: 'r', node: 'n', stream: 'info', data: 'loaded drill-db-disk-full.yaml' }, h, false)).toBeNull();
    expect(redactEvent({ type: 'log', level: 'info', message: 'probe: timeout on node01', at: 1 }, h, false)).not.toBeNull();
    // Runs lists: this runbook's runs by the trainee title, other runbooks' as they are.
    expect(redactRunSummary({ id: 'a', title: snap.title, scenario: FILE }, h)).toEqual({ id: 'a', title: 'Training drill', scenario: null });
    expect(redactRunSummary({ id: 'b', title: 'CPU starvation', scenario: '/x/cpu-starvation.yaml' }, h)).toEqual({ id: 'b', title: 'CPU starvation', scenario: '/x/cpu-starvation.yaml' });
  });

  it('log lines are dropped on whole words only', () => {
    const h = hiddenOf([{ id: 'fill', kind: 'inject', title: 'fill', fault: 'disk-fill' }]);
    expect(redactEvent({ type: 'log', level: 'info', message: 'refilling caches', at: 1 }, h, false)).not.toBeNull();
    expect(redactEvent({ type: 'log', level: 'info', message: 'recovery of fill pending', at: 1 }, h, false)).toBeNull();
  });
});

describe('drill controller (fake clock, real audit)', () => {
  it('clock, scheduled and early hints, declarations, probe confirmation, ruling, score; all in the audit', () => {
    let t = 5_000_000;
    const updates: EngineEvent[] = [];
    const d = new DrillController({ runId: 'r-ctl', scenario: sc, mode: 'drill', audit, commander: 'Fran', emit: (e) => updates.push(e), now: () => t, commandsUsed: () => 3 });
    audit.createRun({ id: 'r-ctl', scenario: FILE, title: 't', env: 'lab', commander: 'Fran' });
    d.begin();
    d.tick(t + 10 ** 6);
    expect(d.schedule.hints.every((x) => x.revealedAt === undefined)).toBe(true); // no clock yet
    d.faultActive(t);
    d.hint(1, 'Fran'); // early
    t += 46_000;
    d.tick();
    expect(d.schedule.hints.map((x) => x.revealedBy)).toEqual(['schedule', 'Fran']);
    expect(() => d.declare('detected', 'Tia', 'not a choice')).toThrow(/not one of the choices/);
    d.declare('detected', 'Tia', "The database's data disk is full");
    t += 30_000;
    d.declare('mitigated', 'Tia', "The database's data disk is full", 'deleted /var/lib/.../ballast');
    // Samples before the declaration do not count; k = 2 healthy samples after it confirm.
    d.onSample({ probeId: 'db-disk', series: 'node03', t: t - 1, value: 50, healthy: true, latencyMs: 1 });
    d.onSample({ probeId: 'db-disk', series: 'node03', t: t + 1, value: 50, healthy: true, latencyMs: 1 });
    expect(d.declarations[1]!.confirmed).toBeNull();
    d.onSample({ probeId: 'db-disk', series: 'node03', t: t + 2000, value: 50, healthy: true, latencyMs: 1 });
    expect(d.declarations[1]!.confirmed).toBe(true);
    d.rule(0, 'accepted', 'Fran');
    d.finish();
    expect(d.score).toMatchObject({ ttdMs: 46_000, ttmMs: 76_000, diagnosisCorrect: true, hintsUsed: 2, commandsUsed: 3 });
    expect(d.score!.total).toBe(30 + 40 + 20 + (10 - 5 - 10));
    const kinds = audit.events({ runId: 'r-ctl' }).map((e) => e.kind).filter((k) => k.startsWith('drill.') || k === 'run.mode');
    expect(kinds).toEqual(['run.mode', 'drill.configured', 'drill.clock-started', 'drill.hint', 'drill.hint', 'drill.declared', 'drill.declared', 'drill.confirmed', 'drill.ruled', 'drill.score']);
    expect(updates.every((e) => e.type === 'drill.update')).toBe(true);
  });

  it('a mitigation the probes never confirm is false after the bounded wait', () => {
    let t = 9_000_000;
    const d = new DrillController({ runId: 'r-ctl2', scenario: sc, mode: 'drill', audit, commander: 'Fran', emit: () => undefined, now: () => t, commandsUsed: () => 0 });
    d.faultActive(t);
    d.declare('mitigated', 'Tia');
    d.onSample({ probeId: 'db-disk', series: 'node03', t: t + 1, value: 96, healthy: false, latencyMs: 1 });
    t += 61_000;
    d.tick();
    expect(d.declarations[0]!.confirmed).toBe(false);
    d.dispose();
  });
});
