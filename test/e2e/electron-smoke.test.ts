/**
 * Electron smoke test (playwright-core `_electron`): the desktop window starts with the secure
 * settings, the preload exposes only the contract, and the console comes up ready over IPC.
 * Runs wherever the Electron binary is installed; skipped — with the reason printed — only when it
 * is absent (offline machines cannot fetch it; `require('electron')` would try, so we look first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';

function electronBinary(): { path: string } | { missing: string } {
  const pkg = join(process.cwd(), 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `${pathFile} does not exist (the Electron binary was never downloaded)` };
  const bin = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { missing: `${bin} does not exist` };
}

const found = electronBinary();
if ('missing' in found) console.log(`[electron-smoke] skipped: no Electron binary — ${found.missing}`);

describe.skipIf('missing' in found)('Electron desktop window', () => {
  let app: ElectronApplication | undefined;
  const ws = mkdtempSync(join(tmpdir(), 'gd-electron-ws-'));
  afterAll(async () => {
    await app?.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('starts secure, exposes only the contract, and reaches ready over IPC', async () => {
    const bin = (found as { path: string }).path;
    app = await _electron.launch({ executablePath: bin, args: ['--no-sandbox', '.'], cwd: process.cwd(), env: { ...process.env, GAMEDAY_WORKSPACE: ws } });
    const page = await app.firstWindow();
    await page.locator('[data-app-state="ready"]').waitFor({ timeout: 60_000 });
    // contextBridge only works with contextIsolation on; no Node in the page means nodeIntegration
    // is off. (Electron has no public getter for the sandbox flag; window.ts sets it.)
    const surface = await page.evaluate(() => ({
      keys: Object.keys(window.gameday ?? {}).sort(),
      desktop: Object.keys(window.gameday?.desktop ?? {}).sort(),
      node: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    // One namespace per command group (named verbs), events, desktop verbs: no `call`, no ipcRenderer.
    expect(surface).toEqual({ keys: ['app', 'audit', 'desktop', 'drill', 'inventory', 'onEvent', 'preflight', 'report', 'run', 'runs', 'scenario', 'shell', 'transport'], desktop: ['openFile', 'printPdf', 'showItem'], node: 'undefined', process: 'undefined' });
    const info = await page.evaluate(() => window.gameday!.app.info());
    expect(info).toMatchObject({ ok: true, value: { transport: 'electron', role: 'commander', workspace: ws } });
    const verbs = await page.evaluate(() => Object.keys(window.gameday!.run).sort());
    expect(verbs).toContain('stop');
    expect(await page.getByTestId('stop').isEnabled()).toBe(true);
  });
});
