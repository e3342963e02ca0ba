/**
 * Text never cut without an ellipsis and a tooltip, and no page wider than its window (issue 11 §7):
 * every element whose own text overflows a box that hides the overflow must end in an ellipsis and
 * carry (or sit inside) a title with the whole text. Native controls, terminals, charts and the
 * report frame draw their own text and are left out; scroll boxes are not cut.
 */
import type { Page } from 'playwright-core';

export async function cutText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1) out.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
    const skip = '.xterm, canvas, select, option, input, textarea, iframe, .chart-canvas, .header-measure, [aria-hidden="true"]';
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (el.closest(skip)) continue;
      if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.overflowX !== 'hidden' && cs.overflowX !== 'clip') continue;
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!ownText) continue;
      const ellipsis = cs.textOverflow === 'ellipsis';
      const title = el.closest('[title]')?.getAttribute('title')?.trim();
      if (ellipsis && title) continue;
      const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
      out.push(`${name} "${(el.textContent ?? '').trim().slice(0, 60)}": cut ${ellipsis ? 'without a tooltip' : 'without an ellipsis'}`);
    }
    return out;
  });
}
