/**
 * The runbook as far as the report can still know it. The audit records the runbook's path, not its
 * text, so the file is read as it is NOW: when it is gone or no longer valid the report says so and
 * falls back to what the audit itself recorded (SLO targets as shown at run end, probe ids seen).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { mapSlos, primaryProbe } from '../scenario/index.js';
import { clockWords, DEFAULT_RECOVERY_CLOCK, RECOVERY_CLOCKS, targetFor, type RecoveryClock } from '../probes/index.js';
import { DEFAULT_HEALTHY_AFTER, loadScenario, planTimes, ScenarioError, type Scenario } from '../scenario/index.js';
import { formatDuration } from '../api/index.js';
import type { SloResult } from '../api/index.js';
import type { RunbookInfo } from './types.js';

export interface RunbookFacts {
  info: RunbookInfo;
  scenario: Scenario | null;
  /** Which phase each step belongs to (empty without a runbook). */
  phaseOfStep: Map<string, string>;
  primaryProbe: string | null;
  recoveryTargetMs: number | null;
  /** The clock the recovery target is read on, and the runbook's hold (undefined = the default). */
  recoveryClock: RecoveryClock;
  holdMs: number | undefined;
  detectionTargetMs: number | null;
  availability: { probe: string; targetPct: number } | null;
  intervalMs(probeId: string): number | null;
  healthyAfter(probeId: string): number;
  /** What a probe's `value` is, for the chart axis. */
  valueLabel(probeId: string): string;
  probeIds: string[];
  injectDurationMs(stepId: string): number | null;
}

/** The clock a recorded recovery target names ("≤ 10.0s from revert"); the default when it names none. */
export function clockOfShownTarget(s: string): RecoveryClock {
  return RECOVERY_CLOCKS.find((c) => s.endsWith(`from ${c}`)) ?? DEFAULT_RECOVERY_CLOCK;
}

/** Read back a duration as formatDuration() printed it ("850ms", "12.3s", "4m05s", "1h02m"), words after it ignored. */
export function parseShownDuration(s: string): number | null {
  const t = s.replace(/^[≤≥<>=\s]+/, '').trim().split(/\s/)[0]!;
  let m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(t);
  if (m) return Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
  m = /^(\d+)m(\d{2})s$/.exec(t);
  if (m) return (Number(m[1]) * 60 + Number(m[2])) * 1000;
  m = /^(\d+)h(\d{2})m$/.exec(t);
  if (m) return (Number(m[1]) * 3600 + Number(m[2]) * 60) * 1000;
  return null;
}

function loadIfThere(file: string | null): { scenario: Scenario | null; note: string } {
  if (!file) return { scenario: null, note: 'runbook file not recorded in the audit' };
  const path = isAbsolute(file) ? file : resolve(file);
  if (!existsSync(path)) return { scenario: null, note: `runbook file no longer available (${file})` };
  try {
    return { scenario: loadScenario(path).scenario, note: `read from ${file} as it is now; it may have changed since the run` };
  } catch (e) {
    if (e instanceof ScenarioError) return { scenario: null, note: `runbook file ${file} is no longer a valid runbook (${e.problems.length} problem(s))` };
    return { scenario: null, note: `runbook file ${file} could not be read: ${(e as Error).message}` };
  }
}

function sloSentences(sc: Scenario): string[] {
  const env = sc.environment;
  const s = sc.slos;
  if (!s) return [];
  const pick = <T,>(t: { target: T; lab?: T; staging?: T; prod?: T }): T => t[env] ?? t.target;
  const out: string[] = [];
  // The same targets in ms the run judged with (mapSlos converts them once).
  const ms = mapSlos(s);
  if (s.recoveryTime && ms.recoveryTimeMs) {
    const hold = ms.recoveryTimeMs.holdMs === undefined ? 'the default hold (the larger of k samples and 10 s)' : `a ${formatDuration(ms.recoveryTimeMs.holdMs)} hold`;
    out.push(`Recovery time ≤ ${formatDuration(targetFor(ms.recoveryTimeMs, env))} ${clockWords(s.recoveryTime.from)} per fault (${env}); recovered = healthy from then on for ${hold}`);
  }
  if (ms.detectionTimeMs) out.push(`Detection time ≤ ${formatDuration(targetFor(ms.detectionTimeMs, env))} after the fault became active, per fault (${env})`);
  if (s.availability) out.push(`Availability of ${s.availability.probe} ≥ ${pick(s.availability)} % over the run`);
  if (s.errorRate) out.push(`Error rate of ${s.errorRate.probe} ≤ ${pick(s.errorRate)} % over the run`);
  if (ms.latencyP95Ms) out.push(`p95 latency of ${ms.latencyP95Ms.probe} ≤ ${formatDuration(targetFor(ms.latencyP95Ms, env))}`);
  return out;
}

