/**
 * Recovery figures against ground truth, with real parts and no root: two instances of the lab's own
 * HTTP service (src-main/lab/netns/http-service.mjs, the netns lab's ground truth) on 127.0.0.1, measured by the
 * real probe scheduler, timed live by the console's LiveRecoveryTimers and afterwards by the report's
 * function over the same samples. The services' own records of when they were broken are the truth.
 *
 * One probe, two series (a, b), three outages:
 *   f1   a flapping outage on a (30 % of requests fail, evenly spread) — the fault window is the outage
 *   f2   a clean outage on b, injected before f1's recovery has held (another node of the same probe)
 *   —    a clean outage on a with no fault behind it (unattributed)
 * Figures are compared with the truth within ±(100 ms + one interval) for clean outages; the
 * flapping one must never read "recovered" before its end plus the hold (observed by this test's own
 * clock as the timer changes arrive), and the live timers must say exactly what the report says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nowMs, wallOffsetMs } from '../../src-main/probes/clock.js';
import { buildScheduledProbes } from '../../src-main/probes/factory.js';
import { attributeImpact, type ImpactWindow } from '../../src-main/probes/impact.js';
import { LiveRecoveryTimers } from '../../src-main/probes/live-timers.js';
import { ProbeScheduler } from '../../src-main/probes/scheduler.js';
import type { ProbeNode, ProbeSpec, Sample } from '../../src-main/probes/types.js';

const INTERVAL_MS = 100;
/** A 1 s hold keeps the test short; the default (max(k samples, 10 s)) is checked in probe-impact.test.ts. */
const HOLD_MS = 1000;
/** The bound the issue sets for clean outages: 100 ms plus one interval. */
const BOUND_MS = 100 + INTERVAL_MS;

interface Service {
  name: string;
  port: number;
  child: ChildProcess;
}

const services: Service[] = [];

