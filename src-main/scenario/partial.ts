/**
 * A best-effort model of a runbook that failed the schema, so the reference and fault checks can
 * still run and the author sees every problem in one pass, not schema errors first and broken
 * references after the next save.
 *
 * Each element (target, probe, abort condition, step) is parsed on its own; an invalid one is
 * replaced by a stand-in that keeps its id (so references to it still resolve) and is marked, so
 * no check looks at its made-up fields. Sections that are not even the right shape are marked
 * broken, and references into them are not checked (the schema error already says what to fix).
 */
import type { z } from 'zod';
import {
  abortConditionSchema,
  drillSchema,
  rehearsalSchema,
  environment,
  ID_RE,
  probeSchema,
  sloSchema,
  stepSchema,
  targetSchema,
  type AbortCondition,
  type Phase,
  type ProbeSpec,
  type Scenario,
  type SloSpec,
  type Step,
  type TargetSpec,
} from './schema.js';

/** What the checks must know about a partial model. */
export interface Partiality {
  /** Stand-in objects: their fields other than `id` are invented. */
  standIns: WeakSet<object>;
  /** Sections whose container had the wrong shape. */
  broken: Set<'targets' | 'probes' | 'phases'>;
  /** True for a model rebuilt after a schema failure: whole-runbook rules (prod gate, warnings) wait for a valid file. */
  partial: boolean;
}

/** A full model has no stand-ins and nothing broken. */
export function complete(): Partiality {
  return { standIns: new WeakSet(), broken: new Set(), partial: false };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The raw id when it is a valid one; '' otherwise (never referenced, never compared). */
function rawId(v: unknown): string {
  const id = isRecord(v) ? v.id : undefined;
  return typeof id === 'string' && ID_RE.test(id) ? id : '';
}

function parseOr<S extends z.ZodType>(schema: S, v: unknown, standIn: () => z.infer<S> & object, p: Partiality): z.infer<S> {
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  const s = standIn();
  p.standIns.add(s);
  return s;
}

function list(v: unknown, section: 'probes' | 'phases' | null, p: Partiality): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== undefined && section) p.broken.add(section);
  return [];
}

/** Build the partial model from raw YAML data (already known to be a mapping). */
export function partialScenario(data: Record<string, unknown>): { scenario: Scenario; partiality: Partiality } {
  const p: Partiality = { ...complete(), partial: true };
  const targets: Record<string, TargetSpec> = {};
  if (isRecord(data.targets)) {
    for (const [k, v] of Object.entries(data.targets)) targets[k] = parseOr(targetSchema, v, () => ({ selector: 'all', maxNodes: 1 }), p);
  } else if (data.targets !== undefined) p.broken.add('targets');

  const probes: ProbeSpec[] = list(data.probes, 'probes', p).map((v) =>
    parseOr(probeSchema, v, () => ({ id: rawId(v), kind: 'tcp' as const, address: 'stand-in:1', interval: 1, timeout: 0.5, healthyAfter: 1 }), p));
  const abort: AbortCondition[] = list(data.abort, null, p).map((v) => parseOr(abortConditionSchema, v, () => ({ probe: '' }), p));

  const slos: SloSpec = {};
  if (isRecord(data.slos)) {
    // Each SLO alone, so one bad SLO does not hide another's unknown probe.
    for (const key of ['recoveryTime', 'detectionTime', 'availability', 'errorRate', 'latencyP95'] as const) {
      const r = sloSchema.safeParse({ [key]: data.slos[key] });
      if (r.success) Object.assign(slos, r.data);
    }
  }

  const phases: Phase[] = list(data.phases, 'phases', p).map((ph) => {
    const steps: Step[] = list(isRecord(ph) ? ph.steps : undefined, null, p).map((v) =>
      parseOr(stepSchema, v, () => ({ id: rawId(v), kind: 'note' as const, prompt: '-' }), p));
    return { id: rawId(ph), title: '-', steps };
  });

  const env = environment.safeParse(data.environment);
  const protectedList = Array.isArray(data.protected) && data.protected.every((s) => typeof s === 'string' && s !== '') ? (data.protected as string[]) : [];
  const scenario: Scenario = {
    version: 1,
    title: '-',
    hypothesis: '-',
    environment: env.success ? env.data : 'lab',
    allowProd: data.allowProd === true,
    leaseTtl: '30s',
    targets,
    protected: protectedList,
    probes,
    slos,
    abort,
    phases,
  };
  // The training blocks are checked only when they parse on their own (their schema errors are reported already).
  const drill = drillSchema.safeParse(data.drill);
  if (drill.success) scenario.drill = drill.data;
  const rehearsal = rehearsalSchema.safeParse(data.rehearsal);
  if (rehearsal.success) scenario.rehearsal = rehearsal.data;
  return { scenario, partiality: p };
}
