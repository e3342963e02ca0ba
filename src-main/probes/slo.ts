/**
 * Measured figures against the scenario's targets → pass / fail / unknown, with the margin.
 *
 * - pass: the figure meets the target; fail: it does not; unknown: nothing to judge (no samples,
 *   the probe never saw the fault, or the window ended before the target was reached).
 * - margin is target − measured for "at most" targets (times, error rate, latency) and measured −
 *   target for "at least" targets (availability): positive = room to spare, negative = breach.
 * - `borderline`: |margin| is within the probe's precision, so one interval earlier or later in
 *   sampling could flip the verdict; the report says so rather than pretending to more precision.
 */
import type { FaultImpact } from './impact.js';
import { formatDuration } from '../api/index.js';
import { clockElapsed, clockWords, recoveryFigure, type RecoveryClock } from './recovery.js';
import type { SloTarget } from './types.js';
import type { WindowStats } from './window-stats.js';

export type Verdict = 'pass' | 'fail' | 'unknown';
export type Environment = 'lab' | 'staging' | 'prod';

export interface SloCheck {
  name: string;
  target: number;
  measured: number | null;
  verdict: Verdict;
  /** Positive = room to spare; null when unknown. */
  margin: number | null;
  borderline?: boolean;
  /** Why unknown/fail, in words. */
  reason?: string;
}

/** The target that applies in `env`: its override when set, else `target`. */
export function targetFor(t: SloTarget, env: Environment): number {
  return (env === 'staging' ? t.staging : env === 'prod' ? t.prod : t.lab) ?? t.target;
}

/** Judge "measured ≤ target" (or ≥ with `atLeast`). */
export function judge(name: string, measured: number | null, target: number, opts: { atLeast?: boolean; precision?: number; reason?: string } = {}): SloCheck {
  if (measured === null || !Number.isFinite(measured)) return { name, target, measured: null, verdict: 'unknown', margin: null, reason: opts.reason ?? 'no measurement' };
  const margin = opts.atLeast ? measured - target : target - measured;
  const c: SloCheck = { name, target, measured, verdict: margin >= 0 ? 'pass' : 'fail', margin };
  if (opts.precision !== undefined && Math.abs(margin) <= opts.precision) c.borderline = true;
  return c;
}

/** Why a fault has no recovery figure, in words (undefined when it has one). */
export function notRecoveredReason(f: FaultImpact): string | undefined {
  if (f.recoveredAt !== undefined) return undefined;
  if (f.detectedAt === undefined) return `probe ${f.probeId} never saw the fault`;
  if (f.state === 'interrupted') return `recovery had not held when ${f.interruptedBy ?? 'the next fault'} became active`;
  const how = f.state === 'flapping' ? `flapping, ${f.relapses} relapse(s)` : f.state === 'recovering' ? 'healthy again but the hold window was not over' : 'still unhealthy';
  if (f.endAt === undefined) return `${how}; the fault was never verified reverted, so recovery cannot be confirmed`;
  return how;
}

/**
 * Recovery time on `clock` against its target. Not recovered: a fail once the clock has run past the
 * target (it can no longer make it), unknown before that or when the clock never started (the fault
 * was never verified reverted). Never detected → unknown: the probe did not see the fault, which is a
 * finding about the probe, not a pass. Interrupted by the next fault → unknown.
 */
export function judgeRecovery(f: FaultImpact, targetMs: number, clock: RecoveryClock, observedUntil: number, precisionMs: number): SloCheck {
  const name = `recoveryTime:${f.id}`;
  const measured = recoveryFigure(f, clock);
  if (measured !== undefined) {
    const c = judge(name, measured, targetMs, { precision: precisionMs });
    if (f.selfHealed) c.reason = `self-healed ${formatDuration(f.selfHealedAfterMs ?? 0)} after the fault became active, before its revert, and stayed healthy`;
    return c;
  }
  const why = notRecoveredReason(f)!;
  if (f.detectedAt === undefined || f.state === 'interrupted') return judge(name, null, targetMs, { reason: why });
  const elapsed = clockElapsed(f, clock, observedUntil);
  if (elapsed !== undefined && elapsed > targetMs) return { name, target: targetMs, measured: null, verdict: 'fail', margin: targetMs - elapsed, reason: `not recovered ${formatDuration(elapsed)} ${clockWords(clock)} (${why})` };
  return judge(name, null, targetMs, { reason: `not recovered when observation ended (${why})` });
}

export function judgeDetection(f: FaultImpact, targetMs: number, precisionMs: number): SloCheck {
  const name = `detectionTime:${f.id}`;
  // No impact seen is not a slow detection: there was nothing for this probe to detect.
  if (f.detectedAt === undefined) return judge(name, null, targetMs, { reason: `probe ${f.probeId} never saw the fault` });
  const c = judge(name, f.ttdMs ?? null, targetMs, { precision: precisionMs });
  if (f.unhealthyAtStart) c.reason = 'the probe was already unhealthy when the fault became active';
  return c;
}

/** Availability, error rate and p95 latency of a window against their targets (percent, percent, ms). */
export function judgeWindow(stats: WindowStats, t: { availability?: number; errorRate?: number; latencyP95Ms?: number }): SloCheck[] {
  const out: SloCheck[] = [];
  const none = 'no samples in the window';
  if (t.availability !== undefined) out.push(judge('availability', stats.availabilityPct, t.availability, { atLeast: true, reason: none }));
  if (t.errorRate !== undefined) out.push(judge('errorRate', stats.errorRatePct, t.errorRate, { reason: none }));
  if (t.latencyP95Ms !== undefined) out.push(judge('latencyP95', stats.latencyP95Ms, t.latencyP95Ms, { reason: none }));
  return out;
}

/** "≤ 10.0s from revert" (the runbook's own words, `from: revert`): the clock is part of the target. */
export function recoveryTargetText(targetMs: number, clock: RecoveryClock): string {
  return `≤ ${formatDuration(targetMs)} from ${clock}`;
}
