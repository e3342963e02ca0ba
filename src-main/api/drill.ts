/**
 * Training drills and tabletop rehearsals: the part of the API contract they add.
 *
 * A drill is a run of a runbook that has a `drill:` block, started with `mode: 'drill'`. The
 * facilitator (the commander seat) sees everything; trainees (their own bridge URL/token) see the
 * run with every fault hidden: no fault kinds, nodes, inject/revert step titles, recovery timers or
 * command output of those steps. Redaction happens in the backend, per connection, so a hidden
 * fault never reaches a trainee's browser. Trainees work in shells and charts and declare
 * "detected" / "mitigated" with a diagnosis; hints are revealed on the runbook's schedule (or early
 * by the facilitator). Everything lands in the audit (`drill.*` events) and in the report.
 *
 * A rehearsal (`mode: 'rehearsal'`) walks any runbook as a tabletop exercise (Wheel of Misfortune):
 * nothing is sent to any node and no probe runs; each inject/revert/probe step shows the runbook's
 * scripted outcome (`rehearsal.outcomes[stepId]`, or a generated one) for the room to discuss.
 */
import { z } from 'zod';

export const runModeSchema = z.enum(['gameday', 'drill', 'rehearsal']);
export type RunMode = z.infer<typeof runModeSchema>;

export const hintViewSchema = z.object({
  index: z.number().int(),
  /** Planned reveal, ms after the drill clock started (first hidden fault active). */
  afterMs: z.number(),
  /** Present once revealed (to trainees only then). */
  text: z.string().optional(),
  revealedAt: z.number().optional(),
  /** 'schedule' or the facilitator's name. */
  revealedBy: z.string().optional(),
  /** Points this hint costs when revealed. */
  penalty: z.number(),
});

export const declarationSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['detected', 'mitigated']),
  trainee: z.string(),
  at: z.number(),
  /** One of the drill's diagnosis choices (or free text when the runbook has none). */
  diagnosis: z.string().optional(),
  notes: z.string().optional(),
  /** Mitigated declarations: did the probes agree (healthy for k samples after it)? null while unknown. */
  confirmed: z.boolean().nullable().optional(),
  /** The facilitator's ruling, when given (overrides `confirmed` for scoring). */
  ruling: z.enum(['accepted', 'rejected']).optional(),
});

export const drillScorePartSchema = z.object({
  name: z.enum(['detect', 'mitigate', 'diagnosis', 'steps']),
  points: z.number(),
  max: z.number(),
  /** Measured figure in words, e.g. "detected after 1m12s (target 2m)". */
  detail: z.string(),
});

export const drillScoreSchema = z.object({
  total: z.number(),
  max: z.number(),
  parts: z.array(drillScorePartSchema),
  /** The formula in one or two plain sentences (shown on the debrief and in the report). */
  formula: z.string(),
  ttdMs: z.number().nullable(),
  ttmMs: z.number().nullable(),
  diagnosisCorrect: z.boolean().nullable(),
  hintsUsed: z.number(),
  /** Shell commands trainees ran (from the audit). */
  commandsUsed: z.number(),
});

/** What a client sees of the drill; trainees get the redacted form (no answer, unrevealed hint texts absent). */
export const drillViewSchema = z.object({
  runId: z.string(),
  mode: runModeSchema,
  briefing: z.string(),
  /** The diagnosis choices offered to trainees (never marked). */
  choices: z.array(z.string()),
  /** Facilitator only. */
  answer: z.string().optional(),
  /** Epoch ms the drill clock started (first hidden fault active); absent before. */
  clockStartedAt: z.number().optional(),
  hints: z.array(hintViewSchema),
  declarations: z.array(declarationSchema),
  /** Live for the facilitator; for trainees only once the run has ended. */
  score: drillScoreSchema.optional(),
  /** Targets for the score (ms). */
  ttdTargetMs: z.number(),
  ttmTargetMs: z.number(),
  /** Rehearsal: the scripted outcome per step id, revealed as the walk reaches it. */
  outcomes: z.record(z.string(), z.string()).optional(),
});

/** The debrief: everything needed to replay a finished run at any speed with a scrubber. */
export const debriefSchema = z.object({
  runId: z.string(),
  title: z.string(),
  mode: runModeSchema,
  startedAt: z.number(),
  endedAt: z.number(),
  events: z.array(z.object({ t: z.number(), kind: z.string(), actor: z.string().nullable(), node: z.string().nullable(), text: z.string() })),
  /** Downsampled probe series: [t, value|null, healthy 0/1]. */
  probes: z.array(
    z.object({
      probeId: z.string(),
      series: z.array(z.object({ name: z.string(), points: z.array(z.tuple([z.number(), z.number().nullable(), z.union([z.literal(0), z.literal(1)])])) })),
      /** The axis label (api/units.ts) and the probe's interval, when the runbook is still readable. */
      unit: z.string().optional(),
      intervalMs: z.number().optional(),
    }),
  ),
  faults: z.array(z.object({ id: z.string(), kind: z.string(), node: z.string(), injectedAt: z.number().nullable(), revertedAt: z.number().nullable() })),
  notes: z.array(z.object({ t: z.number(), role: z.string(), author: z.string(), text: z.string() })),
  drill: drillViewSchema.optional(),
});

export type HintView = z.infer<typeof hintViewSchema>;
export type Declaration = z.infer<typeof declarationSchema>;
export type DrillScore = z.infer<typeof drillScoreSchema>;
export type DrillView = z.infer<typeof drillViewSchema>;
export type Debrief = z.infer<typeof debriefSchema>;
