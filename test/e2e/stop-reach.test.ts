/**
 * STOP is always in reach (issue 11 §1), in real Chromium through the real bridge, on the simulated
 * lab: for every mode and role (game day, dry run, tabletop rehearsal, drill facilitator, trainee,
 * observer) and every state a test can reach (idle, running, paused, stopping, stopped — and Home
 * after a run, where the run's badges stay), at widths 1024–2560 and the lowest supported height
 * (700), in both themes: STOP's box lies fully inside the viewport, the element at its centre is
 * STOP, its label is never clipped ("STOPPING…" included), and it keeps one size and one place
 * (the same distance from the right edge) everywhere. Trainees and observers see it disabled, with
 * the reason. "Stopping" lasts milliseconds on this lab: the page's messages from the bridge are
 * held (WsHold) until the state is on screen and measured. Screenshots: test-results/screens/stop-reach/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startSimConsole, type SimConsole } from './helpers/sim-console.js';
import { checkStopReach, WsHold, type StopCheck } from './helpers/stop-reach.js';
import { ConsolePage } from './pages/console-page.js';

const COMMANDER = { role: 'commander', transport: 'bridge' } as const;
const GAMEDAY = 'api-node-partition.yaml';
const DRILL = 'drill-api-mystery-loss.yaml';
const WAIT = { timeout: 90_000 };

let con: SimConsole;
let cmd: TestBrowser;
let obs: TestBrowser;
let trn: TestBrowser;
let c: ConsolePage;
let o: ConsolePage;
let t: ConsolePage;
let cHold: WsHold;
let oHold: WsHold;
let tHold: WsHold;
/** Every check made, for the one-size-one-place test at the end. */
const all: StopCheck[] = [];

async function reach(page: ConsolePage, label: string): Promise<StopCheck[]> {
  const checks = await checkStopReach(page.page, label);
  all.push(...checks);
  for (const ch of checks) expect(ch.problems, `${label} at ${ch.width} px (${ch.screenshot})`).toEqual([]);
  return checks;
}

async function runState(page: ConsolePage, state: string): Promise<void> {
  await page.page.locator(`[data-testid="run-clock"][data-run-state="${state}"]`).waitFor(WAIT);
}

async function stopRun(): Promise<void> {
  const snap = await con.service.handle('run.snapshot', {}, COMMANDER);
  if (snap && !['completed', 'aborted', 'failed'].includes(snap.state)) await con.service.handle('run.stop', { reason: 'stop-reach test' }, COMMANDER);
}

/** Press STOP in the commander's page while every page's messages are held; measure "stopping" in each, then let go. */
async function pressStopHeld(pages: Array<{ page: ConsolePage; hold: WsHold; label: string }>): Promise<void> {
  for (const p of pages) p.hold.hold();
  await c.stop.click();
  // The commander's own page shows STOPPING… at once (its call is in flight), before any event.
  await c.page.locator('[data-testid="stop"][aria-busy="true"]').waitFor(WAIT);
  for (const p of pages) {
    await expect.poll(() => p.hold.has('"state":"stopping"'), WAIT).toBe(true);
    p.hold.releaseThrough('"state":"stopping"');
    await runState(p.page, 'stopping');
    const checks = await reach(p.page, `${p.label}-stopping`);
    if (p.page === c) for (const ch of checks) expect(ch.text, `${p.label} at ${ch.width}`).toContain('STOPPING…');
  }
  for (const p of pages) p.hold.releaseAll();
}

beforeAll(async () => {
  con = await startSimConsole([GAMEDAY, DRILL].map((x) => join(process.cwd(), 'scenarios', x)));
  cmd = await launchBrowser();
  obs = await launchBrowser();
  trn = await launchBrowser();
  c = new ConsolePage(cmd.page);
  o = new ConsolePage(obs.page);
  t = new ConsolePage(trn.page);
  cHold = await WsHold.install(cmd.page);
  oHold = await WsHold.install(obs.page);
  tHold = await WsHold.install(trn.page);
});

afterAll(async () => {
  for (const h of [cHold, oHold, tHold]) h?.releaseAll();
  await stopRun().catch(() => undefined);
  await cmd?.close();
  await obs?.close();
  await trn?.close();
  await con?.close();
});

