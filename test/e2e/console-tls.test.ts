/**
 * A console beyond loopback, in Chromium: the bridge bound to 0.0.0.0 serves the built renderer
 * over HTTPS with the workspace's self-signed certificate; Chromium trusts exactly that key (by its
 * SPKI hash, not "ignore every certificate error"), the app comes up, and its socket to the console
 * is wss:// (seen by the browser, not the app's word). The same port answers no plain HTTP page.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certHosts, startBridge, workspaceTls, type Bridge } from '../../src-main/bridge/index.js';
import { consoleServiceOptions } from '../../src-main/console/index.js';
import { createConsoleService, type ConsoleService } from '../../src-main/console/console-service.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { RENDERER_DIR } from './helpers/console-server.js';
import { shot } from './helpers/screens.js';
import { ConsolePage } from './pages/console-page.js';

let workspace: string;
let service: ConsoleService;
let bridge: Bridge;
let browser: TestBrowser;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'gd-e2e-tls-'));
  const tls = workspaceTls(join(workspace, 'tls'), certHosts('0.0.0.0'));
  service = createConsoleService(consoleServiceOptions({ workspace }));
  bridge = await startBridge({ backend: service, rendererDir: RENDERER_DIR, host: '0.0.0.0', allowRemote: true, tls });
  const spki = createHash('sha256').update(new X509Certificate(tls.cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  browser = await launchBrowser({ args: [`--ignore-certificate-errors-spki-list=${spki}`] });
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await service?.dispose();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('the console over TLS', () => {
  it('loads over https and talks to the console over wss', async () => {
    expect(bridge.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const sockets: string[] = [];
    browser.page.on('websocket', (ws) => sockets.push(ws.url()));
    await new ConsolePage(browser.page).open(bridge.url);
    await expect.poll(() => bridge.clients()).toBe(1);
    expect(sockets.length).toBeGreaterThan(0);
    for (const u of sockets) expect(u).toMatch(new RegExp(`^wss://127\\.0\\.0\\.1:${bridge.port}/ws\\?token=`));
    expect(browser.errors).toEqual([]);
    await shot(browser.page, 'console-tls-home');
  });

  it('gives no page over plain http on the same port', async () => {
    const err = await browser.page.goto(bridge.url.replace(/^https:/, 'http:')).then(
      (r) => `status ${r?.status()}`,
      (e: Error) => e.message,
    );
    expect(err).toMatch(/ERR_EMPTY_RESPONSE|ERR_CONNECTION|ERR_INVALID_HTTP_RESPONSE|status 400/);
  });
});
