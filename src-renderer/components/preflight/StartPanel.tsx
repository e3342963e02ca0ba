/**
 * Start the run. Disabled until every required check passes; the only way past a failing check is
 * a typed reason, which the engine records in the audit with the run.
 */
import { useState } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';

/** A reason shorter than this is not a reason ("ok", "go"). */
const MIN_OVERRIDE_CHARS = 10;
const COMMANDER_KEY = 'gameday.commander';

export function StartPanel({ file, preflightOk }: { file: string; preflightOk: boolean }) {
  const actions = useActions();
  const go = useConsole((s) => s.go);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [commander, setCommander] = useState(() => localStorage.getItem(COMMANDER_KEY) ?? '');
  const [dryRun, setDryRun] = useState(false);
  const [override, setOverride] = useState('');
  const [busy, setBusy] = useState(false);
  const overrideOk = override.trim().length >= MIN_OVERRIDE_CHARS;
  const can = !observer && !busy && commander.trim().length > 0 && (preflightOk || overrideOk);
  const start = async (): Promise<void> => {
    setBusy(true);
    localStorage.setItem(COMMANDER_KEY, commander.trim());
    const r = await actions.call('run.start', { file, commander: commander.trim(), dryRun, ...(preflightOk ? {} : { preflightOverride: override.trim() }) });
    setBusy(false);
    if (r) {
      await actions.loadSnapshot();
      go('live');
    }
  };
  return (
    <form className="start-panel" onSubmit={(e) => (e.preventDefault(), void start())} aria-label="Start the run">
      <label>
        Commander
        <input data-testid="commander" value={commander} maxLength={80} required onChange={(e) => setCommander(e.target.value)} placeholder="your name" />
      </label>
      <label className="check">
        <input type="checkbox" data-testid="dry-run" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run (print every command, touch nothing)
      </label>
      {!preflightOk && (
        <label>
          Override reason (recorded in the audit)
          <input data-testid="override" value={override} maxLength={500} onChange={(e) => setOverride(e.target.value)} placeholder={`why start anyway? (≥ ${MIN_OVERRIDE_CHARS} characters)`} />
        </label>
      )}
      <button type="submit" className="button-primary big-button" data-testid="start-run" disabled={!can} title={observer ? 'Observers cannot start runs' : !preflightOk && !overrideOk ? 'Required checks fail: fix them, or type an override reason' : 'Start the clock'}>
        {busy ? 'Starting…' : dryRun ? 'Start dry run' : 'Start run'}
      </button>
    </form>
  );
}
