/**
 * Screen tabs. Live is marked while a run is active so nobody has to hunt for it. When the header
 * is too narrow for the tabs (and STOP, which never gives way), they move into a menu button that
 * names the current screen.
 */
import { useEffect, useRef, useState } from 'react';
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

function useTabs(): { tabs: typeof TABS; screen: Screen; go: (s: Screen) => void; active: boolean } {
  const screen = useConsole((s) => s.screen);
  const go = useConsole((s) => s.go);
  // Trainees get the drill and its debrief only: Home and Scenario would show runbooks, faults and answers.
  const trainee = useConsole((s) => s.info?.role === 'trainee');
  const active = useConsole((s) => s.run?.state === 'running' || s.run?.state === 'paused' || s.run?.state === 'stopping');
  return { tabs: TABS.filter((t) => !trainee || t.id === 'live' || t.id === 'debrief'), screen, go, active };
}

/** The tabs in a row. `measure`: an inert copy (no test ids, not focusable) the header measures. */
export function Nav({ measure = false }: { measure?: boolean }) {
  const { tabs, screen, go, active } = useTabs();
  if (measure) {
    return (
      <div className="nav" aria-hidden="true">
        {tabs.map((t) => (
          <button key={t.id} type="button" className="nav-tab" tabIndex={-1}>
            {t.label}
            {t.id === 'live' && active && <span className="live-dot" />}
          </button>
        ))}
      </div>
    );
  }
  return (
    <nav className="nav" aria-label="screens">
      {tabs.map((t) => (
        <button key={t.id} type="button" className="nav-tab" aria-current={screen === t.id ? 'page' : undefined} data-testid={`nav-${t.id}`} onClick={() => go(t.id)}>
          {t.label}
          {t.id === 'live' && active && <span className="live-dot" aria-label="run in progress" />}
        </button>
      ))}
    </nav>
  );
}

/** The tabs as a menu: one button (the current screen) that opens the list below the header. */
export function NavMenu() {
  const { tabs, screen, go, active } = useTabs();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event): void => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', close, true);
    window.addEventListener('keydown', close, true);
    return () => {
      window.removeEventListener('pointerdown', close, true);
      window.removeEventListener('keydown', close, true);
    };
  }, [open]);
  const current = tabs.find((t) => t.id === screen)?.label ?? 'Screens';
  return (
    <nav className="nav nav-menu" aria-label="screens" ref={root}>
      <button type="button" className="nav-menu-button" data-testid="nav-menu" aria-haspopup="true" aria-expanded={open} title="Screens" onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">☰</span> {current}
        {active && screen !== 'live' && <span className="live-dot" aria-label="run in progress" />}
      </button>
      {open && (
        <ul className="nav-menu-list" role="list">
          {tabs.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                className="nav-tab"
                aria-current={screen === t.id ? 'page' : undefined}
                data-testid={`nav-${t.id}`}
                onClick={() => {
                  setOpen(false);
                  go(t.id);
                }}
              >
                {t.label}
                {t.id === 'live' && active && <span className="live-dot" aria-label="run in progress" />}
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
