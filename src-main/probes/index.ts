/** Probes: kinds, the drift-free scheduler, the one impact attribution, live timers, abort conditions, SLO verdicts. */
export type * from './types.js';
export { nowMs, round1, wallOffsetMs } from './clock.js';
export { type Probe, ProbeConfigError } from './probe.js';
export { createProbe, probeTargets, checkProbeSpec, buildScheduledProbes, DEFAULT_SERIES, type ProbeDeps } from './factory.js';
export { ProbeScheduler, SchedulerConfigError, MIN_INTERVAL_MS, type ScheduledProbe, type SchedulerOptions, type LaneStats } from './scheduler.js';
export { SampleBatcher, toRow, type SampleSink, type SampleFlushSink } from './batcher.js';
export { DEFAULT_HEALTHY_AFTER, DEFAULT_RECOVERY_CLOCK, RECOVERY_CLOCKS, recoveryFigure, clockElapsed, clockWords, type RecoveryClock } from './recovery.js';
export { ImpactTracker, attributeImpact, holdWindowMs, DEFAULT_HOLD_MS, type FaultImpact, type UnattributedImpact, type ImpactResult, type ImpactWindow, type ImpactOptions, type ImpactState, type WindowEndKind } from './impact.js';
export { windowStats, phaseStats, percentile, type WindowStats, type PhaseWindow } from './window-stats.js';
export { judge, judgeRecovery, judgeDetection, judgeWindow, notRecoveredReason, recoveryTargetText, targetFor, type SloCheck, type Verdict } from './slo.js';
export { LiveRecoveryTimers, colour, AMBER_AT, type LiveTimerOptions, type LiveTimerState, type TargetColour } from './live-timers.js';
export { AbortEvaluator, type AbortTrip } from './abort.js';
export { parseJsonPath, evalJsonPath, JsonPathError } from './json-path.js';
export { measureStoredImpact, type ImpactQuery } from './stored-impact.js';
