/**
 * What `gameday run` prints about recovery, line by line (non-TTY) and in the end-of-run table: the
 * named clocks, "flapping · N relapse(s)" and "holding" instead of an early "recovered", and impact
 * with no fault behind it. It used to print "loss: recovered (6.14 s after inject)" mid-fault.
 */
import { describe, expect, it } from 'vitest';
import type { TimerView } from '../../src-main/api/index.js';
import { recoveryTable, timerLine } from '../../src-main/cli/commands/run-display.js';

process.env.NO_COLOR = '1';
const base: TimerView = { faultId: 'loss', probeId: 'api-health', series: 'all', state: 'waiting', injectedAt: 10_000, colour: 'green', precisionMs: 500, clock: 'revert', holdMs: 10_000, targetMs: 10_000, relapses: 0 };
const plain = (s: string | undefined) => s?.replace(/\x1b\[[0-9;]*m/g, '');

describe('run display of recovery', () => {
  it('never says "recovered" before the hold is over; says flapping with its relapses', () => {
    expect(plain(timerLine({ ...base, state: 'degraded', detectedAt: 11_200 }))).toBe('loss: impact detected 1.20s after the fault became active');
    expect(plain(timerLine({ ...base, state: 'recovering', holdingSince: 15_000 }))).toBe('loss: healthy again, holding (10.0s hold, and the fault is still active)');
    expect(plain(timerLine({ ...base, state: 'flapping', relapses: 3 }))).toBe('loss: flapping · 3 relapse(s)');
    expect(timerLine({ ...base, state: 'waiting' })).toBeUndefined();
  });

  it('names the clock of a recovery, and self-healing', () => {
    const rec = { ...base, state: 'recovered' as const, detectedAt: 11_200, recoveredAt: 52_000, endedAt: 50_000, recoverAfterRevertMs: 2000, impactMs: 40_800, relapses: 4 };
    expect(plain(timerLine(rec))).toBe('loss: recovered 2.00s after the revert (impact 40.8s, 4 relapse(s), ±500 ms)');
    expect(plain(timerLine({ ...rec, recoverAfterRevertMs: undefined, selfHealed: true, selfHealedAfterMs: 6000, relapses: 0 }))).toBe('loss: self-healed 6.00s after the fault became active, and held through the revert (impact 40.8s, ±500 ms)');
    expect(plain(timerLine({ ...base, state: 'interrupted', interruptedBy: 'second' }))).toBe('loss: recovery not confirmed: second became active first');
  });

  it('prints unattributed impact apart, and a table of named figures at the end', () => {
    const loose: TimerView = { ...base, faultId: 'unattributed-1', series: 'node01', state: 'recovered', unattributed: true, detectedAt: 90_000, recoveredAt: 93_000, impactMs: 3000 };
    expect(plain(timerLine({ ...loose, state: 'degraded' }))).toBe('unattributed impact on api-health (node01): unhealthy while no fault is active');
    expect(plain(timerLine(loose))).toBe('unattributed impact on api-health (node01): recovered after 3.00s of impact');
    const t = plain(recoveryTable([{ ...base, state: 'recovered', detectedAt: 11_200, recoveredAt: 52_000, recoverAfterRevertMs: 2000, impactMs: 40_800, relapses: 4 }, loose]))!;
    expect(t).toMatch(/RECOVERY\s+STATE\s+TIME TO DETECT\s+IMPACT\s+AFTER REVERT\s+SELF-HEALED\s+RELAPSES\s+TARGET/);
    expect(t).toMatch(/loss\s+recovered\s+1\.20s\s+40\.8s\s+2\.00s\s+no\s+4\s+≤ 10\.0s from revert/);
    expect(t).toMatch(/unattributed-1 \(no fault\)\s+recovered\s+—\s+3\.00s/);
  });
});
