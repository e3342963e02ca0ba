/**
 * Post-run recovery math, pure functions over samples: time-to-detect and time-to-recover of one
 * injected fault, as seen by one probe (all its series). Which instants are reported and why is
 * explained in recovery-tracker.ts; in short: detect = first unhealthy sample at/after the inject,
 * recover = first sample of the first k-run of healthy samples after detection. Both are measured
 * from the inject (and recovery also from detection and from the revert, when there was one).
 *
 * Precision: a probe sees the system only at its samples, so every figure is known to ±interval
 * (`precisionMs`); `bracketMs` is the actual width of the uncertainty around each event, larger
 * than the interval when samples were missing (skipped ticks, gaps).
 */
import { combineSeries, initialSeries, stepSeries, type SeriesState } from './recovery-tracker.js';
import type { Sample } from './types.js';

/** scenario.md's default for `healthyAfter`. */
export const DEFAULT_HEALTHY_AFTER = 3;

export interface FaultWindow {
  faultId?: string;
  probeId: string;
  /** Epoch ms (the samples' clock) when the fault was injected. */
  injectAt: number;
  /** When it was reverted, if it was. */
  revertAt?: number;
  /** Ignore samples after this (end of the run, the next fault's inject, …). */
  until?: number;
  /** k; default 3. */
  healthyAfter?: number;
  /** The probe's interval: the nominal precision of every figure. */
  intervalMs: number;
}

export interface DetectionResult {
  state: 'detected' | 'never-detected';
  atMs?: number;
  /** Time to detect: atMs − injectAt. */
  ttdMs?: number;
  bracketMs?: number;
  unhealthyBeforeInject?: boolean;
}

export interface RecoveryMeasure {
  state: 'recovered' | 'not-recovered' | 'never-detected';
  atMs?: number;
  /** Time to recover from the inject: atMs − injectAt. */
  ttrMs?: number;
  /** atMs − detection. */
  sinceDetectMs?: number;
  /** atMs − revertAt (negative: it recovered before the revert, e.g. failover). */
  sinceRevertMs?: number;
  bracketMs?: number;
}

export interface RecoveryReport {
  faultId?: string;
  probeId: string;
  injectAt: number;
  revertAt?: number;
  healthyAfter: number;
  /** ±this on every figure. */
  precisionMs: number;
  detection: DetectionResult;
  recovery: RecoveryMeasure;
  /** Healthy runs shorter than k after detection, summed over series. */
  flaps: number;
  /** Unhealthy samples after recovery, summed over series. */
  relapses: number;
  /** Samples considered (at/after the inject, within the window). */
  samples: number;
  series: Array<{ series: string; detectedAt?: number; recoveredAt?: number; flaps: number }>;
}

/** Group a probe's samples by series, each in time order. */
export function bySeries(samples: Sample[], probeId?: string): Map<string, Sample[]> {
  const m = new Map<string, Sample[]>();
  for (const s of samples) {
    if (probeId !== undefined && s.probeId !== probeId) continue;
    let arr = m.get(s.series);
    if (!arr) m.set(s.series, (arr = []));
    arr.push(s);
  }
  for (const arr of m.values()) arr.sort((a, b) => a.t - b.t);
  return m;
}

/** Detection and recovery of one fault from the samples of `w.probeId`. */
export function measureRecovery(samples: Sample[], w: FaultWindow): RecoveryReport {
  const k = w.healthyAfter ?? DEFAULT_HEALTHY_AFTER;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`healthyAfter must be a whole number ≥ 1, got ${k}`);
  const opts = { injectAt: w.injectAt, healthyAfter: k, until: w.until };
  const states: SeriesState[] = [];
  for (const [series, list] of bySeries(samples, w.probeId)) {
    states.push(list.reduce((st, s) => stepSeries(st, s, opts), initialSeries(series)));
  }
  const c = combineSeries(states);
  const detection: DetectionResult =
    c.detectedAt === undefined
      ? { state: 'never-detected' }
      : { state: 'detected', atMs: c.detectedAt, ttdMs: c.detectedAt - w.injectAt, bracketMs: c.detectBracketMs };
  if (states.some((s) => s.detectedAt === c.detectedAt && s.unhealthyBeforeInject)) detection.unhealthyBeforeInject = true;
  let recovery: RecoveryMeasure;
  if (c.detectedAt === undefined) recovery = { state: 'never-detected' };
  else if (c.recoveredAt === undefined) recovery = { state: 'not-recovered' };
  else {
    recovery = { state: 'recovered', atMs: c.recoveredAt, ttrMs: c.recoveredAt - w.injectAt, sinceDetectMs: c.recoveredAt - c.detectedAt, bracketMs: c.recoverBracketMs };
    if (w.revertAt !== undefined) recovery.sinceRevertMs = c.recoveredAt - w.revertAt;
  }
  const report: RecoveryReport = {
    probeId: w.probeId,
    injectAt: w.injectAt,
    healthyAfter: k,
    precisionMs: w.intervalMs,
    detection,
    recovery,
    flaps: states.reduce((n, s) => n + s.flaps, 0),
    relapses: states.reduce((n, s) => n + s.relapses, 0),
    samples: states.reduce((n, s) => n + s.samplesSeen, 0),
    series: states.map((s) => ({ series: s.series, detectedAt: s.detectedAt, recoveredAt: s.recoveredAt, flaps: s.flaps })),
  };
  if (w.faultId !== undefined) report.faultId = w.faultId;
  if (w.revertAt !== undefined) report.revertAt = w.revertAt;
  return report;
}
