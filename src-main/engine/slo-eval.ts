import { scanProbe, scanStats, type AuditStore } from '../audit/index.js';
import { measureStoredImpact, type ImpactQuery } from '../probes/index.js';
import { mapSlos, primaryProbe } from '../scenario/index.js';
import { DEFAULT_HEALTHY_AFTER, type PlanTimes, type Scenario } from '../scenario/index.js';
import { attributeImpact, DEFAULT_RECOVERY_CLOCK, recoveryTargetText, judgeDetection, judgeRecovery, judgeWindow, targetFor, windowStats, type ImpactResult, type ImpactWindow, type RecoveryClock, type Sample, type SloCheck, type SloSpec, type WindowStats } from '../probes/index.js';
import type { SloResult } from '../api/index.js';
import { formatDuration } from '../api/index.js';

/**
 * Where the verdicts read samples from: only what they need — the primary probe's samples where
 * impact is decided (the one attribution, probes/impact.ts), and window statistics of the SLO
 * probes, which the audit answers from its rollups. A 2-hour game day with 1000 series holds 7.2 M
 * samples; loading them all at the end of the run took a minute and gigabytes.
 */
export interface SampleSource {
  impact(q: ImpactQuery): ImpactResult;
  stats(probeId: string, from: number, to: number): WindowStats;
}

/** A run's samples in the audit. */
export function runSamples(audit: AuditStore, runId: string): SampleSource {
  return {
    impact: (q) => measureStoredImpact(audit, runId, q),
    stats: (probeId, from, to) => {
      const s = scanStats(scanProbe(audit, runId, probeId, { from, to }), from, to);
      return { total: s.total, healthy: s.healthy, unhealthy: s.total - s.healthy, availabilityPct: s.availabilityPct, errorRatePct: s.errorRatePct, latencyP50Ms: s.latencyP50Ms, latencyP95Ms: s.latencyP95Ms };
    },
  };
}

/** Samples already in memory (tests, the live view). */
export function memorySamples(samples: Sample[]): SampleSource {
  return {
    impact: (q) => attributeImpact(q.probeId, samples, q.windows, { ...q.opts, observedUntil: q.to }),
    stats: (probeId, from, to) => windowStats(samples, { from, to }, probeId),
  };
}

export interface SloEvaluation {
  results: SloResult[];
  /** The primary probe's impact per fault window and outside them (null without a probe). */
  impact: ImpactResult | null;
  violated: boolean;
}

const isTime = (name: string) => name.startsWith('recovery') || name.startsWith('detection') || name.startsWith('latency');


function toResult(c: SloCheck, clock: RecoveryClock): SloResult {
  const fmt = (v: number | null) => (v === null ? '—' : isTime(c.name) ? formatDuration(v) : `${v.toFixed(2)}%`);
  const cmp = c.name.startsWith('availability') ? '≥' : '≤';
  const target = c.name.startsWith('recoveryTime') ? recoveryTargetText(c.target, clock) : `${cmp} ${fmt(c.target)}`;
  return { name: c.name, verdict: c.verdict, measured: fmt(c.measured), target, detail: [c.reason, c.borderline ? 'within the probe precision of the target' : ''].filter(Boolean).join('; ') || undefined };
}

/**
 * SLO verdicts of a finished run: per fault window, time to detect and to recover (on the target's
 * clock) on the primary probe (precision = its interval); over the run, availability, error rate and
 * p95 latency.
 */
export function evaluateSlos(p: { samples: Sample[] | SampleSource; slos: SloSpec; env: 'lab' | 'staging' | 'prod'; primaryProbe?: string; intervalOf: (probeId: string) => number; healthyAfterOf: (probeId: string) => number; windows: ImpactWindow[]; startAt: number; endAt: number }): SloEvaluation {
  const checks: SloCheck[] = [];
  const src = Array.isArray(p.samples) ? memorySamples(p.samples) : p.samples;
  const clock = p.slos.recoveryTimeMs?.from ?? DEFAULT_RECOVERY_CLOCK;
  let impact: ImpactResult | null = null;
  if (p.primaryProbe) {
    const probe = p.primaryProbe;
    const intervalMs = p.intervalOf(probe);
    impact = src.impact({ probeId: probe, windows: p.windows, opts: { healthyAfter: p.healthyAfterOf(probe), intervalMs, holdMs: p.slos.recoveryTimeMs?.holdMs }, from: p.startAt, to: p.endAt });
    for (const f of impact.faults) {
      if (p.slos.recoveryTimeMs) checks.push(judgeRecovery(f, targetFor(p.slos.recoveryTimeMs, p.env), clock, p.endAt, intervalMs));
      if (p.slos.detectionTimeMs) checks.push(judgeDetection(f, targetFor(p.slos.detectionTimeMs, p.env), intervalMs));
    }
  }
  const win = { from: p.startAt, to: p.endAt };
  const byProbe = new Map<string, { availability?: number; errorRate?: number; latencyP95Ms?: number }>();
  const put = (probe: string, k: 'availability' | 'errorRate' | 'latencyP95Ms', v: number) => byProbe.set(probe, { ...byProbe.get(probe), [k]: v });
  if (p.slos.availability) put(p.slos.availability.probe, 'availability', targetFor(p.slos.availability, p.env));
  if (p.slos.errorRate) put(p.slos.errorRate.probe, 'errorRate', targetFor(p.slos.errorRate, p.env));
  if (p.slos.latencyP95Ms) put(p.slos.latencyP95Ms.probe, 'latencyP95Ms', targetFor(p.slos.latencyP95Ms, p.env));
  for (const [probe, t] of byProbe) checks.push(...judgeWindow(src.stats(probe, win.from, win.to), t).map((c) => ({ ...c, name: `${c.name}:${probe}` })));
  return { results: checks.map((c) => toResult(c, clock)), impact, violated: checks.some((c) => c.verdict === 'fail') };
}

/** The verdicts of a finished run of `scenario`, from the samples in the audit. */
export function evaluateRunSlos(audit: AuditStore, runId: string, scenario: Scenario, times: PlanTimes, windows: ImpactWindow[], startAt: number, endAt: number): SloEvaluation {
  const probe = (id: string) => scenario.probes.find((p) => p.id === id);
  return evaluateSlos({ samples: runSamples(audit, runId), slos: mapSlos(scenario.slos), env: scenario.environment, primaryProbe: primaryProbe(scenario), intervalOf: (id) => times.probeIntervalMs.get(id)!, healthyAfterOf: (id) => probe(id)?.healthyAfter ?? DEFAULT_HEALTHY_AFTER, windows, startAt, endAt });
}
