/** Debrief replay: what is shown at time T, downsampling of long runs, and frame-throttled playback. */
import { describe, expect, it } from 'vitest';
import { debriefSchema, type Debrief } from '../../src-main/api/drill.js';
import { bandsAt, countUpTo, frameAt, frameKey, MAX_REPLAY_POINTS, prepareReplay, toSeries } from '../../src-renderer/lib/replay.js';
import { ReplayClock, type FrameSource } from '../../src-renderer/lib/replay-clock.js';
import { minMaxBuckets } from '../../src-renderer/lib/downsample.js';
import type { RunSnapshot } from '../../src-main/api/index.js';
import { applyEvent, createConsoleStore } from '../../src-renderer/store/store.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** A 2-hour drill: probe at 1 Hz, one fault from 10 to 30 min, a hint at 15, declarations at 12 and 40. */
function twoHourDebrief(): Debrief {
  const points: Array<[number, number | null, 0 | 1]> = [];
  for (let s = 0; s < 7200; s++) {
    const t = T0 + s * 1000;
    const down = t >= T0 + 10 * MIN && t < T0 + 30 * MIN;
    points.push([t, down ? (s === 1500 ? null : 900) : 20 + (s % 7), down ? 0 : 1]);
  }
  return debriefSchema.parse({
    runId: 'r1',
    title: 'Drill',
    mode: 'drill',
    startedAt: T0,
    endedAt: T0 + 120 * MIN,
    events: [
      { t: T0 + 30 * MIN, kind: 'fault.reverted', actor: null, node: 'db01', text: 'reverted' },
      { t: T0, kind: 'run.started', actor: 'Ana', node: null, text: 'started' },
      { t: T0 + 10 * MIN, kind: 'fault.injected', actor: null, node: 'db01', text: 'injected' },
    ],
    probes: [{ probeId: 'api', series: [{ name: 'api01', points }] }],
    faults: [{ id: 'f1', kind: 'network-partition', node: 'db01', injectedAt: T0 + 10 * MIN, revertedAt: T0 + 30 * MIN }],
    notes: [{ t: T0 + 11 * MIN, role: 'trainee', author: 'Bo', text: 'latency up' }],
    drill: {
      runId: 'r1',
      mode: 'drill',
      briefing: 'b',
      choices: ['db partition', 'dns'],
      hints: [
        { index: 0, afterMs: 5 * MIN, text: 'look at the db', revealedAt: T0 + 15 * MIN, revealedBy: 'schedule', penalty: 5 },
        { index: 1, afterMs: 60 * MIN, penalty: 10 },
      ],
      declarations: [
        { id: 2, kind: 'mitigated', trainee: 'Bo', at: T0 + 40 * MIN, diagnosis: 'db partition', ruling: 'accepted' },
        { id: 1, kind: 'detected', trainee: 'Bo', at: T0 + 12 * MIN },
      ],
      ttdTargetMs: 5 * MIN,
      ttmTargetMs: 30 * MIN,
    },
  });
}

describe('replay at time T', () => {
  const r = prepareReplay(twoHourDebrief());

  it('counts sorted items up to T by binary search', () => {
    const times = Float64Array.from([1, 2, 2, 5]);
    expect([0, 1, 2, 4, 5, 9].map((t) => countUpTo(times, t))).toEqual([0, 1, 3, 3, 4, 4]);
  });

  it('shows only what happened by T: events, notes, declarations, faults, hints', () => {
    const before = frameAt(r, T0 + 5 * MIN);
    expect(before).toMatchObject({ events: 1, notes: 0, declarations: 0, faultsActive: [], hintsRevealed: [], ended: false });
    const during = frameAt(r, T0 + 20 * MIN);
    expect(during.events).toBe(2);
    expect(r.events.slice(0, during.events).map((e) => e.kind)).toEqual(['run.started', 'fault.injected']);
    expect(during.notes).toBe(1);
    expect(r.declarations.slice(0, during.declarations).map((d) => d.kind)).toEqual(['detected']);
    expect(during.faultsActive.map((f) => f.id)).toEqual(['f1']);
    expect(during.hintsRevealed.map((h) => h.index)).toEqual([0]);
    const after = frameAt(r, T0 + 30 * MIN);
    expect(after.faultsActive).toEqual([]);
    // Playback within a quiet stretch keeps the same key (the lists do not re-render).
    expect(frameKey(frameAt(r, T0 + 20 * MIN))).toBe(frameKey(frameAt(r, T0 + 21 * MIN)));
    expect(frameKey(frameAt(r, T0 + 20 * MIN))).not.toBe(frameKey(frameAt(r, T0 + 31 * MIN)));
    const end = frameAt(r, r.endedAt);
    expect(end).toMatchObject({ events: 3, declarations: 2, ended: true });
  });

  it('cuts charts at T and ends fault bands at T while the fault is active', () => {
    const series = r.probes.get('api')!.get('api01')!;
    const cut = series.cut(T0 + 20 * MIN);
    expect(cut.t[cut.length - 1]!).toBeLessThanOrEqual(T0 + 20 * MIN);
    expect(cut.lastHealthy()).toBe(false);
    const drawn = minMaxBuckets(cut, r.startedAt, r.endedAt, 400);
    expect(Math.max(...drawn.map((p) => p[0]))).toBeLessThanOrEqual(T0 + 20 * MIN);
    expect(bandsAt(r, T0 + 20 * MIN)).toEqual([{ label: 'network-partition@db01', from: T0 + 10 * MIN, to: T0 + 20 * MIN }]);
    expect(bandsAt(r, T0 + 50 * MIN)[0]!.to).toBe(T0 + 30 * MIN);
    expect(bandsAt(r, T0 + 5 * MIN)).toEqual([]);
  });

  it('downsamples a 2-hour series but keeps spikes and every outage', () => {
    const series = r.probes.get('api')!.get('api01')!;
    expect(series.length).toBeLessThanOrEqual(MAX_REPLAY_POINTS);
    expect(series.length).toBeGreaterThan(MAX_REPLAY_POINTS / 2);
    const values = Array.from(series.v.subarray(0, series.length));
    expect(Math.max(...values.filter((v) => !Number.isNaN(v)))).toBe(900);
    const firstBad = Array.from(series.ok).indexOf(0);
    expect(series.t[firstBad]).toBeGreaterThanOrEqual(T0 + 10 * MIN - 3000);
    expect(series.t[firstBad]).toBeLessThanOrEqual(T0 + 10 * MIN + 3000);
    const small = toSeries([[3, 1, 1], [1, 2, 1], [2, null, 0]]);
    expect(Array.from(small.t)).toEqual([1, 2, 3]);
    expect(Number.isNaN(small.v[1]!)).toBe(true);
  });
});

