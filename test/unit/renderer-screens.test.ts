/**
 * The renderer's pure rules behind issue 11 (§1, §4, §7): which header layout fits so STOP keeps its
 * slot, which run a screen is about and where a run's outcome banner shows (dismissed for good),
 * gaps in chart lines where samples are missing, fault-band labels that never overlap, and the
 * audit table's one-line summaries and kind suggestions.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_KIND_EXAMPLES, kindSuggestions, summarizeData } from '../../src-renderer/components/audit/AuditTable.js';
import { envelope } from '../../src-renderer/lib/aggregate.js';
import { bandLabelLanes, MAX_BAND_LANES } from '../../src-renderer/lib/chart-option.js';
import { minMaxBuckets } from '../../src-renderer/lib/downsample.js';
import { chooseFit } from '../../src-renderer/lib/header-fit.js';
import { StaticSeries } from '../../src-renderer/lib/replay.js';
import { outcomeBannerShown, reportRunOf, screenRunOf } from '../../src-renderer/store/selectors.js';
import { applyEvent, createConsoleStore } from '../../src-renderer/store/store.js';
import type { RunSnapshot, StopReportView } from '../../src-main/api/index.js';

const T0 = 1_700_000_000_000;
const snap = (runId: string, state: RunSnapshot['state'] = 'running'): RunSnapshot => ({ runId, scenarioFile: 's.yaml', title: 'Partition', environment: 'lab', simulated: true, dryRun: false, state, commander: 'Ana', roles: { commander: ['Ana'] }, serverNow: T0, phases: [], steps: [], faults: [], timers: [], probes: [], notes: [] });
const report = (clean: boolean): StopReportView => ({ reason: 'STOP button', actor: 'commander', startedAt: new Date(T0).toISOString(), durationMs: 4, clean, nodes: [] });

describe('the header gives way, STOP does not', () => {
  it('tabs, then a menu, then short badges, as the room shrinks', () => {
    const w = { brand: 115, badges: 250, tabs: 600 };
    expect(chooseFit(1100, w)).toBe('full');
    expect(chooseFit(700, w)).toBe('menu');
    expect(chooseFit(400, w)).toBe('compact');
  });
});

describe('which run a screen is about, and its outcome banner', () => {
  it('Report and Debrief follow a new run unless one is open; the STOP pinned to a screen is released', () => {
    const store = createConsoleStore();
    applyEvent(store, { type: 'run.snapshot', snapshot: snap('old', 'aborted') }, T0);
    store.getState().go('report', { reportRunId: 'old' });
    store.getState().go('home');
    applyEvent(store, { type: 'run.snapshot', snapshot: snap('drill') }, T0);
    // The drill's Report, not the previous aborted run's.
    expect(reportRunOf(store.getState())).toBe('drill');
    store.getState().go('report');
    store.getState().pickRun('report', 'old');
    // A run starts while the old report is open: it stays on screen, and goes once the user leaves.
    applyEvent(store, { type: 'run.snapshot', snapshot: snap('next') }, T0);
    expect(reportRunOf(store.getState())).toBe('old');
    store.getState().go('live');
    store.getState().go('report');
    expect(reportRunOf(store.getState())).toBe('next');
  });

  it('shows the banner where its run is on screen, everywhere while stopping or when nodes are not clean, and never again once dismissed', () => {
    const store = createConsoleStore('dark', ['gone']);
    applyEvent(store, { type: 'run.snapshot', snapshot: snap('r1') }, T0);
    const s = () => store.getState();
    store.setState({ stopPending: true, screen: 'scenario' });
    expect(outcomeBannerShown(s())).toBe(true);
    store.setState({ stopPending: false, stopPressedOn: 'scenario' });
    applyEvent(store, { type: 'stop.report', runId: 'r1', report: report(true) }, T0);
    applyEvent(store, { type: 'run.state', runId: 'r1', state: 'aborted', at: T0 }, T0);
    // Pressed on the editor: its result stays there until the user moves on.
    expect(outcomeBannerShown(s())).toBe(true);
    s().go('preflight');
    expect(outcomeBannerShown(s())).toBe(false);
    s().go('live');
    expect(screenRunOf(s())).toBe('r1');
    expect(outcomeBannerShown(s())).toBe(true);
    s().go('report', { reportRunId: 'other' });
    expect(outcomeBannerShown(s())).toBe(false);
    store.setState({ stop: report(false), screen: 'home' });
    expect(outcomeBannerShown(s())).toBe(true);
    s().dismissOutcome('r1');
    expect(outcomeBannerShown(s())).toBe(false);
    expect(s().dismissedOutcomes).toEqual(['gone', 'r1']);
  });
});

const series = (points: Array<[number, number | null]>): StaticSeries => new StaticSeries(Float64Array.from(points.map((p) => p[0])), Float64Array.from(points.map((p) => (p[1] === null ? Number.NaN : p[1]))), Uint8Array.from(points.map(() => 1)));

describe('charts: gaps where samples are missing', () => {
  // 1 s samples, none from t = 10 s to t = 40 s (the probe could not run).
  const pts: Array<[number, number | null]> = [];
  for (let t = 0; t <= 60; t++) if (t <= 10 || t >= 40) pts.push([T0 + t * 1000, 5]);

  it('a line breaks across missing samples, and only there', () => {
    const out = minMaxBuckets(series(pts), T0, T0 + 60_000, 120, 3000);
    const gaps = out.filter((p) => p[1] === null);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]![0]).toBeGreaterThan(T0 + 10_000);
    expect(gaps[0]![0]).toBeLessThan(T0 + 40_000);
    // Without a limit (as before), the line went straight across the outage.
    expect(minMaxBuckets(series(pts), T0, T0 + 60_000, 120).some((p) => p[1] === null)).toBe(false);
  });

  it('the envelope of many series breaks there too', () => {
    const env = envelope([series(pts), series(pts)], T0, T0 + 60_000, 60, 3000);
    expect(env.mean.filter((p) => p[1] === null)).toHaveLength(1);
  });
});

describe('charts: fault-band labels never overlap', () => {
  const label = (from: number, text: string) => ({ label: text, from: T0 + from, to: T0 + from + 30_000 });
  const boxes = (bands: ReturnType<typeof label>[], width: number) =>
    bandLabelLanes(bands, T0, T0 + 300_000, width).map((l, i) => ({ ...l, x: ((bands[i]!.from - T0) / 300_000) * width + l.dx, w: l.text.length * 7.2 }));

  it('labels that would collide take different lanes; far apart ones share the top lane', () => {
    const bands = [label(10_000, 'network-partition@node02'), label(11_000, 'network-loss@node01'), label(12_000, 'cpu-stress@node03'), label(200_000, 'disk-fill@db1')];
    const b = boxes(bands, 900);
    expect(b.map((x) => x.lane)).toEqual([0, 1, 2, 0]);
    for (const [i, p] of b.entries()) for (const q of b.slice(i + 1)) if (p.lane === q.lane && p.lane >= 0) expect(p.x + p.w <= q.x || q.x + q.w <= p.x, `${p.text} / ${q.text}`).toBe(true);
  });

  it('a label at the right edge moves left to stay on the plot', () => {
    const [l] = bandLabelLanes([label(295_000, 'network-partition@node02')], T0, T0 + 300_000, 900);
    const x = (295_000 / 300_000) * 900 + l!.dx;
    expect(l!.dx).toBeLessThan(0);
    expect(x + 'network-partition@node02'.length * 7.2).toBeLessThanOrEqual(900);
  });

  it('past the last lane the rest are named on one line, none dropped', () => {
    const bands = Array.from({ length: 8 }, (_, i) => label(i * 100, `fault-${i}@node0${i}`));
    const lanes = bandLabelLanes(bands, T0, T0 + 300_000, 900);
    expect(Math.max(...lanes.map((l) => l.lane))).toBe(MAX_BAND_LANES);
    const shown = lanes.map((l) => l.text).join(' ');
    for (const b of bands) expect(shown).toContain(b.label);
  });
});

describe('audit table', () => {
  it('summarises data on one line and suggests only kinds that exist', () => {
    expect(summarizeData({ faultId: 'cut-1', nodes: [1, 2], params: { a: 1 }, reason: 'x'.repeat(100) })).toBe(`faultId=cut-1 · nodes=[2] · params={…} · reason=${'x'.repeat(59)}…`);
    const s = kindSuggestions([{ kind: 'fault.intent' }, { kind: 'stop.requested' }, { kind: 'note' }]);
    expect(s).toEqual(expect.arrayContaining([...AUDIT_KIND_EXAMPLES, 'fault.intent', 'stop.*', 'note']));
  });
});

describe('terminal and scores', () => {
  it('every command-output line says when and on which node', async () => {
    const { prefixer } = await import('../../src-renderer/components/live/ExecTerminal.js');
    const at = new Date(2025, 0, 2, 9, 23, 6).getTime();
    const fmt = prefixer();
    // eslint-disable-next-line no-control-regex
    const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain(fmt({ node: 'node01', stream: 'stdout', data: 'a\nb\n', at }))).toBe('09:23:06 node01     │ a\n09:23:06 node01     │ b\n');
    expect(plain(fmt({ node: 'node02', stream: 'stderr', data: 'half', at }))).toBe('09:23:06 node02     │ half');
    expect(plain(fmt({ node: 'node02', stream: 'stderr', data: ' line\n', at }))).toBe(' line\n');
  });

  it('a score part never shows below zero', async () => {
    const { scorePartText, scoreTotal } = await import('../../src-main/api/index.js');
    expect(scorePartText(-5, 10)).toBe('0 / 10, −5 penalty');
    expect(scorePartText(30, 30)).toBe('30 / 30');
    expect(scoreTotal(-3)).toBe(0);
  });
});
