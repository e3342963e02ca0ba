/**
 * Chromium for e2e tests through playwright-core: the system's /usr/bin/chromium, headless, with a
 * fresh user-data dir per call (no state leaks between tests), removed on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.GAMEDAY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
/** A projector-sized viewport: what the console is designed for. */
export const VIEWPORT = { width: 1600, height: 1000 };

export interface TestBrowser {
  ctx: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (a test can assert there were none). */
  errors: string[];
  close(): Promise<void>;
}

/** `args`: extra Chromium flags (e.g. trusting one self-signed certificate by its key). */
export async function launchBrowser(o: { colorScheme?: 'dark' | 'light'; args?: string[] } = {}): Promise<TestBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-e2e-profile-'));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(o.args ?? [])], viewport: VIEWPORT, colorScheme: o.colorScheme ?? 'dark' });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  return {
    ctx,
    page,
    errors,
    async close() {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
