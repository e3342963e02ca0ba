/**
 * Which run a screen is about, and whether the live run's outcome banner belongs on it. Pure
 * functions of the store, so the rules are unit-tested and every screen applies the same ones.
 */
import { describeOutcome, type OutcomeText } from '../../src-main/api/index.js';
import { TERMINAL_RUN_STATES } from './reduce.js';
import type { ConsoleState } from './types.js';

type S = Pick<ConsoleState, 'screen' | 'run' | 'reportRunId' | 'debriefRunId' | 'stop' | 'stopPending' | 'stopPressedOn' | 'dismissedOutcomes'>;

/** The run the Report screen shows: the one picked, else the latest (live) run. */
export function reportRunOf(s: Pick<S, 'reportRunId' | 'run'>): string | null {
  return s.reportRunId ?? s.run?.runId ?? null;
}

/** The run the Debrief screen replays: the one picked, else the live run once it has ended. */
export function debriefRunOf(s: Pick<S, 'debriefRunId' | 'run'>): string | null {
  return s.debriefRunId ?? (s.run && TERMINAL_RUN_STATES.has(s.run.state) ? s.run.runId : null);
}

/** The run the current screen is about, or null (Home, Scenario, Preflight are about no one run). */
export function screenRunOf(s: S): string | null {
  if (s.screen === 'live') return s.run?.runId ?? null;
  if (s.screen === 'report') return reportRunOf(s);
  if (s.screen === 'debrief') return debriefRunOf(s);
  return null;
}

/** The live run's outcome in the one vocabulary (api/outcome.ts). */
export function liveOutcome(run: NonNullable<S['run']>, stop: S['stop']): OutcomeText {
  return describeOutcome({ status: run.state, mode: run.mode ?? null, dryRun: run.dryRun, commander: run.commander, roles: run.roles, stop: stop ? { actor: stop.actor, reason: stop.reason } : null, abortReason: run.abortReason ?? null });
}

/**
 * Whether the outcome banner shows on the current screen:
 * - while STOP is under way (pressed here, or the run is stopping): everywhere;
 * - the run's outcome: on screens about that run (Live, its Report, its Debrief), and on the screen
 *   STOP was pressed on until the user moves on; everywhere when not every node is clean (leftovers
 *   on nodes are everyone's business) — until dismissed, for good.
 */
export function outcomeBannerShown(s: S): boolean {
  if (s.stopPending || s.run?.state === 'stopping') return true;
  const runId = s.run?.runId;
  if (!runId || !s.stop || s.dismissedOutcomes.includes(runId)) return false;
  if (!s.stop.clean) return true;
  return screenRunOf(s) === runId || s.stopPressedOn === s.screen;
}
