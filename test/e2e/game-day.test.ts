/**
 * The console UI end to end, in Chromium, through the real bridge, against the real console
 * service and the netns lab: open a scenario and see validation, pass preflight, start, approve a
 * high-risk step (the commander's own name refused), watch the timers move and the fault show in
 * the probe chart, let an observer try to act (refused), press STOP, confirm over SSH — not through
 * the console — that every node is clean, export a PDF and read it back, verify the audit chain.
 * Screens are saved under test-results/screens/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { CLEAN, nodeTraces } from '../integration/helpers/engine-cli.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { E2E_FIXTURES, startTestConsole, type TestConsole } from './helpers/console-server.js';
import { SCREENS_DIR, shot } from './helpers/screens.js';
import { ConsolePage } from './pages/console-page.js';

const FILE = 'ui-partition.yaml';
const WHO = { role: 'commander', transport: 'bridge' } as const;

let lab: LabInfo;
let con: TestConsole;
let cmd: TestBrowser;
let ui: ConsolePage;
let runId = '';

beforeAll(async () => {
  lab = getTestLab();
  con = await startTestConsole(lab, [join(E2E_FIXTURES, FILE)]);
  cmd = await launchBrowser();
  ui = new ConsolePage(cmd.page);
});

afterAll(async () => {
  // Whatever happened, nothing stays injected: STOP through the service, then close everything.
  const snap = await con?.service.handle('run.snapshot', {}, WHO).catch(() => null);
  if (snap && !['completed', 'aborted', 'failed'].includes(snap.state)) await con.service.handle('run.stop', { reason: 'e2e teardown' }, WHO);
  await cmd?.close();
  await con?.close();
});

describe.sequential('a game day in the browser', () => {
  it('opens on Home with the scenario, the inventory and the settings', async () => {
    await ui.open(con.bridge.url);
    await expect.poll(() => ui.scenario(FILE).count()).toBe(1);
    await expect.poll(() => cmd.page.getByTestId('node-node01').count()).toBe(1);
    await expect.poll(() => cmd.page.getByTestId('settings').textContent()).toContain(con.workspace);
    await shot(cmd.page, '01-home');
  });

  it('renders the runbook and validates edits live, with file:line:col', async () => {
    await ui.openScenario(FILE);
    await ui.waitValid();
    await expect.poll(() => ui.runbook.textContent()).toContain('Partition one API node');
    const original = await ui.editor.inputValue();
    await ui.editor.fill(original.replace('fault: network-partition', 'fault: network-partitio'));
    await ui.problemItems.first().waitFor();
    const problem = await ui.problemItems.first().textContent();
    expect(problem).toMatch(new RegExp(`${FILE.replace('.', '\\.')}:\\d+:\\d+`));
    expect(problem).toMatch(/network-partitio/);
    await expect.poll(() => ui.toPreflight.isDisabled()).toBe(true);
    await shot(cmd.page, '02-scenario-invalid');
    await ui.editor.fill(original);
    await ui.waitValid();
    await shot(cmd.page, '03-scenario-valid');
  });

  it('passes preflight and starts the run', async () => {
    await ui.toPreflight.click();
    const verdict = await ui.waitPreflight();
    await shot(cmd.page, '04-preflight');
    expect(verdict, (await cmd.page.getByTestId('preflight').textContent()) ?? '').toBe('ok');
    expect(await ui.cell('node01', 'network-partition').getAttribute('data-ok')).toBe('true');
    await ui.commander.fill('Ana');
    await ui.startRun.click();
    await ui.screen('live').waitFor();
    await ui.runState('running').waitFor({ timeout: 60_000 });
    const snap = await con.service.handle('run.snapshot', {}, WHO);
    runId = snap!.runId;
    expect(runId).toBeTruthy();
  });

  it('walks the steps: the operator confirms the briefing', async () => {
    // The engine holds an instruction step as running until the operator says done.
    await ui.waitStep('brief', 'running', 'awaiting-operator');
    await cmd.page.locator('[data-testid="step-card"] [data-step-id="brief"]').waitFor();
    await ui.advance.click();
    await ui.waitStep('brief', 'done');
  });

  it('approves the high-risk step by a second person only', async () => {
    await ui.waitStep('cut', 'awaiting-approval');
    await shot(cmd.page, '05-live-awaiting-approval');
    await ui.approve.click();
    await ui.approver.fill('ana');
    expect(await ui.approveSubmit.isDisabled()).toBe(true);
    await shot(cmd.page, '06-approve-refuses-commander');
    await ui.approver.fill('Dee');
    await ui.approveSubmit.click();
    await expect.poll(() => ui.approvedBy.textContent(), { timeout: 30_000 }).toContain('Dee');
  });

  it('shows the fault, moving timers and the fault in the probe chart', async () => {
    await ui.fault('node01', 'network-partition').and(cmd.page.locator('[data-state="active"]')).waitFor({ timeout: 60_000 });
    const before = await ui.runClock.textContent();
    await expect.poll(() => ui.runClock.textContent(), { timeout: 10_000 }).not.toBe(before);
    const countdown = await ui.phaseCountdown.textContent();
    await expect.poll(() => ui.phaseCountdown.textContent(), { timeout: 10_000 }).not.toBe(countdown);
    // The probe notices: node01's series goes unhealthy inside the fault band; the timer says when.
    const chart = ui.chart('api-health');
    await expect.poll(async () => Number(await chart.getAttribute('data-bands')), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => Number(await chart.getAttribute('data-unhealthy')), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await ui.timers.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).some((s) => s !== 'waiting'), { timeout: 30_000 }).toBe(true);
    await shot(cmd.page, '07-live-fault-active');
    await shot(cmd.page, '07b-live-fault-active-full', true);
  });

  it('lets an observer watch but not act, in the browser too', async () => {
    const obs = await launchBrowser();
    try {
      const o = new ConsolePage(obs.page);
      await o.open(con.bridge.observerUrl);
      await o.screen('live').waitFor();
      expect(await o.stop.isDisabled()).toBe(true);
      expect(await o.stop.getAttribute('title')).toMatch(/observer/i);
      await expect.poll(() => obs.page.getByTestId('badge-observer').count()).toBe(1);
      // No enabled control that would send a command: approve/advance/skip/export/check are disabled.
      for (const id of ['advance', 'skip', 'approve']) {
        const b = obs.page.getByTestId(id);
        if ((await b.count()) > 0) expect(await b.isDisabled(), id).toBe(true);
      }
      // And the socket itself refuses, whatever the page sends.
      const refused = await obs.page.evaluate(async () => {
        const token = new URLSearchParams(location.search).get('token');
        const ws = new WebSocket(`ws://${location.host}/ws?token=${token}`);
        const names = ['run.stop', 'run.pause', 'run.approve', 'shell.open', 'scenario.save', 'report.export'];
        const replies: Record<string, string> = {};
        await new Promise<void>((resolve) => {
          ws.onmessage = (m) => {
            const msg = JSON.parse(String(m.data)) as { kind: string; id?: number; result?: { ok: boolean; error?: { code: string } } };
            if (msg.kind === 'hello') names.forEach((name, i) => ws.send(JSON.stringify({ id: i + 1, name, req: {} })));
            if (msg.kind === 'result' && msg.id) {
              replies[names[msg.id - 1]!] = msg.result?.ok ? 'OK' : (msg.result?.error?.code ?? '?');
              if (Object.keys(replies).length === names.length) resolve();
            }
          };
        });
        ws.close();
        return replies;
      });
      expect(Object.values(refused)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect((await con.service.handle('run.snapshot', {}, WHO))!.state).toBe('running');
      await shot(obs.page, '08-observer-live');
    } finally {
      await obs.close();
    }
  });

  it('STOP: one click, per-node result, and the nodes are clean when checked over SSH directly', async () => {
    const t0 = Date.now();
    await ui.stop.click();
    await cmd.page.locator('[data-testid="stop-result"]:is([data-stop-state="clean"], [data-stop-state="unclean"])').waitFor({ timeout: 60_000 });
    const ms = Date.now() - t0;
    console.log(`[e2e] STOP click → per-node result on screen: ${ms} ms`);
    await shot(cmd.page, '09-stopped');
    expect(await ui.stopResult.getAttribute('data-stop-state')).toBe('clean');
    expect(await ui.stopNode('node01').getAttribute('data-status')).toBe('reverted');
    const traces = await nodeTraces(lab, ['node01', 'node02'], runId);
    for (const t of traces) expect(t, t.node).toMatchObject(CLEAN);
  });

  it('exports a PDF report that reads back', async () => {
    await ui.nav('report').click();
    await cmd.page.locator('[data-screen="report"][data-report="ready"]').waitFor({ timeout: 60_000 });
    await shot(cmd.page, '10-report');
    await ui.exportButton('pdf').click();
    // Either the path appears or the console says why not (as a toast): fail with its words.
    await cmd.page.locator('[data-testid="exported-pdf"], [data-testid="toast"]').first().waitFor({ timeout: 120_000 });
    expect(await ui.exported('pdf').count(), (await ui.toast.count()) ? ((await ui.toast.textContent()) ?? '') : '').toBe(1);
    const pdf = (await ui.exported('pdf').textContent())!.trim();
    expect(existsSync(pdf)).toBe(true);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Partition one API node');
    expect(text).toContain(runId);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(SCREENS_DIR, '11-report-pdf-page')]);
  });

  it('verifies the audit chain', async () => {
    await ui.nav('audit').click();
    await ui.verify.click();
    await expect.poll(() => ui.verifyResult.textContent(), { timeout: 30_000 }).toMatch(/chain intact/);
    await shot(cmd.page, '12-audit');
  });

  it('has a light theme, and no page errors along the way', async () => {
    await ui.nav('live').click();
    await cmd.page.getByRole('button', { name: /Switch to light theme/ }).click();
    await expect.poll(() => cmd.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await shot(cmd.page, '13-live-light');
    expect(cmd.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
