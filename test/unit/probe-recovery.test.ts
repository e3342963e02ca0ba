import { describe, expect, it } from 'vitest';
// Recovery and detection (the one attribution, named clocks, verdicts): probe-impact.test.ts.
import { judge, judgeWindow, targetFor } from '../../src-main/probes/slo.js';
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

  it('judges window stats; no samples is unknown, not 100 %', () => {
    const checks = judgeWindow(windowStats(stream('HHHHHHHHHU', { latency: () => 300 })), { availability: 99, errorRate: 1, latencyP95Ms: 250 });
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([['availability', 'fail'], ['errorRate', 'fail'], ['latencyP95', 'fail']]);
    expect(judgeWindow(windowStats([]), { availability: 99 })[0]).toMatchObject({ verdict: 'unknown', reason: 'no samples in the window' });
  });
});
