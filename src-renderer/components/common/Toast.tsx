/** The last error or notice, with its hint; stays until dismissed (errors matter in a noisy room). */
import { useConsole } from '../../store/store.js';

export function Toast() {
  const toast = useConsole((s) => s.toast);
  const dismiss = useConsole((s) => s.dismissToast);
  if (!toast) return null;
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
      <div>
        <strong>{toast.text}</strong>
        {toast.hint && <div className="muted">{toast.hint}</div>}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
