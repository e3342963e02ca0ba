/** The run's state and elapsed time in the header: readable from the back of the room. */
import { clock } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useConsole } from '../../store/store.js';

export function RunClock() {
  const state = useConsole((s) => s.run?.state);
  const startedAt = useConsole((s) => s.run?.startedAt);
  const endedAt = useConsole((s) => s.run?.endedAt);
  // One vocabulary with the outcome banner and the lists (api/outcome.ts): a run ended by STOP reads
  // "stopped", one ended by an abort condition "aborted" (the engine's state is 'aborted' for both).
  const byStop = useConsole((s) => s.run?.state === 'aborted' && !s.run.abortReason);
  const now = useEngineNow();
  if (!state) return <div className="run-clock" aria-hidden="true" />;
  const elapsed = startedAt ? (endedAt ?? now) - startedAt : 0;
  const word = byStop ? 'stopped' : state;
  const ended = state === 'completed' || state === 'aborted' || state === 'failed';
  return (
    <div className="run-clock" data-testid="run-clock" data-run-state={state} title={ended ? `The last run ${word}; Recent runs on Home lists every run` : undefined}>
      <span className={`run-state state-${state}`}>{ended ? `last run ${word}` : word}</span>
      <span className="tabular big" aria-label="elapsed">{clock(elapsed)}</span>
    </div>
  );
}
