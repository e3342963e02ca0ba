/** The app frame: fixed header with STOP, the STOP result, the current screen, the toast. */
import { useEffect, useLayoutEffect } from 'react';
import { useConsole } from './store/store.js';
import { Header } from './components/common/Header.js';
import { StopResult } from './components/common/StopResult.js';
import { Toast } from './components/common/Toast.js';
import { HomeScreen } from './components/home/HomeScreen.js';
import { ScenarioScreen } from './components/scenario/ScenarioScreen.js';
import { PreflightScreen } from './components/preflight/PreflightScreen.js';
import { LiveScreen } from './components/live/LiveScreen.js';
import { ReportScreen } from './components/report/ReportScreen.js';
import { AuditScreen } from './components/audit/AuditScreen.js';
import { DebriefScreen } from './components/debrief/DebriefScreen.js';

const THEME_KEY = 'gameday.theme';
const DISMISSED_KEY = 'gameday.dismissed-outcomes';

export function App() {
  const screen = useConsole((s) => s.screen);
  const loaded = useConsole((s) => s.loaded);
  const connection = useConsole((s) => s.connection);
  const theme = useConsole((s) => s.theme);
  const role = useConsole((s) => s.info?.role);
  const dismissed = useConsole((s) => s.dismissedOutcomes);
  // No screen before we know who we are: a trainee's page must never draw Home (runbooks, faults).
  const known = role !== undefined;
  // Trainees have the drill (Live) and its debrief, nothing else.
  const shown = role === 'trainee' && screen !== 'live' && screen !== 'debrief' ? 'live' : screen;
  // A layout effect: it runs before the children's effects, which read the theme's CSS variables (terminals, charts).
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  useEffect(() => {
    localStorage.setItem(DISMISSED_KEY, JSON.stringify(dismissed));
  }, [dismissed]);
  const appState = !loaded ? 'loading' : connection === 'open' ? 'ready' : 'disconnected';
  return (
    <div className="app" data-app-state={appState} data-role={role}>
      <Header />
      <div className="below-header">
        <StopResult />
        <main id="main" tabIndex={-1} className="main">
          {!known && (
            <div className="screen empty" data-screen="connecting">
              <p className="muted">{connection === 'closed' ? 'Disconnected from the console.' : 'Connecting to the console…'}</p>
            </div>
          )}
          {known && shown === 'home' && <HomeScreen />}
          {known && shown === 'scenario' && <ScenarioScreen />}
          {known && shown === 'preflight' && <PreflightScreen />}
          {known && shown === 'live' && <LiveScreen />}
          {known && shown === 'report' && <ReportScreen />}
          {known && shown === 'audit' && <AuditScreen />}
          {known && shown === 'debrief' && <DebriefScreen />}
        </main>
      </div>
      <Toast />
    </div>
  );
}

/** Runs whose outcome banner was dismissed in this browser (a dismissal is for good, reloads included). */
export function initialDismissed(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(DISMISSED_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The theme to start with: the saved choice, else the OS preference. */
export function initialTheme(): 'dark' | 'light' {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'dark' || saved === 'light') return saved;
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}
