import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AuditStore } from '../../src-main/audit/index.js';
import { buildReportModel, resilienceScore, SCORE_WEIGHTS, type ScoreInputs } from '../../src-main/report/index.js';
import { clockOfShownTarget, parseShownDuration } from '../../src-main/report/runbook.js';
import { buildFixture, T0, type Fixture } from './report-fixture.js';

const open: Fixture[] = [];
const fixture = (o: { hostile?: boolean } = {}) => {
  const f = buildFixture(o);
  open.push(f);
  return f;
};
afterEach(() => {
  for (const f of open.splice(0)) f.audit.close();
});

describe('report model from a synthetic audit', () => {
  it('measures detection and recovery per inject step against the targets', () => {
    const f = fixture();
    const m = buildReportModel(f.audit, f.runId);
    const [cut, stall] = m.windows;
    expect(m.windows).toHaveLength(2);
    // The api failed over while db1 stayed partitioned: it healed itself 18.5 s after the fault became
    // active and held through the revert at 102 s. The runbook reads its target on the inject clock.
    expect(cut).toMatchObject({ stepId: 'cut', nodes: ['db1'], injectMs: 40_000, revertMs: 102_000, endKind: 'revert', ttdMs: 3500, ttdTargetMs: 5000, ttdVerdict: 'pass', ttrMs: 18_500, recoveryClock: 'inject', recoveryMs: 18_500, ttrTargetMs: 15_000, ttrVerdict: 'fail', selfHealed: true, selfHealedAfterMs: 18_500, recoverAfterRevertMs: null, impactMs: 15_000, holdMs: 10_000, precisionMs: 1000, revertMethod: 'step' });
    // db2 left residue, db3 was unreachable: the window never ended, so no recovery can be confirmed.
    expect(stall).toMatchObject({ stepId: 'stall', nodes: ['db2', 'db3'], injectMs: 116_000, revertMs: null, endKind: null, ttdMs: 2500, recovery: 'not-recovered', ttrMs: null, recoveryMs: null, ttrVerdict: 'fail', revertMethod: 'stop' });
    expect(stall!.recoveryNote).toMatch(/never verified reverted/);
    expect(m.unattributed).toEqual([]);
    // The report's recomputation agrees with the verdicts the engine recorded at run end.
    const recorded = Object.fromEntries(m.slos.map((s) => [s.name, s.verdict]));
    expect(recorded).toEqual({ 'recoveryTime:cut': 'fail', 'detectionTime:cut': 'pass', 'recoveryTime:stall': 'fail', 'detectionTime:stall': 'pass', 'availability:api-health': 'fail' });
    for (const w of m.windows) {
      expect(recorded[`recoveryTime:${w.stepId}`]).toBe(w.ttrVerdict);
      expect(recorded[`detectionTime:${w.stepId}`]).toBe(w.ttdVerdict);
    }
    expect(m.slos.every((s) => s.source === 'recorded')).toBe(true);
  });

  it('computes availability and the error budget used', () => {
    const m = buildReportModel(fixture().audit, open[0]!.runId);
    const api = m.availability.find((a) => a.probeId === 'api-health')!;
    expect(api.samples).toBe(140);
    expect(api.availabilityPct).toBeCloseTo((100 * 103) / 140, 9);
    expect(api.targetPct).toBe(99);
    expect(api.errorBudgetUsedPct).toBeCloseTo(((100 - (100 * 103) / 140) / (100 - 99)) * 100, 6);
    expect(api.latencyP95Ms).toBe(400);
    expect(m.availability.find((a) => a.probeId === 'db-lag')).toMatchObject({ samples: 210, targetPct: null, errorBudgetUsedPct: null });
    expect(m.impactText).toContain('Error budget used = (100 − availability) ÷ (100 − target)');
  });

  it('tells how each fault was taken back and its final state', () => {
    const f = fixture();
    const m = buildReportModel(f.audit, f.runId);
    const by = Object.fromEntries(m.faults.map((x) => [x.node, x]));
    expect(by.db1).toMatchObject({ kind: 'network-partition', stepId: 'cut', finalState: 'reverted', revertMethod: 'step', injectedMs: 40_000, revertedMs: 102_000, ttdMs: 3500, ttrMs: 18_500 });
    expect(by.db2).toMatchObject({ stepId: 'stall', finalState: 'residue', revertMethod: 'stop' });
    expect(by.db2!.revertText).toContain('STOP (api-health unhealthy for 10s, by Ana)');
    expect(by.db3).toMatchObject({ finalState: 'unreachable', revertMethod: 'lease' });
    expect(by.db3!.revertText).toContain('lease watchdog');
    expect(m.run).toMatchObject({ status: 'aborted', exitCode: 2, clean: false, commander: 'Ana', environment: 'lab', abortReason: 'api-health unhealthy for 10s' });
    expect(m.outcome).toBe('aborted');
  });

  it('keeps notes by role, approvals, a grouped timeline with exec condensed, and the chain status', () => {
    const f = fixture();
    const m = buildReportModel(f.audit, f.runId);
    expect(m.notes.map((n) => [n.role, n.author, n.elapsedMs])).toEqual([['scribe', 'Bo', 50_000], ['observer', 'Dee', 60_000]]);
    expect(m.approvals).toEqual([expect.objectContaining({ step: 'go', approver: 'Dee', decision: 'approved', elapsedMs: 35_000 })]);
    expect(m.timeline.map((g) => g.title)).toEqual(['Start', 'Phase: Preparation', 'Phase: Failure injection', 'Phase: Recovery', 'STOP and wrap-up']);
    const all = m.timeline.flatMap((g) => g.items);
    expect(all.some((i) => i.kind.startsWith('exec.'))).toBe(false);
    expect(all.some((i) => i.kind === 'samples.batch')).toBe(false);
    const execs = all.filter((i) => i.kind === 'exec');
    expect(execs.map((e) => e.text)).toContain('2 command(s) on 2 node(s): 2 exit 0');
    expect(all.find((i) => i.kind === 'stop.completed')!.details).toEqual(['db1: nothing', 'db2: residue', 'db3: unreachable (lease reverts by 2025-03-04T10:02:40.000Z)']);
    for (const g of m.timeline) expect(g.items.map((i) => i.seq)).toEqual([...g.items.map((i) => i.seq)].sort((a, b) => a - b));
    expect(m.integrity).toMatchObject({ ok: true, firstBroken: null });
    expect(m.integrity.text).toMatch(/^tamper-evident: \d+ events, chain intact$/);
    expect(m.runbook).toMatchObject({ available: true, owner: 'dba-team@example.com' });
    expect(m.runbook.phases.map((p) => [p.id, p.startedMs])).toEqual([['prep', 1000], ['inject', 30_000], ['recover', 100_000]]);
    expect(m.marks.faults).toEqual([{ label: 'cut: network-partition', fromMs: 40_000, toMs: 102_000 }, { label: 'stall: process-pause', fromMs: 116_000, toMs: 140_000 }]);
  });

  it('drafts action items from every gap, and lessons from the facts', () => {
    const f = fixture();
    const m = buildReportModel(f.audit, f.runId);
    const cats = m.actionItems.map((a) => `${a.priority}:${a.category}`);
    expect(cats).toEqual(['P2:recovery', 'P1:recovery', 'P1:residue', 'P1:reachability', 'P2:step', 'P1:abort', 'P2:slo']);
    expect(m.actionItems.every((a) => a.remediation.length > 20 && a.owner === 'dba-team@example.com')).toBe(true);
    expect(m.lessons.wentWell.join('\n')).toContain('Detection within target for 2 of 2');
    expect(m.lessons.gotLucky.join('\n')).toContain('db3 was unreachable');
    expect(m.lessons.prompts.length).toBeGreaterThan(2);
    // The earlier run: the probe never saw the partition → "alert never fired / probe blind".
    const early = buildReportModel(f.audit, f.earlierRunId);
    expect(early.windows[0]).toMatchObject({ detection: 'never-detected', ttdVerdict: 'unknown', recovery: 'never-detected' });
    expect(early.actionItems.map((a) => a.finding).join('\n')).toContain('Alert never fired / probe blind');
    expect(early.slos.every((s) => s.source === 'recomputed')).toBe(true);
    expect(early.slos.find((s) => s.name === 'availability:api-health')).toMatchObject({ verdict: 'pass', measured: '100.00%' });
  });

  it('scores the run by the documented formula and shows the trend of the same runbook', () => {
    const f = fixture();
    const m = buildReportModel(f.audit, f.runId);
    const v = Object.fromEntries(m.score.components.map((c) => [c.key, c.value]));
    expect(v.slo).toBeCloseTo(2 / 5); // 2 pass, 3 fail
    expect(v.recovery).toBeCloseTo((15 / 18.5 + 0) / 2); // slower than target: target ÷ measured; never recovered: 0
    expect(v.detection).toBe(1);
    expect(v.finish).toBe(0); // final stop not clean
    expect(v.residue).toBeCloseTo(1 / 3);
    const expected = (35 * (2 / 5) + 25 * ((15 / 18.5) / 2) + 20 * 1 + 10 * 0 + 10 * (1 / 3)) / 100 * 100;
    expect(m.score.value).toBe(Math.round(expected));
    expect(m.trend.map((t) => [t.runId, t.current, t.outcome])).toEqual([[f.runId, true, 'aborted'], [f.earlierRunId, false, 'passed']]);
    expect(m.trend[0]).toMatchObject({ score: m.score.value, worstTtrMs: 18_500, unrecovered: 1 });
    expect(m.trend[1]).toMatchObject({ worstTtrMs: null, availabilityPct: 100 });
    expect(m.trend[1]!.score).toBe(buildReportModel(f.audit, f.earlierRunId).score.value);
  });

  it('degrades gracefully when the runbook file is gone', () => {
    const f = fixture();
    rmSync(f.runbook);
    const m = buildReportModel(f.audit, f.runId);
    expect(m.runbook.available).toBe(false);
    expect(m.runbook.note).toContain('runbook file no longer available');
    expect(m.runbook.hypothesis).toBeNull();
    // Targets come back from the verdicts recorded at run end; the interval from the samples.
    expect(m.windows[0]).toMatchObject({ ttrMs: 18_500, ttrTargetMs: 15_000, ttdTargetMs: 5000, ttrVerdict: 'fail', precisionMs: 1000 });
    expect(m.availability.find((a) => a.probeId === 'api-health')!.targetPct).toBe(99);
    expect(m.charts.map((c) => c.probeId).sort()).toEqual(['api-health', 'db-lag']);
    expect(m.summary).toContain('hypothesis is not available');
  });

  it('reports a tampered audit and drafts an action for it', () => {
    const f = fixture();
    f.audit.close();
    // Edit one stored event behind the store's back, as an attacker with file access would.
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => { prepare(sql: string): { run(...a: unknown[]): unknown }; close(): void };
    const db = new Database(f.file);
    db.prepare("UPDATE events SET data = '{\"tampered\":true}' WHERE seq = 5").run();
    db.close();
    const again = AuditStore.open(f.file);
    try {
      const m = buildReportModel(again, f.runId);
      expect(m.integrity).toMatchObject({ ok: false, firstBroken: { seq: 5 } });
      expect(m.actionItems.some((a) => a.category === 'audit' && a.priority === 'P1')).toBe(true);
    } finally {
      again.close();
    }
    open.splice(open.indexOf(f), 1);
  });
});

