/** The renderer store's shape: one zustand store made of slices, all typed from the API contract. */
import type { ApiError, CommandRes, FaultView, Note, PhaseView, ProbeView, RunSnapshot, SloResult, StepView, StopReportView, TimerView } from '../../src-main/api/index.js';
import type { DrillView, RunMode } from '../../src-main/api/index.js';
import type { OutputLog, ShellRouter } from './output-log.js';
import type { ProbeData } from './probe-data.js';

export type Screen = 'home' | 'scenario' | 'preflight' | 'live' | 'report' | 'audit' | 'debrief';
export type AppInfo = CommandRes<'app.info'>;
export type ConnectionState = 'connecting' | 'open' | 'closed';
export type Theme = 'dark' | 'light';

/** The run's header facts (everything in the snapshot that is not a list). */
export type RunMeta = Omit<RunSnapshot, 'phases' | 'steps' | 'faults' | 'timers' | 'probes' | 'notes' | 'stop' | 'slos' | 'serverNow' | 'currentStepId'>;

export interface Toast {
  kind: 'error' | 'info';
  text: string;
  hint?: string;
  at: number;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

export interface AppSlice {
  info: AppInfo | null;
  connection: ConnectionState;
  /** The first app.info + snapshot load finished (drives data-app-state="ready"). */
  loaded: boolean;
  screen: Screen;
  scenarioFile: string | null;
  reportRunId: string | null;
  /** A new run started while Report or Debrief showed a pick: it is dropped when the user leaves that screen. */
  stalePicks: boolean;
  /** The finished run the Debrief screen replays. */
  debriefRunId: string | null;
  /** The mode the Start panel preselects (Home's demo and drill cards set it). */
  startMode: RunMode | null;
  theme: Theme;
  toast: Toast | null;
  logs: LogLine[];
  /** A STOP call is in flight. */
  stopPending: boolean;
  /** The screen this window pressed STOP on: its result stays there until the user moves on. */
  stopPressedOn: Screen | null;
  /** Runs whose outcome banner was dismissed: gone for good, across reloads (saved like the theme). */
  dismissedOutcomes: string[];
  go(screen: Screen, extra?: { scenarioFile?: string; reportRunId?: string; debriefRunId?: string; startMode?: RunMode }): void;
  setTheme(t: Theme): void;
  setConnection(c: ConnectionState): void;
  setInfo(i: AppInfo): void;
  setLoaded(): void;
  showError(e: ApiError): void;
  showInfo(text: string): void;
  dismissToast(): void;
  setStopPending(p: boolean): void;
  dismissOutcome(runId: string): void;
  /** Pick the run the Report or Debrief screen is about (null: follow the latest run). */
  pickRun(screen: 'report' | 'debrief', runId: string | null): void;
}

export interface RunSlice {
  run: RunMeta | null;
  phases: PhaseView[];
  steps: StepView[];
  currentStepId: string | null;
  faults: Record<string, FaultView>;
  /** When each fault left the active states, as seen here (server clock): the chart band's end. */
  faultEndedAt: Record<string, number>;
  timers: Record<string, TimerView>;
  probes: Record<string, ProbeView>;
  notes: Note[];
  stop: StopReportView | null;
  slos: SloResult[] | null;
  exitCode: number | null;
  /** Drill or rehearsal state from drill.state / drill.update (already redacted for trainees by the engine). */
  drill: DrillView | null;
  /** serverNow − Date.now() at the last snapshot: add it to local time to get engine time. */
  clockOffsetMs: number;
}

/** Mutable, non-reactive buffers (see probe-data.ts and output-log.ts for why). */
export interface BufferSlice {
  probeData: ProbeData;
  execLog: OutputLog;
  shells: ShellRouter;
}

/** Lists fetched on demand (scenarios, runs, inventory, preflight), kept so every screen sees the same. */
export interface CatalogSlice {
  scenarios: CommandRes<'scenario.list'> | null;
  runs: CommandRes<'runs.list'> | null;
  inventory: CommandRes<'inventory.nodes'> | null;
  nodeChecks: Record<string, CommandRes<'inventory.check'>[number]>;
  interrupted: CommandRes<'runs.interrupted'>;
  preflight: { file: string; result: CommandRes<'preflight.run'> } | null;
}

export type ConsoleState = AppSlice & RunSlice & BufferSlice & CatalogSlice;

/** Key of a recovery timer (one per fault × probe series). */
export const timerKey = (t: Pick<TimerView, 'faultId' | 'probeId' | 'series'>): string => `${t.faultId}|${t.probeId}|${t.series}`;
