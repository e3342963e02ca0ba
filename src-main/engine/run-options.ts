/** What a run is given (RunOptions) and what it ends with (RunOutcome): the run session's contract with its launcher. */
import type { AuditStore } from '../audit/index.js';
import type { RunMode, RunState, SloResult, StepView } from '../api/index.js';
import type { ClusterSide } from '../engines/k8s/index.js';
import type { Inventory } from '../inventory/index.js';
import type { PlanTimes, Scenario } from '../scenario/index.js';
import type { SshConfig, SshPool } from '../ssh/index.js';
import type { StopReport } from './stop-controller.js';

export interface RunOptions {
  scenario: Scenario;
  scenarioFile: string;
  inventory: Inventory;
  sshConfig?: SshConfig;
  pool: SshPool;
  audit: AuditStore;
  runId: string;
  commander: string;
  dryRun?: boolean;
  /** Headless (CLI, CI): instruction and note steps do not wait; approvals come from `approver`. */
  headless?: boolean;
  approver?: string;
  /** Headless and no `approver`: ask someone at the terminal (undefined = nobody answered). */
  approvalPrompt?: (step: StepView) => Promise<string | undefined>;
  simulated?: boolean;
  /** gameday (default); drill (hidden faults, trainees; needs a drill block); rehearsal (tabletop: nothing sent, outcomes narrated). */
  mode?: RunMode;
  /** Headless rehearsal: called after each narrated outcome (the CLI prompts to go on). */
  rehearsalPause?: (stepId: string, text: string) => Promise<void>;
  /** The runbook's times in ms, converted once when the run was planned (default: converted here). */
  times?: PlanTimes;
  /** Each inject step's params, resolved once when the run was planned (default: resolved here). */
  faultParams?: ReadonlyMap<string, unknown>;
  /** The runbook's k8s: targets, resolved (engines/k8s); its faults share the one STOP. */
  cluster?: ClusterSide;
}

export interface RunOutcome {
  runId: string;
  state: RunState;
  exitCode: number;
  slos: SloResult[];
  stop?: StopReport;
  abortReason?: string;
  /** Why the results prove less than planned (a fault the node's lease reverted early); the exit is then 1. */
  inconclusive: string[];
  /** Why the run failed, when it did (steady state not reached, a step's error): the same text the log shows. */
  failure?: string;
}
