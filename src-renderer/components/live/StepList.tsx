/** Every step with its status, grouped by phase; the current one highlighted. */
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

/** Plain geometric glyphs: present in every UI font (emoji are not, on a bare Linux box). */
const ICON: Record<string, string> = { pending: '○', running: '▶', 'awaiting-approval': '◆', 'awaiting-operator': '■', done: '✓', skipped: '–', failed: '✗' };

export function StepList() {
  const steps = useConsole((s) => s.steps);
  const phases = useConsole((s) => s.phases);
  const current = useConsole((s) => s.currentStepId);
  return (
    <Panel title="Steps" className="area-steps" testId="step-list">
      <ol className="step-list">
        {phases.map((p) => (
          <li key={p.id}>
            <div className="step-list-phase">{p.title}</div>
            <ol>
              {steps
                .filter((s) => s.phaseId === p.id)
                .map((s) => (
                  <li key={s.id} className={`step-row step-${s.status} ${s.id === current ? 'current' : ''}`} data-testid={`step-${s.id}`} data-status={s.status}>
                    <span className="step-icon" aria-label={s.status}>
                      {ICON[s.status] ?? '·'}
                    </span>
                    <span className="step-row-title">{s.title}</span>
                    {s.risk === 'high' && <span className="pill bad small">high risk</span>}
                  </li>
                ))}
            </ol>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
