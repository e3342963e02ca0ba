import { describe, expect, it } from 'vitest';
import { AbortEvaluator } from '../../src-main/probes/abort.js';
import { colour, LiveRecoveryTimers } from '../../src-main/probes/live-timers.js';
import { attributeImpact } from '../../src-main/probes/impact.js';
import type { Sample } from '../../src-main/probes/types.js';

function s(t: number, healthy: boolean, o: Partial<Sample> = {}): Sample {
  return { probeId: 'api', series: 'default', t, value: 1, healthy, latencyMs: 3, ...o };
}

describe('live recovery timers', () => {
  const O = { probeId: 'api', healthyAfter: 3, intervalMs: 100, holdMs: 500 };

  it('walks waiting → degraded → flapping → recovered (only after the hold) and matches the report’s function', () => {
    const timers = new LiveRecoveryTimers({ ...O, recoveryTargetMs: 2000 });
    timers.addFault('f1', 1000);
    const pattern = 'HHHHHHHHHHHHUUUUUUHUHHHHHHHHHHHH';
    const samples = [...pattern].map((c, i) => s(i * 100, c === 'H'));
    const seen: string[] = [];
    for (const x of samples) {
      if (x.t === 1900) timers.endFault('f1', 1850, 'revert');
      for (const st of timers.onSample(x).faults) seen.push(`${x.t} ${st.state}`);
    }
    // Healthy again at 1800, relapse at 1900 (flapping, amber), a new run from 2000 that holds:
    // recovered only at 2500 (500 ms hold past the run's start and the revert), dated back to 2000.
    expect(seen).toEqual(['0 waiting', '1200 degraded', '1800 recovering', '1900 flapping', '2000 flapping', '2500 recovered']);
    const [final] = timers.snapshot(3200);
    const post = attributeImpact('api', samples, [{ id: 'f1', activeAt: 1000, endAt: 1850 }], { ...O, observedUntil: 3200 }).faults[0]!;
    const { vsTarget, sinceActiveMs, ...figures } = final!;
    expect(figures).toEqual(post);
    expect(final).toMatchObject({ state: 'recovered', detectedAt: 1200, recoveredAt: 2000, ttdMs: 200, recoverAfterRevertMs: 150, impactMs: 800, relapses: 1, vsTarget: 'green', sinceActiveMs: 2200 });
    expect(vsTarget).toBe('green');
    expect(sinceActiveMs).toBe(2200);
  });

  it('colours against the target on its clock; an ongoing impact is never green', () => {
    expect(colour(1499, 2000)).toBe('green');
    expect(colour(1500, 2000)).toBe('amber');
    expect(colour(2000, 2000)).toBe('amber');
    expect(colour(2001, 2000)).toBe('red');
    expect(colour(99_999, undefined)).toBe('green');
    const timers = new LiveRecoveryTimers({ ...O, recoveryTargetMs: 1000, detectionTargetMs: 300 });
    timers.addFault('f', 0);
    expect(timers.snapshot(200)[0]!.vsTarget).toBe('green');
    expect(timers.snapshot(250)[0]!.vsTarget).toBe('amber'); // waiting: judged against the detection target
    timers.onSample(s(300, false));
    expect(timers.snapshot(500)[0]).toMatchObject({ state: 'degraded', vsTarget: 'amber' }); // the revert clock has not started
    timers.endFault('f', 600, 'revert');
    expect(timers.snapshot(1300)[0]!.vsTarget).toBe('amber'); // 700 ms after the revert: 70 % of 1 s, still an incident
    expect(timers.snapshot(1700)[0]!.vsTarget).toBe('red');
    const inject = new LiveRecoveryTimers({ ...O, recoveryTargetMs: 1000, recoveryClock: 'inject' });
    inject.addFault('g', 0);
    inject.onSample(s(100, false));
    expect(inject.snapshot(1100)[0]!.vsTarget).toBe('red');
  });

  it('ignores other probes; impact outside every fault window is reported apart', () => {
    const timers = new LiveRecoveryTimers(O);
    timers.addFault('a', 0);
    timers.endFault('a', 150, 'revert');
    expect(timers.onSample(s(100, false, { probeId: 'other' }))).toEqual({ faults: [], unattributed: [] });
    expect(timers.onSample(s(100, false)).faults.map((x) => x.id)).toEqual(['a']);
    for (let t = 200; t <= 700; t += 100) timers.onSample(s(t, true));
    expect(timers.snapshot(700)[0]).toMatchObject({ state: 'recovered', recoveredAt: 200 });
    const out = timers.onSample(s(2000, false));
    expect(out.faults).toEqual([]);
    expect(out.unattributed).toEqual([{ startAt: 2000, untilAt: 2000, durationMs: 0, state: 'open', series: ['default'], relapses: 0 }]);
    expect(timers.snapshot(3000)[0]).toMatchObject({ state: 'recovered', recoveredAt: 200 });
  });
});

