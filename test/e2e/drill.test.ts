/**
 * A training drill from start to debrief, in Chromium, through the real bridge, on the embedded
 * simulated lab: the facilitator (commander token) starts a drill runbook in drill mode; a trainee
 * (own browser, trainee token) joins, works in a shell on a node, sees hints revealed (on schedule
 * and "Reveal now"), declares detected and then mitigated with a diagnosis; the facilitator accepts;
 * the run ends; both replay it in the debrief (scrub to the middle and the end, play at 60×).
 * Everything the trainee's page ever put in its DOM while the drill was live is recorded in the
 * page (a MutationObserver from the first script on) and must not name the hidden fault.
 * Screens are saved under test-results/screens/drill-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { shot } from './helpers/screens.js';
import { startSimConsole, type SimConsole } from './helpers/sim-console.js';
import { DrillPage } from './pages/drill-page.js';

const FILE = 'drill-api-mystery-loss.yaml';
const COMMANDER = { role: 'commander', transport: 'bridge' } as const;
const ANSWER_CHOICE = 'Packet loss on one API node';
/** The runbook's own title and names: the facilitator's; trainees see only the drill's title. */
const RUNBOOK_TITLE = 'Drill: one API node is slow';
const TRAINEE_TITLE = 'Training drill';
const WAIT = { timeout: 90_000 };

let con: SimConsole;
let fac: TestBrowser;
let trn: TestBrowser;
let f: DrillPage;
let t: DrillPage;
/** The hidden fault as the facilitator's engine knows it (kind, node, inject step title). */
let hidden: { kind: string; node: string; words: string[] } | null = null;
/** The trainee page's HTML just before the last step ends the run. */
let liveHtml = '';

/**
 * Runs in the trainee's page before any app script: every element added, every text and attribute
 * change is appended to window.__gdSeen until the page shows the run ended (the debrief may name
 * the fault: that is its job).
 */
function recordDom(): void {
  const w = window as unknown as { __gdSeen: string[]; __gdRecording: boolean };
  w.__gdSeen = [];
  w.__gdRecording = true;
  const ended = (): boolean => {
    const live = document.querySelector('[data-screen="live"][data-run-state]');
    const st = live?.getAttribute('data-run-state');
    return st === 'completed' || st === 'aborted' || st === 'failed' || document.querySelector('[data-screen="debrief"]') !== null;
  };
  const obs = new MutationObserver((records) => {
    if (!w.__gdRecording) return;
    if (ended()) {
      w.__gdRecording = false;
      return;
    }
    for (const r of records) {
      if (r.type === 'childList') r.addedNodes.forEach((n) => w.__gdSeen.push(n instanceof Element ? n.outerHTML : (n.textContent ?? '')));
      else if (r.type === 'characterData') w.__gdSeen.push(r.target.textContent ?? '');
      else if (r.type === 'attributes' && r.target instanceof Element) w.__gdSeen.push(`${r.attributeName}=${r.target.getAttribute(r.attributeName ?? '') ?? ''}`);
    }
  });
  const start = (): void => obs.observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}

async function traineeSaw(): Promise<string> {
  const seen = await t.page.evaluate(() => (window as unknown as { __gdSeen: string[] }).__gdSeen.join('\n'));
  return `${seen}\n${liveHtml}`;
}

/** The facilitator confirms a step the engine holds for the operator. */
async function advance(stepId: string): Promise<void> {
  await f.waitStep(stepId, 'awaiting-operator', 'running');
  await f.page.locator(`[data-testid="step-card"] [data-step-id="${stepId}"]`).waitFor(WAIT);
  await f.advance.click();
  await f.waitStep(stepId, 'done');
}

beforeAll(async () => {
  con = await startSimConsole(['api-node-partition.yaml', 'drill-db-disk-full.yaml', FILE, 'api-packet-loss.yaml'].map((x) => join(process.cwd(), 'scenarios', x)));
  fac = await launchBrowser();
  trn = await launchBrowser();
  await trn.ctx.addInitScript(recordDom);
  f = new DrillPage(fac.page);
  t = new DrillPage(trn.page);
});

afterAll(async () => {
  const snap = await con?.service.handle('run.snapshot', {}, COMMANDER).catch(() => null);
  if (snap && !['completed', 'aborted', 'failed'].includes(snap.state)) await con.service.handle('run.stop', { reason: 'e2e teardown' }, COMMANDER);
  await fac?.close();
  await trn?.close();
  await con?.close();
});

