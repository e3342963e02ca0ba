/**
 * Screens an incident commander can work in (issue 11 §4, §5 browser exports, §7), in real Chromium
 * through the real bridge, on the simulated lab: a game day through the UI (the validate warning
 * about the commander among the approvers; the approval dialog offering only the people who may
 * approve; the terminal's lines with time and node; a run that simply finished reads "completed"),
 * then a dry run, a tabletop rehearsal, a drill with a trainee and an observer, and an inject the
 * CLI refuses on the same workspace. Checked on screen: every screen says which run it is about and
 * lets you pick another; the Report tab after the drill is the drill's; the outcome banner belongs
 * to its run and a dismissal survives a reload; one vocabulary with DRY RUN / REHEARSAL / DRILL
 * marks in Recent runs, the report, the downloaded exports; audit paging, JSON rows and filter
 * examples that match real kinds; charts name their units; each timeline event once; no text cut
 * without an ellipsis and a tooltip. Screenshots of Home, Live (each mode), Report, Debrief and
 * Audit at 1024, 1280 and 1440 px: test-results/screens/screens-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { E2E_FIXTURES } from './helpers/console-server.js';
import { shot } from './helpers/screens.js';
import { startSimConsole, type SimConsole } from './helpers/sim-console.js';
import { cutText } from './helpers/text-fit.js';
import { ScreensPage } from './pages/screens-page.js';
import { AUDIT_KIND_EXAMPLES } from '../../src-renderer/components/audit/AuditTable.js';

const FILE = 'screens-partition.yaml';
const DRILL = 'drill-api-mystery-loss.yaml';
const COMMANDER = { role: 'commander', transport: 'bridge' } as const;
const WAIT = { timeout: 90_000 };
const WIDTHS = [1024, 1280, 1440];

let con: SimConsole;
let cmd: TestBrowser;
let obs: TestBrowser;
let trn: TestBrowser;
let c: ScreensPage;
let o: ScreensPage;
let t: ScreensPage;
const runs: Record<'gameday' | 'dry' | 'rehearsal' | 'drill' | 'refused', string> = { gameday: '', dry: '', rehearsal: '', drill: '', refused: '' };
/** Text cut without ellipsis or tooltip, per screen and width; and how many screens were checked. */
const cuts: string[] = [];
let checked = 0;

async function state(s: string): Promise<void> {
  await expect.poll(async () => (await con.service.handle('run.snapshot', {}, COMMANDER))?.state, WAIT).toBe(s);
}

/** Every chart has been drawn for its current size (charts redraw on their own clock after a resize). */
async function chartsDrawn(page: Page): Promise<void> {
  const pending = () => page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('figure.probe-chart')).filter((f) => f.dataset.drawnWidth !== String(f.querySelector('.chart-canvas')?.clientWidth ?? 0)).length);
  await expect.poll(pending, WAIT).toBe(0);
}

/** Screenshots at 1024, 1280 and 1440 px (then back to 1280), checking for cut text at each. */
async function shots(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    await chartsDrawn(page);
    await shot(page, `screens-${name}-${width}`);
    cuts.push(...(await cutText(page)).map((x) => `${name} at ${width}: ${x}`));
    checked++;
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  con = await startSimConsole([join(E2E_FIXTURES, FILE), join(process.cwd(), 'scenarios', DRILL)]);
  cmd = await launchBrowser();
  obs = await launchBrowser();
  trn = await launchBrowser();
  for (const b of [cmd, obs, trn]) await b.page.setViewportSize({ width: 1280, height: 900 });
  c = new ScreensPage(cmd.page);
  o = new ScreensPage(obs.page);
  t = new ScreensPage(trn.page);
});

afterAll(async () => {
  const snap = await con?.service.handle('run.snapshot', {}, COMMANDER).catch(() => null);
  if (snap && !['completed', 'aborted', 'failed'].includes(snap.state)) await con.service.handle('run.stop', { reason: 'e2e teardown' }, COMMANDER);
  await cmd?.close();
  await obs?.close();
  await trn?.close();
  await con?.close();
});

