import { getFault, tryResolveParams } from '../faults/index.js';
import type { Scenario } from './schema.js';
import { flattenSteps } from './model.js';

/**
 * Each inject step's fault parameters, resolved once when the run is planned (preset merged with the
 * step's params, validated by the fault's schema): step id → params. A step whose params do not
 * resolve is left out, so the fault manager resolves it at the step and refuses it there, as before
 * (load-time checks already report it).
 */
export function planFaultParams(sc: Scenario): ReadonlyMap<string, unknown> {
  const out = new Map<string, unknown>();
  for (const { step } of flattenSteps(sc)) {
    if (step.kind !== 'inject') continue;
    let r;
    try {
      r = tryResolveParams(getFault(step.fault), { intensity: step.intensity, params: step.params });
    } catch {
      continue; // unknown fault: the step fails where it always did
    }
    if (r.ok) out.set(step.id, r.params);
  }
  return out;
}
