/** Probes: kinds, the drift-free scheduler, recovery math, live timers, abort conditions, SLO verdicts. */
export type * from './types.js';
export { nowMs, wallOffsetMs } from './clock.js';
export { type Probe, ProbeConfigError } from './probe.js';
export { createProbe, probeTargets, checkProbeSpec, buildScheduledProbes, DEFAULT_SERIES, type ProbeDeps } from './factory.js';
export { ProbeScheduler, SchedulerConfigError, MIN_INTERVAL_MS, type ScheduledProbe, type SchedulerOptions, type LaneStats } from './scheduler.js';
export { SampleBatcher, toRow, type SampleSink, type SampleFlushSink } from './batcher.js';
export { measureRecovery, bySeries, DEFAULT_HEALTHY_AFTER, type FaultWindow, type RecoveryReport } from './recovery.js';
export { windowStats, phaseStats, percentile, type WindowStats, type PhaseWindow } from './window-stats.js';
export { judge, judgeRecovery, judgeDetection, judgeWindow, targetFor, type SloCheck, type Verdict } from './slo.js';
export { LiveRecoveryTimers, colour, AMBER_AT, type LiveFault, type LiveTimerState } from './live-timers.js';
export { AbortEvaluator, type AbortTrip } from './abort.js';
export { parseJsonPath, evalJsonPath, JsonPathError } from './json-path.js';