describe.sequential('screens an incident commander can work in', () => {
  it('Home before any run; the runbook editor warns that the commander is among the approvers', async () => {
    await c.open(con.bridge.url);
    await expect.poll(() => c.scenario(FILE).count(), WAIT).toBe(1);
    await shots(cmd.page, 'home-idle');
    await c.openScenario(FILE);
    await c.waitValid();
    await expect.poll(() => c.problemItems.allTextContents(), WAIT).toEqual([expect.stringMatching(/Ana is the commander, who can never approve their own run.*drop Ana: approvers: \[Dee\]/)]);
    await shot(cmd.page, 'screens-scenario-approver-warning');
  });

  it('game day: the approval dialog offers only the people who may approve', async () => {
    await c.toPreflight.click();
    expect(await c.waitPreflight()).toBe('ok');
    await c.commander.fill('Ana');
    await c.startRun.click();
    await c.runState('running').waitFor(WAIT);
    runs.gameday = (await con.service.handle('run.snapshot', {}, COMMANDER))!.runId;
    await o.open(con.bridge.observerUrl);
    await c.waitStep('go', 'awaiting-approval');
    await c.approve.click();
    await expect.poll(() => c.approverChoices.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['Dee']);
    expect(await cmd.page.getByTestId('approver').count()).toBe(0);
    await shot(cmd.page, 'screens-approve-dialog');
    await c.approverChoices.first().check();
    await c.approveSubmit.click();
    await c.waitStep('go', 'done');
    // The high-risk inject needs its own go; no list in the runbook: a name, anyone's but the commander's.
    await c.waitStep('cut', 'awaiting-approval');
    await c.approve.click();
    await c.approver.fill('ana');
    expect(await c.approveSubmit.isDisabled()).toBe(true);
    await c.approver.fill('Dee');
    await c.approveSubmit.click();
    await expect.poll(() => c.approvedBy.textContent(), WAIT).toContain('Dee');
  });

  it('game day live: charts name their units; the terminal says when and on which node', async () => {
    await c.fault('node02', 'network-partition').and(cmd.page.locator('[data-state="active"]')).waitFor(WAIT);
    const chart = c.chart('api-health');
    await expect.poll(() => chart.getAttribute('data-unit'), WAIT).toBe('latency (ms)');
    await expect.poll(async () => Number(await chart.getAttribute('data-bands')), WAIT).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => Number(await c.execWrap.getAttribute('data-chunks')), WAIT).toBeGreaterThan(0);
    expect(await cmd.page.getByTestId('exec-empty').count()).toBe(0);
    // xterm draws on its own frame clock, and only while on screen: show it and wait for the line, with its time and node.
    await cmd.page.getByTestId('exec-terminal').scrollIntoViewIfNeeded();
    await expect.poll(() => cmd.page.getByTestId('exec-terminal').evaluate((el) => el.querySelector('.xterm-rows')?.textContent ?? ''), WAIT).toMatch(/\d\d:\d\d:\d\d node02\s+│ network-partition/);
    // The terminal is the theme's colour, not a white box on a dark page.
    const bg = await cmd.page.getByTestId('exec-terminal').evaluate((el) => getComputedStyle(el.querySelector('.xterm-viewport') ?? el).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await shots(cmd.page, 'live-gameday');
    await o.goTo('live');
    await shots(obs.page, 'live-observer');
  });

  it('a run that simply finished reads "completed"; its banner belongs to it and a dismissal survives a reload', async () => {
    await state('completed');
    await c.runState('completed').waitFor(WAIT);
    await expect.poll(() => c.outcome.getAttribute('data-outcome'), WAIT).toBe('completed');
    const headline = (await c.outcomeHeadline.textContent()) ?? '';
    expect(headline).toMatch(/^Completed — all nodes clean$/);
    expect(headline).not.toMatch(/STOPPED|runbook finished/);
    // node02's partition was reverted by the heal step: STOP found nothing left, and says so plainly.
    expect(await c.stopNode('node02').textContent()).toContain('already reverted before STOP');
    await shot(cmd.page, 'screens-live-gameday-completed');
    // Not on screens about no run (the editor, preflight).
    await c.goTo('scenario');
    expect(await c.outcome.count()).toBe(0);
    await c.goTo('live');
    await c.dismissOutcome.click();
    expect(await c.outcome.count()).toBe(0);
    await cmd.page.reload();
    await cmd.page.locator('[data-app-state="ready"]').waitFor(WAIT);
    await c.goTo('live');
    await c.runState('completed').waitFor(WAIT);
    expect(await c.outcome.count()).toBe(0);
  });

  it('dry run and tabletop rehearsal: Live in each mode, marked', async () => {
    runs.dry = (await con.service.handle('run.start', { file: FILE, commander: 'Ana', dryRun: true }, COMMANDER)).runId;
    await state('completed');
    await c.goTo('live');
    await cmd.page.locator(`[data-screen="live"][data-run-state="completed"]`).waitFor(WAIT);
    await cmd.page.getByTestId('badge-dry-run').waitFor(WAIT);
    await expect.poll(() => c.outcomeHeadline.textContent(), WAIT).toBe('DRY RUN · Completed — nothing was sent to any node');
    await shots(cmd.page, 'live-dryrun');
    runs.rehearsal = (await con.service.handle('run.start', { file: FILE, commander: 'Ana', mode: 'rehearsal' }, COMMANDER)).runId;
    await c.runState('running').waitFor(WAIT);
    await cmd.page.getByTestId('badge-tabletop').waitFor(WAIT);
    await shots(cmd.page, 'live-rehearsal');
    await c.stop.click();
    await c.runState('aborted').waitFor(WAIT);
    await expect.poll(() => c.outcomeHeadline.textContent(), WAIT).toBe('REHEARSAL · Stopped by Ana (commander) — nothing was sent to any node');
    // The header's clock uses the same words: a STOP reads "stopped", and it says it is the last run.
    await expect.poll(() => cmd.page.getByTestId('run-clock').locator('.run-state').textContent(), WAIT).toBe('last run stopped');
    // The room opens this run's report from Live: Report now points at the rehearsal.
    await cmd.page.getByTestId('to-report').click();
    await expect.poll(() => c.runIdentity.getAttribute('data-run-id'), WAIT).toBe(runs.rehearsal);
  });

  it('drill: facilitator, trainee, observer; afterwards the Report tab is the drill, marked DRILL', async () => {
    runs.drill = (await con.service.handle('run.start', { file: DRILL, commander: 'Fran', mode: 'drill' }, COMMANDER)).runId;
    await c.goTo('live');
    await c.runState('running').waitFor(WAIT);
    await cmd.page.getByTestId('facilitator-panel').waitFor(WAIT);
    await t.open(con.bridge.traineeUrl);
    await t.runState('running').waitFor(WAIT);
    // Enough events that the audit needs more than one page (the scribe's notes are real audit events).
    for (let i = 0; i < 520; i++) await con.service.handle('run.note', { role: 'scribe', author: 'Bo', text: `observation ${i}` }, COMMANDER);
    await shots(cmd.page, 'live-drill-facilitator');
    await shots(trn.page, 'live-drill-trainee');
    await c.stop.click();
    await c.runState('aborted').waitFor(WAIT);
    await c.goTo('report');
    await expect.poll(() => c.runIdentity.getAttribute('data-run-id'), WAIT).toBe(runs.drill);
    await expect.poll(() => c.runIdentity.getAttribute('data-marker'), WAIT).toBe('DRILL');
    expect(await c.runIdentity.getByTestId('run-outcome').textContent()).toBe('stopped by Fran (commander)');
  });

  it('an inject the CLI refuses on the same workspace is "refused, nothing sent" in Recent runs; every run is marked', async () => {
    execFileSync(process.execPath, ['resources/build-cli.mjs'], { stdio: 'ignore' });
    let code = 0;
    let said = '';
    try {
      execFileSync(process.execPath, ['resources/bin/gameday.mjs', 'inject', 'network-loss', 'node01', '-p', 'percent=30', '--protect', 'node01', '-d', '5s', '--workspace', con.workspace, '--inventory', con.sim.inventoryPath], { stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
    } catch (e) {
      const err = e as { status: number; stdout: Buffer; stderr: Buffer };
      code = err.status;
      said = `${err.stdout}${err.stderr}`;
    }
    expect(code, said).toBe(3);
    expect(said).toMatch(/refused/);
    await c.goTo('home');
    await cmd.page.getByRole('button', { name: 'Refresh' }).click();
    const list = (await con.service.handle('runs.list', {}, COMMANDER)) ?? [];
    const adhoc = list.find((r) => r.title?.startsWith('adhoc network-loss'));
    expect(adhoc, JSON.stringify(list.map((r) => [r.id, r.title]))).toBeDefined();
    runs.refused = adhoc!.id;
    const row = (id: string) => c.recentRun(id);
    await expect.poll(() => row(runs.refused).getAttribute('data-outcome'), WAIT).toBe('refused');
    expect(await row(runs.refused).getByTestId('recent-outcome').textContent()).toBe('refused, nothing sent');
    expect(await row(runs.gameday).getAttribute('data-marker')).toBe('');
    expect(await row(runs.gameday).getByTestId('recent-outcome').textContent()).toBe('completed');
    expect(await row(runs.dry).getAttribute('data-marker')).toBe('DRY RUN');
    expect(await row(runs.rehearsal).getAttribute('data-marker')).toBe('REHEARSAL');
    expect(await row(runs.drill).getAttribute('data-marker')).toBe('DRILL');
    await shots(cmd.page, 'home-after-runs');
  });

  it('Report: pick another run; an export downloads in the browser and stays in the workspace, marked', async () => {
    await c.goTo('report');
    await c.picker('report').selectOption(runs.dry);
    await cmd.page.locator(`[data-screen="report"][data-run-id="${runs.dry}"][data-report="ready"]`).waitFor(WAIT);
    expect(await c.runIdentity.getAttribute('data-marker')).toBe('DRY RUN');
    const [download] = await Promise.all([cmd.page.waitForEvent('download', WAIT), c.exportButton('md').click()]);
    const saved = await download.path();
    const md = readFileSync(saved, 'utf8');
    expect(download.suggestedFilename()).toBe(`${runs.dry}.md`);
    expect(md).toMatch(/^# Post-mortem: DRY RUN · Cut node02 off/m);
    const kept = (await c.exported('md').textContent())!.trim();
    expect(kept.startsWith(join(con.workspace, 'reports'))).toBe(true);
    expect(readFileSync(kept, 'utf8')).toBe(md);
    expect(await cmd.page.getByTestId('downloaded-md').textContent()).toContain(`${runs.dry}.md`);
    await c.picker('report').selectOption(runs.gameday);
    await cmd.page.locator(`[data-screen="report"][data-run-id="${runs.gameday}"][data-report="ready"]`).waitFor(WAIT);
    await shots(cmd.page, 'report');
    // The preview is a sandboxed frame (its own process): a page screenshot leaves it blank, the element's own does not.
    await cmd.page.getByTestId('report-frame').screenshot({ path: join(process.cwd(), 'test-results', 'screens', 'screens-report-preview.png') });
  });

  it('Debrief: which run, a picker, each event once, axes with units', async () => {
    await c.goTo('debrief');
    await c.picker('debrief').selectOption(runs.gameday);
    await cmd.page.locator('[data-screen="debrief"][data-debrief="ready"]').waitFor(WAIT);
    expect(await c.runIdentity.getAttribute('data-run-id')).toBe(runs.gameday);
    await expect.poll(() => cmd.page.getByTestId('replay-chart-api-health').getAttribute('data-unit'), WAIT).toBe('latency (ms)');
    await cmd.page.getByTestId('replay-scrubber').focus();
    await cmd.page.keyboard.press('End');
    await cmd.page.locator('[data-screen="debrief"][data-ended="true"]').waitFor(WAIT);
    const at = await cmd.page.locator('[data-screen="debrief"]').getAttribute('data-at');
    await cmd.page.locator(`[data-testid="replay-chart-api-health"][data-cursor="${at}"]`).waitFor(WAIT);
    const rows = await cmd.page.locator('.replay-event').allTextContents();
    const kinds = await cmd.page.locator('.replay-event .pill').allTextContents();
    expect(kinds).not.toContain('run.completed');
    expect(kinds).not.toContain('run.stopping');
    // The kind is shown once per row, not repeated as the row's text.
    for (const [i, r] of rows.entries()) expect(r.split(kinds[i]!).length - 1, r).toBe(1);
    await shots(cmd.page, 'debrief');
  });

  it('Audit: the run list is live, every event reachable, rows open to JSON, examples match real kinds, the export is marked', async () => {
    await c.goTo('audit');
    const total = (await con.service.handle('audit.events', { limit: 5000 }, COMMANDER))!.length;
    expect(total).toBeGreaterThan(500);
    expect(await c.auditLoaded('', '')).toBe(500);
    while ((await c.auditMore.count()) > 0) {
      const before = await c.auditRows.count();
      await c.auditMore.click();
      await expect.poll(() => c.auditRows.count(), WAIT).toBeGreaterThan(before);
    }
    expect(await c.auditRows.count()).toBe(total);
    // The drill (started after the page first listed runs) is in the picker without a reload.
    expect(await c.picker('audit').locator(`option[value="${runs.drill}"]`).count()).toBe(1);
    await c.picker('audit').selectOption(runs.gameday);
    expect(await c.auditLoaded(runs.gameday, '')).toBeGreaterThan(10);
    await c.auditRows.first().getByTestId('audit-open').click();
    const json = JSON.parse((await cmd.page.getByTestId('audit-json').first().textContent())!) as { runId: string };
    expect(json.runId).toBe(runs.gameday);
    await shots(cmd.page, 'audit');
    await c.picker('audit').selectOption('');
    for (const k of AUDIT_KIND_EXAMPLES) {
      await c.auditKind.fill(k);
      expect(await c.auditLoaded('', k), k).toBeGreaterThan(0);
    }
    await c.auditKind.fill('');
    const [download] = await Promise.all([cmd.page.waitForEvent('download', WAIT), cmd.page.getByTestId('audit-export').click()]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { run_id: string | null; marker?: string });
    expect(lines.length).toBeGreaterThanOrEqual(total);
    expect(lines.filter((l) => l.run_id === runs.drill).every((l) => l.marker === 'DRILL')).toBe(true);
    expect(lines.filter((l) => l.run_id === runs.dry).every((l) => l.marker === 'DRY RUN')).toBe(true);
    expect(lines.filter((l) => l.run_id === runs.gameday).some((l) => l.marker)).toBe(false);
    expect(existsSync((await cmd.page.getByTestId('exported-jsonl').textContent())!.trim())).toBe(true);
  });

  it('no text was cut without an ellipsis and a tooltip, and no page errors', () => {
    // Home ×2, Live in 6 modes (game day, observer, dry run, rehearsal, drill facilitator, trainee), Report, Debrief, Audit: each at three widths.
    expect(checked).toBe(11 * WIDTHS.length);
    expect(cuts).toEqual([]);
    for (const b of [cmd, obs, trn]) expect(b.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
