/**
 * Steps of a runbook phase, one strict schema per kind, discriminated by `kind`. References between
 * steps (revert → inject, integrity pairs) and into the rest of the runbook (targets, probes, fault
 * registry) are checked after the schema, in checks-*.ts.
 */
import { z } from 'zod';
import { duration, id, INTENSITIES, text, withHint } from './schema-common.js';

/** Fields every step may carry. */
const stepBase = {
  id,
  title: text.optional(),
  text: text.optional(),
  /** Forces a second person's go before the step runs. */
  approval: z.literal('required', { error: withHint('approval can only be "required"', 'write approval: required, or leave it out') }).optional(),
  /** Longest the step may take before it counts as failed. */
  timeout: duration.optional(),
};

/** Free-form parameters of a fault; their real schema is the fault module's (checked in checks-faults.ts). */
const faultParams = z.record(z.string(), z.unknown());

/** Tell the room what to do; nothing is sent to nodes. */
export const instructionStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('instruction'),
  text,
  checklist: z.array(text).max(100, 'at most 100 checklist items').optional(),
});

/** Inject a fault from the registry on the nodes of a target. */
export const injectStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('inject'),
  fault: z.string().min(1, 'must not be empty'),
  target: id,
  intensity: z.enum(INTENSITIES).optional(),
  params: faultParams.optional(),
  /** Hold the fault this long, then revert it automatically; absent = until a revert step or the end of the run. */
  duration: duration.optional(),
});

/** Revert the fault injected by an earlier inject step. */
export const revertStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('revert'),
  step: id,
});

/** Let time pass (observe). */
export const waitStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('wait'),
  duration,
});

/** Check a probe is (or becomes) healthy / unhealthy, optionally waiting up to `within`. */
export const assertStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('assert'),
  probe: id,
  expect: z.enum(['healthy', 'unhealthy']),
  within: duration.optional(),
});

/** A go / no-go gate; `approvers` names who may give it. */
export const approvalStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('approval'),
  text,
  approvers: z.array(text).min(1, 'name at least one approver, or leave the list out').max(20, 'at most 20 approvers').optional(),
});

/** Ask the scribe to record an observation. */
export const noteStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('note'),
  prompt: text,
});

/**
 * Run the operator's own command on the nodes of a target. Always high risk and always approved
 * by a second person: the defaults below make that so even when the author leaves them out, and a
 * runbook cannot lower them.
 */
export const commandStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('command'),
  target: id,
  command: text,
  risk: z.literal('high', { error: withHint('command steps are always high risk', 'remove "risk" or write risk: high') }).default('high'),
  approval: z.literal('required', { error: withHint('command steps always need approval', 'remove "approval" or write approval: required') }).default('required'),
});

/**
 * Run a read-only command and keep its output, to compare before and after: the earlier step names
 * the later one in `compareAfter`, the later one names the earlier in `compareWith`.
 */
export const integrityStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('integrity'),
  target: id,
  command: text,
  compareWith: id.optional(),
  compareAfter: id.optional(),
});

export const STEP_KINDS = ['instruction', 'inject', 'revert', 'wait', 'assert', 'approval', 'note', 'command', 'integrity'] as const;

export const stepSchema = z.discriminatedUnion('kind', [
  instructionStepSchema,
  injectStepSchema,
  revertStepSchema,
  waitStepSchema,
  assertStepSchema,
  approvalStepSchema,
  noteStepSchema,
  commandStepSchema,
  integrityStepSchema,
]);

/** Steps are capped per phase: a 1000-step phase is a generated file gone wrong, not a game day. */
export const MAX_STEPS_PER_PHASE = 200;

export const phaseSchema = z.strictObject({
  id,
  title: text,
  /** Planned length; an overrun is shown, not enforced. */
  duration: duration.optional(),
  steps: z.array(stepSchema).min(1, 'a phase needs at least one step').max(MAX_STEPS_PER_PHASE, `at most ${MAX_STEPS_PER_PHASE} steps per phase`),
});

export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];
export type InstructionStep = z.infer<typeof instructionStepSchema>;
export type InjectStep = z.infer<typeof injectStepSchema>;
export type RevertStep = z.infer<typeof revertStepSchema>;
export type WaitStep = z.infer<typeof waitStepSchema>;
export type AssertStep = z.infer<typeof assertStepSchema>;
export type ApprovalStep = z.infer<typeof approvalStepSchema>;
export type NoteStep = z.infer<typeof noteStepSchema>;
export type CommandStep = z.infer<typeof commandStepSchema>;
export type IntegrityStep = z.infer<typeof integrityStepSchema>;
export type Phase = z.infer<typeof phaseSchema>;
