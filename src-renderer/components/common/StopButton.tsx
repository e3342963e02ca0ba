/**
 * The big red STOP. Always in the fixed header, one click, no confirmation. Ctrl+Shift+S from
 * anywhere: free in Chromium and Electron on every OS (Ctrl+S is "save page"; the Shift variant is
 * unbound), and easy to hit blind. Observers see it disabled, with the reason.
 */
import { useEffect } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';

/** Shown on the button and matched by the key handler. */
export const STOP_SHORTCUT_LABEL = 'Ctrl+Shift+S';

export function isStopShortcut(e: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'key' | 'code'>): boolean {
  return (e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && (e.code === 'KeyS' || e.key.toLowerCase() === 's');
}

export function StopButton() {
  const actions = useActions();
  const role = useConsole((s) => s.info?.role);
  const pending = useConsole((s) => s.stopPending);
  // Trainees never hold STOP: the facilitator does (the engine refuses run.stop from them too).
  const observer = role === 'observer' || role === 'trainee';
  const trainee = role === 'trainee';

  useEffect(() => {
    if (observer) return;
    const onKey = (e: KeyboardEvent): void => {
      if (!isStopShortcut(e)) return;
      e.preventDefault();
      void actions.stop(`STOP (${STOP_SHORTCUT_LABEL})`);
    };
    // Capture phase: no input, editor or dialog can swallow it.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [actions, observer]);

  const why = trainee ? 'Trainee screen: the facilitator holds STOP' : observer ? 'Observer screen: only the commander can press STOP' : `Stop everything now: revert every fault on every node (${STOP_SHORTCUT_LABEL})`;
  return (
    <button
      type="button"
      className="stop-button"
      data-testid="stop"
      disabled={observer}
      aria-disabled={observer}
      aria-label={why}
      title={why}
      aria-busy={pending}
      onClick={() => void actions.stop('STOP button')}
    >
      <span className={`stop-label${pending ? ' pending' : ''}`}>{pending ? 'STOPPING…' : 'STOP'}</span>
      <kbd className="stop-kbd">{trainee ? 'facilitator holds STOP' : observer ? 'observer' : STOP_SHORTCUT_LABEL}</kbd>
    </button>
  );
}
