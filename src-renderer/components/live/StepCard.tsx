/**
 * The current step, big: what to do, its checklist, its countdown, who approved it, and the
 * buttons the commander needs now (approve / reject / done / skip, pause / resume).
 */
import { useState } from 'react';
import { clock, timeOfDay } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { ApproveDialog } from './ApproveDialog.js';
import { ReasonDialog } from './ReasonDialog.js';
import { RehearsalOutcome } from '../drill/RehearsalOutcome.js';

export function StepCard() {
  const actions = useActions();
  const step = useConsole((s) => s.steps.find((x) => x.id === s.currentStepId) ?? null);
  const runState = useConsole((s) => s.run?.state);
  const commander = useConsole((s) => s.run?.commander ?? '');
  const observer = useConsole((s) => s.info?.role === 'observer');
  const rehearsal = useConsole((s) => s.run?.mode === 'rehearsal');
  const now = useEngineNow();
  const [dialog, setDialog] = useState<'approve' | 'reject' | 'skip' | null>(null);
  const active = runState === 'running' || runState === 'paused';
  const controls = (
    <>
      {runState === 'running' && (
        <button type="button" className="button-ghost" disabled={observer} onClick={() => void actions.call('run.pause', {})}>
          Pause
        </button>
      )}
      {runState === 'paused' && (
        <button type="button" className="button-primary" disabled={observer} onClick={() => void actions.call('run.resume', {})}>
          Resume
        </button>
      )}
    </>
  );
  if (!step) {
    return (
      <Panel title="Current step" className="area-step" actions={controls} testId="step-card">
        <p className="muted">{active ? 'Waiting for the first step…' : 'No step running.'}</p>
      </Panel>
    );
  }
  const left = step.startedAt && step.plannedMs ? step.startedAt + step.plannedMs - now : null;
  return (
    <Panel title="Current step" className="area-step" actions={controls} testId="step-card">
      <div className="step-card" data-step-id={step.id} data-status={step.status}>
        <div className="step-card-head">
          <span className={`kind kind-${step.kind}`}>{step.kind}</span>
          {step.risk && <span className={`pill risk-${step.risk}`}>{step.risk} risk</span>}
          <span className={`pill status-${step.status}`}>{step.status}</span>
          {left !== null && <span className="tabular step-countdown" data-testid="step-countdown">{left >= 0 ? clock(left) : `+${clock(-left)}`}</span>}
        </div>
        <h3 className="step-title">{step.title}</h3>
        {step.text && <p className="step-text">{step.text}</p>}
        {(step.fault || step.target) && (
          <p className="mono">
            {step.fault && <>fault {step.fault} </>}
            {step.target && <>on {step.target}</>}
          </p>
        )}
        {step.message && <p className="step-message">{step.message}</p>}
        {step.checklist && (
          <ul className="checklist">
            {step.checklist.map((c, i) => (
              <li key={i}>
                <label>
                  <input type="checkbox" checked={c.done} disabled={observer} onChange={(e) => void actions.call('run.checklist', { stepId: step.id, index: i, done: e.target.checked })} /> {c.item}
                </label>
              </li>
            ))}
          </ul>
        )}
        {rehearsal && <RehearsalOutcome step={step} />}
        {step.approvedBy && (
          <p className="ok" data-testid="approved-by">
            Approved by <strong>{step.approvedBy}</strong>
            {step.approvedAt && <> at {timeOfDay(step.approvedAt)}</>}
          </p>
        )}
        <div className="step-actions">
          {step.status === 'awaiting-approval' && (
            <>
              <button type="button" className="button-primary big-button" data-testid="approve" disabled={observer} onClick={() => setDialog('approve')}>
                Approve…
              </button>
              <button type="button" className="button-ghost" disabled={observer} onClick={() => setDialog('reject')}>
                Reject…
              </button>
            </>
          )}
          {(step.status === 'awaiting-operator' || step.status === 'running') && (
            <button type="button" className="button-primary big-button" data-testid="advance" disabled={observer} onClick={() => void actions.call('run.advance', { stepId: step.id })}>
              Done →
            </button>
          )}
          {step.status !== 'done' && step.status !== 'skipped' && (
            <button type="button" className="button-ghost" data-testid="skip" disabled={observer} onClick={() => setDialog('skip')}>
              Skip…
            </button>
          )}
        </div>
      </div>
      {dialog === 'approve' && <ApproveDialog step={step} onClose={() => setDialog(null)} />}
      {dialog === 'skip' && <ReasonDialog title={`Skip: ${step.title}`} label="Why skip it?" onClose={() => setDialog(null)} onSubmit={async (reason) => (await actions.call('run.skip', { stepId: step.id, reason })) !== null} />}
      {dialog === 'reject' && <ReasonDialog title={`Reject: ${step.title}`} label="Why no-go?" onClose={() => setDialog(null)} onSubmit={async (reason) => (await actions.call('run.reject', { stepId: step.id, approver: commander, reason })) !== null} />}
    </Panel>
  );
}
