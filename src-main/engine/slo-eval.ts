import { scanProbe, scanStats, type AuditStore } from '../audit/index.js';
import { measureStoredRecovery } from './stored-recovery.js';
import { mapSlos, primaryProbe } from './scenario-map.js';
import { DEFAULT_HEALTHY_AFTER, type Scenario } from '../scenario/index.js';
import { parseDuration } from '../util/duration.js';
import { judgeDetection, judgeRecovery, judgeWindow, measureRecovery, targetFor, windowStats, type RecoveryReport, type Sample, type SloCheck, type SloSpec, type WindowStats, type FaultWindow } from '../probes/index.js';
import type { SloResult } from '../api/index.js';
import { formatDuration } from '../util/duration.js';

/**
 * Where the verdicts read samples from: only what they need — every sample of the primary probe
 * inside each fault window (recovery math), and window statistics of the SLO probes, which the
 * audit answers from its rollups. A 2-hour game day with 1000 series holds 7.2 M samples; loading
 * them all at the end of the run took a minute and gigabytes.
 */
export interface SampleSource {
  /** Detection and recovery of one fault window (every series, sample by sample where it matters). */
  recovery(w: FaultWindow & { until: number }): RecoveryReport;
  stats(probeId: string, from: number, to: number): WindowStats;
}

/** A run's samples in the audit. */
export function runSamples(audit: AuditStore, runId: string): SampleSource {
  return {
    recovery: (w) => measureStoredRecovery(audit, runId, w),
    stats: (probeId, from, to) => {
      const s = scanStats(scanProbe(audit, runId, probeId, { from, to }), from, to);
      return { total: s.total, healthy: s.healthy, unhealthy: s.total - s.healthy, availabilityPct: s.availabilityPct, errorRatePct: s.errorRatePct, latencyP50Ms: s.latencyP50Ms, latencyP95Ms: s.latencyP95Ms };
    },
  };
}

/** Samples already in memory (tests, the live view). */
export function memorySamples(samples: Sample[]): SampleSource {
  return {
    recovery: (w) => measureRecovery(samples, w),
    stats: (probeId, from, to) => windowStats(samples, { from, to }, probeId),
  };
}

export interface InjectWindow {
  stepId: string;
  injectAt: number;
  revertAt?: number;
}

export interface SloEvaluation {
  results: SloResult[];
  recoveries: RecoveryReport[];
  violated: boolean;
}

const isTime = (name: string) => name.startsWith('recovery') || name.startsWith('detection') || name.startsWith('latency');

function toResult(c: SloCheck): SloResult {
  const fmt = (v: number | null) => (v === null ? '—' : isTime(c.name) ? formatDuration(v) : `${v.toFixed(2)}%`);
  const cmp = c.name.startsWith('availability') ? '≥' : '≤';
  return { name: c.name, verdict: c.verdict, measured: fmt(c.measured), target: `${cmp} ${fmt(c.target)}`, detail: [c.reason, c.borderline ? 'within the probe precision of the target' : ''].filter(Boolean).join('; ') || undefined };
}

/**
 * SLO verdicts of a finished run: per injected fault, time to detect and to recover on the primary
 * probe (precision = its interval); over the run, availability, error rate and p95 latency.
 */
export function evaluateSlos(p: { samples: Sample[] | SampleSource; slos: SloSpec; env: 'lab' | 'staging' | 'prod'; primaryProbe?: string; intervalOf: (probeId: string) => number; healthyAfterOf: (probeId: string) => number; injects: InjectWindow[]; startAt: number; endAt: number }): SloEvaluation {
  const checks: SloCheck[] = [];
  const recoveries: RecoveryReport[] = [];
  const src = Array.isArray(p.samples) ? memorySamples(p.samples) : p.samples;
  if (p.primaryProbe) {
    const probe = p.primaryProbe;
    p.injects.forEach((w, i) => {
      const next = p.injects[i + 1]?.injectAt;
      const r = src.recovery({ faultId: w.stepId, probeId: probe, injectAt: w.injectAt, revertAt: w.revertAt, until: next ?? p.endAt, healthyAfter: p.healthyAfterOf(probe), intervalMs: p.intervalOf(probe) });
      recoveries.push(r);
      if (p.slos.recoveryTimeMs) checks.push(judgeRecovery(r, targetFor(p.slos.recoveryTimeMs, p.env), next ?? p.endAt));
      if (p.slos.detectionTimeMs) checks.push(judgeDetection(r, targetFor(p.slos.detectionTimeMs, p.env)));
    });
  }
  const win = { from: p.startAt, to: p.endAt };
  const byProbe = new Map<string, { availability?: number; errorRate?: number; latencyP95Ms?: number }>();
  const put = (probe: string, k: 'availability' | 'errorRate' | 'latencyP95Ms', v: number) => byProbe.set(probe, { ...byProbe.get(probe), [k]: v });
  if (p.slos.availability) put(p.slos.availability.probe, 'availability', targetFor(p.slos.availability, p.env));
  if (p.slos.errorRate) put(p.slos.errorRate.probe, 'errorRate', targetFor(p.slos.errorRate, p.env));
  if (p.slos.latencyP95Ms) put(p.slos.latencyP95Ms.probe, 'latencyP95Ms', targetFor(p.slos.latencyP95Ms, p.env));
  for (const [probe, t] of byProbe) checks.push(...judgeWindow(src.stats(probe, win.from, win.to), t).map((c) => ({ ...c, name: `${c.name}:${probe}` })));
  return { results: checks.map(toResult), recoveries, violated: checks.some((c) => c.verdict === 'fail') };
}

/** The verdicts of a finished run of `scenario`, from the samples in the audit. */
export function evaluateRunSlos(audit: AuditStore, runId: string, scenario: Scenario, injects: InjectWindow[], startAt: number, endAt: number): SloEvaluation {
  const probe = (id: string) => scenario.probes.find((p) => p.id === id);
  return evaluateSlos({ samples: runSamples(audit, runId), slos: mapSlos(scenario.slos), env: scenario.environment, primaryProbe: primaryProbe(scenario), intervalOf: (id) => parseDuration(probe(id)!.interval), healthyAfterOf: (id) => probe(id)?.healthyAfter ?? DEFAULT_HEALTHY_AFTER, injects, startAt, endAt });
}