describe('abort conditions', () => {
  it('unhealthyFor trips once the probe has shown it for that long, per series', () => {
    const ev = new AbortEvaluator([{ probe: 'api', unhealthyForMs: 500 }]);
    expect(ev.onSample(s(0, false, { series: 'n1' }))).toBeNull();
    expect(ev.onSample(s(100, false, { series: 'n2' }))).toBeNull();
    expect(ev.onSample(s(300, true, { series: 'n1' }))).toBeNull(); // n1's run broken
    expect(ev.onSample(s(400, false, { series: 'n1' }))).toBeNull();
    expect(ev.onSample(s(500, false, { series: 'n2' }))).toBeNull(); // held 400 ms
    const trip = ev.onSample(s(600, false, { series: 'n2', error: 'HTTP 503' }));
    expect(trip).toMatchObject({ index: 0, series: 'n2', atMs: 600, heldMs: 500 });
    expect(trip!.reason).toBe('abort: probe api unhealthy on n2 for 500ms (limit 500ms): HTTP 503');
    // Fires once.
    expect(ev.onSample(s(5000, false, { series: 'n1' }))).toBeNull();
    expect(ev.tripped).toBe(trip);
  });

  it('valueAbove / valueBelow with `for`; a null value breaks the run; 0 trips at once', () => {
    const ev = new AbortEvaluator([
      { probe: 'gpu', valueAbove: 600, forMs: 2000 },
      { probe: 'err', valueBelow: 0, forMs: 0 },
    ]);
    const g = (t: number, value: number | null) => s(t, true, { probeId: 'gpu', value });
    expect(ev.onSample(g(0, 650))).toBeNull();
    expect(ev.onSample(g(1000, 700))).toBeNull();
    expect(ev.onSample(g(1500, null))).toBeNull(); // unreadable: not proof
    expect(ev.onSample(g(2000, 700))).toBeNull();
    expect(ev.onSample(g(3000, 600))).toBeNull(); // not strictly above
    expect(ev.onSample(g(4000, 601))).toBeNull();
    const trip = ev.onSample(g(6000, 602));
    expect(trip?.reason).toBe('abort: probe gpu value 602 above 600 for 2.00s (limit 2.00s)');
    const ev2 = new AbortEvaluator([{ probe: 'err', valueBelow: 0, forMs: 0 }]);
    expect(ev2.onSample(s(0, true, { probeId: 'err', value: 0 }))).toBeNull();
    expect(ev2.onSample(s(1, true, { probeId: 'err', value: -0.5 }))?.reason).toBe('abort: probe err value -0.5 below 0 for 0ms (limit 0ms)');
  });

  it('trips on the first such sample when `for` is absent', () => {
    const ev = new AbortEvaluator([{ probe: 'gpu', valueAbove: 90 }]);
    expect(ev.onSample(s(0, true, { probeId: 'gpu', value: 95, series: 'node07' }))?.reason).toBe('abort: probe gpu value 95 on node07 above 90 for 0ms (limit 0ms)');
  });

  it('refuses negative durations', () => {
    expect(() => new AbortEvaluator([{ probe: 'x', unhealthyForMs: -1 }])).toThrow(RangeError);
  });
});
