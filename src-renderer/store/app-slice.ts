/** App-level state: who we are, the connection, which screen, theme, toasts, STOP progress. */
import type { StateCreator } from 'zustand';
import type { AppSlice, ConsoleState, Theme } from './types.js';

/** Dismissed outcome banners kept: far more runs than a workspace lists, bounded. */
export const MAX_DISMISSED = 500;

export const createAppSlice =
  (initialTheme: Theme, dismissed: string[] = []): StateCreator<ConsoleState, [], [], AppSlice> =>
  (set) => ({
    info: null,
    connection: 'connecting',
    loaded: false,
    screen: 'home',
    scenarioFile: null,
    reportRunId: null,
    stalePicks: false,
    debriefRunId: null,
    startMode: null,
    theme: initialTheme,
    toast: null,
    logs: [],
    stopPending: false,
    stopPressedOn: null,
    dismissedOutcomes: dismissed.slice(-MAX_DISMISSED),
    go: (screen, extra) =>
      set((s) => {
        // Picks made before the latest run started are dropped on leaving the screen that showed them.
        const drop = s.stalePicks && screen !== s.screen;
        return {
          screen,
          stalePicks: s.stalePicks && !drop,
          stopPressedOn: screen === s.screen ? s.stopPressedOn : null,
          scenarioFile: extra?.scenarioFile ?? s.scenarioFile,
          reportRunId: extra?.reportRunId ?? (drop ? null : s.reportRunId),
          debriefRunId: extra?.debriefRunId ?? (drop ? null : s.debriefRunId),
          startMode: extra?.startMode ?? (extra?.scenarioFile ? null : s.startMode),
        };
      }),
    setTheme: (theme) => set({ theme }),
    setConnection: (connection) => set({ connection }),
    setInfo: (info) => set({ info }),
    setLoaded: () => set({ loaded: true }),
    showError: (e) => set({ toast: { kind: 'error', text: e.message, ...(e.hint ? { hint: e.hint } : {}), at: Date.now() } }),
    showInfo: (text) => set({ toast: { kind: 'info', text, at: Date.now() } }),
    dismissToast: () => set({ toast: null }),
    setStopPending: (stopPending) => set({ stopPending }),
    pickRun: (screen, runId) => set(screen === 'report' ? { reportRunId: runId, stalePicks: false } : { debriefRunId: runId, stalePicks: false }),
    dismissOutcome: (runId) => set((s) => ({ dismissedOutcomes: [...s.dismissedOutcomes.filter((id) => id !== runId), runId].slice(-MAX_DISMISSED) })),
  });
