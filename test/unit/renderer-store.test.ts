/** Renderer store: every engine event type changes the store the way the screens expect. */
import { describe, expect, it } from 'vitest';
import type { EngineEvent, RunSnapshot } from '../../src-main/api/index.js';
import { engineEventSchema } from '../../src-main/api/index.js';
import { applyEvent, createConsoleStore } from '../../src-renderer/store/store.js';
import { MAX_POINTS_PER_SERIES } from '../../src-renderer/store/probe-data.js';

const T0 = 1_700_000_000_000;
const snapshot = (over: Partial<RunSnapshot> = {}): RunSnapshot => ({
  runId: 'r1',
  scenarioFile: 's.yaml',
  title: 'T',
  environment: 'lab',
  simulated: false,
  dryRun: false,
  state: 'running',
  commander: 'Ana',
  roles: { commander: ['Ana'] },
  startedAt: T0,
  serverNow: T0 + 5000,
  phases: [{ id: 'p1', title: 'P1', status: 'running', plannedMs: 10_000, startedAt: T0 }],
  steps: [{ id: 's1', phaseId: 'p1', kind: 'instruction', title: 'S1', status: 'running', needsApproval: false }],
  currentStepId: 's1',
  faults: [{ id: 'f1', kind: 'network-loss', node: 'node01', state: 'active', oneShot: false, injectedAt: T0 + 1000, leaseExpiresAt: T0 + 31_000 }],
  timers: [],
  probes: [{ id: 'http', kind: 'http', series: ['node01'], intervalMs: 500, healthy: { node01: true } }],
  notes: [],
  ...over,
});

function started() {
  const store = createConsoleStore();
  // Local clock is 2 s behind the engine's.
  applyEvent(store, { type: 'run.snapshot', snapshot: snapshot() }, T0 + 3000);
  return store;
}
const ev = (e: EngineEvent): EngineEvent => engineEventSchema.parse(e);

