/** Faults of the run per node: state, lease countdown (the node reverts by itself at zero), auto-revert. */
import { clock } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { leaseCell } from '../../lib/lease.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { faultStateText } from '../../../src-main/api/index.js';

export function FaultList() {
  const faults = useConsole((s) => s.faults);
  const now = useEngineNow();
  const list = Object.values(faults).sort((a, b) => a.node.localeCompare(b.node) || a.kind.localeCompare(b.kind));
  return (
    <Panel title={`Faults · ${list.filter((f) => f.state === 'active' || f.state === 'injecting').length} active`} className="area-faults" testId="faults">
      {list.length === 0 ? (
        <p className="muted">No fault injected yet.</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>Node</th>
              <th>Fault</th>
              <th>State</th>
              <th>Lease</th>
              <th>Auto-revert</th>
            </tr>
          </thead>
          <tbody>
            {list.map((f) => {
              const live = f.state === 'active' || f.state === 'injecting' || f.state === 'reverting';
              const lease = leaseCell(f, now);
              return (
                <tr key={f.id} data-testid={`fault-${f.node}-${f.kind}`} data-state={f.state} data-lease-warning={f.leaseWarning ? 'yes' : undefined} className={live && f.leaseWarning ? 'warn' : undefined}>
                  <td className="mono">{f.node}</td>
                  <td className="mono" title={f.detail}>
                    {f.kind}
                    {f.oneShot && <span className="muted"> (one-shot)</span>}
                  </td>
                  <td>
                    <span className={`pill fault-${f.state}`} title={f.detail}>{faultStateText(f.state, f.detail)}</span>
                  </td>
                  <td className={`tabular ${lease.warn ? 'warn' : ''}`} title={lease.title}>{lease.text}</td>
                  <td className="tabular">{live && f.autoRevertAt ? clock(Math.max(0, f.autoRevertAt - now)) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
