/**
 * An interactive shell on one node (commander only). Output is acknowledged after xterm has parsed
 * it, so the engine can hold the SSH channel when the screen falls behind (see flow-control.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { AckBatcher } from '../../lib/flow-control.js';
import { fit, termOptions } from '../../lib/xterm-setup.js';
import { useActions } from '../../store/actions.js';
import { useConsole, useConsoleStore } from '../../store/store.js';

export function ShellPanel() {
  const actions = useActions();
  const store = useConsoleStore();
  const nodes = useConsole((s) => s.inventory?.nodes);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const theme = useConsole((s) => s.theme);
  const [node, setNode] = useState('');
  const [shellId, setShellId] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!nodes) void actions.refresh('inventory');
  }, [actions, nodes]);

  useEffect(() => {
    const el = host.current;
    if (!shellId || !el) return;
    const term = new Terminal(termOptions(theme, { cursorBlink: true }));
    term.open(el);
    const size = fit(term, el);
    void actions.call('shell.resize', { shellId, ...size });
    const ack = new AckBatcher((bytes) => void actions.call('shell.ack', { shellId, bytes }));
    const detach = store.getState().shells.attach(shellId, {
      data: (d) => term.write(d, () => ack.written(d)),
      closed: (reason) => {
        term.write(`\r\n\x1b[2m[shell closed${reason ? `: ${reason}` : ''}]\x1b[0m\r\n`);
        setStatus(`closed${reason ? `: ${reason}` : ''}`);
        setShellId(null);
      },
    });
    const input = term.onData((data) => void actions.call('shell.input', { shellId, data }));
    const resize = term.onResize(({ cols, rows }) => void actions.call('shell.resize', { shellId, cols, rows }));
    const ro = new ResizeObserver(() => fit(term, el));
    ro.observe(el);
    term.focus();
    return () => {
      ro.disconnect();
      input.dispose();
      resize.dispose();
      detach();
      ack.dispose();
      term.dispose();
    };
  }, [actions, store, shellId, theme]);

  const open = async (): Promise<void> => {
    if (!node) return;
    setStatus('connecting…');
    const size = host.current ? { cols: 100, rows: Math.max(5, Math.floor(host.current.clientHeight / 18)) } : { cols: 100, rows: 24 };
    const r = await actions.call('shell.open', { node, ...size });
    if (r) {
      setShellId(r.shellId);
      setStatus(`${node} (${r.shellId})`);
    } else setStatus('');
  };
  const close = async (): Promise<void> => {
    if (shellId) await actions.call('shell.close', { shellId });
    setShellId(null);
  };

  return (
    <div className="shell-panel">
      <div className="shell-bar">
        <label>
          Node{' '}
          <select value={node} onChange={(e) => setNode(e.target.value)} disabled={observer || shellId !== null} aria-label="Node for the shell">
            <option value="">choose…</option>
            {(nodes ?? []).map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        {shellId ? (
          <button type="button" className="button-ghost" onClick={() => void close()}>
            Close shell
          </button>
        ) : (
          <button type="button" disabled={observer || !node} title={observer ? 'Observers cannot open shells' : 'Open a shell on the node'} onClick={() => void open()}>
            Open shell
          </button>
        )}
        <span className="muted small">{status}</span>
      </div>
      <div className="terminal-wrap">
        <div ref={host} className="terminal" data-testid="shell-terminal" aria-label="Interactive shell" />
        {!shellId && (
          <p className="terminal-empty muted" data-testid="shell-empty">
            {observer ? 'Observers watch; only the commander and trainees open shells.' : 'No shell open. Choose a node and open one.'}
          </p>
        )}
      </div>
    </div>
  );
}
