/**
 * Time to detect and time to recover per inject step, recomputed from the stored samples with the
 * very functions the engine uses (probes/recovery.ts, probes/slo.ts), so the report and the live
 * timers cannot disagree on method. The inject instant comes from the audit's wall clock (see the
 * clock note in the report), so figures may differ from the engine's by a few milliseconds.
 */
import { judgeDetection, judgeRecovery, type FaultWindow, type RecoveryReport, type Sample } from '../probes/index.js';
import type { InjectWindowRaw } from './fault-walk.js';
import type { FaultEntry, FaultWindowEntry } from './types.js';

/** Median gap between consecutive samples of one series: the probe interval when the runbook is gone. */
export function estimateIntervalMs(samples: Sample[]): number | null {
  const series = samples[0]?.series;
  const first = samples.filter((s) => s.series === series).map((s) => s.t);
  if (first.length < 2) return null;
  const gaps = first.slice(1).map((t, i) => t - first[i]!).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

export interface WindowContext {
  probeId: string;
  /** Detection and recovery of one window (engine/stored-recovery.ts on the audit). */
  measure: (w: FaultWindow & { until: number }) => RecoveryReport;
  intervalMs: number;
  healthyAfter: number;
  ttrTargetMs: number | null;
  ttdTargetMs: number | null;
  /** Epoch ms: start of the run (elapsed zero) and end of the last window. */
  t0: number;
  endAt: number;
}

export function measureWindows(raw: InjectWindowRaw[], faults: FaultEntry[], c: WindowContext): FaultWindowEntry[] {
  return raw.map((w, i) => {
    const until = raw[i + 1]?.injectAt ?? c.endAt;
    const r = c.measure({ faultId: w.stepId, probeId: c.probeId, injectAt: w.injectAt, revertAt: w.revertAt, until, healthyAfter: c.healthyAfter, intervalMs: c.intervalMs });
    const rec = c.ttrTargetMs === null ? null : judgeRecovery(r, c.ttrTargetMs, until);
    const det = c.ttdTargetMs === null ? null : judgeDetection(r, c.ttdTargetMs);
    const mine = faults.filter((f) => w.faultIds.includes(f.id));
    return {
      stepId: w.stepId,
      kinds: [...new Set(mine.map((f) => f.kind))],
      nodes: [...new Set(mine.map((f) => f.node))],
      probeId: c.probeId,
      injectMs: w.injectAt - c.t0,
      revertMs: w.revertAt === undefined ? null : w.revertAt - c.t0,
      precisionMs: c.intervalMs,
      healthyAfter: c.healthyAfter,
      detection: r.detection.state,
      ttdMs: r.detection.ttdMs ?? null,
      ttdTargetMs: c.ttdTargetMs,
      ttdVerdict: det?.verdict ?? (r.detection.state === 'detected' ? 'pass' : 'unknown'),
      recovery: r.recovery.state,
      ttrMs: r.recovery.ttrMs ?? null,
      ttrTargetMs: c.ttrTargetMs,
      ttrVerdict: rec?.verdict ?? (r.recovery.state === 'recovered' ? 'pass' : 'unknown'),
      sinceRevertMs: r.recovery.sinceRevertMs ?? null,
      revertMethod: w.method,
      revertText: w.text,
      flaps: r.flaps,
      relapses: r.relapses,
    };
  });
}

/** Give each fault the figures of its inject step's window. */
export function attachTimings(faults: FaultEntry[], windows: FaultWindowEntry[]): FaultEntry[] {
  return faults.map((f) => {
    const w = windows.find((x) => x.stepId === f.stepId);
    return w ? { ...f, ttdMs: w.ttdMs, ttrMs: w.ttrMs } : f;
  });
}
