/**
 * Trainee declarations as they arrive. The facilitator rules on each (Accept / Reject), which
 * overrides the probes' verdict in the score; everyone sees the ruling once given.
 */
import { duration, timeOfDay } from '../../lib/format.js';
import { useActions } from '../../store/actions.js';
import type { Declaration } from '../../../src-main/api/index.js';

function verdict(d: Declaration): { text: string; cls: string } {
  if (d.ruling) return { text: d.ruling, cls: d.ruling === 'accepted' ? 'ok' : 'bad' };
  if (d.confirmed === true) return { text: 'probes agree', cls: 'ok' };
  if (d.confirmed === false) return { text: 'probes disagree', cls: 'warn' };
  return { text: 'not ruled', cls: 'muted' };
}

export function DeclarationList({ declarations, clockStartedAt, facilitator, limit }: { declarations: Declaration[]; clockStartedAt?: number; facilitator: boolean; limit?: number }) {
  const actions = useActions();
  const list = limit === undefined ? declarations : declarations.slice(0, limit);
  if (list.length === 0) return <p className="muted">No declaration yet.</p>;
  return (
    <ul className="declarations" data-testid="declarations">
      {list.map((d) => {
        const v = verdict(d);
        return (
          <li key={d.id} className="declaration" data-testid={`declaration-${d.id}`} data-kind={d.kind} data-ruling={d.ruling ?? ''}>
            <div className="declaration-head">
              <span className={`pill decl-${d.kind}`}>{d.kind}</span>
              <strong>{d.trainee}</strong>
              <span className="tabular muted small">
                {timeOfDay(d.at)}
                {clockStartedAt !== undefined && ` · +${duration(Math.max(0, d.at - clockStartedAt))}`}
              </span>
              <span className={`small ${v.cls}`} data-testid="declaration-verdict">
                {v.text}
              </span>
            </div>
            {d.diagnosis && (
              <p className="declaration-diagnosis">
                diagnosis: <strong>{d.diagnosis}</strong>
              </p>
            )}
            {d.notes && <p className="small">{d.notes}</p>}
            {facilitator && (
              <div className="button-row">
                <button type="button" className={d.ruling === 'accepted' ? 'button-primary' : ''} data-testid={`accept-${d.id}`} aria-pressed={d.ruling === 'accepted'} onClick={() => void actions.call('drill.rule', { declarationId: d.id, ruling: 'accepted' })}>
                  Accept
                </button>
                <button type="button" className={d.ruling === 'rejected' ? 'button-danger' : 'button-ghost'} data-testid={`reject-${d.id}`} aria-pressed={d.ruling === 'rejected'} onClick={() => void actions.call('drill.rule', { declarationId: d.id, ruling: 'rejected' })}>
                  Reject
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
