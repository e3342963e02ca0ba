/**
 * Is STOP in reach? At each window width: its box lies fully inside the viewport, the element at its
 * centre is STOP (nothing covers it), its label is not clipped, and it has the same size and the same
 * distance from the right edge as everywhere else. A screenshot of each width, for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { SCREENS_DIR } from './screens.js';

/** The widths the console is used at (a laptop, a projector, a large monitor). */
export const STOP_WIDTHS = [1024, 1280, 1440, 1920, 2560];
/** The lowest window height the console supports. */
export const STOP_HEIGHT = 700;
export const STOP_DIR = join(SCREENS_DIR, 'stop-reach');

export interface StopBox {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Distance from STOP's right edge to the viewport's. */
  rightGap: number;
}

export interface StopCheck {
  label: string;
  width: number;
  box: StopBox | null;
  text: string;
  disabled: boolean;
  title: string;
  /** What is wrong, empty when nothing. */
  problems: string[];
  screenshot: string;
}

/** Two animation frames: React has committed and the header has measured itself. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Check STOP at every width in `widths` (viewport height STOP_HEIGHT); screenshots under STOP_DIR. */
export async function checkStopReach(page: Page, label: string, widths = STOP_WIDTHS): Promise<StopCheck[]> {
  mkdirSync(STOP_DIR, { recursive: true });
  const out: StopCheck[] = [];
  for (const width of widths) {
    await page.setViewportSize({ width, height: STOP_HEIGHT });
    await settle(page);
    await settle(page);
    const r = await page.evaluate(() => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid="stop"]');
      if (!b) return null;
      const rect = b.getBoundingClientRect();
      const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
      const lab = b.querySelector('.stop-label');
      const lr = lab?.getBoundingClientRect();
      const inner = { left: rect.left + b.clientLeft, right: rect.right - b.clientLeft };
      return {
        box: { x: rect.left, y: rect.top, w: rect.width, h: rect.height, rightGap: window.innerWidth - rect.right },
        vw: window.innerWidth,
        vh: window.innerHeight,
        covered: hit === null ? 'nothing at its centre' : hit === b || b.contains(hit) ? '' : `covered by <${hit.tagName.toLowerCase()} class="${hit.className}">`,
        labelClipped: !lab || !lr ? 'no label' : lr.left < inner.left - 0.5 || lr.right > inner.right + 0.5 || lab.scrollWidth > Math.ceil(lr.width) + 1 ? `label "${lab.textContent}" is ${lr.width.toFixed(0)} px wide in a ${(inner.right - inner.left).toFixed(0)} px button` : '',
        text: b.textContent ?? '',
        disabled: b.disabled,
        title: b.title,
      };
    });
    const screenshot = join(STOP_DIR, `${label}-${width}.png`);
    await page.screenshot({ path: screenshot });
    const problems: string[] = [];
    if (!r) problems.push('no STOP button on the page');
    else {
      const { box } = r;
      if (box.x < 0 || box.y < 0 || box.x + box.w > r.vw + 0.5 || box.y + box.h > r.vh + 0.5) problems.push(`outside the ${r.vw}×${r.vh} viewport: x ${box.x.toFixed(0)}–${(box.x + box.w).toFixed(0)}, y ${box.y.toFixed(0)}–${(box.y + box.h).toFixed(0)}`);
      if (r.covered) problems.push(r.covered);
      if (r.labelClipped) problems.push(r.labelClipped);
    }
    out.push({ label, width, box: r?.box ?? null, text: r?.text ?? '', disabled: r?.disabled ?? false, title: r?.title ?? '', problems, screenshot });
  }
  return out;
}

/**
 * Holds the messages the bridge sends to one page (through Playwright's WebSocket routing: the page
 * still talks to the real bridge), so a passing state — "stopping" lasts milliseconds on the
 * simulated lab — can be held on screen long enough to be measured, then released in order.
 */
export class WsHold {
  private client?: WebSocketRoute;
  private readonly held: Array<string | Buffer> = [];
  private holding = false;

  static async install(page: Page): Promise<WsHold> {
    const h = new WsHold();
    await page.routeWebSocket(/\/ws/, (ws) => {
      h.client = ws;
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => (h.holding ? h.held.push(m) : ws.send(m)));
    });
    return h;
  }

  /** From now on, keep what the bridge sends. */
  hold(): void {
    this.holding = true;
  }

  /** Whether a held message contains `text`. */
  has(text: string): boolean {
    return this.held.some((m) => String(m).includes(text));
  }

  /** Pass held messages on, in order, up to and including the first that contains `text`. */
  releaseThrough(text: string): void {
    while (this.held.length > 0) {
      const m = this.held.shift()!;
      this.client?.send(m);
      if (String(m).includes(text)) return;
    }
  }

  /** Pass everything on and stop holding. */
  releaseAll(): void {
    this.holding = false;
    for (const m of this.held.splice(0)) this.client?.send(m);
  }
}
