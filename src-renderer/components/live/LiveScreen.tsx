/**
 * The live run, laid out for a projector: phases across the top, the current step and the recovery
 * timers large, probes with fault bands, faults per node, steps, terminal and the scribe log.
 */
import { useConsole } from '../../store/store.js';
import { FaultList } from './FaultList.js';
import { PhaseTimeline } from './PhaseTimeline.js';
import { ProbeCharts } from './ProbeCharts.js';
import { RecoveryTimers } from './RecoveryTimers.js';
import { RolesPanel } from './RolesPanel.js';
import { ScribeLog } from './ScribeLog.js';
import { StepCard } from './StepCard.js';
import { StepList } from './StepList.js';
import { TerminalTabs } from './TerminalTabs.js';

export function LiveScreen() {
  const title = useConsole((s) => s.run?.title);
  const runId = useConsole((s) => s.run?.runId);
  const state = useConsole((s) => s.run?.state);
  const abortReason = useConsole((s) => s.run?.abortReason);
  const go = useConsole((s) => s.go);
  if (!runId) {
    return (
      <div className="screen empty" data-screen="live">
        <p>No run yet. Open a scenario, pass preflight, and start.</p>
        <button type="button" onClick={() => go('home')}>
          Home
        </button>
      </div>
    );
  }
  const finished = state === 'completed' || state === 'aborted' || state === 'failed';
  return (
    <div className="screen screen-live" data-screen="live" data-run-state={state}>
      <div className="screen-bar">
        <h1>{title}</h1>
        <span className="mono muted">{runId}</span>
        <RolesPanel />
        {finished && (
          <button type="button" className="button-primary" data-testid="to-report" onClick={() => go('report', { reportRunId: runId })}>
            Report →
          </button>
        )}
      </div>
      {abortReason && (
        <div className="banner banner-bad" role="alert">
          Abort condition fired: {abortReason}
        </div>
      )}
      <PhaseTimeline />
      <div className="grid-live">
        <StepList />
        <StepCard />
        <RecoveryTimers />
        <ProbeCharts />
        <FaultList />
        <TerminalTabs />
        <ScribeLog />
      </div>
    </div>
  );
}
