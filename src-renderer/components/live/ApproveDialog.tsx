/**
 * Who approves. A high-risk step needs a second person. When the runbook names its approvers, the
 * dialog lists exactly the people who may approve — the named ones, minus the commander, who can
 * never approve their own run — to pick from; otherwise it asks for a name and refuses the
 * commander's. The engine checks both again (it is the real guard).
 */
import { useState } from 'react';
import type { StepView } from '../../../src-main/api/index.js';
import { sameName, useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Modal } from '../common/Modal.js';

/** The people who may approve `step` in a run commanded by `commander` (null: anyone but the commander). */
export function mayApprove(step: Pick<StepView, 'approvers'>, commander: string): string[] | null {
  if (!step.approvers?.length) return null;
  return step.approvers.filter((a) => !sameName(a, commander));
}

export function ApproveDialog({ step, onClose }: { step: StepView; onClose: () => void }) {
  const actions = useActions();
  const commander = useConsole((s) => s.run?.commander ?? '');
  const allowed = mayApprove(step, commander);
  const [name, setName] = useState(allowed?.length === 1 ? allowed[0]! : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isCommander = name.trim() !== '' && sameName(name, commander);
  const submit = async (): Promise<void> => {
    setBusy(true);
    const r = await actions.approve(step.id, name);
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.message);
  };
  return (
    <Modal title={`Approve: ${step.title}`} onClose={onClose}>
      <form onSubmit={(e) => (e.preventDefault(), void submit())} className="form" data-testid="approve-dialog">
        {step.text && <p>{step.text}</p>}
        {step.risk && <p className={step.risk === 'high' ? 'bad' : 'warn'}>Risk: {step.risk}</p>}
        {allowed === null ? (
          <label>
            Approver (a second person, not the commander {commander})
            <input data-testid="approver" value={name} maxLength={80} onChange={(e) => (setName(e.target.value), setError(null))} aria-invalid={isCommander} />
          </label>
        ) : allowed.length === 0 ? (
          <p className="bad" role="alert" data-testid="approve-nobody">
            Nobody may approve this step: its runbook names only {commander}, the commander. Skip it with a reason, or STOP.
          </p>
        ) : (
          <fieldset className="approver-choices" data-testid="approver-choices">
            <legend>Approved by (the runbook's approvers; the commander {commander} cannot approve)</legend>
            {allowed.map((a) => (
              <label key={a} className="approver-choice">
                <input type="radio" name="approver" value={a} data-testid="approver-choice" checked={name === a} onChange={() => (setName(a), setError(null))} />
                {a}
              </label>
            ))}
          </fieldset>
        )}
        {isCommander && <p className="bad" role="alert">The commander cannot approve their own run.</p>}
        {error && <p className="bad" role="alert" data-testid="approve-error">{error}</p>}
        <div className="form-actions">
          <button type="button" className="button-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-primary" data-testid="approve-submit" disabled={busy || name.trim() === '' || isCommander}>
            {busy ? 'Approving…' : name.trim() && !isCommander ? `Approve as ${name.trim()}` : 'Approve'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
