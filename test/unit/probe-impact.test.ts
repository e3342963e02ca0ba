/**
 * The one impact attribution (src-main/probes/impact.ts), on synthetic sample streams whose truth is
 * known by construction: a held healthy run is recovery, a short one inside a flapping fault is not;
 * named clocks; impact attributed to the fault whose window it starts in, never to an earlier one;
 * impact outside every window is unattributed; the live (incremental) tracker and the batch function
 * give the same figures whatever order windows and samples arrive in.
 */
import { describe, expect, it } from 'vitest';
import { attributeImpact, holdWindowMs, ImpactTracker, type ImpactResult, type ImpactWindow } from '../../src-main/probes/impact.js';
import { LiveRecoveryTimers } from '../../src-main/probes/live-timers.js';
import { recoveryFigure } from '../../src-main/probes/recovery.js';
import { judgeDetection, judgeRecovery } from '../../src-main/probes/slo.js';
import type { Sample } from '../../src-main/probes/types.js';

const IV = 100;
/** k = 3 samples, a 500 ms hold: short enough to write streams by hand. */
const O = { healthyAfter: 3, intervalMs: IV, holdMs: 500 };

/** One char per tick: H healthy, U unhealthy, `.` no sample. Sample i is at start + i·IV. */
function stream(pattern: string, o: { start?: number; series?: string; probeId?: string } = {}): Sample[] {
  const out: Sample[] = [];
  [...pattern].forEach((c, i) => {
    if (c !== '.') out.push({ probeId: o.probeId ?? 'p', series: o.series ?? 'default', t: (o.start ?? 0) + i * IV, value: 1, healthy: c === 'H', latencyMs: 5 });
  });
  return out;
}

const measure = (samples: Sample[], windows: ImpactWindow[], o: Partial<typeof O> & { observedUntil?: number } = {}): ImpactResult => attributeImpact('p', samples, windows, { ...O, ...o });

describe('hold window', () => {
  it('is the larger of k sample intervals and the configured hold (default 10 s)', () => {
    expect(holdWindowMs({ healthyAfter: 3, intervalMs: 1000 })).toBe(10_000);
    expect(holdWindowMs({ healthyAfter: 3, intervalMs: 5000 })).toBe(15_000);
    expect(holdWindowMs({ healthyAfter: 3, intervalMs: 1000, holdMs: 2000 })).toBe(3000);
    expect(() => new ImpactTracker('p', { healthyAfter: 0, intervalMs: 100 })).toThrow(RangeError);
  });
});

describe('a clean outage', () => {
  //                 0         1000      2000      3000
  const s = stream('HHHHHHHHHHHHUUUUUUUUHHHHHHHHHHHHHHHH');
  it('names every clock: detect from active, impact, recovered after the revert', () => {
    const [f] = measure(s, [{ id: 'cut', activeAt: 1000, endAt: 1800, endKind: 'revert' }]).faults;
    expect(f).toMatchObject({ state: 'recovered', detectedAt: 1200, ttdMs: 200, detectBracketMs: 100, recoveredAt: 2000, recoverBracketMs: 100, ttrFromActiveMs: 1000, impactMs: 800, recoverAfterRevertMs: 200, selfHealed: false, relapses: 0 });
    expect(recoveryFigure(f!, 'revert')).toBe(200);
    expect(recoveryFigure(f!, 'inject')).toBe(1000);
    expect(recoveryFigure(f!, 'detect')).toBe(800);
  });

  it('is confirmed only after the hold: a shorter observation leaves it "recovering"', () => {
    const [f] = measure(s.filter((x) => x.t < 2500), [{ id: 'cut', activeAt: 1000, endAt: 1800 }]).faults;
    expect(f).toMatchObject({ state: 'recovering', holdingSince: 2000, holdUntil: 2500 });
    expect(f!.recoveredAt).toBeUndefined();
  });

  it('widens the brackets over gaps instead of claiming ±interval', () => {
    const [f] = measure(stream('HHH....UUU...HHHHHHHHHH'), [{ id: 'x', activeAt: 100, endAt: 1000 }]).faults;
    expect(f).toMatchObject({ detectedAt: 700, detectBracketMs: 500, recoveredAt: 1300, recoverBracketMs: 400 });
  });
});

