/** Ask for a reason (skip a step, reject an approval): the audit records it. */
import { useState } from 'react';
import { Modal } from '../common/Modal.js';

export function ReasonDialog({ title, label, onSubmit, onClose }: { title: string; label: string; onSubmit(reason: string): Promise<boolean>; onClose(): void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={title} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void onSubmit(reason.trim()).then((ok) => (setBusy(false), ok && onClose()));
        }}
      >
        <label>
          {label}
          <input data-testid="reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        </label>
        <div className="form-actions">
          <button type="button" className="button-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={busy || reason.trim() === ''}>
            OK
          </button>
        </div>
      </form>
    </Modal>
  );
}
