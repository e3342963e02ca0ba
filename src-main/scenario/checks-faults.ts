/**
 * Inject steps against the fault registry: the fault exists, and its parameters (intensity preset
 * overlaid with explicit `params`, exactly as the engine resolves them) pass the fault's own schema.
 * Parameter problems name the parameter and say why, at the line of the parameter when it was
 * written, else at `intensity` (it came from a preset) or at `fault` (it is missing).
 */
import type { z } from 'zod';
import { getFault, isOneShot, listFaults, tryResolveParams, type FaultModule } from '../faults/index.js';
import { closest, didYouMean } from './suggest.js';
import { describeValue } from './issues.js';
import { flattenSteps } from './model.js';
import { k8sTargets } from './checks-k8s.js';
import type { Partiality } from './partial.js';
import type { Path, ProblemSink } from './problems.js';
import type { InjectStep, Scenario } from './schema.js';
import { allowedKeysAt } from './schema-walk.js';

function lookup(id: string): FaultModule<unknown> | undefined {
  return listFaults().find((f) => f.id === id) ? getFault(id) : undefined;
}

function paramProblem(issue: z.core.$ZodIssue, step: InjectStep, mod: FaultModule<unknown>, base: Path, sink: ProblemSink): void {
  const name = issue.path.map(String).join('.');
  const given = step.params !== undefined && issue.path.length > 0 && Object.hasOwn(step.params, String(issue.path[0]));
  const where: Path = given ? [...base, 'params', ...issue.path] : issue.path.length && step.intensity ? [...base, 'intensity'] : [...base, step.params ? 'params' : 'fault'];
  const known = allowedKeysAt(mod.params, [], {});
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      sink.add([...base, 'params', ...issue.path, key], `${mod.id} has no parameter "${key}"`, {
        key: true,
        hint: didYouMean(key, known) ?? `parameters of ${mod.id}: ${known.join(', ') || 'none'}`,
      });
    }
    return;
  }
  const input = issue.input;
  if (issue.path.length > 0 && input === undefined && issue.code === 'invalid_type') {
    const fromPreset = Object.values(mod.presets).some((p) => Object.hasOwn(p as object, String(issue.path[0])));
    sink.add(where, `${mod.id} needs parameter "${name}"`, {
      hint: fromPreset && !step.intensity ? `set params.${name}, or choose an intensity (low, medium, high) whose preset sets it` : `add params: { ${name}: … }`,
    });
    return;
  }
  if (issue.code === 'invalid_value') {
    const near = typeof input === 'string' ? closest(input, issue.values.map(String)) : [];
    const allowed = `one of ${issue.values.map(String).join(', ')}`;
    sink.add(where, `parameter "${name}" of ${mod.id}: ${describeValue(input)} is not allowed`, { hint: near.length ? `did you mean "${near[0]}"? (${allowed})` : allowed });
    return;
  }
  const label = issue.path.length ? `parameter "${name}" of ${mod.id}` : `parameters of ${mod.id}`;
  const got = input !== undefined && typeof input !== 'object' && issue.path.length ? ` (got ${describeValue(input)})` : '';
  sink.add(where, `${label}: ${issue.message}${got}`, { hint: given ? undefined : step.intensity ? `the ${step.intensity} preset sets it; override it in params` : undefined });
}

interface Checked {
  mod: FaultModule<unknown>;
  /** Resolved parameters, when valid. */
  params?: unknown;
}

function checkInject(step: InjectStep, base: Path, sink: ProblemSink): Checked | undefined {
  const mod = lookup(step.fault);
  if (!mod) {
    const ids = listFaults().map((f) => f.id);
    sink.add([...base, 'fault'], `unknown fault "${step.fault}"`, { hint: didYouMean(step.fault, ids) ?? `faults: ${ids.join(', ')}` });
    return undefined;
  }
  const resolved = tryResolveParams(mod, { intensity: step.intensity, params: step.params });
  if (resolved.ok) return { mod, params: resolved.params };
  // The registry has the final word; re-parse the same merge only to learn where each issue is.
  const preset = step.intensity ? (mod.presets[step.intensity] as Record<string, unknown>) : {};
  const detail = mod.params.safeParse({ ...preset, ...(step.params ?? {}) }, { reportInput: true });
  if (detail.success) {
    for (const msg of resolved.issues) sink.add([...base, step.params ? 'params' : 'fault'], `${mod.id}: ${msg}`);
  } else {
    for (const issue of detail.error.issues) paramProblem(issue, step, mod, base, sink);
  }
  return { mod };
}

/**
 * Check every inject step against the registry; warn about faults that are never reverted (only
 * on a complete model: a revert step that failed the schema would make that warning wrong).
 */
export function checkFaults(s: Scenario, sink: ProblemSink, pt: Partiality): void {
  const steps = flattenSteps(s);
  const reverted = new Map<string, number>();
  for (const x of steps) if (x.step.kind === 'revert') reverted.set(x.step.step, (reverted.get(x.step.step) ?? 0) + 1);
  const cluster = k8sTargets(s);
  for (const x of steps) {
    const st = x.step;
    // Inject steps on k8s: targets are Chaos Mesh faults (checks-k8s.ts).
    if (st.kind !== 'inject' || pt.standIns.has(st) || cluster.has(st.target)) continue;
    const checked = checkInject(st, x.path, sink);
    if (!checked || !('params' in checked) || pt.partial) continue;
    const mod = checked.mod;
    const oneShot = isOneShot(mod, checked.params);
    const reverts = reverted.get(st.id) ?? 0;
    if (oneShot && (reverts > 0 || st.duration !== undefined)) {
      sink.add([...x.path, 'fault'], `${mod.id} is one-shot here: there is nothing to revert`, { severity: 'warning', hint: 'drop the duration and the revert step; the fault cannot be undone' });
    } else if (!oneShot && reverts === 0 && st.duration === undefined) {
      sink.add([...x.path, 'fault'], 'this fault has no duration and no revert step: it stays until the run ends', { severity: 'warning', hint: 'add duration: 60s, or a revert step' });
    }
    if (reverts > 1) sink.add([...x.path, 'id'], `step "${st.id}" is reverted ${reverts} times`, { severity: 'warning', hint: 'one revert step is enough; reverts are idempotent' });
  }
}
