/** Helpers over a parsed runbook that the engine, UI and checks share. */
import { parseDuration } from '../api/index.js';
import type { Duration, Environment, Phase, Scenario, SloSpec, Step } from './schema.js';

/** Milliseconds of a duration as written in the runbook. */
export function durationMs(d: Duration): number {
  return parseDuration(d);
}

/** A step with where it sits: phase index, index in the phase, and its document path. */
export interface LocatedStep {
  phase: Phase;
  phaseIndex: number;
  stepIndex: number;
  /** Position in run order across all phases (0-based). */
  order: number;
  step: Step;
  path: Array<string | number>;
}

/** Every step in run order. */
export function flattenSteps(s: Pick<Scenario, 'phases'>): LocatedStep[] {
  const out: LocatedStep[] = [];
  s.phases.forEach((phase, phaseIndex) =>
    phase.steps.forEach((step, stepIndex) => out.push({ phase, phaseIndex, stepIndex, order: out.length, step, path: ['phases', phaseIndex, 'steps', stepIndex] })),
  );
  return out;
}

type PerEnv<T> = { target: T; lab?: T | undefined; staging?: T | undefined; prod?: T | undefined };

/** The value of a per-environment SLO for `env`: its override if set, else `target`. */
export function sloTarget<T>(slo: PerEnv<T>, env: Environment): T {
  return slo[env] ?? slo.target;
}

/** The SLO names a runbook sets, in a stable order. */
export function sloNames(slos: SloSpec | undefined): Array<keyof SloSpec> {
  const order: Array<keyof SloSpec> = ['recoveryTime', 'detectionTime', 'availability', 'errorRate', 'latencyP95'];
  return slos ? order.filter((k) => slos[k] !== undefined) : [];
}
