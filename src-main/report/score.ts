/**
 * The resilience score, 0–100: one number to follow from game day to game day, never a substitute
 * for reading the findings. Defined here once; the report prints this definition next to the number.
 *
 *   score = 100 × Σ wᵢ·vᵢ / Σ wᵢ   over the components that apply to the run (vᵢ ∈ [0, 1])
 *
 * | component          | w  | vᵢ                                                                      |
 * |--------------------|----|-------------------------------------------------------------------------|
 * | SLOs met           | 35 | mean over SLO verdicts: pass 1, unknown ½ (a blind spot), fail 0          |
 * | recovery vs target | 25 | mean over faults the probe saw: 1 within target, else target ÷ measured; 0 if never recovered |
 * | detection          | 20 | mean over injected faults: 1 within target, else target ÷ measured; 0 if never detected |
 * | clean finish       | 10 | 1 completed cleanly; ½ finished but a step failed or the run was stopped early; 0 failed or not clean |
 * | no residue         | 10 | share of injected faults confirmed reverted (residue, unreachable, still active count 0) |
 *
 * Without a target, a recovery or detection that happened counts 1. A component with nothing to
 * judge (no SLOs, no faults) is left out and its weight spread over the others, so a run is never
 * rewarded or punished for what it did not test. Weights: SLOs are the hypothesis, so they weigh
 * most; recovery before detection because users feel the outage, not the alert; the two safety
 * components are small because they should simply always be 1.
 */
import type { Score, ScoreComponent } from './types.js';

export const SCORE_WEIGHTS = { slo: 35, recovery: 25, detection: 20, finish: 10, residue: 10 } as const;

export const SCORE_FORMULA =
  'score = 100 × Σ wᵢ·vᵢ / Σ wᵢ over the components that apply (each vᵢ from 0 to 1). Weights: SLOs met 35, recovery vs target 25, detection 20, clean finish 10, no residue 10. ' +
  'SLOs: pass 1, unknown ½, fail 0. Recovery and detection per fault: 1 within target, else target ÷ measured; never recovered / never detected 0; no target: 1 if it happened. ' +
  'Clean finish: 1 completed with no failed step and a clean stop; ½ a step failed or the run was stopped early, but cleanly; 0 failed or not clean. ' +
  'No residue: share of injected faults confirmed reverted. A component with nothing to judge is left out and its weight spread over the others.';

export interface ScoreInputs {
  sloVerdicts: Array<'pass' | 'fail' | 'unknown'>;
  windows: Array<{ detection: 'detected' | 'never-detected'; ttdMs: number | null; ttdTargetMs: number | null; recovery: 'recovered' | 'not-recovered' | 'never-detected' | 'interrupted'; recoveryMs: number | null; ttrTargetMs: number | null }>;
  /** Audit run status: completed, aborted, failed, running. */
  status: string;
  failedSteps: number;
  stopClean: boolean | null;
  /** Final states of faults that took effect (rolled-back injects excluded). */
  faultStates: Array<{ state: string; oneShot: boolean }>;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
/** Within target = 1; slower = target ÷ measured (twice the target scores ½). */
const vsTarget = (measured: number | null, target: number | null) => (target === null || measured === null ? 1 : measured <= target ? 1 : target / measured);

export function resilienceScore(i: ScoreInputs): Score {
  const sloV = mean(i.sloVerdicts.map((v) => (v === 'pass' ? 1 : v === 'unknown' ? 0.5 : 0)));
  // Interrupted recoveries are unknown, not failures: they say nothing either way.
  const seen = i.windows.filter((w) => w.recovery !== 'never-detected' && w.recovery !== 'interrupted');
  const recV = mean(seen.map((w) => (w.recovery === 'recovered' ? vsTarget(w.recoveryMs, w.ttrTargetMs) : 0)));
  const detV = mean(i.windows.map((w) => (w.detection === 'detected' ? vsTarget(w.ttdMs, w.ttdTargetMs) : 0)));
  let finV: number | null;
  let finWhy: string;
  if (i.status === 'running') (finV = null), (finWhy = 'the run has not ended');
  else if (i.status === 'failed' || i.stopClean === false) (finV = 0), (finWhy = i.stopClean === false ? 'the final stop was not clean' : 'the run failed');
  else if (i.status === 'aborted' || i.failedSteps > 0) (finV = 0.5), (finWhy = i.status === 'aborted' ? 'stopped early, cleanly' : `${i.failedSteps} step(s) failed, finished cleanly`);
  else (finV = 1), (finWhy = 'completed, no failed step, clean stop');
  const clean = i.faultStates.filter((f) => f.state === 'reverted' || f.state === 'one-shot-done' || (f.oneShot && f.state !== 'unreachable')).length;
  const resV = i.faultStates.length ? clean / i.faultStates.length : null;
  const parts: Array<Omit<ScoreComponent, 'points'>> = [
    { key: 'slo', label: 'SLOs met', weight: SCORE_WEIGHTS.slo, value: sloV, explanation: sloV === null ? 'no SLO to judge' : `${i.sloVerdicts.filter((v) => v === 'pass').length} pass, ${i.sloVerdicts.filter((v) => v === 'unknown').length} unknown, ${i.sloVerdicts.filter((v) => v === 'fail').length} fail` },
    { key: 'recovery', label: 'Recovery vs target', weight: SCORE_WEIGHTS.recovery, value: recV, explanation: recV === null ? 'no fault seen by the probe' : `${seen.filter((w) => w.recovery === 'recovered').length}/${seen.length} recovered; slower than target scores target ÷ measured` },
    { key: 'detection', label: 'Detection', weight: SCORE_WEIGHTS.detection, value: detV, explanation: detV === null ? 'no fault injected' : `${i.windows.filter((w) => w.detection === 'detected').length}/${i.windows.length} detected` },
    { key: 'finish', label: 'Clean finish', weight: SCORE_WEIGHTS.finish, value: finV, explanation: finWhy },
    { key: 'residue', label: 'No residue', weight: SCORE_WEIGHTS.residue, value: resV, explanation: resV === null ? 'no fault took effect' : `${clean}/${i.faultStates.length} fault(s) confirmed reverted` },
  ];
  const applicable = parts.filter((p) => p.value !== null).reduce((s, p) => s + p.weight, 0);
  const components: ScoreComponent[] = parts.map((p) => ({ ...p, points: p.value === null || applicable === 0 ? 0 : (100 * p.weight * p.value) / applicable }));
  const value = Math.round(components.reduce((s, c) => s + c.points, 0));
  return { value, components, formula: SCORE_FORMULA };
}
