/**
 * RunSession, the runbook state machine, driven for real against the in-process SSH server: state
 * transitions as `run.state` events, countdowns, pause, manual advance, skip, command output
 * streaming, integrity checks and the snapshot. Every emitted event must satisfy the API contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runSnapshotSchema, type EngineEvent, type PhaseView, type StepView } from '../../src-main/api/index.js';
import { localRig, runbook, type LocalRig } from '../integration/helpers/engine-local.js';

let rig: LocalRig;
beforeEach(async () => {
  rig = await localRig(2);
});
afterEach(async () => {
  await rig.close();
});

const stepDone = (id: string, status = 'done') => (e: EngineEvent) => e.type === 'step.update' && e.step.id === id && e.step.status === status;
const lastStep = (events: EngineEvent[], id: string): StepView => [...events].reverse().flatMap((e) => (e.type === 'step.update' && e.step.id === id ? [e.step] : []))[0]!;
const lastPhase = (events: EngineEvent[], id: string): PhaseView => [...events].reverse().flatMap((e) => (e.type === 'phase.update' && e.phase.id === id ? [e.phase] : []))[0]!;

describe('a whole runbook, driven like the console does', () => {
  const yaml = runbook(`  - id: prep
    title: Preparation
    duration: 100ms
    steps:
      - { id: brief, kind: instruction, text: "Brief the room", checklist: ["Dashboards open"] }
      - { id: hold, kind: wait, duration: 300ms }
      - { id: base, kind: integrity, target: all, command: "echo 42", compareAfter: after }
      - { id: hello, kind: command, target: all, command: "echo hi from $((40 + 2))" }
      - { id: obs, kind: note, prompt: "What did you see?" }
  - id: verify
    title: Verify
    steps:
      - { id: after, kind: integrity, target: all, command: "echo 42", compareWith: base }
`);

  it('goes ready → preflight → running → stopping → completed, with valid events, streamed output and a consistent snapshot', async () => {
    const d = rig.drive(yaml);
    expect(d.session.state).toBe('ready');
    const done = d.session.run();
    await d.until((e) => e.type === 'step.update' && e.step.id === 'brief' && e.step.status === 'running');
    d.session.checklist('brief', 0, true);
    // An instruction waits for the commander in the console: it must still be running now.
    await new Promise((r) => setTimeout(r, 200));
    expect(d.session.view('brief').status).toBe('running');
    d.session.advance('brief');
    await d.until(stepDone('hello', 'awaiting-approval'));
    d.session.approve('hello', 'Dee');
    await d.until((e) => e.type === 'step.update' && e.step.id === 'obs' && e.step.status === 'running');
    d.session.note('scribe', 'Bo', 'all quiet');
    d.session.advance('obs');
    const out = await done;

    expect(d.invalid).toEqual([]);
    expect(d.states()).toEqual(['preflight', 'running', 'stopping', 'completed']);
    expect(out).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(lastStep(d.events, 'brief').checklist).toEqual([{ item: 'Dashboards open', done: true }]);

    // The command's stdout reached the UI per node as exec.output events.
    const hello = d.events.filter((e): e is Extract<EngineEvent, { type: 'exec.output' }> => e.type === 'exec.output' && e.stepId === 'hello');
    expect(new Set(hello.map((e) => e.node))).toEqual(new Set(['n1', 'n2']));
    for (const n of ['n1', 'n2']) expect(hello.filter((e) => e.node === n).map((e) => e.data).join('')).toBe('hi from 42\n');
    expect(lastStep(d.events, 'after')).toMatchObject({ status: 'done', message: 'outputs match base on 2 node(s)' });

    // Countdowns: the wait carries its planned length and start; the phase its plan, and it overran
    // (0.3 s of waiting alone is past its 100 ms): shown, not enforced — the phase still completed.
    const hold = lastStep(d.events, 'hold');
    expect(hold.plannedMs).toBe(300);
    expect(hold.endedAt! - hold.startedAt!).toBeGreaterThanOrEqual(300 - 5);
    const prep = lastPhase(d.events, 'prep');
    expect(prep).toMatchObject({ status: 'done', plannedMs: 100 });
    expect(prep.endedAt! - prep.startedAt!).toBeGreaterThan(prep.plannedMs!);

    // The audit: approval with name and time, the advance, the integrity comparison.
    const appr = rig.auditKinds('approval.*');
    expect(appr).toHaveLength(1);
    expect(appr[0]).toMatchObject({ kind: 'approval.approved', actor: 'Dee', data: { step: 'hello' } });
    expect(Date.now() - Date.parse(appr[0]!.ts)).toBeLessThan(60_000);
    expect(rig.auditKinds('step.advanced').map((e) => e.data.stepId)).toEqual(['brief', 'obs']);
    expect(rig.auditKinds('integrity.compared')[0]!.data).toMatchObject({ match: true, with: 'base' });

    // The snapshot after the end agrees with the events and with the contract.
    const snap = d.session.snapshot();
    expect(runSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.state).toBe('completed');
    expect(snap.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(snap.phases.map((p) => p.status)).toEqual(['done', 'done']);
    expect(snap.endedAt!).toBeGreaterThanOrEqual(snap.startedAt!);
    expect(snap.notes).toMatchObject([{ role: 'scribe', author: 'Bo', text: 'all quiet' }]);
    expect(snap.steps.find((s) => s.id === 'hello')!.approvedBy).toBe('Dee');
    expect(snap.currentStepId).toBe('after');
    expect(snap.faults).toEqual([]);
  });
});

describe('pause, advance, skip', () => {
  it('pause freezes a wait countdown; resume continues it', async () => {
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: hold, kind: wait, duration: 1s }
`));
    const done = d.session.run();
    await d.until((e) => e.type === 'step.update' && e.step.id === 'hold' && e.step.status === 'running');
    await new Promise((r) => setTimeout(r, 200));
    d.session.pause();
    const pausedAt = performance.now();
    await new Promise((r) => setTimeout(r, 1200));
    expect(d.session.view('hold').status).toBe('running'); // 1.4 s since start, 1 s planned: frozen
    d.session.resume();
    const pausedMs = performance.now() - pausedAt;
    await done;
    const hold = lastStep(d.events, 'hold');
    const took = hold.endedAt! - hold.startedAt!;
    // Planned 1 s plus the pause, minus one 50 ms poll tick the pause may swallow; the upper bound
    // only guards against a countdown that never resumed (3 s of slack for a loaded machine).
    expect(took).toBeGreaterThanOrEqual(1000 + pausedMs - 100);
    expect(took).toBeLessThan(1000 + pausedMs + 3000);
    expect(d.states()).toEqual(['preflight', 'running', 'paused', 'running', 'stopping', 'completed']);
    expect(d.invalid).toEqual([]);
  });

  it('advance ends a long wait early', async () => {
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: hold, kind: wait, duration: 1h }
`));
    const t0 = performance.now();
    const done = d.session.run();
    await d.until((e) => e.type === 'step.update' && e.step.id === 'hold' && e.step.status === 'running');
    d.session.advance('hold');
    await done;
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(lastStep(d.events, 'hold')).toMatchObject({ status: 'done', message: 'advanced early', plannedMs: 3_600_000 });
  });

  it('skips a pending step without running it, with the reason in the audit', async () => {
    const marker = join(rig.dir, 'skipped-ran');
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: brief, kind: instruction, text: "Wait for me" }
      - { id: touch, kind: integrity, target: all, command: "touch ${marker}" }
`));
    const done = d.session.run();
    await d.until((e) => e.type === 'step.update' && e.step.id === 'brief' && e.step.status === 'running');
    d.session.skip('touch', 'node is being patched');
    d.session.advance('brief');
    await done;
    expect(existsSync(marker)).toBe(false);
    expect(rig.execs).toEqual([]);
    expect(lastStep(d.events, 'touch')).toMatchObject({ status: 'skipped', message: 'skipped: node is being patched' });
    expect(rig.auditKinds('step.skip-requested')[0]!.data).toEqual({ stepId: 'touch', reason: 'node is being patched' });
    expect(rig.auditKinds('step.skipped')[0]!.data).toMatchObject({ stepId: 'touch' });
  });

  it('skipping the step that is running marks it skipped (not done), with the reason', async () => {
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: hold, kind: wait, duration: 1h }
`));
    const done = d.session.run();
    await d.until((e) => e.type === 'step.update' && e.step.id === 'hold' && e.step.status === 'running');
    d.session.skip('hold', 'we saw enough');
    await done;
    expect(rig.auditKinds('step.skip-requested')[0]!.data).toEqual({ stepId: 'hold', reason: 'we saw enough' });
    expect(lastStep(d.events, 'hold')).toMatchObject({ status: 'skipped', message: 'skipped: we saw enough' });
  });
});

describe('commands and integrity', () => {
  it('streams a command’s output as it is produced, per node', async () => {
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: slow, kind: command, target: all, command: "echo one; sleep 0.6; echo two" }
`), { headless: true, approver: 'Dee' });
    const at = new Map<string, number>();
    d.session.on('event', (e) => {
      if (e.type === 'exec.output' && e.node === 'n1') at.set(e.data.trim(), performance.now());
    });
    const out = await d.session.run();
    expect(out.exitCode).toBe(0);
    // "one" arrived well before "two": the output was streamed, not delivered at the end.
    expect(at.get('two')! - at.get('one')!).toBeGreaterThan(300);
    expect(d.invalid).toEqual([]);
  });

  it('fails an integrity step whose output differs from its baseline', async () => {
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: base, kind: integrity, target: all, command: "echo 42", compareAfter: after }
      - { id: after, kind: integrity, target: all, command: "echo 43", compareWith: base }
`), { headless: true });
    const out = await d.session.run();
    expect(out).toMatchObject({ state: 'failed', exitCode: 1 });
    const after = lastStep(d.events, 'after');
    expect(after.status).toBe('failed');
    expect(after.message).toMatch(/data differs after recovery.*n1: before "42", after "43"/);
    expect(rig.auditKinds('integrity.compared')[0]!.data).toMatchObject({ match: false });
    expect(d.states()).toEqual(['preflight', 'running', 'stopping', 'failed']);
    expect(d.invalid).toEqual([]);
  });

  it('a failed step pauses an interactive run; resume goes on', async () => {
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: bad, kind: integrity, target: all, command: "exit 3" }
      - { id: good, kind: integrity, target: all, command: "echo fine" }
`));
    const done = d.session.run();
    await d.until((e) => e.type === 'run.state' && e.state === 'paused');
    const bad = lastStep(d.events, 'bad');
    expect(bad.status).toBe('failed');
    expect(bad.message!.split('; ').sort()).toEqual(['n1 exit 3', 'n2 exit 3']); // nodes run in parallel: any order
    d.session.resume();
    const out = await done;
    expect(out.state).toBe('completed');
    expect(lastStep(d.events, 'good').status).toBe('done');
    expect(d.states()).toEqual(['preflight', 'running', 'paused', 'running', 'stopping', 'completed']);
  });

  it('STOP while paused between steps starts no further step (and leaves no open fault rows)', async () => {
    const marker = join(rig.dir, 'ran-after-stop');
    // `cut` is a medium-risk inject (no approval in the lab): were it started after STOP, its
    // intent row would stay open in the audit although nothing was sent.
    const d = rig.drive(runbook(`  - id: p
    title: P
    steps:
      - { id: bad, kind: integrity, target: all, command: "exit 3" }
      - { id: cut, kind: inject, fault: dependency-block, target: all, params: { host: 127.0.0.1, port: 6432 } }
      - { id: next, kind: integrity, target: all, command: "touch ${marker}" }
`));
    const done = d.session.run();
    await d.until((e) => e.type === 'run.state' && e.state === 'paused');
    await d.session.stop('commander pressed STOP', 'Ana');
    const out = await done;
    expect(out.state).toBe('aborted');
    expect(existsSync(marker)).toBe(false);
    // Nothing was sent after STOP, so no fault may be recorded as possibly in effect.
    expect(rig.audit.openFaults(rig.runId).map((f) => `${f.node} ${f.kind} ${f.state}`)).toEqual([]);
    expect(rig.auditKinds('step.started').map((e) => e.data.stepId)).toEqual(['bad']);
    expect(rig.execs.filter((x) => x.includes('ran-after-stop'))).toEqual([]);
  });
});