/** Animation frames under the test's control. */
function manualFrames(): FrameSource & { run(at: number): void; pending(): number } {
  let queue: Array<{ id: number; fn: (n: number) => void }> = [];
  let next = 1;
  return {
    request(fn) {
      queue.push({ id: next, fn });
      return next++;
    },
    cancel(id) {
      queue = queue.filter((q) => q.id !== id);
    },
    run(at) {
      const q = queue;
      queue = [];
      for (const f of q) f.fn(at);
    },
    pending: () => queue.length,
  };
}

describe('replay clock', () => {
  it('coalesces many seeks in one frame into one notification', () => {
    const frames = manualFrames();
    const clock = new ReplayClock(2 * 3600_000, frames);
    let heard = 0;
    clock.subscribe(() => heard++);
    for (let i = 0; i < 50; i++) clock.seek(i * 1000);
    expect(heard).toBe(0);
    expect(frames.pending()).toBe(1);
    frames.run(16);
    expect(heard).toBe(1);
    expect(clock.getSnapshot().positionMs).toBe(49_000);
    expect(frames.pending()).toBe(0);
  });

  it('plays at the chosen speed, one notification per frame, and stops at the end', () => {
    const frames = manualFrames();
    const clock = new ReplayClock(60_000, frames);
    let heard = 0;
    clock.subscribe(() => heard++);
    clock.setSpeed(60);
    clock.play();
    frames.run(0);
    frames.run(100);
    expect(clock.getSnapshot().positionMs).toBe(6000);
    frames.run(200);
    expect(clock.getSnapshot().positionMs).toBe(12_000);
    expect(heard).toBe(3);
    frames.run(2000);
    expect(clock.getSnapshot()).toMatchObject({ positionMs: 60_000, playing: false });
    expect(frames.pending()).toBe(0);
    // Play from the end starts over; seek clamps to the run.
    clock.play();
    expect(clock.getSnapshot().positionMs).toBe(0);
    clock.pause();
    clock.seek(99_999_999);
    frames.run(3000);
    expect(clock.getSnapshot().positionMs).toBe(60_000);
  });
});

describe('drill state in the store', () => {
  it('drill.update replaces the drill view of the run on screen; a new run clears it', () => {
    const store = createConsoleStore();
    const snap: RunSnapshot = { runId: 'r1', scenarioFile: 's', title: 't', environment: 'lab', simulated: true, dryRun: false, mode: 'drill', state: 'running', commander: 'Ana', roles: {}, serverNow: T0, phases: [], steps: [], faults: [], timers: [], probes: [], notes: [] };
    applyEvent(store, { type: 'run.snapshot', snapshot: { ...snap } }, T0);
    const drill = twoHourDebrief().drill!;
    expect(applyEvent(store, { type: 'drill.update', runId: 'r1', drill }, T0)).toBe(false);
    expect(store.getState().drill?.declarations).toHaveLength(2);
    // Another run's update asks for a snapshot instead of landing.
    expect(applyEvent(store, { type: 'drill.update', runId: 'r2', drill }, T0)).toBe(true);
    applyEvent(store, { type: 'run.snapshot', snapshot: { ...snap } }, T0);
    expect(store.getState().drill).not.toBeNull();
    store.setState({ stopPressedOn: 'live', reportRunId: 'r1', debriefRunId: 'r1' });
    applyEvent(store, { type: 'run.snapshot', snapshot: { ...snap, runId: 'r2' } }, T0);
    expect(store.getState().drill).toBeNull();
    // Nor does it inherit the last run's STOP result, or the last run picked for Report and Debrief.
    expect(store.getState()).toMatchObject({ stopPressedOn: null, reportRunId: null, debriefRunId: null });
  });
});
