/** Recent runs from the audit: open the live view of the active one or the report of a finished one. */
import { useEffect } from 'react';
import { dateTime } from '../../lib/format.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

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
              <th>Title</th>
              <th>Status</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {runs.slice(0, MAX_ROWS).map((r) => (
              <tr key={r.id}>
                <td className="tabular">{dateTime(r.startedAt)}</td>
                <td title={r.scenario ?? ''}>{r.title ?? r.id}</td>
                <td>
                  <span className={`pill status-${r.status}`}>{r.status}</span>
                </td>
                <td className="right">
                  {r.id === liveRunId && !r.endedAt ? (
                    <button type="button" onClick={() => go('live')}>Live</button>
                  ) : (
                    <span className="button-row">
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
