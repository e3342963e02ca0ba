/**
 * Detection and recovery per inject step, and impact outside every fault window, recomputed from the
 * stored samples with the very attribution the live timers run (probes/impact.ts, through
 * probes/stored-impact.ts) and judged by the engine's functions (probes/slo.ts), so the report and the
 * screen cannot disagree on method. Window edges come from the audit's wall clock (see the clock note
 * in the report), so figures may differ from the engine's by a few milliseconds.
 */
import { judgeDetection, judgeRecovery, notRecoveredReason, recoveryFigure, type FaultImpact, type ImpactResult, type ImpactWindow, type RecoveryClock, type Sample } from '../probes/index.js';
import type { ImpactQuery } from '../probes/index.js';
import type { InjectWindowRaw } from './fault-walk.js';
import type { FaultEntry, FaultWindowEntry, UnattributedEntry } from './types.js';

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
  /** The attribution over the run's samples (probes/stored-impact.ts on the audit). */
  measure: (q: ImpactQuery) => ImpactResult;
  intervalMs: number;
  healthyAfter: number;
  holdMs: number | undefined;
  ttrTargetMs: number | null;
  ttdTargetMs: number | null;
  clock: RecoveryClock;
  /** Epoch ms: start and end of the run (elapsed zero; the end of observation). */
  t0: number;
  endAt: number;
}

const orNull = (v: number | undefined): number | null => (v === undefined ? null : v);

function entry(w: InjectWindowRaw, f: FaultImpact, faults: FaultEntry[], c: WindowContext): FaultWindowEntry {
  const rec = c.ttrTargetMs === null ? null : judgeRecovery(f, c.ttrTargetMs, c.clock, c.endAt, c.intervalMs);
  const det = c.ttdTargetMs === null ? null : judgeDetection(f, c.ttdTargetMs, c.intervalMs);
  const mine = faults.filter((x) => w.faultIds.includes(x.id));
  const detected = f.detectedAt !== undefined;
  const recovery = f.recoveredAt !== undefined ? 'recovered' : !detected ? 'never-detected' : f.state === 'interrupted' ? 'interrupted' : 'not-recovered';
  return {
    stepId: w.stepId,
    kinds: [...new Set(mine.map((x) => x.kind))],
    nodes: [...new Set(mine.map((x) => x.node))],
    probeId: c.probeId,
    injectMs: w.injectAt - c.t0,
    revertMs: f.endAt === undefined ? null : f.endAt - c.t0,
    endKind: f.endKind ?? null,
    precisionMs: c.intervalMs,
    healthyAfter: c.healthyAfter,
    holdMs: f.holdMs,
    detection: detected ? 'detected' : 'never-detected',
    ttdMs: orNull(f.ttdMs),
    ttdTargetMs: c.ttdTargetMs,
    ttdVerdict: det?.verdict ?? (detected ? 'pass' : 'unknown'),
    unhealthyAtStart: f.unhealthyAtStart === true,
    recovery,
    recoveryNote: notRecoveredReason(f) ?? null,
    impactMs: orNull(f.impactMs),
    recoverAfterRevertMs: orNull(f.recoverAfterRevertMs),
    selfHealed: f.selfHealed,
    selfHealedAfterMs: orNull(f.selfHealedAfterMs),
    ttrMs: orNull(f.ttrFromActiveMs),
    recoveryClock: c.clock,
    recoveryMs: orNull(recoveryFigure(f, c.clock)),
    ttrTargetMs: c.ttrTargetMs,
    ttrVerdict: rec?.verdict ?? (recovery === 'recovered' ? 'pass' : 'unknown'),
    revertMethod: w.method,
    revertText: w.text,
    relapses: f.relapses,
    interruptedBy: f.interruptedBy ?? null,
  };
}

/** Every window's figures and the unattributed impact, from one pass of the attribution. */
export function measureWindows(raw: InjectWindowRaw[], faults: FaultEntry[], c: WindowContext): { windows: FaultWindowEntry[]; unattributed: UnattributedEntry[] } {
  const windows: ImpactWindow[] = raw.map((w) => ({ id: w.stepId, activeAt: w.injectAt, ...(w.openAt !== undefined && w.openAt < w.injectAt ? { openAt: w.openAt } : {}), ...(w.endAt !== undefined ? { endAt: w.endAt, endKind: w.endKind } : {}) }));
  const r = c.measure({ probeId: c.probeId, windows, opts: { healthyAfter: c.healthyAfter, intervalMs: c.intervalMs, holdMs: c.holdMs }, from: c.t0, to: c.endAt });
  const byId = new Map(r.faults.map((f) => [f.id, f]));
  return {
    windows: raw.map((w) => entry(w, byId.get(w.stepId)!, faults, c)),
    unattributed: r.unattributed.map((u) => ({ probeId: c.probeId, fromMs: u.startAt - c.t0, toMs: u.untilAt - c.t0, durationMs: u.durationMs, state: u.state, series: u.series, relapses: u.relapses })),
  };
}

/** Give each fault the figures of its inject step's window (ttrMs: on the target's clock). */
export function attachTimings(faults: FaultEntry[], windows: FaultWindowEntry[]): FaultEntry[] {
  return faults.map((f) => {
    const w = windows.find((x) => x.stepId === f.stepId);
    return w ? { ...f, ttdMs: w.ttdMs, ttrMs: w.recoveryMs } : f;
  });
}
