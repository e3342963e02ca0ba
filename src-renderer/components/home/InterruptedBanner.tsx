/** Runs a crashed console left with faults recorded as injected: offer their revert at once. */
import { useState } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';

export function InterruptedBanner() {
  const actions = useActions();
  const interrupted = useConsole((s) => s.interrupted);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [busy, setBusy] = useState<string | null>(null);
  if (interrupted.length === 0) return null;
  const reconcile = async (runId: string): Promise<void> => {
    setBusy(runId);
    const r = await actions.call('runs.reconcile', { runId });
    setBusy(null);
    if (r) await actions.refresh('interrupted');
  };
  return (
    <section className="banner banner-warn" role="alert" data-testid="interrupted">
      <h2>Interrupted runs left faults behind</h2>
      {interrupted.map((r) => (
        <div key={r.runId} className="banner-row">
          <span className="mono">{r.runId}</span>
          <span>{r.faults.map((f) => `${f.kind}@${f.node} (${f.state})`).join(', ')}</span>
          <button type="button" className="button-danger" disabled={observer || busy !== null} onClick={() => void reconcile(r.runId)}>
            {busy === r.runId ? 'Reverting…' : 'Revert now'}
          </button>
        </div>
      ))}
    </section>
  );
}
