/**
 * The pieces that tell a lapsed lease as it happened: renewal failures noticed within the ack
 * deadline, `renewed=no` handed over as a lapse, times read from the watchdog's log, the words, the
 * UI's lease cell, and which steps and SLO verdicts a lapse makes inconclusive.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectSpec, ExecResult, SshError } from '../../src-main/ssh/index.js';
import { expiryTime, firedAt, leaseRevertedDetail } from '../../src-main/engine/lease-facts.js';
import { describeLeaseNotice, type LeaseNotice } from '../../src-main/engine/lease-notice.js';
import { LeaseRenewal, renewAckMs, type LeasedFault } from '../../src-main/engine/lease-renewal.js';
import { LapseBook } from '../../src-main/engine/lease-lapses.js';
import { leaseCell } from '../../src-renderer/lib/lease.js';
import { planTimes, type Scenario } from '../../src-main/scenario/index.js';
import type { StepView } from '../../src-main/api/index.js';

const spec = { name: 'node06', host: '10.0.0.6', port: 22, user: 'root' } as ConnectSpec;
const fault = (id: string, state = 'active'): LeasedFault => ({ id, kind: 'port-block', state, target: { name: 'node06', spec }, module: { requires: { root: true } }, leaseExpiresAt: Date.now() + 9000, lastRenewedAt: Date.now() });
const result = (stdout: string): ExecResult => ({ node: 'node06', code: 0, signal: null, stdout, stderr: '', durationMs: 5, timedOut: false });

function harness(exec: () => Promise<ExecResult>, faults: LeasedFault[]) {
  const notices: LeaseNotice[] = [];
  const lapsed: string[] = [];
  const r = new LeaseRenewal<LeasedFault>({ runId: 'r1', leaseTtlSec: 9, faults: () => faults, exec, changed: () => undefined, notice: (n) => notices.push(n), renewFailed: () => undefined, lapsed: (f) => lapsed.push(f.id) });
  return { r, notices, lapsed };
}

afterEach(() => vi.useRealTimers());

describe('lease renewal', () => {
  it('a renewal that does not answer is a warning after half the interval, with the time the node reverts', async () => {
    vi.useFakeTimers();
    const f = fault('f1');
    const h = harness(() => new Promise<ExecResult>(() => undefined), [f]);
    void h.r.renewAll();
    expect(renewAckMs(9)).toBe(1500);
    await vi.advanceTimersByTimeAsync(1499);
    expect(h.notices).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(h.notices.map((n) => n.kind)).toEqual(['failing']);
    expect(f.leaseWarning?.expiresAt).toBe(f.leaseExpiresAt);
    // Still nothing from the node when the lease runs out: said once more, then silence.
    await vi.advanceTimersByTimeAsync(9000);
    expect(h.notices.map((n) => n.kind)).toEqual(['failing', 'overdue']);
    h.r.stop();
  });

  it('a renewal that fails outright warns at once; a later good one clears it', async () => {
    const f = fault('f1');
    let fail = true;
    const h = harness(async () => {
      if (fail) throw Object.assign(new Error('no answer from node06'), { code: 'TIMEOUT' }) as unknown as SshError;
      return result('GAMEDAY lease=f1 renewed=yes watchdog=alive\nGAMEDAY renewed=1\n');
    }, [f]);
    await h.r.renewAll();
    expect(h.notices.map((n) => n.kind)).toEqual(['failing']);
    fail = false;
    await h.r.renewAll();
    expect(h.notices.map((n) => n.kind)).toEqual(['failing', 'restored']);
    expect(f.leaseWarning).toBeUndefined();
    h.r.stop();
  });

  it('renewed=no on a fault in place is a lapse; on one still injecting it is not', async () => {
    const a = fault('fa');
    const b = fault('fb', 'injecting');
    const h = harness(async () => result('GAMEDAY lease=fa renewed=no\nGAMEDAY lease=fb renewed=no\nGAMEDAY renewed=0\n'), [a, b]);
    await h.r.renewAll();
    expect(h.lapsed).toEqual(['fa']);
    expect(a.leaseGoneSeenAt).toBeGreaterThan(0);
    expect(b.leaseGoneSeenAt).toBeUndefined();
    h.r.stop();
  });
});

describe('lease facts and words', () => {
  it('reads the watchdog log stamp, and falls back to last renewal + TTL when it is implausible', () => {
    expect(firedAt('2026-12-03T09:18:50+0000')).toBe(Date.parse('2026-12-03T09:18:50Z'));
    expect(firedAt('2026-12-03T10:18:50+0100')).toBe(Date.parse('2026-12-03T09:18:50Z'));
    expect(firedAt('garbage')).toBeUndefined();
    const last = Date.parse('2026-12-03T09:18:40Z');
    expect(expiryTime({ fired: last + 10_000, lastRenewedAt: last, ttlMs: 9000, seenAt: last + 30_000 })).toEqual({ at: last + 10_000, source: 'watchdog-log' });
    // A clock-skew fault moved the node's clock an hour: the estimate is used.
    expect(expiryTime({ fired: last + 3_600_000, lastRenewedAt: last, ttlMs: 9000, seenAt: last + 30_000 })).toEqual({ at: last + 9000, source: 'estimate' });
    expect(leaseRevertedDetail(Date.parse('2026-12-03T09:18:50.400Z'))).toBe("reverted by the node's lease at ≈2026-12-03T09:18:50Z (seen at reconnect)");
  });

  it('says when the node will revert by itself', () => {
    const now = Date.parse('2026-12-03T09:18:40Z');
    expect(describeLeaseNotice({ kind: 'failing', faultId: 'f1', faultKind: 'port-block', node: 'node06', reason: 'no answer', failedSince: now - 2000, expiresAt: now + 12_000 }, now)).toBe('lease of port-block on node06: renewal failed (no answer); lease expires in 12 s, then node06 reverts it by itself');
    expect(describeLeaseNotice({ kind: 'expired', faultId: 'f1', faultKind: 'port-block', node: 'node06', expiredAt: now, seenAt: now + 9000, source: 'watchdog-log', heldMs: 14_000, clean: true })).toBe("port-block on node06: reverted by the node's lease at ≈2026-12-03T09:18:40Z (seen at reconnect); in effect 14 s");
  });

  it('the UI lease cell turns amber while renewals fail and counts down to the node reverting', () => {
    const now = 1_000_000;
    expect(leaseCell({ state: 'active', leaseExpiresAt: now + 25_000 }, now)).toEqual({ text: '00:25', warn: false });
    const warned = leaseCell({ state: 'active', leaseExpiresAt: now + 7000, leaseWarning: { failedSince: now - 3000, expiresAt: now + 7000 } }, now);
    expect(warned).toMatchObject({ text: 'lease expires in 7 s', warn: true });
    expect(leaseCell({ state: 'active', leaseExpiresAt: now - 4000, leaseWarning: { failedSince: now - 14_000, expiresAt: now - 4000 } }, now).text).toBe('lease expired 4 s ago');
    expect(leaseCell({ state: 'reverted', leaseExpiresAt: now }, now)).toEqual({ text: '—', warn: false });
  });
});

describe('what a lapse makes inconclusive', () => {
  const scenario = { phases: [{ steps: [{ id: 'inj', kind: 'inject' }, { id: 'hold', kind: 'wait', duration: '45s' }, { id: 'check', kind: 'assert' }, { id: 'undo', kind: 'revert', step: 'inj' }, { id: 'after', kind: 'wait' }] }] } as unknown as Scenario;
  const view = (id: string, startedAt: number, endedAt: number): StepView => ({ id, phaseId: 'p', kind: 'x', title: id, status: 'done', needsApproval: false, startedAt, endedAt });
  const steps = [view('inj', 0, 1000), view('hold', 1000, 46_000), view('check', 46_000, 47_000), view('undo', 47_000, 48_000), view('after', 48_000, 60_000)];

  it('the steps run while the fault should have been held, up to its revert step; not the inject, not what came after', () => {
    // The run's durations in ms, planned once (a real run's RunLapses hands the book its plan).
    const book = new LapseBook(planTimes({ ...scenario, leaseTtl: '30s', probes: [] }));
    book.record({ faultId: 'f1', faultKind: 'port-block', node: 'node06', stepId: 'inj', injectedAt: 1000, expiredAt: 15_000 });
    const marked = book.inconclusiveSteps(scenario, steps, 60_000);
    expect([...marked.keys()]).toEqual(['hold', 'check', 'undo']);
    expect(marked.get('hold')).toBe("depended on port-block on node06 was in effect 14 s of the planned 46 s: the node's lease reverted it at ≈1970-01-01T00:00:15Z (seen at reconnect)");
  });

  it('passing SLO verdicts become inconclusive, failing ones stay failed', () => {
    const book = new LapseBook();
    book.record({ faultId: 'f1', faultKind: 'port-block', node: 'node06', stepId: 'inj', injectedAt: 1000, expiredAt: 15_000 });
    const out = book.judgeSlos([{ name: 'availability', verdict: 'pass', measured: '99%', target: '≥ 95%' }, { name: 'recovery', verdict: 'fail', measured: '40 s', target: '≤ 30 s' }], ['why']);
    expect(out.map((r) => `${r.verdict} ${r.detail ?? ''}`)).toEqual(['unknown inconclusive: why', 'fail ']);
  });
});
