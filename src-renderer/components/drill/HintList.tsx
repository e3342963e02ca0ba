/**
 * Hints. Trainees see only revealed ones (the engine sends no text before that). The facilitator
 * sees the whole schedule: each hint's text, a countdown to its planned reveal, and "Reveal now".
 */
import { clock, timeOfDay } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useActions } from '../../store/actions.js';
import type { DrillView } from '../../../src-main/api/index.js';

export function HintList({ drill, facilitator }: { drill: DrillView; facilitator: boolean }) {
  const actions = useActions();
  const now = useEngineNow();
  const shown = facilitator ? drill.hints : drill.hints.filter((h) => h.revealedAt !== undefined);
  if (shown.length === 0) return <p className="muted" data-testid="hints-none">{drill.hints.length === 0 ? 'This drill has no hints.' : 'No hint revealed yet.'}</p>;
  return (
    <ol className="hints" data-testid="hints">
      {shown.map((h) => {
        const revealed = h.revealedAt !== undefined;
        const due = drill.clockStartedAt !== undefined ? drill.clockStartedAt + h.afterMs : undefined;
        return (
          <li key={h.index} className={`hint-item ${revealed ? 'revealed' : 'pending'}`} data-testid={`hint-${h.index}`} data-revealed={revealed}>
            <div className="hint-head">
              <span className="pill">hint {h.index + 1}</span>
              {revealed ? (
                <span className="muted small">
                  revealed {timeOfDay(h.revealedAt!)}
                  {h.revealedBy && h.revealedBy !== 'schedule' ? ` by ${h.revealedBy}` : ''} · −{h.penalty} pts
                </span>
              ) : (
                <span className="tabular small" data-testid={`hint-countdown-${h.index}`}>
                  {due === undefined ? `at +${clock(h.afterMs)} (clock not started)` : due > now ? `in ${clock(due - now)}` : 'due now'} · costs {h.penalty} pts
                </span>
              )}
              {facilitator && !revealed && (
                <button type="button" className="button-ghost" data-testid={`reveal-${h.index}`} onClick={() => void actions.call('drill.hint', { index: h.index })}>
                  Reveal now
                </button>
              )}
            </div>
            {h.text !== undefined && <p className="hint-text">{h.text}</p>}
          </li>
        );
      })}
    </ol>
  );
}
