/**
 * Phases as a timeline: width by planned length, a fill for time spent, planned vs actual in
 * numbers, and the running phase's countdown — amber once over plan, red once well over.
 */
import { clock, overrunColour } from '../../lib/format.js';
import { useEngineNow } from '../../lib/clock.js';
import { useConsole } from '../../store/store.js';

/** Phases without a planned length still get a readable slice of the bar. */
const MIN_FLEX = 8_000;

export function PhaseTimeline() {
  const phases = useConsole((s) => s.phases);
  const now = useEngineNow();
  return (
    <ol className="timeline" aria-label="Phases" data-testid="timeline">
      {phases.map((p) => {
        const elapsed = p.startedAt ? (p.endedAt ?? now) - p.startedAt : 0;
        const colour = p.status === 'running' || p.status === 'done' ? overrunColour(elapsed, p.plannedMs) : 'ok';
        const fill = p.plannedMs ? Math.min(1, elapsed / p.plannedMs) : p.status === 'done' ? 1 : 0;
        const remaining = p.plannedMs !== undefined ? p.plannedMs - elapsed : undefined;
        return (
          <li key={p.id} className={`phase phase-${p.status} over-${colour}`} style={{ flexGrow: Math.max(p.plannedMs ?? 0, MIN_FLEX) }} data-testid={`phase-${p.id}`} data-status={p.status} aria-current={p.status === 'running' ? 'step' : undefined}>
            <div className="phase-fill" style={{ transform: `scaleX(${fill})` }} aria-hidden="true" />
            <div className="phase-text">
              <span className="phase-title">{p.title}</span>
              <span className="tabular phase-times">
                {p.status === 'pending' ? (
                  <>plan {p.plannedMs ? clock(p.plannedMs) : '—'}</>
                ) : (
                  <>
                    {clock(elapsed)} / {p.plannedMs ? clock(p.plannedMs) : '—'}
                  </>
                )}
              </span>
              {p.status === 'running' && remaining !== undefined && (
                <span className={`tabular phase-countdown over-${colour}`} data-testid="phase-countdown">
                  {remaining >= 0 ? `${clock(remaining)} left` : `+${clock(-remaining)} over`}
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
