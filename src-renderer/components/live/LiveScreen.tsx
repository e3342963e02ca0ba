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
import { FacilitatorPanel } from '../drill/FacilitatorPanel.js';
import { RehearsalWalk } from '../drill/RehearsalWalk.js';
import { TraineeScreen } from '../drill/TraineeScreen.js';

export function LiveScreen() {
  const role = useConsole((s) => s.info?.role);
  // A trainee's connection gets a redacted run: it has its own screen, built from that alone.
  if (role === 'trainee') return <TraineeScreen />;
  return <TeamLiveScreen />;
}

function TeamLiveScreen() {
  const title = useConsole((s) => s.run?.title);
  const runId = useConsole((s) => s.run?.runId);
  const state = useConsole((s) => s.run?.state);
  const abortReason = useConsole((s) => s.run?.abortReason);
  const go = useConsole((s) => s.go);
  const mode = useConsole((s) => s.run?.mode ?? 'gameday');
  const observer = useConsole((s) => s.info?.role === 'observer');
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
    <div className={`screen screen-live mode-${mode}`} data-screen="live" data-run-state={state} data-mode={mode}>
      <div className="screen-bar">
        <h1>{title}</h1>
        <span className="mono muted">{runId}</span>
        <RolesPanel />
        {finished && (
          <button type="button" className="button-primary" data-testid="to-report" onClick={() => go('report', { reportRunId: runId })}>
            Report →
          </button>
        )}
        {finished && (
          <button type="button" data-testid="to-debrief" onClick={() => go('debrief', { debriefRunId: runId })}>
            Debrief →
          </button>
        )}
      </div>
      {abortReason && (
        <div className="banner banner-bad" role="alert">
          Abort condition fired: {abortReason}
        </div>
      )}
      {mode === 'rehearsal' && (
        <div className="banner banner-tabletop" role="status" data-testid="tabletop-banner">
          TABLETOP REHEARSAL — nothing is sent to any node. Each step shows its scripted outcome; discuss, note, move on.
        </div>
      )}
      <PhaseTimeline />
      {mode === 'drill' && !observer && <FacilitatorPanel />}
      <div className="grid-live">
        <StepList />
        <StepCard />
        {mode === 'rehearsal' ? <RehearsalWalk /> : <RecoveryTimers />}
        <ProbeCharts />
        <FaultList />
        <TerminalTabs />
        <ScribeLog />
      </div>
    </div>
  );
}