describe.sequential('a training drill, start to debrief, on the simulated lab', () => {
  it('Home offers the demo and a drill (SIMULATED); the start panel offers drill mode for it', async () => {
    await f.open(con.bridge.url);
    // The demo is the runbook tagged demo; the drill card shows another drill runbook.
    const demo = fac.page.getByTestId('demo-card');
    await demo.waitFor(WAIT);
    expect(await demo.getAttribute('data-file')).toContain('api-node-partition.yaml');
    expect(await demo.getByTestId('featured-simulated').isVisible()).toBe(true);
    expect(await demo.getByTestId('start-demo').textContent()).toBe('Start demo game day');
    await f.drillCard.waitFor(WAIT);
    expect(await f.drillCard.getAttribute('data-file')).toContain(FILE);
    expect(await f.drillCard.getByTestId('featured-simulated').count()).toBe(1);
    await expect.poll(() => fac.page.getByTestId('badge-simulated').count()).toBe(1);
    await shot(fac.page, 'drill-01-home');
    await f.drillCard.getByTestId('start-drill').click();
    expect(await f.waitPreflight()).toBe('ok');
    expect(await f.mode('drill').isChecked()).toBe(true);
    await shot(fac.page, 'drill-02-start-drill-mode');
  });

  it('the facilitator starts the drill and sees the private panel with the answer', async () => {
    await f.commander.fill('Fran');
    await f.startRun.click();
    await f.runState('running').waitFor(WAIT);
    await f.facilitatorPanel.waitFor(WAIT);
    await expect.poll(() => fac.page.getByTestId('drill-answer').textContent(), WAIT).toContain(ANSWER_CHOICE);
    expect(await fac.page.getByTestId('badge-drill').count()).toBe(1);
    // The facilitator is given the trainee URL (only the commander seat gets it from app.info).
    expect(await fac.page.getByTestId('trainee-url').textContent()).toBe(con.bridge.traineeUrl);
  });

  it('a trainee joins with the trainee token: no faults, no timers, no steps, no STOP', async () => {
    await t.open(con.bridge.traineeUrl);
    await trn.page.locator('[data-screen="live"][data-trainee="live"]').waitFor(WAIT);
    await expect.poll(() => trn.page.getByTestId('badge-trainee').count()).toBe(1);
    expect(await t.stop.isDisabled()).toBe(true);
    expect(await t.stop.getAttribute('title')).toMatch(/facilitator holds STOP/);
    await expect.poll(() => trn.page.getByTestId('trainee-briefing').textContent(), WAIT).toContain('on call for the API tier');
    expect(await trn.page.getByTestId('trainee-title').textContent()).toBe(TRAINEE_TITLE);
    for (const id of ['faults', 'timers', 'step-list', 'facilitator-panel', 'drill-answer']) expect(await trn.page.getByTestId(id).count(), id).toBe(0);
    expect(await trn.page.getByTestId('nav-home').count()).toBe(0);
  });

  it('the fault goes in; the trainee works in a shell on a node', async () => {
    await advance('brief');
    await f.waitStep('act-1', 'done', 'awaiting-approval', 'running');
    if ((await f.step('act-1').getAttribute('data-status')) === 'awaiting-approval') {
      await f.approve.click();
      await f.approver.fill('Dee');
      await f.approveSubmit.click();
    }
    await f.waitStep('act-1', 'done');
    const snap = (await con.service.handle('run.snapshot', {}, COMMANDER))!;
    const fault = snap.faults[0]!;
    const step = snap.steps.find((s) => s.id === 'act-1')!;
    hidden = { kind: fault.kind, node: fault.node, words: [fault.kind, `${fault.kind}@${fault.node}`, `fault-${fault.node}-${fault.kind}`] };
    expect(hidden.kind).toBe('network-loss');
    expect(step.fault).toBe('network-loss');
    // The second hint (due at 60 s) goes out early; the first stays on its schedule (30 s).
    await f.reveal(1).click();
    await shot(fac.page, 'drill-03-facilitator-live');
    await shot(fac.page, 'drill-03b-facilitator-live-full', true);

    await t.shellNode.selectOption(fault.node);
    await t.openShell.click();
    await expect.poll(() => trn.page.locator('[data-testid="shell-terminal"] .xterm-rows').count(), WAIT).toBe(1);
    await t.shellTerminal.click();
    // The shell computes something: the answer is output, not the echo of what was typed.
    await trn.page.keyboard.type('hostname; echo gd-$((6*7))\n');
    await expect.poll(() => trn.page.locator('[data-testid="shell-terminal"] .xterm-rows').textContent(), WAIT).toContain('gd-42');
    expect(await trn.page.locator('[data-testid="shell-terminal"] .xterm-rows').textContent()).toContain(`@${fault.node}:`);
    await shot(trn.page, 'drill-04-trainee-shell');
  });

  it('hints: one on schedule, one early by "Reveal now"; the trainee sees both with text', async () => {
    await t.waitHintRevealed(1);
    expect(await f.hint(1).textContent()).toMatch(/revealed .* by Fran/);
    await expect.poll(() => t.hint(1).textContent()).toContain('nstat');
    // The first hint is due 30 s after the fault went in (the runbook's schedule).
    await t.waitHintRevealed(0);
    await expect.poll(() => t.hint(0).textContent()).toContain('Compare the two API nodes');
    await f.page.locator('[data-testid="hint-0"][data-revealed="true"]').waitFor(WAIT);
  });

  it('the trainee declares detected with a diagnosis; the facilitator accepts it', async () => {
    await t.declare('detected').click();
    await t.traineeName.fill('Bo');
    await t.diagnosis(ANSWER_CHOICE).check();
    await t.declareNotes.fill('node01 is slow, node02 fine; retransmits climbing on node01');
    await shot(trn.page, 'drill-05-trainee-declare');
    await t.declareSubmit.click();
    await f.declarations('detected').first().waitFor(WAIT);
    const id = Number((await f.declarations('detected').first().getAttribute('data-testid'))!.replace('declaration-', ''));
    await f.accept(id).click();
    await expect.poll(() => t.declarations('detected').first().getAttribute('data-ruling'), WAIT).toBe('accepted');
    await shot(fac.page, 'drill-06-facilitator-accepted');
    await shot(trn.page, 'drill-07-trainee-live');
  });

  it('after the revert the trainee declares mitigated (name remembered); accepted; the run ends', async () => {
    await advance('hold');
    await f.waitStep('healthy-after', 'done', 'failed');
    await t.declare('mitigated').click();
    expect(await t.traineeName.inputValue()).toBe('Bo');
    await t.diagnosis(ANSWER_CHOICE).check();
    await t.declareSubmit.click();
    await f.declarations('mitigated').first().waitFor(WAIT);
    const id = Number((await f.declarations('mitigated').first().getAttribute('data-testid'))!.replace('declaration-', ''));
    await f.accept(id).click();
    await expect.poll(() => t.declarations('mitigated').first().getAttribute('data-ruling'), WAIT).toBe('accepted');
    await expect.poll(() => fac.page.getByTestId('drill-score').getAttribute('data-total'), WAIT).not.toBe('0');
    // The trainee's command-output tab replays every exec.output this connection received: the
    // hidden steps' output must not be among it (checked with the rest of the DOM below).
    await trn.page.getByRole('tab', { name: 'Command output' }).click();
    await trn.page.locator('[data-testid="exec-terminal"] .xterm-rows').waitFor(WAIT);
    await trn.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    liveHtml = await trn.page.content();
    await shot(trn.page, 'drill-07b-trainee-command-output');
    await advance('debrief');
    await f.runState('completed').waitFor(WAIT);
    await trn.page.locator('[data-screen="live"][data-run-state="completed"]').waitFor(WAIT);
  });

  it('the trainee page never held the hidden fault while the drill was live', async () => {
    expect(hidden).not.toBeNull();
    const seen = await traineeSaw();
    expect(seen.length).toBeGreaterThan(10_000);
    // It did see the live drill (briefing, hints, its shell), so the recorder was working.
    expect(seen).toContain('on call for the API tier');
    expect(seen).toContain('nstat');
    for (const w of [...hidden!.words, RUNBOOK_TITLE, FILE, FILE.replace(/\.yaml$/, '')]) expect(seen.includes(w), `trainee DOM contained "${w}"`).toBe(false);
    expect(seen).toContain(TRAINEE_TITLE);
    expect(seen).not.toContain('data-testid="faults"');
    expect(seen).not.toContain('data-testid="timers"');
  });

  it('the trainee sees the score once it is over', async () => {
    await trn.page.getByTestId('drill-score').waitFor(WAIT);
    await shot(trn.page, 'drill-08-trainee-ended');
  });

  for (const who of ['facilitator', 'trainee'] as const) {
    it(`the ${who} replays it in the debrief: scrub to the middle and the end, play at 60×`, async () => {
      const p = who === 'facilitator' ? f : t;
      await p.toDebrief.click();
      await p.waitDebrief();
      const { of } = await p.position();
      expect(of).toBeGreaterThan(30_000);
      // The middle: the scrubber's centre. Some events are shown, not all; charts cut there.
      await p.scrubber.click();
      await expect.poll(async () => (await p.position()).at, WAIT).toBeGreaterThan(of * 0.4);
      const mid = await p.position();
      expect(mid.at).toBeLessThan(of * 0.6);
      expect(mid.ended).toBe(false);
      const events = p.page.getByTestId('replay-events');
      const shownMid = Number(await events.locator('ol').getAttribute('data-count'));
      expect(shownMid).toBeGreaterThan(0);
      await p.waitChartsAtPlayhead();
      // Cut at the playhead: fewer points than the whole run has.
      const midPoints = Number(await p.page.getByTestId('replay-chart-api-health').getAttribute('data-points'));
      expect(midPoints).toBeGreaterThan(0);
      expect(await p.page.getByTestId('replay-score').textContent()).toMatch(/at the end/);
      await shot(p.page, `drill-09-debrief-${who}-middle`);
      // The end: everything, the score and the answer.
      await p.scrubber.focus();
      await p.page.keyboard.press('End');
      await expect.poll(async () => (await p.position()).ended, WAIT).toBe(true);
      expect(Number(await events.locator('ol').getAttribute('data-count'))).toBeGreaterThan(shownMid);
      await p.page.getByTestId('debrief-score').waitFor(WAIT);
      await p.waitChartsAtPlayhead();
      expect(Number(await p.page.getByTestId('replay-chart-api-health').getAttribute('data-points'))).toBeGreaterThan(midPoints);
      expect(await p.page.getByTestId('replay-answer').textContent()).toContain(ANSWER_CHOICE);
      expect(await p.page.getByTestId('replay-drill').locator('[data-kind="mitigated"]').count()).toBe(1);
      await shot(p.page, `drill-10-debrief-${who}-end`, true);
      // Play at 60× from the start: the playhead moves by itself.
      // The scrubber's left edge: the start of the run.
      await p.scrubber.click({ position: { x: 1, y: 5 } });
      await expect.poll(async () => (await p.position()).at, WAIT).toBeLessThan(3000);
      await p.speed(60).click();
      await p.play.click();
      await expect.poll(async () => (await p.position()).at, WAIT).toBeGreaterThan(10_000);
      if ((await p.debrief.getAttribute('data-playing')) === 'true') await p.play.click();
      await shot(p.page, `drill-11-debrief-${who}-playing`);
    });
  }

  it('the same runbook as a tabletop rehearsal: TABLETOP badge, scripted outcomes, discussion notes', async () => {
    await f.nav('home').click();
    await f.openScenario(FILE);
    await f.waitValid();
    await f.toPreflight.click();
    await f.waitPreflight();
    await f.mode('rehearsal').check();
    expect(await fac.page.getByTestId('dry-run').count()).toBe(0);
    await f.startRun.click();
    await fac.page.locator('[data-screen="live"][data-mode="rehearsal"]').waitFor(WAIT);
    await fac.page.getByTestId('badge-tabletop').waitFor(WAIT);
    expect(await fac.page.getByTestId('tabletop-banner').textContent()).toMatch(/nothing is sent/);
    await advance('brief');
    await fac.page.getByTestId('walk-act-1').waitFor(WAIT);
    expect(await fac.page.getByTestId('walk-act-1').textContent()).toContain('drops every other packet');
    await fac.page.locator('[data-testid="rehearsal-outcome"]').first().waitFor(WAIT);
    await fac.page.getByTestId('rehearsal-author').fill('Sam');
    await fac.page.getByTestId('rehearsal-note').fill('We would page the network on-call first');
    await fac.page.locator('[data-testid="rehearsal-outcome"] button[type="submit"]').click();
    await expect.poll(() => fac.page.getByTestId('scribe').textContent(), WAIT).toContain('We would page the network on-call first');
    await shot(fac.page, 'drill-12-rehearsal-live');
    // A tabletop injects nothing: no fault was ever active.
    const snap = (await con.service.handle('run.snapshot', {}, COMMANDER))!;
    expect(snap.mode).toBe('rehearsal');
    expect(snap.faults.filter((x) => x.state === 'active')).toEqual([]);
  });

  it('no page errors on either screen', async () => {
    expect(fac.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    expect(trn.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
