import { afterEach, describe, expect, it, vi } from 'vitest';
import { SampleBatcher, toRow } from '../../src-main/probes/batcher.js';
import { nowMs } from '../../src-main/probes/clock.js';
import type { Probe } from '../../src-main/probes/probe.js';
import { ProbeScheduler, SchedulerConfigError, type ScheduledProbe } from '../../src-main/probes/scheduler.js';
import type { ProbeTarget, Sample, SampleRow } from '../../src-main/probes/types.js';

/** A probe that takes `busyMs` (on the timers, so fake time applies); `honourAbort` false = a misbehaving probe. */
function fakeProbe(id: string, o: { busyMs?: number; honourAbort?: boolean; healthy?: (n: number) => boolean; throws?: boolean } = {}): Probe & { calls: number; disposed: boolean } {
  const p = {
    id,
    calls: 0,
    disposed: false,
    run(target: ProbeTarget, signal: AbortSignal): Promise<Sample> {
      const n = p.calls++;
      const t = nowMs();
      if (o.throws) return Promise.reject(new Error('kaboom'));
      return new Promise<Sample>((resolve) => {
        const timer = setTimeout(() => resolve({ probeId: id, series: target.series, t, value: n, healthy: o.healthy?.(n) ?? true, latencyMs: o.busyMs ?? 0 }), o.busyMs ?? 0);
        if (o.honourAbort !== false) {
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve({ probeId: id, series: target.series, t, value: null, healthy: false, latencyMs: 0, error: 'aborted' });
          });
        }
      });
    },
    dispose() {
      p.disposed = true;
    },
  };
  return p;
}

const lane = (probe: Probe, intervalMs: number, timeoutMs: number, series = ['default']): ScheduledProbe => ({ probe, intervalMs, timeoutMs, targets: series.map((s) => ({ series: s })) });

afterEach(() => {
  vi.useRealTimers();
});