describe('flapping inside a fault is not recovery', () => {
  // Fault active 0..2950; healthy runs of 1-4 samples (shorter than the 500 ms hold) break again.
  const flap = 'HUUHUHHUHHHUHHHHUHUUHHHUHHUHUU';
  const s = stream(`${flap}HHHHHHHHHHHHHHH`);
  const w = { id: 'loss', activeAt: 0, endAt: 2950 };

  it('never reads recovered before the end of the fault plus the hold, live, sample by sample', () => {
    const tr = new ImpactTracker('p', O);
    tr.activate('loss', 0);
    const seen: string[] = [];
    for (const x of s) {
      if (x.t >= 2950 && tr.window('loss')!.endAt === undefined) tr.end('loss', 2950, 'revert');
      tr.sample(x);
      const f = tr.result(x.t).faults[0]!;
      seen.push(f.state);
      if (x.t < 2950 + 500) expect(f.state, `at ${x.t}`).not.toBe('recovered');
    }
    expect(seen).toContain('flapping');
    expect(seen[seen.length - 1]).toBe('recovered');
  });

  it('recovers at the first healthy sample after the revert; every broken run is a relapse', () => {
    const [f] = measure(s, [w]).faults;
    expect(f).toMatchObject({ state: 'recovered', recoveredAt: 3000, recoverBracketMs: 100, recoverAfterRevertMs: 50, selfHealed: false });
    expect(f!.relapses).toBe(8); // healthy runs at 300, 500, 800, 1200, 1700, 2000, 2400, 2700 each broke again
    expect(f!.impactMs).toBe(2900);
  });

  it('stays "flapping" (amber) while the fault is active, with the relapses counted', () => {
    const live = new LiveRecoveryTimers({ probeId: 'p', ...O, recoveryTargetMs: 10_000 });
    live.addFault('loss', 0);
    for (const x of s.filter((y) => y.t < 2000)) live.onSample(x);
    const [t] = live.snapshot(2000);
    expect(t).toMatchObject({ state: 'flapping', vsTarget: 'amber' });
    expect(t!.relapses).toBeGreaterThan(3);
  });
});

describe('self-healed during the fault', () => {
  // unhealthy 100..500, healthy from 600 for the whole rest of a fault that lasts until 3000
  const s = stream(`H${'U'.repeat(5)}${'H'.repeat(40)}`);
  const w = { id: 'kill', activeAt: 0, endAt: 3000 };

  it('holds until the revert plus the hold; then self-healed, 0 on the revert clock', () => {
    const early = measure(s.filter((x) => x.t < 3000), [{ id: 'kill', activeAt: 0 }]).faults[0]!;
    expect(early).toMatchObject({ state: 'recovering', holdingSince: 600 });
    expect(early.holdUntil).toBeUndefined(); // the fault is still active: no end known
    const [f] = measure(s, [w]).faults;
    expect(f).toMatchObject({ state: 'recovered', recoveredAt: 600, selfHealed: true, selfHealedAfterMs: 600, impactMs: 500 });
    expect(f!.recoverAfterRevertMs).toBeUndefined();
    expect(recoveryFigure(f!, 'revert')).toBe(0);
    expect(judgeRecovery(f!, 1000, 'revert', 4500, IV)).toMatchObject({ verdict: 'pass', measured: 0, reason: expect.stringMatching(/self-healed/) });
  });

  it('a run that began less than a hold before the revert is "0 after the revert", not self-healing', () => {
    // healthy from 2700; revert at 3000: it came back 300 ms before the revert
    const late = stream(`H${'U'.repeat(26)}${'H'.repeat(20)}`);
    const tr = new ImpactTracker('p', O);
    tr.activate('kill', 0);
    tr.end('kill', 3000, 'revert');
    for (const x of late) {
      tr.sample(x);
      if (x.t < 3500) expect(tr.result(x.t).faults[0]!.state, `at ${x.t}`).not.toBe('recovered');
    }
    expect(tr.result().faults[0]).toMatchObject({ state: 'recovered', recoveredAt: 2700, selfHealed: false, recoverAfterRevertMs: 0, impactMs: 2600 });
  });
});

