/**
 * The runbook (scenario) file, version 1: the top-level schema. Strict everywhere: an unknown field
 * is an error, because in a game day a misspelt `maxNode` must not silently widen the blast radius.
 *
 * The inferred `Scenario` type is the parsed model the engine runs: defaults applied (environment,
 * allowProd, healthyAfter, probe tool, command risk/approval), durations kept as written.
 */
import { z } from 'zod';
import { duration, environment, id, ID_MESSAGE, ID_RE, text, withHint } from './schema-common.js';
import { abortConditionSchema, probeSchema, sloSchema } from './schema-probes.js';
import { phaseSchema } from './schema-steps.js';
import { drillSchema, rehearsalSchema } from './schema-drill.js';

export * from './schema-common.js';
export * from './schema-probes.js';
export * from './schema-steps.js';
export * from './schema-drill.js';

/** Dead-man lease TTL when the runbook sets none (DESIGN.md "Lease before fault"). */
export const DEFAULT_LEASE_TTL = '30s';
/** No single target may reach more nodes than this; larger fleets are split into several targets. */
export const MAX_NODES_LIMIT = 1000;

const cap = z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_NODES_LIMIT, `must be at most ${MAX_NODES_LIMIT}`);
const BLAST_MESSAGE = withHint('a target needs its blast radius: maxNodes (SSH nodes) or maxPods (a k8s: selector)', 'e.g. maxNodes: 2, or for selector: "k8s:shop/app=checkout" maxPods: 1');

/**
 * A named selector with its blast-radius cap: inventory nodes (`maxNodes`), or Kubernetes pods
 * (`k8s:NS/LABELS`, `maxPods`; src-main/engines/k8s). `maxNodes` is always set after parsing
 * (a k8s target's maxPods), so code that counts nodes needs no second case.
 */
export const targetSchema = z.strictObject({
  selector: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
  maxNodes: cap.optional(),
  maxPods: cap.optional(),
  /** A k8s: target in a protected namespace (kube-system …): allowed only with this and an approver on each inject step. */
  allowProtectedNamespace: z.boolean().optional(),
}).superRefine((t, ctx) => {
  // Reported as the missing field it is (issues.ts words it and spots a misspelt "maxNode").
  if (t.maxNodes === undefined && t.maxPods === undefined) ctx.addIssue({ code: 'invalid_type', expected: 'number', input: undefined, path: ['maxNodes'], message: BLAST_MESSAGE });
})
  .transform((t) => ({ ...t, maxNodes: t.maxNodes ?? t.maxPods ?? 1 }));

const personList = z.union([text, z.array(text).max(20, 'at most 20 people')]);

/** Who plays what. Names are free text and optional; observers may be several. */
export const rolesSchema = z.strictObject({
  commander: text.optional(),
  scribe: text.optional(),
  injector: text.optional(),
  observer: personList.optional(),
});

/**
 * Steady state before the first inject: every probe healthy for `samples` in a row on every series,
 * within `within` (default: 10 s or enough ticks of the slowest probe), or nothing is injected.
 */
export const steadyStateSchema = z.strictObject({
  samples: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(3),
  within: duration.optional(),
});

const VERSION_MESSAGE = withHint('unsupported runbook version', 'write version: 1 (the only version this console reads)');

export const scenarioSchema = z.strictObject({
  version: z.literal(1, { error: VERSION_MESSAGE }),
  title: text,
  description: text.optional(),
  owner: text.optional(),
  /** Labels for the scenario browser (e.g. drill, demo); fault categories are added by themselves. */
  tags: z.array(z.string().regex(ID_RE, ID_MESSAGE)).max(20, 'at most 20 tags').optional(),
  hypothesis: text,
  environment: environment.default('lab'),
  allowProd: z.boolean().default(false),
  leaseTtl: duration.default(DEFAULT_LEASE_TTL),
  targets: z.record(z.string().regex(ID_RE, ID_MESSAGE), targetSchema).default({}),
  /** Selectors that are never touched, whatever a target selects. */
  protected: z.array(z.string().min(1, 'must not be empty')).max(100, 'at most 100 protected selectors').default([]),
  roles: rolesSchema.optional(),
  probes: z.array(probeSchema).max(100, 'at most 100 probes').default([]),
  slos: sloSchema.optional(),
  steadyState: steadyStateSchema.optional(),
  abort: z.array(abortConditionSchema).max(50, 'at most 50 abort conditions').default([]),
  phases: z.array(phaseSchema).min(1, 'a runbook needs at least one phase').max(20, 'at most 20 phases'),
  /** Training drill: hidden faults, briefing, diagnosis, hints, score targets (schema-drill.ts). */
  drill: drillSchema.optional(),
  /** Tabletop rehearsal: the scripted outcome of each step. */
  rehearsal: rehearsalSchema.optional(),
});

/** The parsed runbook. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** The runbook as written (before defaults). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type TargetSpec = z.infer<typeof targetSchema>;
export type Roles = z.infer<typeof rolesSchema>;

/** Re-exported for callers that only need the id rule. */
export { id as idSchema };
