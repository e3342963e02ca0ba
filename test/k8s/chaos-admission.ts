/**
 * What happens to a Chaos Mesh object between the request and the store, in the real order:
 * mutating webhook (defaults: selector namespaces = the object's namespace, direction "to"),
 * CRD structural schema (required fields and enums → 422; unknown spec/selector fields pruned
 * silently), then Chaos Mesh's validating webhook (`v<plural>.kb.io`: mode/value, duration,
 * stressors, container names → 403) and, on update, "Cannot update chaos spec".
 * Field lists and enums: config/crd/bases/chaos-mesh.org_*.yaml; rules: api/v1alpha1/*_webhook.go.
 */
import { invalid, webhookDenied, type FieldCause } from './api-errors.js';
import { parseGoDuration } from './go-duration.js';
import type { ResourceDef } from './resources.js';
import { canonical, isObject, type Json, type JsonObject, type KObject } from './types.js';

const MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'];
const SELECTOR_KEYS = ['annotationSelectors', 'expressionSelectors', 'fieldSelectors', 'labelSelectors', 'namespaces', 'nodeSelectors', 'nodes', 'podPhaseSelectors', 'pods'];

interface KindSchema { keys: string[]; required: string[]; enums: Record<string, string[]> }

/** Top-level spec fields, required fields and enums per kind (from the CRDs). */
const SCHEMAS: Record<string, KindSchema> = {
  NetworkChaos: {
    keys: ['action', 'bandwidth', 'corrupt', 'delay', 'device', 'direction', 'duplicate', 'duration', 'externalTargets', 'loss', 'mode', 'rate', 'remoteCluster', 'selector', 'target', 'targetDevice', 'value'],
    required: ['action', 'mode', 'selector'],
    enums: { action: ['netem', 'delay', 'loss', 'duplicate', 'corrupt', 'partition', 'bandwidth'], direction: ['to', 'from', 'both'] },
  },
  PodChaos: {
    keys: ['action', 'containerNames', 'duration', 'gracePeriod', 'mode', 'remoteCluster', 'selector', 'value'],
    required: ['action', 'mode', 'selector'], enums: { action: ['pod-kill', 'pod-failure', 'container-kill'] },
  },
  StressChaos: {
    keys: ['containerNames', 'duration', 'mode', 'remoteCluster', 'selector', 'stressngStressors', 'stressors', 'value'],
    required: ['mode', 'selector'], enums: {},
  },
  IOChaos: {
    keys: ['action', 'attr', 'containerNames', 'delay', 'duration', 'errno', 'methods', 'mistake', 'mode', 'path', 'percent', 'remoteCluster', 'selector', 'value', 'volumePath'],
    required: ['action', 'mode', 'selector', 'volumePath'], enums: { action: ['latency', 'fault', 'attrOverride', 'mistake'] },
  },
  DNSChaos: {
    keys: ['action', 'containerNames', 'duration', 'mode', 'patterns', 'remoteCluster', 'selector', 'value'],
    required: ['action', 'mode', 'selector'], enums: { action: ['error', 'random'] },
  },
  TimeChaos: {
    keys: ['clockIds', 'containerNames', 'duration', 'mode', 'remoteCluster', 'selector', 'timeOffset', 'value'],
    required: ['mode', 'selector', 'timeOffset'], enums: {},
  },
};

/** The mutating webhook's defaults and the CRD's pruning, applied in place; returns the pruned field paths. */
function defaultAndPrune(obj: KObject, schema: KindSchema): string[] {
  const pruned: string[] = [];
  const spec = obj.spec;
  if (!isObject(spec)) return pruned;
  for (const k of Object.keys(spec)) if (!schema.keys.includes(k)) { delete spec[k]; pruned.push(`spec.${k}`); }
  const selectors: Array<[JsonObject, string]> = [[spec, 'spec']];
  if (obj.kind === 'NetworkChaos' && isObject(spec.target)) selectors.push([spec.target, 'spec.target']);
  for (const [s, path] of selectors) {
    if (!isObject(s.selector)) continue;
    const sel = s.selector;
    for (const k of Object.keys(sel)) if (!SELECTOR_KEYS.includes(k)) { delete sel[k]; pruned.push(`${path}.selector.${k}`); }
    const ns = sel.namespaces;
    if ((!Array.isArray(ns) || ns.length === 0) && !isObject(sel.pods)) sel.namespaces = [obj.metadata.namespace ?? 'default'];
  }
  if (obj.kind === 'NetworkChaos' && spec.direction === undefined) spec.direction = 'to';
  return pruned;
}

function quoteValue(v: Json | undefined): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v ?? null);
}