describe('resilience score', () => {
  const perfect: ScoreInputs = { sloVerdicts: ['pass', 'pass'], windows: [{ detection: 'detected', ttdMs: 1000, ttdTargetMs: 5000, recovery: 'recovered', recoveryMs: 5000, ttrTargetMs: 10_000 }], status: 'completed', failedSteps: 0, stopClean: true, faultStates: [{ state: 'reverted', oneShot: false }] };

  it('is 100 for a clean run that met every target, and the weights sum to 100', () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    expect(resilienceScore(perfect).value).toBe(100);
  });

  it('gives partial credit for slow recovery and spreads the weight of what does not apply', () => {
    const slow = resilienceScore({ ...perfect, windows: [{ ...perfect.windows[0]!, recoveryMs: 20_000 }] });
    expect(slow.components.find((c) => c.key === 'recovery')!.value).toBe(0.5);
    expect(slow.value).toBe(Math.round(100 - 25 * 0.5));
    // No SLOs and no faults: only "clean finish" applies, and it alone makes 100.
    const bare = resilienceScore({ sloVerdicts: [], windows: [], status: 'completed', failedSteps: 0, stopClean: true, faultStates: [] });
    expect(bare.components.filter((c) => c.value === null).map((c) => c.key)).toEqual(['slo', 'recovery', 'detection', 'residue']);
    expect(bare.value).toBe(100);
    const unknown = resilienceScore({ ...perfect, sloVerdicts: ['unknown', 'fail'] });
    expect(unknown.components[0]!.value).toBe(0.25);
    const blind = resilienceScore({ ...perfect, windows: [{ detection: 'never-detected', ttdMs: null, ttdTargetMs: 5000, recovery: 'never-detected', recoveryMs: null, ttrTargetMs: 10_000 }] });
    expect(blind.components.find((c) => c.key === 'detection')!.value).toBe(0);
    expect(blind.components.find((c) => c.key === 'recovery')!.value).toBeNull();
  });
});

describe('reading back shown durations', () => {
  it('parses what formatDuration prints', () => {
    expect(parseShownDuration('≤ 850ms')).toBe(850);
    expect(parseShownDuration('≤ 15.0s')).toBe(15_000);
    expect(parseShownDuration('3.50s')).toBe(3500);
    expect(parseShownDuration('4m05s')).toBe(245_000);
    expect(parseShownDuration('1h02m')).toBe(3_720_000);
    expect(parseShownDuration('—')).toBeNull();
    expect(parseShownDuration('≤ 10.0s from revert')).toBe(10_000);
    expect(clockOfShownTarget('≤ 10.0s from inject')).toBe('inject');
    expect(clockOfShownTarget('≤ 10.0s')).toBe('revert');
  });
  it('uses the run start as elapsed zero', () => {
    expect(T0).toBe(Date.parse('2025-03-04T10:00:00Z'));
  });
});
