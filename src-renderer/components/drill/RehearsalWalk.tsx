/** Rehearsal: every step the walk has reached, with its scripted outcome (in place of live timers). */
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

export function RehearsalWalk() {
  const steps = useConsole((s) => s.steps);
  const outcomes = useConsole((s) => s.drill?.outcomes);
  const reached = steps.filter((s) => s.status !== 'pending');
  return (
    <Panel title="Tabletop · outcomes so far" className="area-timers" testId="rehearsal-walk">
      <p className="tabletop-note">Tabletop rehearsal: nothing is sent to any node and no probe runs.</p>
      {reached.length === 0 ? (
        <p className="muted">Outcomes appear as the walk reaches each step.</p>
      ) : (
        <ol className="walk">
          {reached.map((s) => (
            <li key={s.id} data-testid={`walk-${s.id}`}>
              <strong>{s.title}</strong>
              <p className="small">{outcomes?.[s.id] ?? <span className="muted">no scripted outcome</span>}</p>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
