/** The report's Drill section and Rehearsal banner, from a real audit written by the drill controller. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src-main/audit/index.js';
import { DrillController } from '../../src-main/drill/controller.js';
import { buildReportModel, renderHtml, renderJson, renderMarkdown } from '../../src-main/report/index.js';
import { REHEARSAL_BANNER } from '../../src-main/report/drill.js';
import { loadScenario } from '../../src-main/scenario/index.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'drill-db-disk-full.yaml');
const { scenario } = loadScenario(FILE);
const dir = mkdtempSync(join(tmpdir(), 'gd-rdrill-'));
const audit = AuditStore.open(join(dir, 'a.db'));
afterAll(() => {
  audit.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report: drills and rehearsals', () => {
  it('a drill run has a Drill section: briefing, score table with formula, declarations with rulings, hints, diagnosis verdict', () => {
    let t = Date.now();
    audit.createRun({ id: 'r-d', scenario: FILE, title: scenario.title, env: 'lab', commander: 'Fran' });
    const d = new DrillController({ runId: 'r-d', scenario, mode: 'drill', audit, commander: 'Fran', emit: () => undefined, now: () => t, commandsUsed: () => 0 });
    d.begin();
    d.faultActive(t);
    t += 50_000;
    d.tick();
    d.declare('detected', 'Tia', "The database's data disk is full", 'df shows 95 %');
    d.declare('mitigated', 'Tia');
    d.rule(1, 'rejected', 'Fran');
    d.finish();
    audit.endRun('r-d', 'completed', { exitCode: 0, clean: true, slos: [] });
    const m = buildReportModel(audit, 'r-d');
    expect(m.drill).toMatchObject({ mode: 'drill', diagnosisCorrect: true, answer: "The database's data disk is full" });
    const md = renderMarkdown(m);
    expect(md).toContain(`## Drill: score **${d.score!.total}/100**`);
    expect(md).toMatch(/the team's diagnosis was \*\*correct\*\*/);
    expect(md).toContain('rejected by the facilitator');
    expect(md).toContain('three times the target');
    expect(md).toContain("| 1 | T+00:45 | T+00:50 (on schedule) | −5 |");
    const html = renderHtml(m);
    expect(html).toContain('Drill: score');
    expect(html).toContain('df shows 95 %');
    expect(JSON.parse(renderJson(m)).drill.score.total).toBe(d.score!.total);
  });

  it('a rehearsal has the banner and the outcomes walked; a game day has neither', () => {
    audit.createRun({ id: 'r-r', scenario: FILE, title: scenario.title, env: 'lab', commander: 'Fran' });
    const d = new DrillController({ runId: 'r-r', scenario, mode: 'rehearsal', audit, commander: 'Fran', emit: () => undefined, now: () => Date.now(), commandsUsed: () => 0 });
    d.begin();
    d.rehearse(scenario.phases[1]!.steps[0]!);
    d.finish();
    audit.endRun('r-r', 'completed', { exitCode: 0, clean: true, slos: [] });
    const m = buildReportModel(audit, 'r-r');
    const md = renderMarkdown(m);
    expect(md).toContain(REHEARSAL_BANNER);
    expect(md).toMatch(/\*\*act-1\*\*: The data disk on node03 climbs/);
    expect(renderHtml(m)).toContain(REHEARSAL_BANNER);
    audit.createRun({ id: 'r-g', scenario: FILE, title: scenario.title, env: 'lab', commander: 'Fran' });
    audit.endRun('r-g', 'completed', { exitCode: 0, clean: true, slos: [] });
    const g = buildReportModel(audit, 'r-g');
    expect(g.drill).toBeUndefined();
    expect(renderMarkdown(g)).not.toContain('## Drill: score');
  });
});
