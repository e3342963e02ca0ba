/** Screenshots of every screen, for people to look at (test-results/screens/*.png). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENS_DIR = join(process.cwd(), 'test-results', 'screens');

export async function shot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
