import { describe, expect, it } from 'vitest';
import { measureRecovery } from '../../src-main/probes/recovery.js';
import { judge, judgeDetection, judgeRecovery, judgeWindow, targetFor } from '../../src-main/probes/slo.js';
import type { Sample } from '../../src-main/probes/types.js';
import { percentile, phaseStats, windowStats } from '../../src-main/probes/window-stats.js';

/**
 * Synthetic stream: one char per tick, `H` healthy, `U` unhealthy, `.` no sample (a gap).
 * Sample i is at start + i·interval.
 */
function stream(pattern: string, o: { start?: number; interval?: number; series?: string; probeId?: string; latency?: (i: number) => number } = {}): Sample[] {
  const start = o.start ?? 0;
  const iv = o.interval ?? 100;
  const out: Sample[] = [];
  [...pattern].forEach((c, i) => {
    if (c === '.') return;
    out.push({ probeId: o.probeId ?? 'p', series: o.series ?? 'default', t: start + i * iv, value: 1, healthy: c === 'H', latencyMs: o.latency?.(i) ?? 5 });
  });
  return out;
}

const W = { probeId: 'p', intervalMs: 100 };

describe('measureRecovery', () => {
  it('times detection and recovery from the inject, with ±interval precision', () => {
    //                 t: 0    500  1000 1500 2000 2500
    const s = stream('HHHHHHHHHHHHUUUUUUUUHHHHHH');
    const r = measureRecovery(s, { ...W, injectAt: 1000, revertAt: 1800 });
    expect(r.detection).toEqual({ state: 'detected', atMs: 1200, ttdMs: 200, bracketMs: 100 });
    expect(r.recovery).toEqual({ state: 'recovered', atMs: 2000, ttrMs: 1000, sinceDetectMs: 800, sinceRevertMs: 200, bracketMs: 100 });
    expect(r.precisionMs).toBe(100);
    expect(r.healthyAfter).toBe(3);
    expect(r.flaps).toBe(0);
    expect(r.samples).toBe(16);
  });

  it('reports the FIRST sample of the k-run as the recovery instant (k=1 vs k=3 on a flapping stream)', () => {
    // inject at 0; after detection at 100: U H U H H U H H H H
    const s = stream('HUUHUHHUHHHH');
    const k1 = measureRecovery(s, { ...W, injectAt: 0, healthyAfter: 1 });
    const k3 = measureRecovery(s, { ...W, injectAt: 0, healthyAfter: 3 });
    expect(k1.detection.atMs).toBe(100);
    expect(k1.recovery.atMs).toBe(300);
    expect(k1.flaps).toBe(0);
    expect(k3.recovery.atMs).toBe(800);
    expect(k3.recovery.ttrMs).toBe(800);
    // H at 300 and HH at 500-600 broke before reaching 3.
    expect(k3.flaps).toBe(2);
  });

  it('needs exactly k healthy samples: k-1 at the end is "not recovered"', () => {
    const r = measureRecovery(stream('HHUUUHH'), { ...W, injectAt: 100 });
    expect(r.detection.state).toBe('detected');
    expect(r.recovery).toEqual({ state: 'not-recovered' });
  });

  it('ignores unhealthy samples before the inject', () => {
    const s = stream('UUUHHHHHHUUHHH');
    const r = measureRecovery(s, { ...W, injectAt: 400 });
    expect(r.detection.atMs).toBe(900);
    expect(r.detection.unhealthyBeforeInject).toBeUndefined();
    expect(r.recovery.atMs).toBe(1100);
  });

  it('flags a "detection" that is old trouble still going on at the inject', () => {
    const r = measureRecovery(stream('HUUUUHHH'), { ...W, injectAt: 250 });
    expect(r.detection.atMs).toBe(300);
    expect(r.detection.bracketMs).toBe(50); // between the inject (250) and the sample (300)
    expect(r.detection.unhealthyBeforeInject).toBe(true);
  });

  it('says "never detected" when the probe never saw the fault', () => {
    const r = measureRecovery(stream('HHHHHHHH'), { ...W, injectAt: 200 });
    expect(r.detection).toEqual({ state: 'never-detected' });
    expect(r.recovery).toEqual({ state: 'never-detected' });
  });

  it('widens the bracket over gaps (skipped ticks) instead of claiming ±interval', () => {
    // samples missing at 300..600 around the detection, and at 1100..1300 around the recovery
    const r = measureRecovery(stream('HHH....UUU...HHH'), { ...W, injectAt: 100 });
    expect(r.detection.atMs).toBe(700);
    expect(r.detection.bracketMs).toBe(500); // truth in (200, 700]
    expect(r.recovery.atMs).toBe(1300);
    expect(r.recovery.bracketMs).toBe(400); // truth in (900, 1300]
    expect(r.precisionMs).toBe(100);
  });

  it('stops at `until` (the window end)', () => {
    const s = stream('HUUUUUHHHHH');
    expect(measureRecovery(s, { ...W, injectAt: 0, until: 700 }).recovery.state).toBe('not-recovered');
    expect(measureRecovery(s, { ...W, injectAt: 0, until: 800 }).recovery.atMs).toBe(600);
  });

  it('combines series: detect = earliest, recover = latest of the series that detected', () => {
    const s = [
      ...stream('HHUUUHHHHHHHHHH', { series: 'node01' }),
      ...stream('HHHUUUUUUHHHHHH', { series: 'node02' }),
      ...stream('HHHHHHHHHHHHHHH', { series: 'node03' }),
      ...stream('UUUUUUUUUUUUUUU', { series: 'x', probeId: 'other' }),
    ];
    const r = measureRecovery(s.reverse(), { ...W, injectAt: 100 });
    expect(r.detection.atMs).toBe(200);
    expect(r.recovery.atMs).toBe(900);
    expect(r.series.map((x) => [x.series, x.detectedAt, x.recoveredAt])).toEqual([
      ['node03', undefined, undefined],
      ['node02', 300, 900],
      ['node01', 200, 500],
    ]);
    const partial = measureRecovery([...stream('HUUU', { series: 'a' }), ...stream('HUHHH', { series: 'b' })], { ...W, injectAt: 0 });
    expect(partial.recovery.state).toBe('not-recovered');
  });

  it('counts relapses after recovery without moving the recovery instant', () => {
    const r = measureRecovery(stream('HUHHHUU'), { ...W, injectAt: 0 });
    expect(r.recovery.atMs).toBe(200);
    expect(r.relapses).toBe(2);
  });

  it('refuses k < 1', () => {
    expect(() => measureRecovery([], { ...W, injectAt: 0, healthyAfter: 0 })).toThrow(RangeError);
  });
});

