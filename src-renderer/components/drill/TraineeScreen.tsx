/**
 * The trainee's screen: briefing, revealed hints, probe charts, shells, notes, and the two big
 * declarations. It draws only what the engine sends this connection — which has every hidden fault
 * redacted — and has no fault list, no recovery timers, no step list and no STOP (the facilitator
 * holds it). Nothing is hidden with CSS: what is not here was never received.
 */
import { useState } from 'react';
import { useConsole } from '../../store/store.js';
import { TERMINAL_RUN_STATES } from '../../store/reduce.js';
import { Panel } from '../common/Panel.js';
import { ProbeCharts } from '../live/ProbeCharts.js';
import { ScribeLog } from '../live/ScribeLog.js';
import { TerminalTabs } from '../live/TerminalTabs.js';
import { DeclarationList } from './DeclarationList.js';
import { DeclareDialog } from './DeclareDialog.js';
import { HintList } from './HintList.js';
import { ScoreCard } from './ScoreCard.js';

export function TraineeScreen() {
  const runId = useConsole((s) => s.run?.runId);
  const title = useConsole((s) => s.run?.title);
  const state = useConsole((s) => s.run?.state);
  const drill = useConsole((s) => s.drill);
  const go = useConsole((s) => s.go);
  const [declaring, setDeclaring] = useState<'detected' | 'mitigated' | null>(null);
  if (!runId) {
    return (
      <div className="screen empty" data-screen="live" data-trainee="waiting">
        <h1>Training drill</h1>
        <p data-testid="trainee-waiting">Waiting for the facilitator to start the drill. This page follows along by itself.</p>
      </div>
    );
  }
  const finished = state !== undefined && TERMINAL_RUN_STATES.has(state);
  const live = state === 'running' || state === 'paused';
  return (
    <div className="screen screen-live screen-trainee" data-screen="live" data-run-state={state} data-trainee="live">
      <div className="screen-bar">
        {/* The drill's trainee title: the backend never sends trainees the runbook's own title. */}
        <h1 data-testid="trainee-title">{title}</h1>
        <span className="pill role-trainee">trainee</span>
        <span className="muted small" data-testid="trainee-stop-note">
          The facilitator holds STOP.
        </span>
        {finished && (
          <button type="button" className="button-primary" data-testid="to-debrief" onClick={() => go('debrief', { debriefRunId: runId })}>
            Debrief →
          </button>
        )}
      </div>
      <div className="grid-trainee">
        <Panel title="Briefing" className="area-briefing" testId="trainee-briefing">
          {drill ? <p className="drill-briefing">{drill.briefing}</p> : <p className="muted">Loading the briefing…</p>}
          <div className="declare-buttons">
            <button type="button" className="button-primary big-button declare-button" data-testid="declare-detected" disabled={!live || !drill} onClick={() => setDeclaring('detected')}>
              Declare detected
            </button>
            <button type="button" className="button-primary big-button declare-button" data-testid="declare-mitigated" disabled={!live || !drill} onClick={() => setDeclaring('mitigated')}>
              Declare mitigated
            </button>
          </div>
          {drill && drill.declarations.length > 0 && (
            <>
              <h3>Your team’s declarations</h3>
              <DeclarationList declarations={drill.declarations} facilitator={false} {...(drill.clockStartedAt !== undefined ? { clockStartedAt: drill.clockStartedAt } : {})} />
            </>
          )}
          {finished && drill?.score && (
            <>
              <h3>Score</h3>
              <ScoreCard score={drill.score} />
            </>
          )}
        </Panel>
        <Panel title="Hints" className="area-hints" testId="trainee-hints">
          {drill ? <HintList drill={drill} facilitator={false} /> : <p className="muted">—</p>}
        </Panel>
        <ProbeCharts />
        <TerminalTabs initial="shell" />
        <ScribeLog />
      </div>
      {declaring && drill && <DeclareDialog kind={declaring} choices={drill.choices} onClose={() => setDeclaring(null)} />}
    </div>
  );
}
