/**
 * A runbook's times in milliseconds, converted once when the run is planned: the engine reads
 * numbers, never the text the author wrote (which the parsed scenario keeps for display and checks,
 * see schema-common.ts). Ids are unique per runbook (checked at load), so each table is keyed by id.
 */
import { parseDuration } from '../api/index.js';
import type { Scenario } from './schema.js';

/** One step's times (each absent when the runbook leaves it unset). */
export interface StepTimes {
  /** inject / wait: how long it holds. */
  durationMs?: number;
  /** assert: how long it may wait for the expected health. */
  withinMs?: number;
  /** command / integrity (and the rest): how long an exec may run. */
  timeoutMs?: number;
  /** What the step's view shows as planned (wait/inject: duration, assert: within, others: timeout). */
  plannedMs?: number;
}

export interface PlanTimes {
  /** The node-side lease's time to live in seconds (the lease script counts seconds; at least 3). */
  leaseTtlSec: number;
  phases: ReadonlyMap<string, number | undefined>;
  steps: ReadonlyMap<string, StepTimes>;
  /** Probe id → its interval. */
  probeIntervalMs: ReadonlyMap<string, number>;
  /** steadyState.within, when the runbook sets it. */
  steadyWithinMs?: number;
  /** The drill block's times (absent without one): each hint's delay, in order, and the targets. */
  drill?: { hintAfterMs: number[]; detectMs: number; mitigateMs: number };
}

const ms = (d: string | number | undefined): number | undefined => (d === undefined ? undefined : parseDuration(d));

/** Convert every duration of a (validated) runbook once. */
export function planTimes(sc: Scenario): PlanTimes {
  const steps = new Map<string, StepTimes>();
  for (const s of sc.phases.flatMap((p) => p.steps)) {
    const t: StepTimes = {
      durationMs: 'duration' in s ? ms(s.duration) : undefined,
      withinMs: 'within' in s ? ms(s.within) : undefined,
      timeoutMs: 'timeout' in s ? ms(s.timeout) : undefined,
    };
    t.plannedMs = s.kind === 'wait' || s.kind === 'inject' ? t.durationMs : s.kind === 'assert' ? t.withinMs : t.timeoutMs;
    steps.set(s.id, t);
  }
  return {
    leaseTtlSec: Math.max(3, Math.round(parseDuration(sc.leaseTtl) / 1000)),
    phases: new Map(sc.phases.map((p) => [p.id, ms(p.duration)])),
    steps,
    probeIntervalMs: new Map(sc.probes.map((p) => [p.id, parseDuration(p.interval)])),
    steadyWithinMs: ms(sc.steadyState?.within),
    drill: sc.drill ? { hintAfterMs: (sc.drill.hints ?? []).map((x) => parseDuration(x.after)), detectMs: parseDuration(sc.drill.targets.detect), mitigateMs: parseDuration(sc.drill.targets.mitigate) } : undefined,
  };
}
