/**
 * Recent runs from the audit: what each was (DRY RUN · REHEARSAL · DRILL) and how it ended, in the
 * one vocabulary; open the live view of the active one, or the report or debrief of a finished one.
 */
import { useEffect } from 'react';
import { dateTime } from '../../lib/format.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { MarkerPill } from '../common/RunPicker.js';

/** Rows shown: a game day produces a handful of runs; more are in the Audit screen. */
const MAX_ROWS = 12;

export function RecentRuns() {
  const actions = useActions();
  const runs = useConsole((s) => s.runs);
  const liveRunId = useConsole((s) => s.run?.runId);
  const go = useConsole((s) => s.go);
  useEffect(() => void actions.refresh('runs'), [actions]);
  return (
    <Panel title="Recent runs" testId="recent-runs" actions={<button type="button" className="button-ghost" onClick={() => void actions.refresh('runs')}>Refresh</button>}>
      {runs === null ? (
        <p className="muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No runs yet. Pick a scenario to start one.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Started</th>
              <th>Run · outcome</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {runs.slice(0, MAX_ROWS).map((r) => (
              <tr key={r.id} data-testid="recent-run" data-run-id={r.id} data-marker={r.outcome?.marker ?? ''} data-outcome={r.outcome?.kind ?? r.status}>
                <td className="tabular nowrap">{dateTime(r.startedAt)}</td>
                <td className="recent-run-cell">
                  <span className="recent-title">
                    <MarkerPill marker={r.outcome?.marker} />
                    <span className="ellipsis" title={`${r.title ?? r.id}${r.scenario ? ` · ${r.scenario}` : ''}`}>
                      {r.title ?? r.id}
                    </span>
                  </span>
                  <span className={`pill outcome outcome-${(r.outcome?.kind ?? r.status).replace(' ', '-')}`} data-testid="recent-outcome" title={r.outcome?.text ?? r.status}>
                    {r.outcome?.text ?? r.status}
                  </span>
                </td>
                <td className="right nowrap">
                  {r.id === liveRunId && !r.endedAt ? (
                    <button type="button" onClick={() => go('live')}>Live</button>
                  ) : (
                    <span className="button-row recent-actions">
                      <button type="button" className="button-ghost" data-testid="run-debrief" data-run-id={r.id} onClick={() => go('debrief', { debriefRunId: r.id })} aria-label={`Debrief of ${r.title ?? r.id}`}>
                        Debrief
                      </button>
                      <button type="button" className="button-ghost" onClick={() => go('report', { reportRunId: r.id })} aria-label={`Report of ${r.title ?? r.id}`}>
                        Report
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