describe('renderer store reducers', () => {
  it('run.snapshot replaces the run and records the clock offset', () => {
    const s = started().getState();
    expect(s.run).toMatchObject({ runId: 'r1', state: 'running', commander: 'Ana' });
    expect(s.clockOffsetMs).toBe(2000);
    expect(s.currentStepId).toBe('s1');
    expect(Object.keys(s.faults)).toEqual(['f1']);
    expect(s.probes.http?.series).toEqual(['node01']);
  });

  it('run.state updates the state and stamps the end of a finished run', () => {
    const store = started();
    applyEvent(store, ev({ type: 'run.state', runId: 'r1', state: 'paused', at: T0 + 6000 }));
    expect(store.getState().run?.state).toBe('paused');
    expect(store.getState().run?.endedAt).toBeUndefined();
    applyEvent(store, ev({ type: 'run.state', runId: 'r1', state: 'completed', at: T0 + 9000 }));
    expect(store.getState().run).toMatchObject({ state: 'completed', endedAt: T0 + 9000 });
  });

  it('phase.update upserts by id', () => {
    const store = started();
    applyEvent(store, ev({ type: 'phase.update', runId: 'r1', phase: { id: 'p1', title: 'P1', status: 'done', endedAt: T0 + 9000 } }));
    applyEvent(store, ev({ type: 'phase.update', runId: 'r1', phase: { id: 'p2', title: 'P2', status: 'running' } }));
    expect(store.getState().phases.map((p) => `${p.id}:${p.status}`)).toEqual(['p1:done', 'p2:running']);
  });

  it('step.update upserts and moves the current step to a live one', () => {
    const store = started();
    applyEvent(store, ev({ type: 'step.update', runId: 'r1', step: { id: 's1', phaseId: 'p1', kind: 'instruction', title: 'S1', status: 'done', needsApproval: false } }));
    expect(store.getState().currentStepId).toBe('s1');
    applyEvent(store, ev({ type: 'step.update', runId: 'r1', step: { id: 's2', phaseId: 'p1', kind: 'approval', title: 'Go?', status: 'awaiting-approval', needsApproval: true } }));
    expect(store.getState().currentStepId).toBe('s2');
    expect(store.getState().steps.map((x) => x.status)).toEqual(['done', 'awaiting-approval']);
  });

  it('fault.update upserts and stamps when the fault ended (the chart band end)', () => {
    const store = started();
    applyEvent(store, ev({ type: 'fault.update', runId: 'r1', fault: { id: 'f1', kind: 'network-loss', node: 'node01', state: 'reverting', oneShot: false, leaseExpiresAt: 1 } }), T0 + 7000);
    expect(store.getState().faultEndedAt.f1).toBeUndefined();
    applyEvent(store, ev({ type: 'fault.update', runId: 'r1', fault: { id: 'f1', kind: 'network-loss', node: 'node01', state: 'reverted', oneShot: false, leaseExpiresAt: 1 } }), T0 + 8000);
    expect(store.getState().faults.f1?.state).toBe('reverted');
    expect(store.getState().faultEndedAt.f1).toBe(T0 + 10_000);
  });

  it('timer.update keys timers by fault, probe and series', () => {
    const store = started();
    const timer = { faultId: 'f1', probeId: 'http', series: 'node01', state: 'degraded' as const, injectedAt: T0, detectedAt: T0 + 1500, colour: 'green' as const, precisionMs: 500 };
    applyEvent(store, ev({ type: 'timer.update', runId: 'r1', timer }));
    applyEvent(store, ev({ type: 'timer.update', runId: 'r1', timer: { ...timer, state: 'recovered', recoveredAt: T0 + 9000 } }));
    expect(Object.values(store.getState().timers)).toHaveLength(1);
    expect(store.getState().timers['f1|http|node01']?.state).toBe('recovered');
  });

  it('probe.samples go to the probe buffers, not React state, and stay bounded', () => {
    const store = started();
    const before = store.getState();
    const points: Array<[number, number | null, 0 | 1]> = Array.from({ length: MAX_POINTS_PER_SERIES + 10 }, (_, i) => [T0 + i, i % 3 === 0 ? null : i, i % 2 === 0 ? 1 : 0]);
    applyEvent(store, ev({ type: 'probe.samples', runId: 'r1', probeId: 'http', series: 'node01', points }));
    const after = store.getState();
    expect(after).toBe(before);
    const buf = after.probeData.series('http').get('node01')!;
    expect(buf.length).toBe(MAX_POINTS_PER_SERIES);
    expect(buf.t[buf.at(0)]).toBe(T0 + 10);
    expect(buf.lastHealthy()).toBe(false);
  });

  it('exec.output goes to the output log, stamped with its arrival on the engine clock', () => {
    const store = started();
    const offset = store.getState().clockOffsetMs;
    applyEvent(store, ev({ type: 'exec.output', runId: 'r1', stepId: 's1', node: 'node01', stream: 'stdout', data: 'hello\n' }), T0 + 4000);
    expect(store.getState().execLog.all()).toEqual([{ node: 'node01', stepId: 's1', stream: 'stdout', data: 'hello\n', at: T0 + 4000 + offset }]);
  });

  it('note.added appends', () => {
    const store = started();
    applyEvent(store, ev({ type: 'note.added', runId: 'r1', note: { ts: T0, role: 'scribe', author: 'Bo', text: 'alert fired' } }));
    expect(store.getState().notes.map((n) => n.text)).toEqual(['alert fired']);
  });

  it('abort.fired records the reason', () => {
    const store = started();
    applyEvent(store, ev({ type: 'abort.fired', runId: 'r1', reason: 'api-health unhealthy for 20s', at: T0 }));
    expect(store.getState().run?.abortReason).toBe('api-health unhealthy for 20s');
  });

  it('stop.report shows the per-node result', () => {
    const store = started();
    store.getState().setStopPending(true);
    const report = { reason: 'STOP', actor: 'Ana', startedAt: new Date(T0).toISOString(), durationMs: 800, clean: false, nodes: [{ node: 'node01', status: 'residue' as const, faults: [] }] };
    applyEvent(store, ev({ type: 'stop.report', runId: 'r1', report }));
    expect(store.getState()).toMatchObject({ stop: report, stopPending: false });
  });

  it('run.result stores the SLO verdicts and exit code', () => {
    const store = started();
    applyEvent(store, ev({ type: 'run.result', runId: 'r1', slos: [{ name: 'recoveryTime', verdict: 'pass', measured: '4.1 s', target: '10 s' }], exitCode: 0 }));
    expect(store.getState()).toMatchObject({ exitCode: 0, slos: [{ verdict: 'pass' }] });
  });

  it('shell.output and shell.closed reach only the terminal that owns the shell', () => {
    const store = started();
    const got: string[] = [];
    store.getState().shells.attach('sh1', { data: (d) => got.push(d), closed: (r) => got.push(`closed:${r}`) });
    applyEvent(store, ev({ type: 'shell.output', shellId: 'sh1', data: 'é$ ' }));
    applyEvent(store, ev({ type: 'shell.output', shellId: 'other', data: 'nope' }));
    applyEvent(store, ev({ type: 'shell.closed', shellId: 'sh1', reason: 'exit' }));
    applyEvent(store, ev({ type: 'shell.output', shellId: 'sh1', data: 'late' }));
    expect(got).toEqual(['é$ ', 'closed:exit']);
  });

  it('log keeps a bounded list and turns errors into a toast', () => {
    const store = started();
    for (let i = 0; i < 250; i++) applyEvent(store, ev({ type: 'log', level: 'info', message: `m${i}`, at: i }));
    applyEvent(store, ev({ type: 'log', level: 'error', message: 'lease renewal failed on node03', at: 1 }));
    expect(store.getState().logs).toHaveLength(200);
    expect(store.getState().toast).toMatchObject({ kind: 'error', text: 'lease renewal failed on node03' });
  });

  it('events of an unknown run ask for a resync and change nothing', () => {
    const store = started();
    const before = store.getState();
    expect(applyEvent(store, ev({ type: 'run.state', runId: 'other', state: 'aborted', at: 1 }))).toBe(true);
    expect(store.getState()).toBe(before);
    const empty = createConsoleStore();
    expect(applyEvent(empty, ev({ type: 'step.update', runId: 'r1', step: { id: 'x', phaseId: 'p', kind: 'k', title: 't', status: 'running', needsApproval: false } }))).toBe(true);
  });

  it('a snapshot of a new run clears the previous run’s samples and output', () => {
    const store = started();
    applyEvent(store, ev({ type: 'probe.samples', runId: 'r1', probeId: 'http', series: 'node01', points: [[T0, 1, 1]] }));
    applyEvent(store, ev({ type: 'exec.output', runId: 'r1', node: 'node01', stream: 'info', data: 'x' }));
    applyEvent(store, { type: 'run.snapshot', snapshot: snapshot({ runId: 'r2', faults: [] }) }, T0);
    expect(store.getState().probeData.totalPoints()).toBe(0);
    expect(store.getState().execLog.all()).toHaveLength(0);
    expect(store.getState().run?.runId).toBe('r2');
  });

  it('covers every event type of the contract', () => {
    const tested = ['run.snapshot', 'run.state', 'phase.update', 'step.update', 'fault.update', 'timer.update', 'probe.samples', 'exec.output', 'note.added', 'abort.fired', 'stop.report', 'run.result', 'shell.output', 'shell.closed', 'log', 'drill.update' /* renderer-replay.test.ts */];
    const all = engineEventSchema.options.map((o) => o.shape.type.value);
    expect([...all].sort()).toEqual([...tested].sort());
  });
});
