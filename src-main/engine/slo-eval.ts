import type { AuditStore } from '../audit/index.js';
import { judgeDetection, judgeRecovery, judgeWindow, measureRecovery, targetFor, windowStats, type RecoveryReport, type Sample, type SloCheck, type SloSpec } from '../probes/index.js';
import type { SloResult } from '../api/index.js';
import { formatDuration } from '../util/duration.js';

/** Samples of a run as the probes layer sees them (series and latency live in the row's detail). */
export function runSamples(audit: AuditStore, runId: string): Sample[] {
  return audit.samples(runId).map((r) => {
    let d: { series?: string; latencyMs?: number; error?: string } = {};
    try {
      d = r.detail ? (JSON.parse(r.detail) as typeof d) : {};
    } catch {
      /* an unreadable detail still counts as a sample */
    }
    return { probeId: r.probe_id, series: d.series ?? 'default', t: r.t_ms, value: r.value, healthy: r.healthy === 1, latencyMs: d.latencyMs ?? 0, error: d.error };
  });
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
export function evaluateSlos(p: { samples: Sample[]; slos: SloSpec; env: 'lab' | 'staging' | 'prod'; primaryProbe?: string; intervalOf: (probeId: string) => number; healthyAfterOf: (probeId: string) => number; injects: InjectWindow[]; startAt: number; endAt: number }): SloEvaluation {
  const checks: SloCheck[] = [];
  const recoveries: RecoveryReport[] = [];
  if (p.primaryProbe) {
    const probe = p.primaryProbe;
    p.injects.forEach((w, i) => {
      const next = p.injects[i + 1]?.injectAt;
      const r = measureRecovery(p.samples, { faultId: w.stepId, probeId: probe, injectAt: w.injectAt, revertAt: w.revertAt, until: next ?? p.endAt, healthyAfter: p.healthyAfterOf(probe), intervalMs: p.intervalOf(probe) });
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
  for (const [probe, t] of byProbe) checks.push(...judgeWindow(windowStats(p.samples, win, probe), t).map((c) => ({ ...c, name: `${c.name}:${probe}` })));
  return { results: checks.map(toResult), recoveries, violated: checks.some((c) => c.verdict === 'fail') };
}