function startService(name: string): Promise<Service> {
  const child = spawn('node', [join(process.cwd(), 'src-main/lab/netns/http-service.mjs'), '--host', '127.0.0.1', '--port', '0', '--node', name], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`service ${name} exited (${code}): ${out}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ name, port: Number(m[1]), child });
    });
  });
}

/** POST an outage; its true start and end on our monotonic epoch. */
async function outage(s: Service, ms: number, fail?: number): Promise<{ start: number; end: number }> {
  const r = await fetch(`http://127.0.0.1:${s.port}/control/outage?ms=${ms}${fail ? `&fail=${fail}` : ''}`, { method: 'POST' });
  expect(r.status).toBe(200);
  const b = (await r.json()) as { start: number; end: number };
  const off = wallOffsetMs();
  return { start: b.start - off, end: b.end - off };
}

async function record(s: Service): Promise<Array<{ start: number; end: number; fail: number }>> {
  const r = await fetch(`http://127.0.0.1:${s.port}/control/state`);
  return ((await r.json()) as { outages: Array<{ start: number; end: number; fail: number }> }).outages;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sleepUntil = (t: number) => sleep(Math.max(0, t - nowMs()));

beforeAll(async () => {
  services.push(await startService('a'), await startService('b'));
});
afterAll(() => {
  for (const s of services) s.child.kill('SIGTERM');
});

describe('recovery figures vs the lab service’s own record', () => {
  it('flapping never reads recovered before its end plus the hold; clean outages within ±(100 ms + interval); live = report', async () => {
    const [a, b] = services as [Service, Service];
    const nodes: ProbeNode[] = services.map((s) => ({ name: s.name, host: '127.0.0.1', port: s.port }));
    const spec: ProbeSpec = { id: 'health', kind: 'http', target: 'api', url: 'http://{host}:{port}/health', intervalMs: INTERVAL_MS, timeoutMs: 80, expect: { status: 200 }, healthyAfter: 3 };
    const live = new LiveRecoveryTimers({ probeId: 'health', healthyAfter: 3, intervalMs: INTERVAL_MS, holdMs: HOLD_MS, recoveryTargetMs: 5000 });
    const samples: Sample[] = [];
    const changes: Array<{ arrivedAt: number; id: string; state: string }> = [];
    const sched = new ProbeScheduler({
      probes: buildScheduledProbes([spec], () => nodes, {}),
      onSample: (s) => {
        samples.push(s);
        for (const f of live.onSample(s).faults) changes.push({ arrivedAt: nowMs(), id: f.id, state: f.state });
      },
    });
    const windows: ImpactWindow[] = [];
    const activate = (id: string) => {
      const at = nowMs();
      live.addFault(id, at);
      windows.push({ id, activeAt: at });
    };
    const end = (id: string, at: number) => {
      live.endFault(id, at, 'revert');
      Object.assign(windows.find((w) => w.id === id)!, { endAt: at, endKind: 'revert' });
      for (const f of live.changes(nowMs()).faults) changes.push({ arrivedAt: nowMs(), id: f.id, state: f.state });
    };
    let t1 = { start: 0, end: 0 };
    let t2 = t1;
    let t3 = t1;
    sched.start();
    try {
      await sleep(600);
      // f1: a flapping outage on a; the fault's window is the outage itself.
      activate('f1');
      t1 = await outage(a, 2500, 0.3);
      await sleepUntil(t1.end);
      end('f1', t1.end);
      // f2: a clean outage on b, injected 400 ms after f1's end (before f1's 1 s hold is over); its
      // revert is verified 150 ms after the service is back, as a real revert's verify would be.
      await sleepUntil(t1.end + 400);
      activate('f2');
      t2 = await outage(b, 1500);
      await sleepUntil(t2.end + 150);
      end('f2', t2.end + 150);
      // An outage on a with no fault behind it.
      await sleepUntil(t2.end + 2000);
      t3 = await outage(a, 800);
      await sleepUntil(t3.end + HOLD_MS + 1200);
    } finally {
      await sched.dispose();
    }
    const until = nowMs();

    // The services' own records: exactly these outages happened.
    expect((await record(a)).map((o) => o.fail)).toEqual([0.3, 1]);
    expect((await record(b)).map((o) => o.fail)).toEqual([1]);

    const [f1, f2] = live.snapshot(until);
    // f1 flapped: relapses seen live, never "recovered" before its end plus the hold (by this test's clock).
    expect(changes.filter((c) => c.id === 'f1').map((c) => c.state)).toContain('flapping');
    const f1Recovered = changes.find((c) => c.id === 'f1' && c.state === 'recovered')!;
    expect(f1Recovered.arrivedAt).toBeGreaterThanOrEqual(t1.end + HOLD_MS);
    expect(f1).toMatchObject({ state: 'recovered', selfHealed: false });
    expect(f1!.relapses).toBeGreaterThanOrEqual(3);
    // Flapping at 30 % lets at most 3 samples in a row through, so the held run starts at the truth
    // or a few samples before it (the last lucky run), and never later than one interval (+slack).
    expect(f1!.recoveredAt! - t1.end).toBeGreaterThanOrEqual(-3 * INTERVAL_MS - BOUND_MS);
    expect(f1!.recoveredAt! - t1.end).toBeLessThanOrEqual(BOUND_MS);
    expect(f1!.series.map((s) => s.series)).toEqual(['a']); // f2's impact on b is not f1's
    // f2, a clean outage: detection and recovery within ±(100 ms + one interval) of the truth.
    expect(f2).toMatchObject({ state: 'recovered', selfHealed: false });
    expect(f2!.recoverAfterRevertMs).toBeLessThanOrEqual(BOUND_MS); // back ~150 ms before the revert was verified: 0, unless ticks ran late
    expect(Math.abs(f2!.detectedAt! - t2.start)).toBeLessThanOrEqual(BOUND_MS);
    expect(Math.abs(f2!.recoveredAt! - t2.end)).toBeLessThanOrEqual(BOUND_MS);
    expect(f2!.series.map((s) => s.series)).toEqual(['b']);
    // The outage with no fault behind it is unattributed, with its true length.
    const loose = live.unattributed(until);
    expect(loose).toHaveLength(1);
    expect(Math.abs(loose[0]!.startAt - t3.start)).toBeLessThanOrEqual(BOUND_MS);
    expect(Math.abs(loose[0]!.durationMs - 800)).toBeLessThanOrEqual(2 * BOUND_MS);
    expect(loose[0]!.series).toEqual(['a']);

    // The report's function over the same samples says exactly what the live timers said.
    const report = attributeImpact('health', samples, windows, { healthyAfter: 3, intervalMs: INTERVAL_MS, holdMs: HOLD_MS, observedUntil: until });
    expect(report.faults).toEqual(live.snapshot(until).map(({ vsTarget: _c, sinceActiveMs: _s, ...figures }) => figures));
    expect(report.unattributed).toEqual(loose);
    console.log(`[truth] f1 flapping: recovered ${(f1!.recoveredAt! - t1.end).toFixed(1)} ms vs truth, shown ${(f1Recovered.arrivedAt - t1.end).toFixed(0)} ms after its end, ${f1!.relapses} relapses; f2 clean: detect ${(f2!.detectedAt! - t2.start).toFixed(1)} ms, recover ${(f2!.recoveredAt! - t2.end).toFixed(1)} ms; unattributed ${loose[0]!.durationMs.toFixed(0)} ms (truth 800)`);
  }, 60_000);
});
