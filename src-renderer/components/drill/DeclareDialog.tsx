/**
 * A trainee declares "detected" or "mitigated": who, the diagnosis (one of the drill's choices, or
 * free text when it has none) and notes. The name is remembered for the next declaration.
 */
import { useState } from 'react';
import { useActions } from '../../store/actions.js';
import { Modal } from '../common/Modal.js';

export const TRAINEE_KEY = 'gameday.trainee';

export function DeclareDialog({ kind, choices, onClose }: { kind: 'detected' | 'mitigated'; choices: string[]; onClose: () => void }) {
  const actions = useActions();
  const [trainee, setTrainee] = useState(() => localStorage.getItem(TRAINEE_KEY) ?? '');
  const [diagnosis, setDiagnosis] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needsDiagnosis = kind === 'mitigated';
  const can = !busy && trainee.trim() !== '' && (!needsDiagnosis || diagnosis.trim() !== '');
  const submit = async (): Promise<void> => {
    setBusy(true);
    localStorage.setItem(TRAINEE_KEY, trainee.trim());
    const r = await actions.tryCall('drill.declare', { kind, trainee: trainee.trim(), ...(diagnosis.trim() ? { diagnosis: diagnosis.trim() } : {}), ...(notes.trim() ? { notes: notes.trim() } : {}) });
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.error.message + (r.error.hint ? ` — ${r.error.hint}` : ''));
  };
  return (
    <Modal title={kind === 'detected' ? 'Declare: detected' : 'Declare: mitigated'} onClose={onClose}>
      <form className="form" data-testid="declare-dialog" onSubmit={(e) => (e.preventDefault(), void submit())}>
        <label>
          Your name
          <input data-testid="trainee-name" value={trainee} maxLength={80} onChange={(e) => setTrainee(e.target.value)} />
        </label>
        <fieldset className="choices">
          <legend>Diagnosis {needsDiagnosis ? '(required)' : '(if you have one)'}</legend>
          {choices.length > 0 ? (
            choices.map((c) => (
              <label key={c} className="check">
                <input type="radio" name="diagnosis" value={c} checked={diagnosis === c} data-testid="diagnosis-choice" onChange={() => setDiagnosis(c)} /> {c}
              </label>
            ))
          ) : (
            <input data-testid="diagnosis-text" value={diagnosis} maxLength={500} onChange={(e) => setDiagnosis(e.target.value)} placeholder="what is wrong, where" />
          )}
        </fieldset>
        <label>
          Notes (what you saw, what you did)
          <textarea data-testid="declare-notes" value={notes} maxLength={4000} rows={3} onChange={(e) => setNotes(e.target.value)} />
        </label>
        {error && (
          <p className="bad" role="alert" data-testid="declare-error">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-primary" data-testid="declare-submit" disabled={!can}>
            {busy ? 'Sending…' : `Declare ${kind}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}
