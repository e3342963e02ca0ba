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
import type { RecoveryReport } from './recovery.js';
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

/**
 * Recovery time against its target. A fault that has not recovered fails once the window is longer
 * than the target (it can no longer make it), and is unknown before that. Never detected → unknown:
 * the probe did not see the fault, which is a finding about the probe, not a pass.
 */
export function judgeRecovery(r: RecoveryReport, targetMs: number, windowEndMs: number): SloCheck {
  const name = `recoveryTime${r.faultId ? `:${r.faultId}` : ''}`;
  if (r.recovery.state === 'never-detected') return judge(name, null, targetMs, { reason: `probe ${r.probeId} never saw the fault` });
  if (r.recovery.state === 'not-recovered') {
    const elapsed = windowEndMs - r.injectAt;
    if (elapsed > targetMs) return { name, target: targetMs, measured: null, verdict: 'fail', margin: targetMs - elapsed, reason: `not recovered after ${Math.round(elapsed)} ms` };
    return judge(name, null, targetMs, { reason: `not recovered yet; the window ended after ${Math.round(elapsed)} ms, before the target` });
  }
  return judge(name, r.recovery.ttrMs ?? null, targetMs, { precision: r.precisionMs });
}

export function judgeDetection(r: RecoveryReport, targetMs: number): SloCheck {
  const name = `detectionTime${r.faultId ? `:${r.faultId}` : ''}`;
  // No impact seen is not a slow detection: there was nothing for this probe to detect.
  if (r.detection.state === 'never-detected') return judge(name, null, targetMs, { reason: `probe ${r.probeId} never saw the fault` });
  return judge(name, r.detection.ttdMs ?? null, targetMs, { precision: r.precisionMs });
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
