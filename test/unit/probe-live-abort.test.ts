import { describe, expect, it } from 'vitest';
import { AbortEvaluator } from '../../src-main/probes/abort.js';
import { colour, LiveRecoveryTimers } from '../../src-main/probes/live-timers.js';
import { measureRecovery } from '../../src-main/probes/recovery.js';
import type { Sample } from '../../src-main/probes/types.js';

function s(t: number, healthy: boolean, o: Partial<Sample> = {}): Sample {
  return { probeId: 'api', series: 'default', t, value: 1, healthy, latencyMs: 3, ...o };
}

describe('live recovery timers', () => {
  it('walks waiting → degraded → recovering → recovered and matches the post-run math', () => {
    const timers = new LiveRecoveryTimers();
    timers.addFault({ faultId: 'f1', probeId: 'api', injectAt: 1000, recoveryTargetMs: 2000 });
    const pattern = 'HHHHHHHHHHHHUUUUUUHUHHHHHH';
    const samples = [...pattern].map((c, i) => s(i * 100, c === 'H'));
    const states: string[] = [];
    for (const x of samples) for (const st of timers.onSample(x)) states.push(st.state);
    expect(states).toEqual(['degraded', 'recovering', 'degraded', 'recovering', 'recovered']);
    const [final] = timers.snapshot(2600);
    const post = measureRecovery(samples, { probeId: 'api', injectAt: 1000, intervalMs: 100 });
    expect(final).toMatchObject({ faultId: 'f1', state: 'recovered', detectedAtMs: post.detection.atMs, recoveredAtMs: post.recovery.atMs, ttdMs: 200, ttrMs: 1000, sinceInjectMs: 1600, vsTarget: 'green' });
  });

  it('colours against the target: green < 75 %, amber to 100 %, red past it', () => {
    expect(colour(1499, 2000)).toBe('green');
    expect(colour(1500, 2000)).toBe('amber');
    expect(colour(2000, 2000)).toBe('amber');
    expect(colour(2001, 2000)).toBe('red');
    expect(colour(99_999, undefined)).toBe('green');
    const timers = new LiveRecoveryTimers();
    timers.addFault({ faultId: 'f', probeId: 'api', injectAt: 0, recoveryTargetMs: 1000, detectionTargetMs: 300 });
    expect(timers.snapshot(200)[0]!.vsTarget).toBe('green');
    expect(timers.snapshot(250)[0]!.vsTarget).toBe('amber'); // waiting: judged against the detection target
    timers.onSample(s(300, false));
    expect(timers.snapshot(500)[0]).toMatchObject({ state: 'degraded', vsTarget: 'green' });
    expect(timers.snapshot(800)[0]!.vsTarget).toBe('amber');
    expect(timers.snapshot(1100)[0]!.vsTarget).toBe('red');
  });

  it('ignores other probes, and tracks several faults independently', () => {
    const timers = new LiveRecoveryTimers();
    timers.addFault({ faultId: 'a', probeId: 'api', injectAt: 0, healthyAfter: 1 });
    timers.addFault({ faultId: 'b', probeId: 'db', injectAt: 0, healthyAfter: 1 });
    expect(timers.onSample(s(100, false, { probeId: 'other' }))).toEqual([]);
    expect(timers.onSample(s(100, false)).map((x) => x.faultId)).toEqual(['a']);
    expect(timers.onSample(s(200, true)).map((x) => [x.faultId, x.state])).toEqual([['a', 'recovered']]);
    expect(timers.snapshot(300).map((x) => x.state)).toEqual(['recovered', 'waiting']);
    timers.removeFault('a');
    expect(timers.snapshot(300)).toHaveLength(1);
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
