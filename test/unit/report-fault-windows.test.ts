/**
 * Fault windows as the report derives them from the audit (report/fault-walk.ts): a window opens
 * when the step's inject is sent, and ends only on a verified end — a verified revert, the node's
 * lease known to have expired (`fault.lease-expired`, at its `expiredAt`), or at once for a one-shot
 * fault. A revert that left residue, or an unreachable node, ends nothing. The live side
 * (RunTelemetry) ends windows on the same events (checked there).
 */
import { describe, expect, it } from 'vitest';
import type { FaultRow } from '../../src-main/audit/index.js';
import type { Ev } from '../../src-main/audit/run-read.js';
import { walkFaults } from '../../src-main/report/fault-walk.js';
import { RunTelemetry } from '../../src-main/engine/run-telemetry.js';
import { parseScenario } from '../../src-main/scenario/index.js';

const T0 = 1_700_000_000_000;
let seq = 0;
const ev = (t: number, kind: string, data: Record<string, unknown>): Ev => ({ seq: ++seq, kind, actor: null, node: null, ts: new Date(T0 + t).toISOString(), t: T0 + t, data });
const row = (id: string, state: FaultRow['state'], o: Partial<FaultRow> = {}): FaultRow => ({ id, run_id: 'r', node: 'n1', kind: 'network-partition', params: '{}', state, one_shot: 0, revert_cmd: null, lease_ttl_s: 15, lease_expires_at: null, injected_at: null, reverted_at: null, detail: null, ...o });

function walk(endEvents: (id: string) => Ev[], state: FaultRow['state'], o: Partial<FaultRow> = {}) {
  const id = 'cut-1abc';
  const events = [
    ev(0, 'step.started', { stepId: 'cut', kind: 'inject' }),
    ev(10, 'fault.intent', { faultId: id }),
    ev(20, 'fault.injecting', { faultId: id }),
    ev(900, 'fault.active', { faultId: id }),
    ev(950, 'step.done', { stepId: 'cut' }),
    ...endEvents(id),
  ];
  return walkFaults(events, [row(id, state, o)], T0);
}

describe('fault windows from the audit', () => {
  it('open when the inject is sent, end when the revert is verified', () => {
    const w = walk((id) => [ev(5000, 'fault.reverting', { faultId: id }), ev(5400, 'fault.reverted', { faultId: id })], 'reverted').windows[0];
    expect(w).toMatchObject({ stepId: 'cut', openAt: T0 + 20, injectAt: T0 + 900, endAt: T0 + 5400, endKind: 'revert' });
  });

  it('end at the lease expiry when the node reverted it by itself (fault.lease-expired), even if seen later', () => {
    const r = walk((id) => [ev(5000, 'fault.reverting', { faultId: id }), ev(5300, 'fault.unreachable', { faultId: id }), ev(31_000, 'fault.lease-expired', { fault: id, node: 'n1', expiredAt: T0 + 20_000, seenAt: T0 + 31_000 }), ev(31_000, 'fault.reverted', { faultId: id, detail: 'reverted by its lease' })], 'reverted');
    expect(r.windows[0]).toMatchObject({ endAt: T0 + 20_000, endKind: 'lease', method: 'lease' });
    expect(r.faults[0]!.revertText).toMatch(/lease watchdog/);
  });

  it('a revert that left residue, or an unreachable node, ends nothing: the window stays open', () => {
    expect(walk((id) => [ev(5000, 'fault.reverting', { faultId: id }), ev(5400, 'fault.residue', { faultId: id })], 'residue').windows[0]!.endAt).toBeUndefined();
    expect(walk((id) => [ev(5000, 'fault.reverting', { faultId: id }), ev(5400, 'fault.unreachable', { faultId: id })], 'unreachable').windows[0]!.endAt).toBeUndefined();
  });

  it('a one-shot fault ends as it becomes active', () => {
    const w = walk(() => [], 'active', { one_shot: 1 }).windows[0];
    expect(w).toMatchObject({ injectAt: T0 + 900, endAt: T0 + 900, endKind: 'one-shot' });
  });
});

