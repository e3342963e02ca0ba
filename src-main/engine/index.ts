/**
 * Public entry of src-main/engine: the run. `launchRun(plan, deps)` is the one way a run starts (CLI
 * run, CLI inject, the console); the run session walks the steps with their timers and approvals, the
 * fault manager keeps every fault with its lease, and STOP reverts them all (one exec per node).
 */
export { markedAuditLines, listRuns } from './run-list.js';
export { FaultRefused, FaultManager } from './fault-manager.js';
export { isoSeconds, firedAt, leaseRevertedDetail } from './lease-facts.js';
export { describeLeaseNotice } from './lease-notice.js';
export { RunSession, type RunOutcome } from './run-session.js';
export { listenControl, sendStop } from './control-socket.js';
export { resolveTargets, TargetError } from './targets.js';
export { StopController, type StopReport } from './stop-controller.js';
export { exportedFile, writeAuditExport } from './exports.js';
export { revertAndVerify } from './revert.js';
export { launchRun, type LaunchDeps, type LaunchedScenario, type LaunchedInject, type StopSignalInstaller } from './launch.js';
export type { RunPlan, ScenarioPlan, InjectPlan } from './run-plan.js';
export type { InjectHooks, InjectResult } from './adhoc-inject.js';
export { preflightItems } from './preflight-plan.js';