describe('attribution to the fault whose window it starts in', () => {
  it('a second fault on another series does not spoil the first (its run holds across the inject)', () => {
    const s = [
      ...stream('HHHHHHHHHHHUUUUUUUUUHHHHHHHHHHHHHHHHHHHHHHHH', { series: 'a' }),
      ...stream('HHHHHHHHHHHHHHHHHHHHHHHHHUUUUUUUUHHHHHHHHHHH', { series: 'b' }),
    ];
    const windows = [
      { id: 'f1', activeAt: 1000, endAt: 1900 },
      { id: 'f2', activeAt: 2300, endAt: 3300 },
    ];
    const r = measure(s, windows);
    expect(r.faults[0]).toMatchObject({ id: 'f1', state: 'recovered', detectedAt: 1100, recoveredAt: 2000, recoverAfterRevertMs: 100, impactMs: 900 });
    expect(r.faults[1]).toMatchObject({ id: 'f2', state: 'recovered', detectedAt: 2500, recoveredAt: 3300, impactMs: 800 });
    expect(r.faults[0]!.series.map((x) => x.series)).toEqual(['a']);
    expect(r.unattributed).toEqual([]);
  });

  it('on one series, the next fault’s impact is its own: the first is "interrupted", not slower', () => {
    const s = stream('HHHHHHHHHHHUUUUUUUUUHHHHUUUUUUHHHHHHHHHHHHH');
    const r = measure(s, [
      { id: 'f1', activeAt: 1000, endAt: 1900 },
      { id: 'f2', activeAt: 2300, endAt: 2950 },
    ]);
    expect(r.faults[0]).toMatchObject({ id: 'f1', state: 'interrupted', interruptedAt: 2300, interruptedBy: 'f2', impactMs: 1200 });
    expect(r.faults[0]!.recoveredAt).toBeUndefined();
    expect(r.faults[1]).toMatchObject({ id: 'f2', state: 'recovered', detectedAt: 2400, recoveredAt: 3000 });
    expect(r.faults[1]!.unhealthyAtStart).toBeUndefined();
    expect(judgeRecovery(r.faults[0]!, 10_000, 'revert', 5000, IV)).toMatchObject({ verdict: 'unknown', reason: expect.stringMatching(/f2 became active/) });
  });

  it('a fault injected while the previous impact is still unhealthy says so (detection ≈ 0 means nothing)', () => {
    const s = stream('HHHHHHHHHHHUUUUUUUUUUUUUUUUUHHHHHHHHHH');
    const r = measure(s, [
      { id: 'f1', activeAt: 1000, endAt: 2000 },
      { id: 'f2', activeAt: 2200, endAt: 2700 },
    ]);
    expect(r.faults[0]).toMatchObject({ state: 'interrupted', interruptedAt: 2200 });
    expect(r.faults[1]).toMatchObject({ detectedAt: 2200, ttdMs: 0, unhealthyAtStart: true, recoveredAt: 2800 });
    expect(judgeDetection(r.faults[1]!, 1000, IV).reason).toMatch(/already unhealthy/);
  });

  it('impact with no fault behind it is unattributed and never changes a fault’s figures', () => {
    const base = 'HHHHHHHHHHHUUUUUUUUUHHHHHHHHHHHHHHHHHHHH';
    const windows = [{ id: 'f1', activeAt: 1000, endAt: 1900 }];
    const clean = measure(stream(`${base}${'H'.repeat(20)}`), windows);
    const withOutage = measure(stream(`${base}HHHHHUUUHHHHHHHHHHHH`), windows);
    expect(withOutage.faults).toEqual(clean.faults);
    expect(withOutage.unattributed).toEqual([{ startAt: 4500, recoveredAt: 4800, untilAt: 4800, durationMs: 300, state: 'recovered', series: ['default'], relapses: 0 }]);
  });

  it('an open unattributed impact counts up to the end of observation', () => {
    const r = measure(stream('HHHHHUUUUU'), [], { observedUntil: 2000 });
    expect(r.unattributed).toEqual([{ startAt: 500, untilAt: 2000, durationMs: 1500, state: 'open', series: ['default'], relapses: 0 }]);
  });
});