describe('ProbeScheduler (fake timers)', () => {
  const fake = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });

  it('ticks on the start + n·interval grid however long each run takes (no drift)', async () => {
    fake();
    const samples: Sample[] = [];
    const probe = fakeProbe('p', { busyMs: 37 });
    const sched = new ProbeScheduler({ probes: [lane(probe, 100, 90, ['a', 'b'])], onSample: (s) => samples.push(s) });
    const t0 = nowMs();
    sched.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await sched.stop();
    const a = samples.filter((s) => s.series === 'a');
    // ticks at 0, 100, …, 9900 have completed (the one at 10 000 is still running when stopped: dropped)
    expect(a).toHaveLength(100);
    a.forEach((s, i) => expect(s.t - t0).toBeCloseTo(i * 100, 6));
    expect(sched.stats()).toEqual([
      { probeId: 'p', series: 'a', runs: 101, skipped: 0, timeouts: 0, unhealthy: 0 },
      { probeId: 'p', series: 'b', runs: 101, skipped: 0, timeouts: 0, unhealthy: 0 },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('skips and counts the ticks a run overran, then resumes on the grid', async () => {
    fake();
    const samples: Sample[] = [];
    // Ignores its abort and needs 250 ms: the scheduler gives up at timeout (90) + grace (250) = 340 ms.
    const probe = fakeProbe('slow', { busyMs: 1000, honourAbort: false });
    const sched = new ProbeScheduler({ probes: [lane(probe, 100, 90)], onSample: (s) => samples.push(s) });
    const t0 = nowMs();
    sched.start();
    await vi.advanceTimersByTimeAsync(1000);
    // The run in flight ignores its abort too: stop() waits out the grace, then drops it.
    const stopped = sched.stop();
    await vi.advanceTimersByTimeAsync(300);
    await stopped;
    // runs at 0, 400, 800 (each recorded as a timeout at +340); ticks 100-300, 500-700 skipped
    expect(samples.map((s) => Math.round(s.t - t0))).toEqual([0, 400]);
    expect(samples.every((s) => !s.healthy && s.error === 'no answer within the 90 ms timeout')).toBe(true);
    expect(sched.stats()[0]).toMatchObject({ runs: 3, skipped: 6, timeouts: 2, unhealthy: 2 });
    await vi.runAllTimersAsync(); // the ignored probe's own timers
  });

  it('turns a throwing probe into unhealthy samples and keeps going', async () => {
    fake();
    const samples: Sample[] = [];
    const errors: unknown[] = [];
    const sched = new ProbeScheduler({
      probes: [lane(fakeProbe('bad', { throws: true }), 100, 50), lane(fakeProbe('good'), 200, 50)],
      onSample: (s) => {
        samples.push(s);
        if (s.probeId === 'good') throw new Error('listener bug');
      },
      onError: (e) => errors.push(e),
    });
    sched.start();
    await vi.advanceTimersByTimeAsync(450);
    await sched.dispose();
    expect(samples.filter((s) => s.probeId === 'bad').map((s) => s.error)).toEqual(Array(5).fill('probe crashed: kaboom'));
    expect(samples.filter((s) => s.probeId === 'good')).toHaveLength(3);
    expect(errors).toHaveLength(3);
  });

  it('stop() aborts runs in flight, drops their results, flushes batches and leaves no timers; dispose() releases probes', async () => {
    fake();
    const rows: Array<[string, SampleRow[]]> = [];
    const probe = fakeProbe('p', { busyMs: 80, healthy: (n) => n % 2 === 0 });
    const sched = new ProbeScheduler({ probes: [lane(probe, 100, 90)], sink: (id, r) => rows.push([id, r]), flushEveryMs: 1000 });
    sched.start();
    await vi.advanceTimersByTimeAsync(350); // runs at 0,100,200 done; 300 in flight
    expect(rows).toHaveLength(0); // nothing flushed before 1 s
    await sched.stop();
    expect(rows).toHaveLength(1);
    expect(rows[0]![1].map((r) => r.healthy)).toEqual([true, false, true]);
    expect(JSON.parse(rows[0]![1][1]!.detail!)).toEqual({ series: 'default', latencyMs: 80 });
    expect(vi.getTimerCount()).toBe(0);
    expect(sched.isRunning).toBe(false);
    await sched.dispose();
    expect(probe.disposed).toBe(true);
    expect(() => sched.start()).toThrow(SchedulerConfigError);
  });

  it('refuses intervals below 100 ms and timeouts not below the interval', () => {
    expect(() => new ProbeScheduler({ probes: [lane(fakeProbe('p'), 99, 50)] })).toThrow(/100 ms minimum/);
    expect(() => new ProbeScheduler({ probes: [lane(fakeProbe('p'), 500, 500)] })).toThrow(/< the 500 ms interval/);
    expect(() => new ProbeScheduler({ probes: [lane(fakeProbe('p'), 500, 0)] })).toThrow(SchedulerConfigError);
  });
});

describe('SampleBatcher', () => {
  it('flushes per probe every interval or at maxRows, and survives a throwing sink', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const got: Array<[string, number]> = [];
    const errors: unknown[] = [];
    let fail = true;
    const b = new SampleBatcher(
      (id, rows) => {
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
        got.push([id, rows.length]);
      },
      { flushEveryMs: 1000, maxRows: 3, onError: (e) => errors.push(e) },
    );
    const smp = (probeId: string, t: number): Sample => ({ probeId, series: 'n1', t, value: null, healthy: false, latencyMs: 1, error: 'x' });
    b.add(smp('a', 1));
    b.add(smp('b', 2));
    b.add(smp('a', 3)); // maxRows → flush; the sink throws for the first batch only
    expect(errors).toHaveLength(1);
    expect(got).toEqual([['b', 1]]);
    b.add(smp('a', 4));
    vi.advanceTimersByTime(999);
    expect(got).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([['b', 1], ['a', 1]]);
    expect(vi.getTimerCount()).toBe(0);
    expect(toRow(smp('a', 5))).toEqual({ tMs: 5, value: null, healthy: false, detail: '{"series":"n1","latencyMs":1,"error":"x"}', series: 'n1', latencyMs: 1 });
  });
});

describe('ProbeScheduler (real clock)', () => {
  it('keeps the tick count of a 100 ms probe over a 2 s window despite 40 ms runs', async () => {
    const samples: Sample[] = [];
    const sched = new ProbeScheduler({ probes: [lane(fakeProbe('p', { busyMs: 40 }), 100, 90)], onSample: (s) => samples.push(s) });
    const t0 = nowMs();
    sched.start();
    await new Promise((r) => setTimeout(r, 2050));
    await sched.stop();
    // 21 ticks (0…2000 ms) fit in the window. Every one is either a sample or a counted skip (a
    // loaded machine may skip some), and the last sample sits near the end of the window: a
    // setTimeout(interval) chain would have drifted by 40 ms a run and reached only ~15 ticks.
    const skipped = sched.stats()[0]!.skipped;
    expect(samples.length + skipped).toBeGreaterThanOrEqual(20);
    expect(samples.length + skipped).toBeLessThanOrEqual(21);
    expect(Math.round((samples.at(-1)!.t - t0) / 100)).toBeGreaterThanOrEqual(19);
    // Samples sit on the grid: the typical one within a few ms of its tick (the median, so a GC
    // pause or a busy CI neighbour delaying a few ticks does not fail the test; the fake-timer test
    // above checks the exact grid). Node may fire up to 1 ms early by the monotonic clock.
    // Offset after its tick, in [-1, 99): up to 1 ms early, or late by less than an interval.
    const offs = samples.map((x) => ((x.t - t0 + 1) % 100) - 1).sort((a, b) => a - b);
    expect(offs[0]).toBeGreaterThan(-1);
    expect(offs[Math.floor(offs.length / 2)]).toBeLessThan(20);
  });
});
