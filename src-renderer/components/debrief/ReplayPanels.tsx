/**
 * What the room knew at the playhead: the timeline of events, faults active then, notes and
 * declarations so far, hints revealed so far. Lists show their last entries only (a 2-hour run
 * has thousands of events; the DOM holds a screenful).
 */
import { memo } from 'react';
import { timeOfDay } from '../../lib/format.js';
import type { Replay, ReplayFrame } from '../../lib/replay.js';
import { Panel } from '../common/Panel.js';
import { DeclarationList } from '../drill/DeclarationList.js';

/** Rows kept in the DOM per list. */
const MAX_ROWS = 80;

/** The last MAX_ROWS of the first n items, newest first. */
const tail = <T,>(list: readonly T[], n: number): T[] => list.slice(Math.max(0, n - MAX_ROWS), n).reverse();

export const ReplayPanels = memo(function ReplayPanels({ replay, frame }: { replay: Replay; frame: ReplayFrame }) {
  const events = tail(replay.events, frame.events);
  const notes = tail(replay.notes, frame.notes);
  const drill = replay.debrief.drill;
  return (
    <>
      <Panel title={`Timeline · ${frame.events} of ${replay.events.length} events`} className="area-replay-events" testId="replay-events">
        <ol className="replay-events" data-count={frame.events}>
          {events.map((e, i) => (
            <li key={frame.events - i} className="replay-event">
              <span className="tabular muted">{timeOfDay(e.t)}</span> <span className="pill">{e.kind}</span> {e.node && <span className="mono">{e.node}</span>} {e.text}
              {e.actor && <span className="muted small"> · {e.actor}</span>}
            </li>
          ))}
        </ol>
      </Panel>
      <Panel title={`Faults active · ${frame.faultsActive.length}`} className="area-replay-faults" testId="replay-faults">
        {frame.faultsActive.length === 0 ? (
          <p className="muted">None at this moment.</p>
        ) : (
          <ul className="plain-list">
            {frame.faultsActive.map((f) => (
              <li key={f.id} data-testid="replay-fault" className="mono">
                {f.kind}@{f.node} <span className="muted small">since {timeOfDay(f.injectedAt!)}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel title={`Notes · ${frame.notes}`} className="area-replay-notes" testId="replay-notes">
        {notes.length === 0 ? (
          <p className="muted">No notes yet.</p>
        ) : (
          <ol className="notes">
            {notes.map((n, i) => (
              <li key={frame.notes - i} className="note">
                <span className="tabular muted">{timeOfDay(n.t)}</span> <span className={`pill role-${n.role}`}>{n.role}</span> <strong>{n.author}</strong> {n.text}
              </li>
            ))}
          </ol>
        )}
      </Panel>
      {drill && (
        <Panel title={`Drill · ${frame.declarations} declarations · ${frame.hintsRevealed.length} hints`} className="area-replay-drill" testId="replay-drill">
          <DeclarationList declarations={replay.declarations} limit={frame.declarations} facilitator={false} {...(drill.clockStartedAt !== undefined ? { clockStartedAt: drill.clockStartedAt } : {})} />
          <h3>Hints revealed</h3>
          {frame.hintsRevealed.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <ol className="hints" data-testid="replay-hints">
              {frame.hintsRevealed.map((h) => (
                <li key={h.index} className="hint-item revealed">
                  <span className="pill">hint {h.index + 1}</span> <span className="muted small">{timeOfDay(h.revealedAt!)}</span>
                  {h.text && <p className="hint-text">{h.text}</p>}
                </li>
              ))}
            </ol>
          )}
        </Panel>
      )}
    </>
  );
});