/** Everything the report needs from the runbook, with fallbacks from the recorded SLO results. */
export function runbookFacts(file: string | null, recorded: SloResult[]): RunbookFacts {
  const { scenario: sc, note } = loadIfThere(file);
  // The runbook's durations in ms, converted once here (the report's load of the runbook).
  const times = sc ? planTimes(sc) : undefined;
  const phaseOfStep = new Map<string, string>();
  sc?.phases.forEach((p) => p.steps.forEach((s) => phaseOfStep.set(s.id, p.id)));
  const fromRecorded = (prefix: string) => {
    const r = recorded.find((x) => x.name.startsWith(prefix));
    return r ? parseShownDuration(r.target) : null;
  };
  const availRec = recorded.find((x) => x.name.startsWith('availability:'));
  let recoveryTargetMs = fromRecorded('recoveryTime');
  const recRecorded = recorded.find((x) => x.name.startsWith('recoveryTime'));
  let recoveryClock: RecoveryClock = recRecorded ? clockOfShownTarget(recRecorded.target) : DEFAULT_RECOVERY_CLOCK;
  let holdMs: number | undefined;
  let detectionTargetMs = fromRecorded('detectionTime');
  let availability = availRec ? { probe: availRec.name.slice('availability:'.length), targetPct: Number.parseFloat(availRec.target.replace(/^[^\d]+/, '')) } : null;
  if (availability && !Number.isFinite(availability.targetPct)) availability = null;
  if (sc) {
    const slos = mapSlos(sc.slos);
    recoveryTargetMs = slos.recoveryTimeMs ? targetFor(slos.recoveryTimeMs, sc.environment) : null;
    recoveryClock = slos.recoveryTimeMs?.from ?? DEFAULT_RECOVERY_CLOCK;
    holdMs = slos.recoveryTimeMs?.holdMs;
    detectionTargetMs = slos.detectionTimeMs ? targetFor(slos.detectionTimeMs, sc.environment) : null;
    availability = slos.availability ? { probe: slos.availability.probe, targetPct: targetFor(slos.availability, sc.environment) } : null;
  }
  const probe = (id: string) => sc?.probes.find((p) => p.id === id);
  const info: RunbookInfo = {
    available: sc !== null,
    note,
    hypothesis: sc?.hypothesis.trim() ?? null,
    description: sc?.description?.trim() ?? null,
    owner: sc?.owner ?? null,
    sloText: sc ? sloSentences(sc) : recorded.map((r) => `${r.name} ${r.target} (as recorded at run end)`),
    phases: sc ? sc.phases.map((p) => ({ id: p.id, title: p.title, plannedMs: times?.phases.get(p.id) ?? null, startedMs: null, endedMs: null })) : [],
  };
  return {
    info,
    scenario: sc,
    phaseOfStep,
    primaryProbe: sc ? (primaryProbe(sc) ?? null) : (availability?.probe ?? recorded.find((r) => r.name.startsWith('errorRate:'))?.name.slice('errorRate:'.length) ?? null),
    recoveryTargetMs,
    recoveryClock,
    holdMs,
    detectionTargetMs,
    availability,
    intervalMs: (id) => times?.probeIntervalMs.get(id) ?? null,
    healthyAfter: (id) => probe(id)?.healthyAfter ?? DEFAULT_HEALTHY_AFTER,
    valueLabel: (id) => {
      const p = probe(id);
      if (!p) return 'value';
      return p.kind === 'http' || p.kind === 'tcp' ? 'latency (ms)' : p.kind === 'gpu' ? p.metric : p.kind === 'prometheus' ? 'query value' : 'value';
    },
    probeIds: sc ? sc.probes.map((p) => p.id) : [],
    injectDurationMs: (stepId) => {
      const st = sc?.phases.flatMap((p) => p.steps).find((s) => s.id === stepId);
      return st?.kind === 'inject' ? (times?.steps.get(st.id)?.durationMs ?? null) : null;
    },
  };
}
