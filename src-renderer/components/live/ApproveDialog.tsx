/**
 * Ask for the approver's name. A high-risk step needs a second person: the commander's own name is
 * refused here (and again by the engine, which is the real guard).
 */
import { useState } from 'react';
import type { StepView } from '../../../src-main/api/index.js';
import { sameName, useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Modal } from '../common/Modal.js';

export function ApproveDialog({ step, onClose }: { step: StepView; onClose: () => void }) {
  const actions = useActions();
  const commander = useConsole((s) => s.run?.commander ?? '');
  const [name, setName] = useState('');
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
        <label>
          Approver (a second person, not the commander {commander})
          <input data-testid="approver" value={name} maxLength={80} list="approvers" onChange={(e) => (setName(e.target.value), setError(null))} aria-invalid={isCommander} />
          {step.approvers && (
            <datalist id="approvers">
              {step.approvers.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          )}
        </label>
        {step.approvers && <p className="muted small">Allowed approvers: {step.approvers.join(', ')}</p>}
        {isCommander && <p className="bad" role="alert">The commander cannot approve their own run.</p>}
        {error && <p className="bad" role="alert" data-testid="approve-error">{error}</p>}
        <div className="form-actions">
          <button type="button" className="button-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-primary" data-testid="approve-submit" disabled={busy || name.trim() === '' || isCommander}>
            {busy ? 'Approving…' : 'Approve'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
