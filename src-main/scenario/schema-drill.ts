/**
 * The optional training blocks of a runbook. `drill:` turns a runbook into a training drill
 * (hidden faults, a briefing, a diagnosis to find, hints on a schedule, score targets);
 * `rehearsal:` scripts what the room would observe at each step when the runbook is walked as a
 * tabletop exercise (nothing sent to any node). Cross-references (answer among the choices,
 * outcome keys naming real steps, the mitigation probe) are checked in checks-drill.ts.
 */
import { z } from 'zod';
import { duration, id, text } from './schema-common.js';

/** Points a revealed hint costs when the runbook does not say. */
export const DEFAULT_HINT_PENALTY = 5;

export const drillHintSchema = z.strictObject({
  /** Revealed this long after the drill clock starts (the first hidden fault is active). */
  after: duration,
  text,
  penalty: z.number().int('must be a whole number').min(0, 'must be 0-100').max(100, 'must be 0-100').default(DEFAULT_HINT_PENALTY),
});

/** What trainees see as the drill's name when the runbook does not set `drill.title`. */
export const DEFAULT_DRILL_TITLE = 'Training drill';

export const drillSchema = z.strictObject({
  /**
   * The drill's name as trainees see it (default "Training drill"). The runbook's own title and
   * file name stay hidden from them while the drill runs: they usually name the fault.
   */
  title: z.string().min(1, 'must not be empty').max(120, 'must be at most 120 characters').optional(),
  /** What trainees are told before they start (never the answer). */
  briefing: text,
  diagnosis: z.strictObject({
    choices: z.array(z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters')).min(2, 'offer at least two choices').max(20, 'at most 20 choices'),
    answer: z.string().min(1, 'must not be empty'),
  }),
  hints: z.array(drillHintSchema).max(20, 'at most 20 hints').default([]),
  targets: z.strictObject({ detect: duration, mitigate: duration }),
  /** The probe whose health confirms a "mitigated" declaration; default the runbook's primary probe. */
  mitigationProbe: id.optional(),
});

export const rehearsalSchema = z.strictObject({
  /** Step id → what the room would observe when the walk reaches that step. */
  outcomes: z.record(z.string(), text).default({}),
});

export type DrillSpec = z.infer<typeof drillSchema>;
export type DrillHint = z.infer<typeof drillHintSchema>;
export type RehearsalSpec = z.infer<typeof rehearsalSchema>;