describe('fault windows live (RunTelemetry)', () => {
  const { scenario } = parseScenario(
    `version: 1
title: t
hypothesis: h
targets: { all: { selector: "tag:x", maxNodes: 2 } }
probes: [{ id: p, kind: http, url: "http://127.0.0.1:1/", interval: 100ms, timeout: 50ms }]
phases: [{ id: a, title: A, steps: [{ id: w, kind: wait, duration: 1s }] }]
`,
    'x.yaml',
  );
  const view = (id: string, state: string, oneShot = false) => ({ id, stepId: 'cut', kind: 'network-partition', node: id, state, oneShot, leaseExpiresAt: 0 }) as Parameters<RunTelemetry['faultChanged']>[0];

  it('open on the first inject sent, active when the step says so, end when EVERY fault of the step ended', () => {
    const t = new RunTelemetry(scenario, 'r', () => undefined);
    t.faultChanged(view('a', 'injecting'), 100);
    t.faultChanged(view('b', 'injecting'), 110);
    t.faultChanged(view('a', 'active'), 800);
    t.faultChanged(view('b', 'active'), 850);
    t.injected('cut', 900);
    // Active when the last of its faults became active (the instant the audit records), not when the
    // inject call returned (900): the report's walk starts it there too.
    expect(t.windows()).toEqual([{ id: 'cut', openAt: 100, activeAt: 850 }]);
    t.faultChanged(view('a', 'reverted'), 5000);
    expect(t.windows()[0]!.endAt).toBeUndefined(); // b is still active
    t.faultChanged(view('b', 'unreachable'), 5100);
    expect(t.windows()[0]!.endAt).toBeUndefined(); // unreachable ends nothing
    t.leaseExpired('b', 20_000);
    expect(t.windows()[0]).toMatchObject({ endAt: 20_000, endKind: 'lease' });
  });

  it('a one-shot fault’s window ends at once; a rolled-back inject leaves no window', () => {
    const t = new RunTelemetry(scenario, 'r', () => undefined);
    t.faultChanged(view('k', 'injecting', true), 100);
    t.faultChanged(view('k', 'active', true), 700);
    t.injected('cut', 750);
    expect(t.windows()[0]).toMatchObject({ activeAt: 700, endAt: 700, endKind: 'one-shot' });
    const u = new RunTelemetry(scenario, 'r', () => undefined);
    u.faultChanged(view('x', 'injecting'), 100);
    u.faultChanged(view('x', 'reverting'), 300);
    u.faultChanged(view('x', 'reverted'), 400);
    u.faultChanged(view('x', 'failed'), 410);
    expect(u.windows()).toEqual([]);
  });

  it('start and end at the very instants the audit records (atMs), not the audit row\'s later wall time: the report and the live timers agree to the millisecond', () => {
    // What FaultManager does: one instant per state change, recorded as atMs and handed to the live side.
    // The audit's wall stamps (e.t) come a few ms later (the write itself); the walk must not use them.
    const id = 'cut-1abc';
    const at = { injecting: T0 + 20.3, active: T0 + 897.6, reverted: T0 + 5401.2 };
    const events = [
      ev(0, 'step.started', { stepId: 'cut', kind: 'inject' }),
      ev(10, 'fault.intent', { faultId: id }),
      ev(23, 'fault.injecting', { faultId: id, atMs: at.injecting }),
      ev(900, 'fault.active', { faultId: id, atMs: at.active }),
      ev(950, 'step.done', { stepId: 'cut' }),
      ev(5000, 'fault.reverting', { faultId: id, atMs: T0 + 4999 }),
      ev(5404, 'fault.reverted', { faultId: id, atMs: at.reverted }),
    ];
    const walked = walkFaults(events, [row(id, 'reverted')], T0).windows[0]!;
    const t = new RunTelemetry(scenario, 'r', () => undefined);
    t.faultChanged(view(id, 'injecting'), at.injecting);
    t.faultChanged(view(id, 'active'), at.active);
    t.injected('cut', T0 + 905); // the inject call returned later still
    t.faultChanged(view(id, 'reverting'), T0 + 4999);
    t.faultChanged(view(id, 'reverted'), at.reverted);
    const live = t.windows()[0]!;
    expect({ openAt: walked.openAt, activeAt: walked.injectAt, endAt: walked.endAt }).toEqual({ openAt: at.injecting, activeAt: at.active, endAt: at.reverted });
    expect({ openAt: live.openAt, activeAt: live.activeAt, endAt: live.endAt }).toEqual({ openAt: at.injecting, activeAt: at.active, endAt: at.reverted });
    // An audit written before atMs existed still reads: its wall times.
    const old = walkFaults(events.map((e) => ({ ...e, data: { ...e.data, atMs: undefined } })), [row(id, 'reverted')], T0).windows[0]!;
    expect(old).toMatchObject({ openAt: T0 + 23, injectAt: T0 + 900, endAt: T0 + 5404 });
  });
});
