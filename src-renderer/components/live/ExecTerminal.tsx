/**
 * Every command's streamed output (exec.output), each line prefixed with the time it came and its
 * node, stderr in the theme's red, console notes (info) dimmed, in the theme's own colours. Replays
 * what is buffered when opened late; says "no output yet" instead of showing an empty box.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { Terminal } from '@xterm/xterm';
import { timeOfDay } from '../../lib/format.js';
import type { OutputChunk } from '../../store/output-log.js';
import { useConsole, useConsoleStore } from '../../store/store.js';
import { fit, termOptions } from '../../lib/xterm-setup.js';

const RESET = '\x1b[0m';
/** ANSI colours map to the theme (xterm-setup.ts termTheme): 31 = --bad, 90 = --fg-muted. */
const STREAM_COLOUR: Record<OutputChunk['stream'], string> = { stdout: '', stderr: '\x1b[31m', info: '\x1b[90m' };
/** Node name colours (ANSI 36 cyan, 33 yellow, 32 green, 35 magenta, 34 blue): stable per node. */
const NODE_COLOURS = ['\x1b[36m', '\x1b[33m', '\x1b[32m', '\x1b[35m', '\x1b[34m'];
const DIM = '\x1b[90m';

function nodeColour(node: string): string {
  let h = 0;
  for (const ch of node) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return NODE_COLOURS[h % NODE_COLOURS.length]!;
}

/** Turns chunks into prefixed lines ("09:23:06 node01     │ …"); remembers per node+stream whether we are mid-line. */
export function prefixer(): (c: OutputChunk) => string {
  const midLine = new Set<string>();
  return (c) => {
    const key = `${c.node}\0${c.stream}`;
    const time = c.at !== undefined ? `${DIM}${timeOfDay(c.at)}${RESET} ` : '';
    const prefix = `${time}${nodeColour(c.node)}${c.node.padEnd(10)}${RESET} │ ${STREAM_COLOUR[c.stream]}`;
    const parts = c.data.split('\n');
    let out = '';
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (last && part === '') return;
      if (i > 0 || !midLine.has(key)) out += prefix;
      out += part + RESET + (last ? '' : '\n');
    });
    if (c.data.endsWith('\n') || c.data === '') midLine.delete(key);
    else midLine.add(key);
    return out;
  };
}

export function ExecTerminal() {
  const store = useConsoleStore();
  const theme = useConsole((s) => s.theme);
  const log = store.getState().execLog;
  const chunks = useSyncExternalStore(
    (fn) => log.watch(fn),
    () => log.count,
  );
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal(termOptions(theme, { disableStdin: true, cursorBlink: false }));
    term.open(el);
    fit(term, el);
    const fmt = prefixer();
    for (const c of log.all()) term.write(fmt(c));
    const off = log.subscribe((c) => term.write(fmt(c)));
    // A new run clears the buffer: clear the screen with it.
    const offClear = log.watch(() => log.count === 0 && term.reset());
    const ro = new ResizeObserver(() => fit(term, el));
    ro.observe(el);
    return () => {
      ro.disconnect();
      off();
      offClear();
      term.dispose();
    };
  }, [log, theme]);
  return (
    <div className="terminal-wrap" data-testid="exec-terminal-wrap" data-chunks={chunks}>
      <div ref={host} className="terminal" data-testid="exec-terminal" role="log" aria-label="Command output" />
      {chunks === 0 && (
        <p className="terminal-empty muted" data-testid="exec-empty">
          No output yet. Every command the run sends appears here, with its node and time.
        </p>
      )}
    </div>
  );
}
