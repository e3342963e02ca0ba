/**
 * The facilitator's private drill panel (commander seat of a drill run): briefing, the answer,
 * the hint schedule with countdowns and "Reveal now", declarations with Accept / Reject, the live
 * score with its formula, and how trainees join. Trainees never get this component, and the
 * engine never sends them its data (the answer, unrevealed hints, the live score).
 */
import { duration } from '../../lib/format.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { DeclarationList } from './DeclarationList.js';
import { HintList } from './HintList.js';
import { ScoreCard } from './ScoreCard.js';

export function FacilitatorPanel() {
  const drill = useConsole((s) => s.drill);
  const transport = useConsole((s) => s.info?.transport);
  const traineeUrl = useConsole((s) => s.info?.traineeUrl);
  if (!drill) {
    return (
      <Panel title="Drill · facilitator" className="area-drill" testId="facilitator-panel">
        <p className="muted">Loading the drill…</p>
      </Panel>
    );
  }
  return (
    <Panel title="Drill · facilitator only" className="area-drill" testId="facilitator-panel">
      <div className="drill-grid">
        <section aria-label="Briefing and answer">
          <h3>Briefing (what trainees read)</h3>
          <p className="drill-briefing" data-testid="drill-briefing">{drill.briefing}</p>
          <h3>Answer</h3>
          <p className="drill-answer" data-testid="drill-answer">{drill.answer ?? <span className="muted">not sent to this screen</span>}</p>
          <p className="muted small">
            Choices offered: {drill.choices.join(' · ') || 'free text'} · targets: detect {duration(drill.ttdTargetMs)}, mitigate {duration(drill.ttmTargetMs)}
          </p>
          <h3>Trainees join</h3>
          <p className="small" data-testid="trainee-join">
            {traineeUrl ? (
              <>
                Trainees open <code className="trainee-url" data-testid="trainee-url">{traineeUrl}</code> (this machine; it carries their token). They see this run with every hidden fault redacted, and cannot press STOP.
              </>
            ) : transport === 'bridge'
              ? 'Give trainees the console’s Trainee URL (printed by `gameday console` next to the commander and observer URLs). They see this run with every hidden fault redacted, and cannot press STOP.'
              : 'Start `gameday console` and give trainees its Trainee URL. They see this run with every hidden fault redacted, and cannot press STOP.'}
          </p>
        </section>
        <section aria-label="Hints">
          <h3>Hint schedule {drill.clockStartedAt === undefined && <span className="muted small">(the clock starts with the first hidden fault)</span>}</h3>
          <HintList drill={drill} facilitator />
        </section>
        <section aria-label="Declarations">
          <h3>Declarations</h3>
          <DeclarationList declarations={drill.declarations} facilitator {...(drill.clockStartedAt !== undefined ? { clockStartedAt: drill.clockStartedAt } : {})} />
        </section>
        <section aria-label="Score">
          <h3>Live score</h3>
          {drill.score ? <ScoreCard score={drill.score} /> : <p className="muted">The score appears once the drill clock starts.</p>}
        </section>
      </div>
    </Panel>
  );
}
