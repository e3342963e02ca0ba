/** The run's state and elapsed time in the header: readable from the back of the room. */
import { clock } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useConsole } from '../../store/store.js';

export function RunClock() {
  const state = useConsole((s) => s.run?.state);
  const startedAt = useConsole((s) => s.run?.startedAt);
  const endedAt = useConsole((s) => s.run?.endedAt);
  const now = useEngineNow();
  if (!state) return <div className="run-clock" aria-hidden="true" />;
  const elapsed = startedAt ? (endedAt ?? now) - startedAt : 0;
  return (
    <div className="run-clock" data-testid="run-clock" data-run-state={state}>
      <span className={`run-state state-${state}`}>{state}</span>
      <span className="tabular big" aria-label="elapsed">{clock(elapsed)}</span>
    </div>
  );
}
