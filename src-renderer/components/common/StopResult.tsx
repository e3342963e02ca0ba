/**
 * The run's outcome banner, pinned under the header: while STOP works, "reverting every fault…";
 * then the outcome in the one vocabulary (completed / stopped by NAME (role) / aborted by CONDITION,
 * marked DRY RUN · REHEARSAL · DRILL) and what happened on each node: reverted ✓, already reverted,
 * residue ✗ (run cleanup), unreachable (its lease reverts it at the time shown). It belongs to its run
 * (shown where that run is on screen, see selectors.ts) and × dismisses it for good.
 */
import { stopNodeText } from '../../../src-main/api/index.js';
import { duration, timeOfDay } from '../../lib/format.js';
import { liveOutcome, outcomeBannerShown } from '../../store/selectors.js';
import { useConsole } from '../../store/store.js';

const MARK: Record<string, { icon: string; cls: string }> = {
  reverted: { icon: '✓', cls: 'ok' },
  nothing: { icon: '✓', cls: 'ok' },
  residue: { icon: '✗', cls: 'bad' },
  unreachable: { icon: '⏳', cls: 'warn' },
};

export function StopResult() {
  const shown = useConsole(outcomeBannerShown);
  const pending = useConsole((s) => s.stopPending || s.run?.state === 'stopping');
  const report = useConsole((s) => s.stop);
  const run = useConsole((s) => s.run);
  const dismiss = useConsole((s) => s.dismissOutcome);
  if (!shown || !run) return null;
  const outcome = liveOutcome(run, report);
  // A dry run or a rehearsal never touched a node: "all nodes clean" would suggest it had.
  const clean = run.dryRun ? 'nothing was sent to any node' : report ? (report.clean ? 'all nodes clean' : 'NOT all nodes clean') : '';
  const said = outcome.text.charAt(0).toUpperCase() + outcome.text.slice(1);
  const headline = pending || !report ? 'STOP sent — reverting every fault…' : `${outcome.marker ? `${outcome.marker} · ` : ''}${said} — ${clean}`;
  // "STOP button · by commander" said nothing the headline does not; what STOP did and how long it took does.
  const detail = report && outcome.kind !== 'completed' && outcome.kind !== 'in progress' ? `STOP took ${duration(report.durationMs)} · ${report.reason}` : report ? `nodes checked in ${duration(report.durationMs)}` : '';
  return (
    <section className={`stop-result ${report && !report.clean ? 'unclean' : ''}`} aria-live="assertive" data-testid="stop-result" data-run-id={run.runId} data-outcome={pending ? 'stopping' : outcome.kind} data-stop-state={pending ? 'pending' : report ? (report.clean ? 'clean' : 'unclean') : 'none'}>
      <div className="stop-result-head">
        <h2 data-testid="outcome-headline" title={headline}>
          {headline}
        </h2>
        <span className="muted stop-result-run" title={`${run.title} · ${run.runId}`}>
          {run.title} · <span className="mono">{run.runId}</span>
          {detail && ` · ${detail}`}
        </span>
        {!pending && (
          <button type="button" className="icon-button" data-testid="dismiss-outcome" aria-label="Dismiss this run's outcome (it stays in Recent runs and the report)" title="Dismiss (for good)" onClick={() => dismiss(run.runId)}>
            ×
          </button>
        )}
      </div>
      {report && !pending && (
        <ul className="stop-nodes">
          {report.nodes.map((n) => {
            const m = MARK[n.status] ?? { icon: '?', cls: 'warn' };
            return (
              <li key={n.node} className={`stop-node ${m.cls}`} data-testid={`stop-node-${n.node}`} data-status={n.status}>
                <span className="stop-icon" aria-hidden="true">
                  {m.icon}
                </span>
                <strong>{n.node}</strong>
                <span>{stopNodeText(n.status, n.faults)}</span>
                {n.status === 'unreachable' && n.leaseExpiresAt && <span className="tabular">until {timeOfDay(Date.parse(n.leaseExpiresAt))}</span>}
                {n.faults.length > 0 && <span className="muted">{n.faults.map((f) => `${f.kind}: ${f.state}${f.detail ? ` (${f.detail})` : ''}`).join(' · ')}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
