/**
 * What STOP did, per node: reverted ✓, residue ✗ (something is left: run cleanup), or unreachable
 * (the node's lease reverts by itself at the time shown). Pinned under the header on every screen.
 */
import { duration, timeOfDay } from '../../lib/format.js';
import { useConsole } from '../../store/store.js';

const MARK: Record<string, { icon: string; label: string; cls: string }> = {
  reverted: { icon: '✓', label: 'reverted', cls: 'ok' },
  nothing: { icon: '✓', label: 'nothing to revert', cls: 'ok' },
  residue: { icon: '✗', label: 'residue left', cls: 'bad' },
  unreachable: { icon: '⏳', label: 'unreachable — lease reverts it', cls: 'warn' },
};

export function StopResult() {
  const shown = useConsole((s) => s.stopShown);
  const pending = useConsole((s) => s.stopPending);
  const report = useConsole((s) => s.stop);
  const close = useConsole((s) => s.setStopShown);
  if (!shown) return null;
  return (
    <section className={`stop-result ${report && !report.clean ? 'unclean' : ''}`} aria-live="assertive" data-testid="stop-result" data-stop-state={pending ? 'pending' : report ? (report.clean ? 'clean' : 'unclean') : 'none'}>
      <div className="stop-result-head">
        <h2>{pending ? 'STOP sent — reverting every fault…' : report ? (report.clean ? 'STOPPED — all nodes clean' : 'STOPPED — NOT all nodes clean') : 'STOP failed'}</h2>
        {report && (
          <span className="muted">
            {report.reason} · by {report.actor} · {duration(report.durationMs)}
          </span>
        )}
        <button type="button" className="icon-button" aria-label="Close the STOP result" onClick={() => close(false)}>
          ×
        </button>
      </div>
      {report && (
        <ul className="stop-nodes">
          {report.nodes.map((n) => {
            const m = MARK[n.status] ?? { icon: '?', label: n.status, cls: 'warn' };
            return (
              <li key={n.node} className={`stop-node ${m.cls}`} data-testid={`stop-node-${n.node}`} data-status={n.status}>
                <span className="stop-icon" aria-hidden="true">
                  {m.icon}
                </span>
                <strong>{n.node}</strong>
                <span>{m.label}</span>
                {n.status === 'unreachable' && n.leaseExpiresAt && <span className="tabular">until {timeOfDay(Date.parse(n.leaseExpiresAt))}</span>}
                {n.faults.length > 0 && <span className="muted">{n.faults.map((f) => `${f.kind}: ${f.state}${f.detail ? ` (${f.detail})` : ''}`).join(' · ')}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