describe.sequential('STOP stays in reach', () => {
  it('idle: commander on Home, observer and trainee with no run', async () => {
    await c.open(con.bridge.url);
    await o.open(con.bridge.observerUrl);
    await t.open(con.bridge.traineeUrl);
    await reach(c, 'idle-commander-home');
    await reach(o, 'idle-observer');
    const tr = await reach(t, 'idle-trainee');
    for (const ch of tr) {
      expect(ch.disabled).toBe(true);
      expect(ch.title).toMatch(/facilitator holds STOP/);
    }
  });

  it('game day: running, paused, stopping, stopped — commander and observer', async () => {
    await con.service.handle('run.start', { file: GAMEDAY, commander: 'Ana' }, COMMANDER);
    await c.goTo('live');
    await runState(c, 'running');
    await reach(c, 'gameday-running');
    await o.goTo('live');
    await runState(o, 'running');
    const ob = await reach(o, 'observer-running');
    for (const ch of ob) {
      expect(ch.disabled).toBe(true);
      expect(ch.title).toMatch(/observer/i);
    }
    await con.service.handle('run.pause', {}, COMMANDER);
    await runState(c, 'paused');
    await reach(c, 'gameday-paused');
    await runState(o, 'paused');
    await reach(o, 'observer-paused');
    await con.service.handle('run.resume', {}, COMMANDER);
    await runState(c, 'running');
    await pressStopHeld([
      { page: c, hold: cHold, label: 'gameday' },
      { page: o, hold: oHold, label: 'observer' },
    ]);
    await runState(c, 'aborted');
    await reach(c, 'gameday-stopped');
    await runState(o, 'aborted');
    await reach(o, 'observer-stopped');
    await c.goTo('home');
    await reach(c, 'gameday-after-home');
  });

  it('dry run, in the light theme: running and completed', async () => {
    await cmd.page.getByRole('button', { name: /Switch to light theme/ }).click();
    await c.goTo('live');
    // A dry run on this lab is over in tens of ms: hold the page's messages after its first snapshot.
    cHold.hold();
    await con.service.handle('run.start', { file: GAMEDAY, commander: 'Ana', dryRun: true }, COMMANDER);
    await expect.poll(() => cHold.has('"type":"run.snapshot"'), WAIT).toBe(true);
    cHold.releaseThrough('"type":"run.snapshot"');
    await runState(c, 'running');
    await cmd.page.getByTestId('badge-dry-run').waitFor(WAIT);
    await reach(c, 'dryrun-light-running');
    cHold.releaseAll();
    await runState(c, 'completed');
    await reach(c, 'dryrun-light-completed');
    await cmd.page.getByRole('button', { name: /Switch to dark theme/ }).click();
  });

  it('tabletop rehearsal: running, paused, stopped, then Home', async () => {
    await con.service.handle('run.start', { file: GAMEDAY, commander: 'Ana', mode: 'rehearsal', dryRun: true }, COMMANDER);
    await c.goTo('live');
    await runState(c, 'running');
    await cmd.page.getByTestId('badge-tabletop').waitFor(WAIT);
    await reach(c, 'rehearsal-running');
    await con.service.handle('run.pause', {}, COMMANDER);
    await runState(c, 'paused');
    await reach(c, 'rehearsal-paused');
    await con.service.handle('run.resume', {}, COMMANDER);
    await c.stop.click();
    await runState(c, 'aborted');
    await reach(c, 'rehearsal-stopped');
    await c.goTo('home');
    await reach(c, 'rehearsal-after-home');
  });

  it('drill: facilitator, trainee and observer — running, paused, stopping, stopped, then Home', async () => {
    await con.service.handle('run.start', { file: DRILL, commander: 'Fran', mode: 'drill' }, COMMANDER);
    await c.goTo('live');
    await runState(c, 'running');
    await cmd.page.getByTestId('facilitator-panel').waitFor(WAIT);
    await reach(c, 'drill-facilitator-running');
    await runState(t, 'running');
    const tr = await reach(t, 'drill-trainee-running');
    for (const ch of tr) expect(ch.disabled).toBe(true);
    await runState(o, 'running');
    await reach(o, 'drill-observer-running');
    await con.service.handle('run.pause', {}, COMMANDER);
    for (const [p, l] of [[c, 'drill-facilitator'], [t, 'drill-trainee'], [o, 'drill-observer']] as const) {
      await runState(p, 'paused');
      await reach(p, `${l}-paused`);
    }
    await con.service.handle('run.resume', {}, COMMANDER);
    await runState(c, 'running');
    await pressStopHeld([
      { page: c, hold: cHold, label: 'drill-facilitator' },
      { page: t, hold: tHold, label: 'drill-trainee' },
      { page: o, hold: oHold, label: 'drill-observer' },
    ]);
    for (const [p, l] of [[c, 'drill-facilitator'], [t, 'drill-trainee'], [o, 'drill-observer']] as const) {
      await runState(p, 'aborted');
      await reach(p, `${l}-stopped`);
    }
    // The DRILL badge stays in the header after the drill: Home must still leave STOP in reach.
    await c.goTo('home');
    expect(await cmd.page.getByTestId('badge-drill').count()).toBe(1);
    await reach(c, 'drill-after-home');
  });

  it('STOP has one size and one place (its distance from the right edge) in every check', () => {
    const boxes = all.map((ch) => ch.box!);
    expect(all.length).toBeGreaterThan(100);
    const first = boxes[0]!;
    for (const [i, b] of boxes.entries()) {
      const where = `${all[i]!.label} at ${all[i]!.width}`;
      expect(Math.round(b.w), where).toBe(Math.round(first.w));
      expect(Math.round(b.h), where).toBe(Math.round(first.h));
      expect(Math.round(b.rightGap), where).toBe(Math.round(first.rightGap));
      expect(Math.round(b.y), where).toBe(Math.round(first.y));
    }
    expect(cmd.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
