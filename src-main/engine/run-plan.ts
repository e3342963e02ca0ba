/**
 * What `launchRun()` runs, decided once at load by the adapter (CLI `run`, CLI `inject`, the
 * console): a whole runbook, or one ad-hoc fault — a one-step plan: inject, hold, revert.
 */
import type { Intensity, SafetyPolicy } from '../faults/index.js';
import type { FaultTarget } from '../faults/index.js';
import type { RunOptions } from './run-session.js';

/** A runbook: the session's options without the wiring `launchRun()` supplies. */
export interface ScenarioPlan {
  kind: 'scenario';
  run: Omit<RunOptions, 'pool' | 'audit' | 'runId' | 'commander'>;
}

/** One ad-hoc fault on some nodes: inject with its dead-man lease, hold, then revert and verify. */
export interface InjectPlan {
  kind: 'inject';
  /** Recorded as the run's scenario and title (e.g. "adhoc cpu-stress"). */
  title: string;
  /** `resolved`: the params already resolved and validated at load (not resolved again). */
  fault: { kind: string; intensity?: Intensity; params: Record<string, unknown>; resolved?: unknown; approver?: string };
  targets: FaultTarget[];
  /** How long the fault is held, in milliseconds. */
  holdMs: number;
  /** The node-side lease's time to live, in seconds (the lease script counts seconds). */
  leaseTtlSec: number;
  policy: SafetyPolicy;
  /** The inventory file the targets came from (recorded with the run). */
  inventoryFile?: string;
}

export type RunPlan = ScenarioPlan | InjectPlan;
