/**
 * Engine → UI events: the one contract the Electron IPC, the preload, the loopback bridge and the
 * renderer share. Every payload is a zod schema; TypeScript types are inferred from them. Times
 * are epoch milliseconds taken from the engine's monotonic clock (performance.timeOrigin + now), so
 * they line up with probe samples; `serverNow` on the snapshot lets a client correct its own clock.
 */
import { z } from 'zod';
import { drillViewSchema, runModeSchema } from './drill.js';

export const runStateSchema = z.enum(['ready', 'preflight', 'running', 'paused', 'stopping', 'completed', 'aborted', 'failed']);
export const stepStatusSchema = z.enum(['pending', 'running', 'awaiting-approval', 'awaiting-operator', 'done', 'skipped', 'failed']);
export const phaseStatusSchema = z.enum(['pending', 'running', 'done', 'skipped']);
export const faultStateSchema = z.enum(['injecting', 'active', 'reverting', 'reverted', 'residue', 'unreachable', 'failed']);

export const stepViewSchema = z.object({
  id: z.string(),
  phaseId: z.string(),
  kind: z.string(),
  title: z.string(),
  text: z.string().optional(),
  checklist: z.array(z.object({ item: z.string(), done: z.boolean() })).optional(),
  status: stepStatusSchema,
  risk: z.enum(['low', 'medium', 'high']).optional(),
  needsApproval: z.boolean(),
  approvers: z.array(z.string()).optional(),
  approvedBy: z.string().optional(),
  approvedAt: z.number().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** Planned length (wait/inject duration, timeout) for the step countdown. */
  plannedMs: z.number().optional(),
  message: z.string().optional(),
  /** Fault kind for inject steps, target name for targeted steps. */
  fault: z.string().optional(),
  target: z.string().optional(),
  oneShot: z.boolean().optional(),
  /** Why its outcome proves nothing: it depended on a fault the node's lease had already reverted. */
  inconclusive: z.string().optional(),
});

export const phaseViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: phaseStatusSchema,
  plannedMs: z.number().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
});

export const faultViewSchema = z.object({
  id: z.string(),
  stepId: z.string().optional(),
  kind: z.string(),
  node: z.string(),
  state: faultStateSchema,
  oneShot: z.boolean(),
  injectedAt: z.number().optional(),
  leaseExpiresAt: z.number(),
  /** When the engine will revert it by itself (inject step `duration`). */
  autoRevertAt: z.number().optional(),
  /** Set while lease renewals fail: since when, and when the node will revert it by itself (epoch ms). */
  leaseWarning: z.object({ failedSince: z.number(), expiresAt: z.number() }).optional(),
  detail: z.string().optional(),
});

/**
 * One recovery timer: a fault (an inject step) on the primary probe, or an impact outside every
 * fault window (`unattributed`). Figures and states are those of probes/impact.ts, live and in the
 * report alike: flapping = a healthy run broke again (a relapse); interrupted = the next fault became
 * active before the recovery held.
 */
export const timerViewSchema = z.object({
  faultId: z.string(),
  probeId: z.string(),
  series: z.string(),
  state: z.enum(['waiting', 'degraded', 'recovering', 'flapping', 'recovered', 'interrupted']),
  /** When the fault became active (an unattributed impact: when it started). */
  injectedAt: z.number(),
  detectedAt: z.number().optional(),
  /** The start of the healthy run that held (see DESIGN.md "Truth rules"). */
  recoveredAt: z.number().optional(),
  targetMs: z.number().optional(),
  colour: z.enum(['green', 'amber', 'red']),
  /** ± this many ms: the probe interval bounds the precision. */
  precisionMs: z.number(),
  /** Impact outside every fault window: never part of a fault's figures. */
  unattributed: z.boolean().optional(),
  /** The clock the recovery target is read on. */
  clock: z.enum(['revert', 'inject', 'detect']).optional(),
  /** When the fault's active window ended, and how (revert verified, lease expired, one-shot). */
  endedAt: z.number().optional(),
  endKind: z.enum(['revert', 'lease', 'one-shot']).optional(),
  /** Named figures (ms): impact duration, recovery after the revert, self-healed during the fault. */
  impactMs: z.number().optional(),
  recoverAfterRevertMs: z.number().optional(),
  selfHealed: z.boolean().optional(),
  selfHealedAfterMs: z.number().optional(),
  relapses: z.number().optional(),
  /** The hold window, the healthy run now holding, and when it can be confirmed at the soonest. */
  holdMs: z.number().optional(),
  holdingSince: z.number().optional(),
  holdUntil: z.number().optional(),
  interruptedAt: z.number().optional(),
  interruptedBy: z.string().optional(),
  unhealthyAtStart: z.boolean().optional(),
});

export const probeViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  series: z.array(z.string()),
  intervalMs: z.number(),
  /** Latest health per series. */
  healthy: z.record(z.string(), z.boolean()),
  /** What the value measures, for the chart's axis (api/units.ts probeUnit), e.g. "latency (ms)". */
  unit: z.string().optional(),
});

