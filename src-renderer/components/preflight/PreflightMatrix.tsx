/** Node × fault matrix: each cell ✓/✗ with the failing checks, their reasons and fix hints. */
import { useState } from 'react';
import type { CommandRes } from '../../../src-main/api/index.js';

type Result = CommandRes<'preflight.run'>;
type Cell = Result['cells'][number];

export function PreflightMatrix({ result }: { result: Result }) {
  const nodes = [...new Set([...result.nodes.map((n) => n.node), ...result.cells.map((c) => c.node)])];
  const faults = [...new Set(result.cells.map((c) => c.fault))];
  const byKey = new Map(result.cells.map((c) => [`${c.node}|${c.fault}`, c]));
  const [open, setOpen] = useState<Cell | null>(null);
  const reach = new Map(result.nodes.map((n) => [n.node, n]));
  return (
    <div className="preflight">
      <table className="table matrix" data-testid="preflight-matrix">
        <thead>
          <tr>
            <th>Node</th>
            <th>Reachable</th>
            {faults.map((f) => (
              <th key={f} className="mono">
                {f}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => {
            const r = reach.get(n);
            return (
              <tr key={n}>
                <th scope="row" className="mono">
                  {n}
                </th>
                <td className={r?.reachable === false ? 'bad' : 'ok'} title={r?.error ?? r?.os}>
                  {r ? (r.reachable ? `✓ ${r.os ?? ''}` : `✗ ${r.error ?? ''}`) : '—'}
                </td>
                {faults.map((f) => {
                  const c = byKey.get(`${n}|${f}`);
                  if (!c) return <td key={f} className="muted">n/a</td>;
                  const failing = c.checks.filter((k) => !k.ok);
                  const cls = c.ok ? 'ok' : failing.some((k) => k.required) ? 'bad' : 'warn';
                  return (
                    <td key={f} className={`cell ${cls}`}>
                      <button type="button" className="cell-button" data-testid={`cell-${n}-${f}`} data-ok={c.ok} aria-label={`${n} ${f}: ${c.ok ? 'ready' : failing.map((k) => k.message).join('; ')}`} onClick={() => setOpen(c)}>
                        {c.ok ? '✓' : '✗'} {failing.length > 0 && <span className="small">{failing[0]!.message}</span>}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      {open && (
        <div className="cell-detail" data-testid="cell-detail">
          <h3>
            {open.node} × {open.fault}
          </h3>
          <ul>
            {open.checks.map((k) => (
              <li key={k.id} className={k.ok ? 'ok' : k.required ? 'bad' : 'warn'}>
                {k.ok ? '✓' : '✗'} <span className="mono">{k.id}</span> {k.message} {!k.required && <span className="muted">(optional)</span>}
                {!k.ok && k.hint && <div className="hint">fix: {k.hint}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