describe('a window opens when the inject is sent', () => {
  it('impact while the inject is being verified is the fault’s (detected at once), not unattributed', () => {
    // inject sent at 1000, verified at 1400; the probe sees it at 1100
    const s = stream('HHHHHHHHHHHUUUUUUUUUHHHHHHHHHHHHHHH');
    const r = measure(s, [{ id: 'cut', openAt: 1000, activeAt: 1400, endAt: 1900 }]);
    expect(r.unattributed).toEqual([]);
    expect(r.faults[0]).toMatchObject({ detectedAt: 1100, ttdMs: 0, detectBracketMs: 100, recoveredAt: 2000, ttrFromActiveMs: 600 });
    // Without openAt the same impact would start outside the window: it would be cut and unattributed.
    const late = measure(s, [{ id: 'cut', activeAt: 1400, endAt: 1900 }]);
    expect(late.unattributed).toHaveLength(1);
  });

  it('live: open, then activate, then a rolled-back inject is forgotten', () => {
    const tr = new ImpactTracker('p', O);
    tr.open('x', 500);
    expect(tr.window('x')).toMatchObject({ openAt: 500, activeAt: 500 });
    tr.activate('x', 800);
    expect(tr.window('x')).toMatchObject({ openAt: 500, activeAt: 800 });
    tr.open('y', 2000);
    tr.drop('y');
    expect(tr.window('y')).toBeUndefined();
  });
});

describe('how a window ends', () => {
  it('the earliest end wins: a lease known to have expired before a later revert', () => {
    const tr = new ImpactTracker('p', O);
    tr.activate('cut', 0);
    tr.end('cut', 3000, 'revert');
    tr.end('cut', 2000, 'lease');
    expect(tr.window('cut')).toMatchObject({ endAt: 2000, endKind: 'lease' });
    tr.end('cut', 2500, 'revert');
    expect(tr.window('cut')).toMatchObject({ endAt: 2000, endKind: 'lease' });
  });

  it('a fault never verified reverted cannot be confirmed recovered', () => {
    const [f] = measure(stream('HUUUHHHHHHHHHHHHHHHH'), [{ id: 'stuck', activeAt: 0 }]).faults;
    expect(f).toMatchObject({ state: 'recovering', holdingSince: 400 });
    expect(judgeRecovery(f!, 1000, 'revert', 2000, IV)).toMatchObject({ verdict: 'unknown', reason: expect.stringMatching(/never verified reverted/) });
  });

  it('not recovered: fail once the clock is past the target, unknown before', () => {
    const [f] = measure(stream('HUUUUUUUUUUUUUUUUUUU'), [{ id: 'x', activeAt: 0, endAt: 500 }]).faults;
    expect(judgeRecovery(f!, 1000, 'revert', 2000, IV)).toMatchObject({ verdict: 'fail', margin: -500 });
    expect(judgeRecovery(f!, 2000, 'revert', 2000, IV)).toMatchObject({ verdict: 'unknown' });
    expect(judgeRecovery(f!, 1000, 'inject', 2000, IV)).toMatchObject({ verdict: 'fail', margin: -1000 });
  });

  it('never detected: unknown, a finding about the probe', () => {
    const [f] = measure(stream('HHHHHHHH'), [{ id: 'x', activeAt: 200, endAt: 500 }]).faults;
    expect(f).toMatchObject({ state: 'waiting' });
    expect(judgeRecovery(f!, 1000, 'revert', 800, IV).reason).toMatch(/never saw/);
  });
});