export const noteSchema = z.object({ ts: z.number(), role: z.string(), author: z.string(), text: z.string() });

export const stopNodeSchema = z.object({
  node: z.string(),
  status: z.enum(['reverted', 'residue', 'unreachable', 'nothing']),
  faults: z.array(z.object({ id: z.string(), kind: z.string(), state: z.string(), detail: z.string().optional() })),
  leaseExpiresAt: z.string().optional(),
});
export const stopReportSchema = z.object({
  reason: z.string(),
  actor: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  nodes: z.array(stopNodeSchema),
  clean: z.boolean(),
  /** The audit could not take STOP's records: where they are kept instead (nodes unaffected). */
  auditProblem: z.string().optional(),
  /** STOP hit an unexpected error: reverted what it could; the rest reverts by lease. */
  error: z.string().optional(),
});

export const sloResultSchema = z.object({ name: z.string(), verdict: z.enum(['pass', 'fail', 'unknown']), measured: z.string(), target: z.string(), detail: z.string().optional() });

/** Everything a client needs to draw the live run from scratch (late join, observer screen, reload). */
export const runSnapshotSchema = z.object({
  runId: z.string(),
  scenarioFile: z.string(),
  title: z.string(),
  environment: z.enum(['lab', 'staging', 'prod']),
  simulated: z.boolean(),
  dryRun: z.boolean(),
  /** gameday (default), drill (hidden faults, trainees) or rehearsal (tabletop, nothing sent). */
  mode: runModeSchema.optional(),
  state: runStateSchema,
  commander: z.string(),
  roles: z.record(z.string(), z.array(z.string())),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  serverNow: z.number(),
  phases: z.array(phaseViewSchema),
  steps: z.array(stepViewSchema),
  currentStepId: z.string().optional(),
  faults: z.array(faultViewSchema),
  timers: z.array(timerViewSchema),
  probes: z.array(probeViewSchema),
  notes: z.array(noteSchema),
  stop: stopReportSchema.optional(),
  slos: z.array(sloResultSchema).optional(),
  abortReason: z.string().optional(),
});

/** The event stream; `type` discriminates. */
export const engineEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.snapshot'), snapshot: runSnapshotSchema }),
  z.object({ type: z.literal('run.state'), runId: z.string(), state: runStateSchema, at: z.number() }),
  z.object({ type: z.literal('phase.update'), runId: z.string(), phase: phaseViewSchema }),
  z.object({ type: z.literal('step.update'), runId: z.string(), step: stepViewSchema }),
  z.object({ type: z.literal('fault.update'), runId: z.string(), fault: faultViewSchema }),
  z.object({ type: z.literal('timer.update'), runId: z.string(), timer: timerViewSchema }),
  /** Probe samples in batches: [t, value|null, healthy 0/1] triples per series. */
  z.object({ type: z.literal('probe.samples'), runId: z.string(), probeId: z.string(), series: z.string(), points: z.array(z.tuple([z.number(), z.number().nullable(), z.union([z.literal(0), z.literal(1)])])) }),
  z.object({ type: z.literal('exec.output'), runId: z.string(), stepId: z.string().optional(), node: z.string(), stream: z.enum(['stdout', 'stderr', 'info']), data: z.string() }),
  z.object({ type: z.literal('note.added'), runId: z.string(), note: noteSchema }),
  z.object({ type: z.literal('abort.fired'), runId: z.string(), reason: z.string(), at: z.number() }),
  z.object({ type: z.literal('stop.report'), runId: z.string(), report: stopReportSchema }),
  z.object({ type: z.literal('run.result'), runId: z.string(), slos: z.array(sloResultSchema), exitCode: z.number() }),
  /** Drill state changed (hint revealed, declaration, score); redacted per role like the snapshot. */
  z.object({ type: z.literal('drill.update'), runId: z.string(), drill: drillViewSchema }),
  z.object({ type: z.literal('shell.output'), shellId: z.string(), data: z.string() }),
  z.object({ type: z.literal('shell.closed'), shellId: z.string(), reason: z.string().optional() }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string(), at: z.number() }),
]);

export type RunState = z.infer<typeof runStateSchema>;
export type StepStatus = z.infer<typeof stepStatusSchema>;
export type StepView = z.infer<typeof stepViewSchema>;
export type PhaseView = z.infer<typeof phaseViewSchema>;
export type FaultView = z.infer<typeof faultViewSchema>;
export type TimerView = z.infer<typeof timerViewSchema>;
export type ProbeView = z.infer<typeof probeViewSchema>;
export type Note = z.infer<typeof noteSchema>;
export type StopReportView = z.infer<typeof stopReportSchema>;
export type SloResult = z.infer<typeof sloResultSchema>;
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;
export type EngineEvent = z.infer<typeof engineEventSchema>;