/** CRD schema checks: 422 Invalid, as the apiserver reports them. */
function schemaCauses(obj: KObject, schema: KindSchema): FieldCause[] {
  const spec = obj.spec;
  if (!isObject(spec)) return [{ field: 'spec', message: 'Required value', reason: 'FieldValueRequired' }];
  const causes: FieldCause[] = [];
  for (const r of schema.required) if (spec[r] === undefined) causes.push({ field: `spec.${r}`, message: 'Required value', reason: 'FieldValueRequired' });
  const enums: Record<string, string[]> = { mode: MODES, ...schema.enums };
  for (const [f, allowed] of Object.entries(enums)) {
    const v = spec[f];
    if (v !== undefined && (typeof v !== 'string' || !allowed.includes(v))) {
      causes.push({ field: `spec.${f}`, reason: 'FieldValueNotSupported', message: `Unsupported value: ${quoteValue(v)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}` });
    }
  }
  for (const f of ['duration', 'value'] as const) {
    if (spec[f] !== undefined && typeof spec[f] !== 'string') causes.push({ field: `spec.${f}`, reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeof spec[f]}": spec.${f} in body must be of type string: "${typeof spec[f]}"` });
  }
  if (spec.selector !== undefined && !isObject(spec.selector)) causes.push({ field: 'spec.selector', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.selector in body must be of type object' });
  return causes;
}

/** Chaos Mesh's validating webhook (common_webhook.go PodSelector/Duration, per-kind Validate). */
function webhookErrors(obj: KObject): string[] {
  const spec = obj.spec as JsonObject;
  const errs: string[] = [];
  const checkSelector = (s: JsonObject, path: string): void => {
    const mode = s.mode;
    const value = typeof s.value === 'string' ? s.value : '';
    if (mode === 'fixed' || mode === 'fixed-percent' || mode === 'random-max-percent') {
      const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
      if (Number.isNaN(n)) errs.push(`${path}.value: Invalid value: "${value}": parse value field error:strconv.Atoi: parsing "${value}": invalid syntax`);
      else if (mode === 'fixed' && n <= 0) errs.push(`${path}.value: Invalid value: "${value}": value must be greater than 0 with mode:fixed`);
      else if (mode !== 'fixed' && (n <= 0 || n > 100)) errs.push(`${path}.value: Invalid value: "${value}": value of ${n} is invalid, Must be (0,100] with mode:${mode}`);
    }
  };
  checkSelector(spec, 'spec');
  if (obj.kind === 'NetworkChaos' && isObject(spec.target)) checkSelector(spec.target, 'spec.target');
  if (typeof spec.duration === 'string' && spec.duration !== '') {
    const d = parseGoDuration(spec.duration);
    if (d instanceof Error) errs.push(`spec.duration: Invalid value: "${spec.duration}": parse duration field error: ${d.message}`);
  }
  if (obj.kind === 'StressChaos') {
    const st = spec.stressors;
    const ng = spec.stressngStressors;
    if ((typeof ng !== 'string' || ng === '') && !isObject(st)) errs.push('spec: Invalid value: "{}": missing stressors');
    else if (isObject(st) && !isObject(st.cpu) && !isObject(st.memory)) errs.push('spec.stressors: Invalid value: "{}": missing stressors');
  }
  if (obj.kind === 'PodChaos' && spec.action === 'container-kill' && (!Array.isArray(spec.containerNames) || spec.containerNames.length === 0)) {
    errs.push('spec.containerNames: Invalid value: "null": the name of container is required on container-kill action: invalid value');
  }
  if (obj.kind === 'NetworkChaos' && spec.action !== 'partition' && (spec.direction === 'from' || spec.direction === 'both') && !isObject(spec.target)) {
    errs.push(`spec.direction: Invalid value: "${String(spec.direction)}": \`from\` and \`both\` direction cannot be used when targets is empty in netem action`);
  }
  return errs;
}

function deny(def: ResourceDef, name: string, errs: string[]): never {
  throw webhookDenied(`v${def.plural}.kb.io`, def.plural, def.group, name, errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
}

/**
 * Admission of a create: defaults and prunes `obj` in place; throws 422 or 403 as the real chain
 * would. Returns the unknown fields pruned (the server reports them per fieldValidation).
 */
export function admitChaosCreate(def: ResourceDef, obj: KObject): string[] {
  const schema = SCHEMAS[def.kind];
  if (!schema) return [];
  const pruned = defaultAndPrune(obj, schema);
  const causes = schemaCauses(obj, schema);
  if (causes.length > 0) throw invalid(def.kind, def.group, obj.metadata.name, causes);
  const errs = webhookErrors(obj);
  if (errs.length > 0) deny(def, obj.metadata.name, errs);
  return pruned;
}

/** Admission of an update: same chain, and the spec may not change at all (ErrCanNotUpdateChaos). */
export function admitChaosUpdate(def: ResourceDef, old: KObject, obj: KObject): string[] {
  const schema = SCHEMAS[def.kind];
  if (!schema) return [];
  const pruned = defaultAndPrune(obj, schema);
  const causes = schemaCauses(obj, schema);
  if (causes.length > 0) throw invalid(def.kind, def.group, obj.metadata.name, causes);
  if (canonical(old.spec) !== canonical(obj.spec)) deny(def, obj.metadata.name, ['Cannot update chaos spec']);
  const errs = webhookErrors(obj);
  if (errs.length > 0) deny(def, obj.metadata.name, errs);
  return pruned;
}
