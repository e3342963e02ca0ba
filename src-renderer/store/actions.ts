/**
 * Everything the UI can ask of the console goes through here: components call these functions and
 * read the outcome from the store; only this module holds the transport. Failures become a toast
 * (or are returned to the caller when the screen shows them inline).
 */
import { createContext, useContext } from 'react';
import type { ApiResult, CommandName, CommandReq, CommandRes, StopReportView } from '../../src-main/api/index.js';
import type { Transport } from '../transport/choose.js';
import { TERMINAL_RUN_STATES } from './reduce.js';
import { applyEvent, type ConsoleStore } from './store.js';

/** A burst of events from an unknown run (a new run started elsewhere) triggers one snapshot fetch. */
const RESYNC_COOLDOWN_MS = 500;

export interface Actions {
  /** Call a command; failures are shown as a toast and give null. */
  call<K extends CommandName>(name: K, req: CommandReq<K>): Promise<CommandRes<K> | null>;
  /** Call a command and get the raw result (the screen shows the error itself). */
  tryCall<K extends CommandName>(name: K, req: CommandReq<K>): Promise<ApiResult<K>>;
  loadSnapshot(): Promise<void>;
  /** Fetch drill.state into the store (drill and rehearsal runs; null otherwise). */
  loadDrill(): Promise<void>;
  /** STOP: one call, no confirmation. Resolves when the engine answered (or failed). */
  stop(reason: string): Promise<StopReportView | null>;
  /** Approve a step; refuses the commander's own name before asking the engine (which refuses too). */
  approve(stepId: string, approver: string): Promise<{ ok: true } | { ok: false; message: string }>;
  /** Fetch a list into the store (scenarios, runs, inventory, interrupted runs). */
  refresh(what: 'scenarios' | 'runs' | 'inventory' | 'interrupted'): Promise<void>;
  checkInventory(): Promise<void>;
  runPreflight(file: string): Promise<void>;
  readonly desktop: Transport['desktop'];
  readonly isObserver: () => boolean;
  readonly isTrainee: () => boolean;
}

export function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
}

export function createActions(store: ConsoleStore, transport: Transport): Actions & { boot(): () => void } {
  const api = transport.api;
  let lastResync = 0;
  const tryCall = <K extends CommandName>(name: K, req: CommandReq<K>): Promise<ApiResult<K>> => api.call(name, req);
  const call = async <K extends CommandName>(name: K, req: CommandReq<K>): Promise<CommandRes<K> | null> => {
    const r = await tryCall(name, req);
    if (r.ok) return r.value;
    store.getState().showError(r.error);
    return null;
  };
  const loadSnapshot = async (): Promise<void> => {
    const snap = await call('run.snapshot', {});
    if (snap) applyEvent(store, { type: 'run.snapshot', snapshot: snap });
    if (snap && snap.mode && snap.mode !== 'gameday') await loadDrill();
  };
  const loadDrill = async (): Promise<void> => {
    // Quietly: an engine without drills (or a run that has none) is not an error worth a toast.
    const r = await tryCall('drill.state', {});
    if (r.ok) store.setState({ drill: r.value });
  };

  const actions: Actions & { boot(): () => void } = {
    call,
    tryCall,
    loadSnapshot,
    loadDrill,
    desktop: transport.desktop,
    isObserver: () => store.getState().info?.role === 'observer',
    isTrainee: () => store.getState().info?.role === 'trainee',
    async refresh(what) {
      if (what === 'scenarios') {
        const v = await call('scenario.list', {});
        if (v) store.setState({ scenarios: v });
      } else if (what === 'runs') {
        const v = await call('runs.list', {});
        if (v) store.setState({ runs: v });
      } else if (what === 'inventory') {
        const v = await call('inventory.nodes', {});
        if (v) store.setState({ inventory: v });
      } else {
        const v = await call('runs.interrupted', {});
        if (v) store.setState({ interrupted: v });
      }
    },
    async checkInventory() {
      const v = await call('inventory.check', {});
      if (v) store.setState({ nodeChecks: Object.fromEntries(v.map((c) => [c.node, c])) });
    },
    async runPreflight(file) {
      store.setState({ preflight: null });
      const v = await call('preflight.run', { file });
      if (v) store.setState({ preflight: { file, result: v } });
    },
    async stop(reason) {
      const s = store.getState();
      s.setStopPending(true);
      store.setState({ stopPressedOn: s.screen });
      const r = await tryCall('run.stop', { reason });
      store.getState().setStopPending(false);
      if (!r.ok) {
        store.getState().showError(r.error);
        return null;
      }
      store.setState({ stop: r.value });
      return r.value;
    },
    async approve(stepId, approver) {
      const commander = store.getState().run?.commander ?? '';
      if (sameName(approver, commander)) return { ok: false, message: `${approver.trim()} is the commander; a second person must approve.` };
      const r = await tryCall('run.approve', { stepId, approver: approver.trim() });
      return r.ok ? { ok: true } : { ok: false, message: r.error.message + (r.error.hint ? ` — ${r.error.hint}` : '') };
    },
    boot() {
      const offEvent = api.onEvent((e) => {
        const before = store.getState().run?.runId;
        // Every run list (Recent runs, the Report/Debrief/Audit pickers) follows runs as they start and end.
        const startsOrEnds = (e.type === 'run.snapshot' && e.snapshot.runId !== before) || (e.type === 'run.state' && TERMINAL_RUN_STATES.has(e.state));
        if (startsOrEnds && store.getState().info?.role !== 'trainee') void actions.refresh('runs');
        if (applyEvent(store, e) && Date.now() - lastResync > RESYNC_COOLDOWN_MS) {
          lastResync = Date.now();
          void loadSnapshot();
        }
        // A drill's end opens its score (and answer) to everyone: fetch the view once more.
        const mode = store.getState().run?.mode;
        if (e.type === 'run.state' && TERMINAL_RUN_STATES.has(e.state) && mode && mode !== 'gameday') void loadDrill();
      });
      const offStatus = transport.onStatus((st) => {
        store.getState().setConnection(st.state);
        if (st.state !== 'open') return;
        void (async () => {
          const info = await call('app.info', {});
          if (info) store.getState().setInfo(info);
          await loadSnapshot();
          // Faults a crashed console left behind: the Home screen offers their revert.
          if (info?.role !== 'trainee') void actions.refresh('interrupted');
          const s = store.getState();
          if (!s.loaded) {
            s.setLoaded();
            const state = s.run?.state;
            // Trainees have one screen during a drill: the trainee view (Live), waiting or running.
            if (state === 'running' || state === 'paused' || state === 'stopping' || s.info?.role === 'trainee') s.go('live');
          }
        })();
      });
      return () => {
        offEvent();
        offStatus();
      };
    },
  };
  return actions;
}

export const ActionsContext = createContext<Actions | null>(null);

export function useActions(): Actions {
  const a = useContext(ActionsContext);
  if (!a) throw new Error('useActions outside <ActionsContext.Provider>');
  return a;
}
