// A runbook's durations are converted to milliseconds once, when the run is planned
// (scenario/plan-times.ts); the engine and the drill read numbers. Before, the engine and the drill
// called parseDuration on the runbook's text at each use (about twenty sites).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src-main/api/index.js';
import { runbookFacts } from '../../src-main/report/runbook.js';
import { initialViews } from '../../src-main/engine/run-state.js';
import { flattenSteps, loadScenario, planTimes } from '../../src-main/scenario/index.js';

const ROOT = join(__dirname, '../../src-main');
const dir = join(process.cwd(), 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('durations in ms, once', () => {
  it('nothing in engine/ or drill/ parses a duration: they read the plan', () => {
    const parsing = ['engine', 'drill'].flatMap((f) => readdirSync(join(ROOT, f)).filter((p) => p.endsWith('.ts')).map((p) => `${f}/${p}`)).filter((p) => /parseDuration\(/.test(readFileSync(join(ROOT, p), 'utf8')));
    expect(parsing).toEqual([]);
  });

  it.each(files)('%s: every duration of the plan is the written one in ms, and the views show the plan', (f) => {
    const { scenario } = loadScenario(join(dir, f));
    const t = planTimes(scenario);
    expect(t.leaseTtlSec).toBe(Math.max(3, Math.round(parseDuration(scenario.leaseTtl) / 1000)));
    for (const p of scenario.probes) expect(t.probeIntervalMs.get(p.id)).toBe(parseDuration(p.interval));
    for (const p of scenario.phases) expect(t.phases.get(p.id)).toBe(p.duration === undefined ? undefined : parseDuration(p.duration));
    for (const { step: s } of flattenSteps(scenario)) {
      const st = t.steps.get(s.id)!;
      if ('duration' in s && s.duration !== undefined) expect(st.durationMs).toBe(parseDuration(s.duration));
      if ('within' in s && s.within !== undefined) expect(st.withinMs).toBe(parseDuration(s.within));
      if ('timeout' in s && s.timeout !== undefined) expect(st.timeoutMs).toBe(parseDuration(s.timeout));
    }
    if (scenario.drill) {
      expect(t.drill?.detectMs).toBe(parseDuration(scenario.drill.targets.detect));
      expect(t.drill?.hintAfterMs).toEqual((scenario.drill.hints ?? []).map((h) => parseDuration(h.after)));
    }
    const v = initialViews(scenario, t);
    expect(v.steps.map((s) => s.plannedMs)).toEqual(flattenSteps(scenario).map(({ step }) => t.steps.get(step.id)!.plannedMs));
  });

  it('a number of seconds and text with units come out the same, and the lease never drops below 3 s', () => {
    const { scenario } = loadScenario(join(dir, files[0]!));
    const sc = { ...scenario, leaseTtl: '1s', probes: scenario.probes.map((p, i) => ({ ...p, interval: i ? '1m30s' : 2 })) };
    expect(sc.probes.length).toBeGreaterThan(1);
    const t = planTimes(sc);
    expect(t.leaseTtlSec).toBe(3);
    expect([...t.probeIntervalMs.values()]).toEqual(sc.probes.map((_, i) => (i ? 90_000 : 2_000)));
  });

  it.each(files)('%s: the report states the SLO targets as written (ms from the one conversion)', (f) => {
    const { scenario } = loadScenario(join(dir, f));
    const s = scenario.slos;
    const env = scenario.environment;
    const pick = <T,>(t: { target: T; lab?: T; staging?: T; prod?: T }): T => t[env] ?? t.target;
    const text = runbookFacts(join(dir, f), []).info.sloText.join('\n');
    if (s?.recoveryTime) expect(text).toContain(`Recovery time ≤ ${formatDuration(parseDuration(pick(s.recoveryTime)))} `);
    if (s?.recoveryTime?.hold !== undefined) expect(text).toContain(`a ${formatDuration(parseDuration(s.recoveryTime.hold))} hold`);
    if (s?.detectionTime) expect(text).toContain(`Detection time ≤ ${formatDuration(parseDuration(pick(s.detectionTime)))} after`);
    if (s?.latencyP95) expect(text).toContain(`p95 latency of ${s.latencyP95.probe} ≤ ${formatDuration(parseDuration(pick(s.latencyP95)))}`);
    expect(text.length > 0).toBe(Boolean(s && Object.keys(s).length));
  });
});
