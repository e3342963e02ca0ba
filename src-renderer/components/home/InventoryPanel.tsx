/** Inventory nodes with their status after a check (reachable, auth, privilege, OS). */
import { useEffect, useState } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

export function InventoryPanel() {
  const actions = useActions();
  const inv = useConsole((s) => s.inventory);
  const checks = useConsole((s) => s.nodeChecks);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [checking, setChecking] = useState(false);
  useEffect(() => void actions.refresh('inventory'), [actions]);
  const check = async (): Promise<void> => {
    setChecking(true);
    await actions.checkInventory();
    setChecking(false);
  };
  return (
    <Panel
      title={`Inventory${inv ? ` · ${inv.nodes.length} nodes` : ''}`}
      testId="inventory"
      actions={
        <button type="button" onClick={() => void check()} disabled={observer || checking} title={observer ? 'Observers cannot connect to nodes' : 'Connect to every node'}>
          {checking ? 'Checking…' : 'Check nodes'}
        </button>
      }
    >
      {inv?.file && <p className="muted small mono">{inv.file}</p>}
      <table className="table compact">
        <thead>
          <tr>
            <th>Node</th>
            <th>Address</th>
            <th>Env</th>
            <th>Tags</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {(inv?.nodes ?? []).map((n) => {
            const c = checks[n.name];
            return (
              <tr key={n.name} data-testid={`node-${n.name}`}>
                <td className="mono">{n.name}</td>
                <td className="mono">
                  {n.address}
                  {n.jump.length > 0 && <span className="muted"> via {n.jump.join(' → ')}</span>}
                </td>
                <td>{n.env}</td>
                <td className="small">{n.tags.join(', ')}</td>
                <td>{c ? c.reachable ? <span className="ok" title={[c.auth, c.privilege, c.os].filter(Boolean).join(' · ')}>✓ {c.os ?? 'reachable'}</span> : <span className="bad" title={c.error}>✗ {c.error ?? 'unreachable'}</span> : <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}
