/**
 * Start the run. Disabled until every required check passes; the only way past a failing check is
 * a typed reason, which the engine records in the audit with the run.
 */
import { useState } from 'react';
import type { RunMode } from '../../../src-main/api/index.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';

/** A reason shorter than this is not a reason ("ok", "go"). */
const MIN_OVERRIDE_CHARS = 10;
const COMMANDER_KEY = 'gameday.commander';

/**
 * Whether a runbook has a drill block. The scenario summary carries tags only; drill runbooks are
 * tagged `drill` (a `hasDrill` flag on the summary would say it without relying on the tag).
 */
export function hasDrill(summary: { tags: string[]; hasDrill?: boolean } | undefined): boolean {
  return Boolean(summary?.hasDrill ?? summary?.tags.includes('drill'));
}

const MODES: Array<{ id: RunMode; label: string; help: string }> = [
  { id: 'gameday', label: 'Game day', help: 'Inject the faults for real (on this inventory), everyone sees everything.' },
  { id: 'drill', label: 'Training drill', help: 'Faults are hidden from trainees; hints on a schedule; trainees declare detected / mitigated; scored. You facilitate.' },
  { id: 'rehearsal', label: 'Tabletop rehearsal', help: 'Walk the runbook with scripted outcomes: nothing is sent to any node.' },
];

export function StartPanel({ file, preflightOk }: { file: string; preflightOk: boolean }) {
  const actions = useActions();
  const go = useConsole((s) => s.go);
  const summary = useConsole((s) => s.scenarios?.find((x) => x.file === file));
  const preselected = useConsole((s) => s.startMode);
  const drillOk = hasDrill(summary);
  const [chosen, setMode] = useState<RunMode>(preselected ?? 'gameday');
  const mode: RunMode = chosen === 'drill' && !drillOk ? 'gameday' : chosen;
  // A tabletop sends nothing, so failing node checks do not hold it back.
  const needsPreflight = mode !== 'rehearsal';
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [commander, setCommander] = useState(() => localStorage.getItem(COMMANDER_KEY) ?? '');
  const [dryRun, setDryRun] = useState(false);
  const [override, setOverride] = useState('');
  const [busy, setBusy] = useState(false);
  const overrideOk = override.trim().length >= MIN_OVERRIDE_CHARS;
  const can = !observer && !busy && commander.trim().length > 0 && (preflightOk || overrideOk || !needsPreflight);
  const start = async (): Promise<void> => {
    setBusy(true);
    localStorage.setItem(COMMANDER_KEY, commander.trim());
    const r = await actions.call('run.start', { file, commander: commander.trim(), mode, ...(mode === 'rehearsal' ? {} : { dryRun }), ...(preflightOk || !needsPreflight ? {} : { preflightOverride: override.trim() }) });
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
      <fieldset className="mode-choice" data-testid="run-mode">
        <legend>Mode</legend>
        {MODES.filter((m) => m.id !== 'drill' || drillOk).map((m) => (
          <label key={m.id} className="check mode-option" title={m.help}>
            <input type="radio" name="run-mode" value={m.id} data-testid={`mode-${m.id}`} checked={mode === m.id} onChange={() => setMode(m.id)} />
            <span>
              <strong>{m.label}</strong>
              <span className="muted small mode-help">{m.help}</span>
            </span>
          </label>
        ))}
        {!drillOk && <p className="muted small">Training drill: this runbook has no drill block.</p>}
      </fieldset>
      {mode !== 'rehearsal' && (
      <label className="check">
        <input type="checkbox" data-testid="dry-run" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run (print every command, touch nothing)
      </label>
      )}
      {!preflightOk && needsPreflight && (
        <label>
          Override reason (recorded in the audit)
          <input data-testid="override" value={override} maxLength={500} onChange={(e) => setOverride(e.target.value)} placeholder={`why start anyway? (≥ ${MIN_OVERRIDE_CHARS} characters)`} />
        </label>
      )}
      <button type="submit" className="button-primary big-button" data-testid="start-run" disabled={!can} title={observer ? 'Observers cannot start runs' : !preflightOk && !overrideOk ? 'Required checks fail: fix them, or type an override reason' : 'Start the clock'}>
        {busy ? 'Starting…' : mode === 'rehearsal' ? 'Start rehearsal' : mode === 'drill' ? (dryRun ? 'Start drill (dry run)' : 'Start drill') : dryRun ? 'Start dry run' : 'Start run'}
      </button>
    </form>
  );
}
