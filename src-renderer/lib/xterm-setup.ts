/** xterm options shared by the output and shell panels, and a fit without the fit addon. */
import type { ITerminalOptions, Terminal } from '@xterm/xterm';

/** Large enough to read on a projector; monospace with box-drawing support on every OS. */
export const TERM_FONT_SIZE = 15;
const TERM_FONT = 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace';

/**
 * The terminal's colours: the page theme's own (panel, text, accent, the status colours for ANSI red,
 * yellow, green, blue), read from its CSS variables, so a terminal is never a box of another scheme.
 */
export function termTheme(theme: 'dark' | 'light', el: Element = document.documentElement): NonNullable<ITerminalOptions['theme']> {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const dark = theme === 'dark';
  const fg = v('--fg', dark ? '#e6edf3' : '#0f1419');
  return {
    background: v('--panel-2', dark ? '#1c232d' : '#eef1f5'),
    foreground: fg,
    cursor: fg,
    selectionBackground: dark ? '#33507a' : '#b7d3ff',
    red: v('--bad', dark ? '#ff5f5f' : '#c8102e'),
    yellow: v('--warn', dark ? '#f5b731' : '#8a5a00'),
    green: v('--ok', dark ? '#3fcf6a' : '#137c2f'),
    blue: v('--accent', dark ? '#4ea1ff' : '#0b63ce'),
    cyan: v('--chart-6', dark ? '#22d3ee' : '#0e7490'),
    magenta: v('--chart-4', dark ? '#c084fc' : '#7c3aed'),
    brightBlack: v('--fg-muted', dark ? '#9ba7b4' : '#4f5b67'),
  };
}

export function termOptions(theme: 'dark' | 'light', extra: ITerminalOptions = {}): ITerminalOptions {
  return {
    fontFamily: TERM_FONT,
    fontSize: TERM_FONT_SIZE,
    // Lines kept for scrolling back: a long command's output, bounded memory.
    scrollback: 5000,
    convertEol: true,
    theme: termTheme(theme),
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
