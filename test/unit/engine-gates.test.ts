/**
 * RunSession's gates: approvals (two-person rule, approver lists, headless --approver), probes
 * (assert steps, abort conditions → the one STOP), and dry runs that send nothing. Driven against
 * the in-process SSH server and a local HTTP health endpoint whose answer the test flips.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSnapshotSchema, type EngineEvent, type StepView } from '../../src-main/api/index.js';
import { localRig, runbook, startHealthServer, type HealthServer, type LocalRig } from '../integration/helpers/engine-local.js';

let rig: LocalRig;
let http: HealthServer;
beforeEach(async () => {
  rig = await localRig(2);
  http = await startHealthServer();
});
afterEach(async () => {
  await rig.close();
  await http.close();
});

const lastStep = (events: EngineEvent[], id: string): StepView => [...events].reverse().flatMap((e) => (e.type === 'step.update' && e.step.id === id ? [e.step] : []))[0]!;
const running = (id: string) => (e: EngineEvent) => e.type === 'step.update' && e.step.id === id && e.step.status === 'running';
const awaiting = (id: string) => (e: EngineEvent) => e.type === 'step.update' && e.step.id === id && e.step.status === 'awaiting-approval';

describe('approvals', () => {
  const gated = runbook(`  - id: p
    title: P
    steps:
      - { id: go, kind: approval, text: "Go / no-go", approvers: [Dee, Cy] }
      - { id: hello, kind: command, target: all, command: "echo approved" }
`);

  it('refuses the commander (two-person rule) and anyone off the step’s list; records the approver with a time', async () => {
    const d = rig.drive(gated);
    const done = d.session.run();
    await d.until(awaiting('go'));
    expect(() => d.session.approve('go', 'Ana')).toThrow(/two-person rule/);
    expect(() => d.session.approve('go', ' ana ')).toThrow(/two-person rule/); // case and spaces do not fool it
    expect(() => d.session.approve('go', 'Eve')).toThrow(/Eve may not approve this step; approvers: Dee, Cy/);
    expect(d.session.view('go').status).toBe('awaiting-approval');
    expect(() => d.session.approve('hello', 'Dee')).toThrow(/not waiting for approval/);
    const before = Date.now();
    d.session.approve('go', 'Dee');
    await d.until(awaiting('hello'));
    // A command step is high risk: any second person may approve it (it has no list), still not Ana.
    expect(() => d.session.approve('hello', 'Ana')).toThrow(/two-person rule/);
    d.session.approve('hello', 'Eve');
    const out = await done;
    expect(out.exitCode).toBe(0);
    const rows = rig.auditKinds('approval.*');
    expect(rows.map((r) => [r.kind, r.actor, r.data.step])).toEqual([
      ['approval.approved', 'Dee', 'go'],
      ['approval.approved', 'Eve', 'hello'],
    ]);
    expect(Date.parse(rows[0]!.ts)).toBeGreaterThanOrEqual(before - 1000);
    const go = lastStep(d.events, 'go');
    expect(go).toMatchObject({ status: 'done', approvedBy: 'Dee' });
    expect(go.approvedAt).toBeGreaterThanOrEqual(go.startedAt!);
    expect(d.invalid).toEqual([]);
  });

  it('headless with --approver: approved by that name, recorded', async () => {
    const d = rig.drive(gated, { headless: true, approver: 'Cy' });
    const out = await d.session.run();
    expect(out.exitCode).toBe(0);
    expect(rig.auditKinds('approval.approved').map((r) => r.actor)).toEqual(['Cy', 'Cy']);
    expect(rig.execs.filter((x) => x.includes('echo approved'))).toHaveLength(2);
  });

  it('headless without an approver: the gated step fails clearly and nothing is sent', async () => {
    const d = rig.drive(gated, { headless: true });
    const out = await d.session.run();
    expect(out).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(d.events.some((e) => e.type === 'log' && /step go needs approval .* pass --approver NAME/.test(e.message))).toBe(true);
    expect(rig.execs).toEqual([]);
    expect(rig.auditKinds('exec.intent')).toEqual([]);
  });

  it('headless with the commander as approver: refused, nothing is sent', async () => {
    const d = rig.drive(gated, { headless: true, approver: 'Ana' });
    const out = await d.session.run();
    expect(out).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(d.events.some((e) => e.type === 'log' && /two-person rule/.test(e.message))).toBe(true);
    expect(rig.execs).toEqual([]);
    expect(rig.auditKinds('approval.approved')).toEqual([]);
  });

  it('a finished run leaves no step waiting: the refused step is marked failed', async () => {
    const d = rig.drive(gated, { headless: true, approver: 'Ana' });
    await d.session.run();
    const snap = d.session.snapshot();
    expect(snap.steps.find((s) => s.id === 'go')!.status).toBe('failed');
  });
});

describe('probes: assert steps and abort conditions', () => {
  const probes = (extra = '') => `probes:
  - { id: svc, kind: http, url: "${http.url}", interval: 100ms, timeout: 80ms, expect: { status: 200 }, healthyAfter: 2 }
${extra}`;

  it('an assert step waits for the expected health, and fails when it does not come within its time', async () => {
    const d = rig.drive(
      runbook(
        `  - id: p
    title: P
    steps:
      - { id: up, kind: assert, probe: svc, expect: healthy, within: 5s }
      - { id: down, kind: assert, probe: svc, expect: unhealthy, within: 10s }
      - { id: back, kind: assert, probe: svc, expect: healthy, within: 300ms }
`,
        probes(),
      ),
      { headless: true },
    );
    const done = d.session.run();
    await d.until(running('down'));
    http.healthy = false;
    const out = await done;
    expect(lastStep(d.events, 'up').status).toBe('done');
    expect(lastStep(d.events, 'down')).toMatchObject({ status: 'done', message: 'svc is unhealthy' });
    expect(lastStep(d.events, 'back')).toMatchObject({ status: 'failed', message: 'svc was not healthy within 300ms' });
    expect(out).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(d.events.some((e) => e.type === 'probe.samples' && e.probeId === 'svc' && e.points.some((p) => p[2] === 0))).toBe(true);
    expect(d.invalid).toEqual([]);
  });

  it('an abort condition fires the one STOP: the run ends aborted with the reason', async () => {
    const d = rig.drive(
      runbook(
        `  - id: p
    title: P
    steps:
      - { id: hold, kind: wait, duration: 1h }
`,
        probes('abort:\n  - { probe: svc, unhealthyFor: 500ms }\n'),
      ),
      { headless: true },
    );
    const done = d.session.run();
    await d.until(running('hold'));
    await new Promise((r) => setTimeout(r, 300)); // a few healthy samples first
    http.healthy = false;
    const flipped = performance.now();
    const fired = (await d.until((e) => e.type === 'abort.fired')) as Extract<EngineEvent, { type: 'abort.fired' }>;
    const firedAfter = performance.now() - flipped;
    const out = await done;
    // It must have seen 500 ms of unhealthy samples (less one 100 ms interval of sampling phase);
    // the upper bound only says "promptly", with room for a loaded machine.
    expect(firedAfter).toBeGreaterThanOrEqual(400);
    expect(firedAfter).toBeLessThan(8000);
    expect(fired.reason).toMatch(/^abort: probe svc unhealthy for .* \(limit 500ms\)/);
    expect(out).toMatchObject({ state: 'aborted', exitCode: 2, abortReason: fired.reason });
    expect(d.states()).toEqual(['preflight', 'running', 'stopping', 'aborted']);
    expect(rig.auditKinds('abort.fired')[0]!.data.reason).toBe(fired.reason);
    expect(rig.auditKinds('stop.requested')[0]).toMatchObject({ actor: 'abort-condition', data: { reason: fired.reason } });
    expect(rig.auditKinds('stop.completed')).toHaveLength(1);
    expect(d.events.filter((e) => e.type === 'stop.report')).toHaveLength(2); // the abort's STOP, then the end's (same report)
    expect(d.invalid).toEqual([]);
  });

  it('after an abort the snapshot shows no step still running', async () => {
    const d = rig.drive(
      runbook(
        `  - id: p
    title: P
    steps:
      - { id: hold, kind: wait, duration: 1h }
`,
        probes('abort:\n  - { probe: svc, unhealthyFor: 0ms }\n'),
      ),
      { headless: true },
    );
    const done = d.session.run();
    await d.until(running('hold'));
    http.healthy = false;
    await done;
    const snap = d.session.snapshot();
    expect(runSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.state).toBe('aborted');
    expect(snap.steps.filter((s) => s.status === 'running').map((s) => s.id)).toEqual([]);
    expect(snap.phases.filter((p) => p.status === 'running').map((p) => p.id)).toEqual([]);
  });
});

describe('dry run', () => {
  it('sends nothing, yet shows every command for every node', async () => {
    const d = rig.drive(
      runbook(
        `  - id: p
    title: P
    steps:
      - { id: brief, kind: instruction, text: "Brief" }
      - { id: go, kind: approval, text: "Go", approvers: [Dee] }
      - { id: base, kind: integrity, target: all, command: "sha256sum /etc/hostname", compareAfter: after }
      - { id: cut, kind: inject, fault: dependency-block, target: all, params: { host: 127.0.0.1, port: 6432 } }
      - { id: hello, kind: command, target: all, command: "echo dry" }
      - { id: hold, kind: wait, duration: 1h }
      - { id: check, kind: assert, probe: svc, expect: healthy, within: 1h }
      - { id: undo, kind: revert, step: cut }
      - { id: after, kind: integrity, target: all, command: "sha256sum /etc/hostname", compareWith: base }
`,
        `probes:\n  - { id: svc, kind: http, url: "${http.url}", interval: 100ms, timeout: 80ms }\n`,
      ),
      { dryRun: true },
    );
    const t0 = performance.now();
    const out = await d.session.run();
    expect(out).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(performance.now() - t0).toBeLessThan(10_000); // the 1 h wait and assert are not waited
    expect(rig.execs).toEqual([]);
    expect(rig.auditKinds('exec.intent')).toEqual([]);
    expect(rig.audit.runFaults(rig.runId)).toEqual([]);
    expect(http.requests).toBe(0); // no probe ran either
    const info = d.events.filter((e): e is Extract<EngineEvent, { type: 'exec.output' }> => e.type === 'exec.output' && e.stream === 'info');
    for (const node of ['n1', 'n2']) {
      const mine = info.filter((e) => e.node === node);
      expect(mine.find((e) => e.stepId === 'hello')!.data).toBe('[dry-run] would run: echo dry\n');
      expect(mine.find((e) => e.stepId === 'base')!.data).toContain('sha256sum /etc/hostname');
      const cut = mine.find((e) => e.stepId === 'cut')!.data;
      expect(cut).toMatch(/would inject dependency-block/);
      expect(cut).toMatch(/iptables/);
      expect(cut).toMatch(/and revert with/);
    }
    expect(rig.auditKinds('dryrun.command').map((r) => `${r.node}:${r.data.stepId}`).sort()).toEqual(['n1:after', 'n1:base', 'n1:cut', 'n1:hello', 'n2:after', 'n2:base', 'n2:cut', 'n2:hello']);
    expect(d.session.snapshot().dryRun).toBe(true);
    expect(d.invalid).toEqual([]);
  });
});