describe('several series', () => {
  it('detect = earliest series, recover = latest of the series that saw it', () => {
    const s = [
      ...stream('HHUUUHHHHHHHHHHHHH', { series: 'node01' }),
      ...stream('HHHUUUUUUHHHHHHHHHH', { series: 'node02' }),
      ...stream('HHHHHHHHHHHHHHHHHHH', { series: 'node03' }),
      ...stream('UUUUUUUUUUUUUUUUUUU', { series: 'x', probeId: 'other' }),
    ];
    const [f] = measure(s.reverse(), [{ id: 'w', activeAt: 100, endAt: 300 }]).faults;
    expect(f).toMatchObject({ detectedAt: 200, recoveredAt: 900, state: 'recovered' });
    expect(f!.series.map((x) => [x.series, x.detectedAt, x.recoveredAt]).sort()).toEqual([
      ['node01', 200, 500],
      ['node02', 300, 900],
    ]);
  });
});

describe('live = report', () => {
  /** A seeded generator: the same "random" streams every run. */
  function rng(seed: number): () => number {
    let x = seed;
    return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }

  it('the incremental tracker, fed as the engine does (late samples included), equals the batch function', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const series = ['a', 'b', 'c'].slice(0, 1 + Math.floor(r() * 3));
      const samples = series.flatMap((name) => stream([...Array(120)].map(() => (r() < 0.25 ? 'U' : 'H')).join(''), { series: name }));
      const windows: ImpactWindow[] = [];
      let t = 500 + Math.floor(r() * 1000);
      while (t < 10_000) {
        const end = r() < 0.9 ? t + 300 + Math.floor(r() * 2000) : undefined;
        // Most injects take a while between being sent (openAt) and verified (activeAt).
        const openAt = r() < 0.7 ? t - 50 - Math.floor(r() * 300) : undefined;
        windows.push({ id: `w${windows.length}`, ...(openAt !== undefined ? { openAt } : {}), activeAt: t, ...(end !== undefined ? { endAt: end, endKind: 'revert' as const } : {}) });
        t = (end ?? t) + 200 + Math.floor(r() * 3000);
        if (end === undefined) break;
      }
      const batch = attributeImpact('p', samples, windows, { ...O, observedUntil: 12_000 });
      // Live: a sample arrives up to one interval after its t (so samples measured before an inject
      // may be delivered after it); a window is announced at its instant, before any later sample.
      const live = new ImpactTracker('p', O);
      type Ev = { at: number; order: number; run: () => void };
      const evs: Ev[] = [
        ...samples.map((x) => ({ at: x.t + Math.floor(r() * (IV - 1)), order: 1, run: () => void live.sample(x) })),
        ...windows.flatMap((w) => (w.openAt === undefined ? [] : [{ at: w.openAt, order: 0, run: () => live.open(w.id, w.openAt!) }])),
        ...windows.map((w) => ({ at: w.activeAt, order: 0, run: () => live.activate(w.id, w.activeAt) })),
        ...windows.flatMap((w) => (w.endAt === undefined ? [] : [{ at: w.endAt, order: 0, run: () => live.end(w.id, w.endAt!, 'revert') }])),
      ];
      // Per series, samples stay in order (a probe lane never overlaps itself).
      evs.sort((a, b) => a.at - b.at || a.order - b.order);
      for (const e of evs) e.run();
      expect(live.result(12_000), `seed ${seed}`).toEqual(batch);
    }
  });
});