describe('window stats', () => {
  it('computes availability, error rate and nearest-rank percentiles', () => {
    const s = stream('HHHHUHHHHU', { latency: (i) => (i + 1) * 10 });
    const w = windowStats(s);
    expect(w).toMatchObject({ total: 10, healthy: 8, unhealthy: 2, availabilityPct: 80, errorRatePct: 20 });
    expect(w.latencyP50Ms).toBe(50);
    expect(w.latencyP95Ms).toBe(100);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 25)).toBe(1);
    expect(percentile([], 95)).toBeNull();
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('honours the window (inclusive start, exclusive end) and the probe filter', () => {
    const s = [...stream('HHUUHH'), ...stream('UUUUUU', { probeId: 'q' })];
    expect(windowStats(s, { from: 200, to: 400 }, 'p')).toMatchObject({ total: 2, healthy: 0, availabilityPct: 0 });
    expect(windowStats(s, { from: 1000 }, 'p')).toMatchObject({ total: 0, availabilityPct: null, errorRatePct: null, latencyP95Ms: null });
    const ph = phaseStats(s, [{ id: 'prep', startMs: 0, endMs: 200 }, { id: 'inject', startMs: 200 }], 'p');
    expect(ph.prep!.availabilityPct).toBe(100);
    expect(ph.inject!.availabilityPct).toBe(50);
  });
});

describe('SLO verdicts', () => {
  it('picks the per-environment target', () => {
    const t = { target: 20_000, staging: 30_000 };
    expect(targetFor(t, 'lab')).toBe(20_000);
    expect(targetFor(t, 'staging')).toBe(30_000);
    expect(targetFor(t, 'prod')).toBe(20_000);
  });

  it('judges at-most and at-least targets with a signed margin and borderline flag', () => {
    expect(judge('x', 900, 1000)).toMatchObject({ verdict: 'pass', margin: 100 });
    expect(judge('x', 1000, 1000)).toMatchObject({ verdict: 'pass', margin: 0 });
    expect(judge('x', 1200, 1000)).toMatchObject({ verdict: 'fail', margin: -200 });
    expect(judge('x', 1050, 1000, { precision: 100 })).toMatchObject({ verdict: 'fail', borderline: true });
    expect(judge('a', 99.5, 99, { atLeast: true })).toMatchObject({ verdict: 'pass', margin: 0.5 });
    expect(judge('a', null, 99)).toMatchObject({ verdict: 'unknown', margin: null });
  });

  it('judges recovery: recovered, not recovered (fail past the target, unknown before), never detected', () => {
    const s = stream('HHHHHHHHHHHHUUUUUUUUHHHHHH');
    const ok = measureRecovery(s, { ...W, injectAt: 1000 });
    expect(judgeRecovery(ok, 1500, 3000)).toMatchObject({ verdict: 'pass', measured: 1000, margin: 500 });
    expect(judgeRecovery(ok, 900, 3000)).toMatchObject({ verdict: 'fail', margin: -100, borderline: true });
    const stuck = measureRecovery(stream('HUUUUU'), { ...W, injectAt: 0 });
    expect(judgeRecovery(stuck, 400, 600)).toMatchObject({ verdict: 'fail', margin: -200 });
    expect(judgeRecovery(stuck, 1000, 600)).toMatchObject({ verdict: 'unknown' });
    const unseen = measureRecovery(stream('HHHH'), { ...W, injectAt: 0 });
    expect(judgeRecovery(unseen, 1000, 5000).verdict).toBe('unknown');
    expect(judgeDetection(unseen, 1000).reason).toMatch(/never saw/);
    expect(judgeDetection(ok, 250)).toMatchObject({ verdict: 'pass', measured: 200 });
  });

  it('judges window stats; no samples is unknown, not 100 %', () => {
    const checks = judgeWindow(windowStats(stream('HHHHHHHHHU', { latency: () => 300 })), { availability: 99, errorRate: 1, latencyP95Ms: 250 });
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([['availability', 'fail'], ['errorRate', 'fail'], ['latencyP95', 'fail']]);
    expect(judgeWindow(windowStats([]), { availability: 99 })[0]).toMatchObject({ verdict: 'unknown', reason: 'no samples in the window' });
  });
});
