/**
 * The README's start command on a fresh machine: exactly what `npm start` runs after `npm install`
 * (resources/start.sh → `gameday console --sim`), with a fresh HOME (no workspace, no keys, no
 * simulated lab yet) and no display, so the console is served through the loopback bridge and its
 * URL with the access token is printed. The URL is opened in real Chromium: the SIMULATED badge,
 * the demo game day on Home and every shipped runbook in the scenario browser. Then Ctrl-C (SIGINT
 * to the process group, as a terminal sends it) must end every process it started and free its ports.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labProcesses } from '../../src-main/lab/index.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { shot } from './helpers/screens.js';

const REPO = process.cwd();
const RUNBOOKS = readdirSync(join(REPO, 'scenarios')).filter((f) => f.endsWith('.yaml'));
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(2000, () => done(false));
  });
}

/** Processes still in a process group (`ps -g` lists sessions, so read /proc instead). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

const home = realpathSync(mkdtempSync(join(tmpdir(), 'gd-fresh-home-')));
let child: ChildProcess | undefined;
let browser: TestBrowser | undefined;
let out = '';

afterAll(async () => {
  await browser?.close();
  // Only if a test failed before its clean stop: never leave the console running.
  if (child?.pid && groupMembers(child.pid).length > 0) process.kill(-child.pid, 'SIGKILL');
});

describe.sequential('npm start on a fresh machine', () => {
  let url = '';

  it('serves the console on the simulated lab and prints the URL with its token', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: '1' };
    for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'GAMEDAY_WORKSPACE', 'GAMEDAY_INVENTORY', 'XDG_DATA_HOME', 'GAMEDAY_TEST_LAB']) delete env[k];
    // Its own process group, like a job in a terminal: Ctrl-C reaches npm, the shell and node alike.
    child = spawn('npm', ['start'], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise((r) => child!.once('close', r));
    await Promise.race([
      expect.poll(() => /Commander[^\n]*https?:\/\/\S+/.test(strip(out)), { timeout: 240_000, interval: 200 }).toBe(true),
      exited.then(() => {
        throw new Error(`npm start exited before printing a URL:\n${out}`);
      }),
    ]);
    const text = strip(out);
    expect(text).toMatch(/SIMULATED lab: 6 simulated nodes/);
    url = /Commander[^\n]*?(http:\/\/127\.0\.0\.1:\d+\/\S*token=[A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
    expect(url, text).not.toBe('');
    // No display: nothing was opened; the workspace is the fresh HOME's default one.
    expect(text).not.toMatch(/could not start xdg-open/);
    expect(readdirSync(join(home, '.local', 'share', 'gameday', 'simlab'))).toContain('inventory.yaml');
  }, 300_000);

  it('opens in Chromium: SIMULATED badge, the demo on Home, every runbook in the scenario browser', async () => {
    browser = await launchBrowser();
    const page = browser.page;
    await page.goto(url);
    await page.getByTestId('badge-simulated').first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId('badge-simulated').first().textContent()).toBe('SIMULATED');
    const demo = page.getByTestId('demo-card');
    await demo.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await demo.getByTestId('featured-simulated').isVisible()).toBe(true);
    const browserPanel = page.getByTestId('scenario-browser');
    await browserPanel.waitFor({ state: 'visible' });
    await expect.poll(() => browserPanel.getByTestId('scenario-item').count(), { timeout: 30_000 }).toBe(RUNBOOKS.length);
    const files = await browserPanel.getByTestId('scenario-item').evaluateAll((els) => els.map((e) => (e.getAttribute('data-file') ?? '').split('/').pop()));
    expect(files.sort()).toEqual([...RUNBOOKS].sort());
    await shot(page, 'start-command');
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('Ctrl-C ends every process it started and frees its ports', async () => {
    await browser?.close();
    browser = undefined;
    const pid = child!.pid!;
    const port = Number(new URL(url).port);
    const inv = readFileSync(join(home, '.local', 'share', 'gameday', 'simlab', 'inventory.yaml'), 'utf8');
    const nodes = [...inv.matchAll(/host: (127\.\d+\.\d+\.\d+)\n\s+port: (\d+)/g)].map((m) => ({ host: m[1]!, port: Number(m[2]) }));
    expect(nodes).toHaveLength(6);
    expect(await portOpen('127.0.0.1', port)).toBe(true);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child!.once('close', (code, signal) => r({ code, signal })));
    process.kill(-pid, 'SIGINT');
    // npm passes the Ctrl-C on and then ends by that same signal, as it does in a terminal; the
    // console itself says it is stopping and exits once the lab is down (checked below).
    const end = await exited;
    expect(end.code === 0 || end.signal === 'SIGINT', `${JSON.stringify(end)}\n${out}`).toBe(true);
    await expect.poll(() => groupMembers(pid), { timeout: 15_000 }).toEqual([]);
    expect(labProcesses(join(home, '.local', 'share', 'gameday', 'simlab'))).toEqual([]);
    expect(await portOpen('127.0.0.1', port)).toBe(false);
    for (const n of nodes) expect(await portOpen(n.host, n.port), `${n.host}:${n.port}`).toBe(false);
    expect(strip(out)).toMatch(/SIGINT: stopping/);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);
});
