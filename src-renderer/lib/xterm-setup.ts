/** xterm options shared by the output and shell panels, and a fit without the fit addon. */
import type { ITerminalOptions, Terminal } from '@xterm/xterm';

/** Large enough to read on a projector; monospace with box-drawing support on every OS. */
export const TERM_FONT_SIZE = 15;
const TERM_FONT = 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace';

export function termOptions(theme: 'dark' | 'light', extra: ITerminalOptions = {}): ITerminalOptions {
  const dark = theme === 'dark';
  return {
    fontFamily: TERM_FONT,
    fontSize: TERM_FONT_SIZE,
    // Lines kept for scrolling back: a long command's output, bounded memory.
    scrollback: 5000,
    convertEol: true,
    theme: dark ? { background: '#0b0e13', foreground: '#e6edf3', cursor: '#e6edf3', selectionBackground: '#33507a' } : { background: '#ffffff', foreground: '#111418', cursor: '#111418', selectionBackground: '#b7d3ff' },
    ...extra,
  };
}

/** Columns × rows that fit `el`, measured with the terminal's font (±1 cell is fine). */
export function fitSize(el: HTMLElement): { cols: number; rows: number } {
  const probe = document.createElement('span');
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${TERM_FONT};font-size:${TERM_FONT_SIZE}px;line-height:normal`;
  probe.textContent = 'W'.repeat(20);
  document.body.appendChild(probe);
  const cw = probe.getBoundingClientRect().width / 20;
  const ch = probe.getBoundingClientRect().height;
  probe.remove();
  const cols = Math.max(20, Math.floor((el.clientWidth - 16) / (cw || 9)));
  const rows = Math.max(5, Math.floor((el.clientHeight - 8) / (ch || 18)));
  return { cols: Math.min(cols, 500), rows: Math.min(rows, 200) };
}

/** Resize the terminal to its element; returns the new size. */
export function fit(term: Terminal, el: HTMLElement): { cols: number; rows: number } {
  const s = fitSize(el);
  if (s.cols !== term.cols || s.rows !== term.rows) term.resize(s.cols, s.rows);
  return s;
}
