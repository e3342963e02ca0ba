/** Screen tabs. Live is marked while a run is active so nobody has to hunt for it. */
import { useConsole } from '../../store/store.js';
import type { Screen } from '../../store/types.js';

const TABS: Array<{ id: Screen; label: string }> = [
  { id: 'home', label: 'Home' },
  { id: 'scenario', label: 'Scenario' },
  { id: 'preflight', label: 'Preflight' },
  { id: 'live', label: 'Live' },
  { id: 'report', label: 'Report' },
  { id: 'debrief', label: 'Debrief' },
  { id: 'audit', label: 'Audit' },
];

export function Nav() {
  const screen = useConsole((s) => s.screen);
  const go = useConsole((s) => s.go);
  // Trainees get the drill and its debrief only: Home and Scenario would show runbooks, faults and answers.
  const trainee = useConsole((s) => s.info?.role === 'trainee');
  const active = useConsole((s) => s.run?.state === 'running' || s.run?.state === 'paused' || s.run?.state === 'stopping');
  return (
    <nav className="nav" aria-label="screens">
      {TABS.filter((t) => !trainee || t.id === 'live' || t.id === 'debrief').map((t) => (
        <button key={t.id} type="button" className="nav-tab" aria-current={screen === t.id ? 'page' : undefined} data-testid={`nav-${t.id}`} onClick={() => go(t.id)}>
          {t.label}
          {t.id === 'live' && active && <span className="live-dot" aria-label="run in progress" />}
        </button>
      ))}
    </nav>
  );
}
