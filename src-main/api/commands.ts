/**
 * UI → engine commands: one map from name to request and response schemas. The main process (IPC
 * handlers) and the bridge validate every request with these before acting; the renderer and the
 * preload are typed from them. `observer` sessions may only call the read-only ones (`readOnly`).
 */
import { z } from 'zod';
import { runSnapshotSchema, stopReportSchema } from './events.js';
import { debriefSchema, drillViewSchema, runModeSchema } from './drill.js';
import { roleSchema, transportKindSchema, type TransportKind } from './roles.js';

const problemSchema = z.object({ file: z.string(), line: z.number(), col: z.number(), path: z.string(), message: z.string(), hint: z.string().optional(), severity: z.enum(['error', 'warning']).optional() });
const scenarioSummarySchema = z.object({ file: z.string(), title: z.string(), environment: z.string(), hypothesis: z.string().optional(), tags: z.array(z.string()), phases: z.number(), steps: z.number(), faults: z.array(z.string()), valid: z.boolean() });
const nodeSchema = z.object({ name: z.string(), address: z.string(), env: z.string(), gpu: z.string(), tags: z.array(z.string()), jump: z.array(z.string()) });
const checkCellSchema = z.object({ id: z.string(), ok: z.boolean(), required: z.boolean(), message: z.string(), hint: z.string().optional() });
const preflightSchema = z.object({
  ok: z.boolean(),
  cells: z.array(z.object({ node: z.string(), fault: z.string(), ok: z.boolean(), checks: z.array(checkCellSchema) })),
  nodes: z.array(z.object({ node: z.string(), reachable: z.boolean(), os: z.string().optional(), error: z.string().optional() })),
});
const runSummarySchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  scenario: z.string().nullable(),
  status: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** What kind of run (api/outcome.ts): its mode, whether nothing was sent, and its marker. */
  mode: runModeSchema.optional(),
  dryRun: z.boolean().optional(),
  /** How it ended, in the one vocabulary (describeOutcome), with its DRY RUN / REHEARSAL / DRILL marker. */
  outcome: z.object({ kind: z.enum(['in progress', 'completed', 'stopped', 'aborted', 'refused', 'failed']), text: z.string(), marker: z.enum(['DRY RUN', 'REHEARSAL', 'DRILL']).nullable() }).optional(),
});
const auditEventSchema = z.object({ seq: z.number(), runId: z.string().nullable(), ts: z.string(), kind: z.string(), actor: z.string().nullable(), node: z.string().nullable(), data: z.unknown() });

/** An exported file sent to a browser: its name, type and bytes (base64). */
const exportFileSchema = z.object({ name: z.string(), mime: z.string(), base64: z.string() });

const none = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

export const commands = {
  'app.info': { readOnly: true, req: none, res: z.object({ version: z.string(), role: roleSchema, simulated: z.boolean(), workspace: z.string(), inventory: z.string().nullable(), transport: transportKindSchema, /** Commander only: the URL trainees open for a drill. */ traineeUrl: z.string().optional() }) },
  'scenario.list': { readOnly: true, req: none, res: z.array(scenarioSummarySchema) },
  'scenario.open': { readOnly: true, req: z.object({ file: z.string().min(1) }).strict(), res: z.object({ file: z.string(), text: z.string(), summary: scenarioSummarySchema.nullable(), problems: z.array(problemSchema) }) },
  'scenario.validate': { readOnly: true, req: z.object({ file: z.string(), text: z.string().max(1024 * 1024) }).strict(), res: z.object({ summary: scenarioSummarySchema.nullable(), problems: z.array(problemSchema) }) },
  'scenario.save': { readOnly: false, req: z.object({ file: z.string(), text: z.string().max(1024 * 1024) }).strict(), res: z.object({ problems: z.array(problemSchema) }) },
  'inventory.nodes': { readOnly: true, req: none, res: z.object({ file: z.string().nullable(), nodes: z.array(nodeSchema) }) },
  'inventory.check': { readOnly: false, req: none, res: z.array(z.object({ node: z.string(), reachable: z.boolean(), auth: z.string().optional(), privilege: z.string().optional(), os: z.string().optional(), error: z.string().optional() })) },
  'preflight.run': { readOnly: false, req: z.object({ file: z.string() }).strict(), res: preflightSchema },
  'run.start': { readOnly: false, req: z.object({ file: z.string(), commander: z.string().min(1).max(80), dryRun: z.boolean().optional(), mode: runModeSchema.optional(), preflightOverride: z.string().max(500).optional() }).strict(), res: z.object({ runId: z.string() }) },
  'run.snapshot': { readOnly: true, req: none, res: runSnapshotSchema.nullable() },
  'run.pause': { readOnly: false, req: none, res: ok },
  'run.resume': { readOnly: false, req: none, res: ok },
  'run.advance': { readOnly: false, req: z.object({ stepId: z.string() }).strict(), res: ok },
  'run.skip': { readOnly: false, req: z.object({ stepId: z.string(), reason: z.string().min(1).max(500) }).strict(), res: ok },
  'run.approve': { readOnly: false, req: z.object({ stepId: z.string(), approver: z.string().min(1).max(80) }).strict(), res: ok },
  'run.reject': { readOnly: false, req: z.object({ stepId: z.string(), approver: z.string().min(1).max(80), reason: z.string().max(500) }).strict(), res: ok },
  'run.checklist': { readOnly: false, req: z.object({ stepId: z.string(), index: z.number().int().min(0), done: z.boolean() }).strict(), res: ok },
  'run.note': { readOnly: false, trainee: true, req: z.object({ role: z.string().min(1).max(40), author: z.string().min(1).max(80), text: z.string().min(1).max(4000) }).strict(), res: ok },
  /** STOP: one call, no confirmation. Observers may not press it (they have no commands at all). */
  'run.stop': { readOnly: false, req: z.object({ reason: z.string().max(200).optional() }).strict(), res: stopReportSchema },
  'runs.list': { readOnly: true, req: none, res: z.array(runSummarySchema) },
  'runs.interrupted': { readOnly: true, req: none, res: z.array(z.object({ runId: z.string(), faults: z.array(z.object({ id: z.string(), node: z.string(), kind: z.string(), state: z.string(), leaseExpiresAt: z.string().nullable() })) })) },
  'runs.reconcile': { readOnly: false, req: z.object({ runId: z.string() }).strict(), res: z.object({ reverted: z.number(), residue: z.number(), unreachable: z.number(), /** Left alone: their leases are still being renewed (a live console holds them). */ live: z.number().optional() }) },
  'report.preview': { readOnly: true, req: z.object({ runId: z.string() }).strict(), res: z.object({ markdown: z.string(), html: z.string() }) },
  /** Written into the workspace's reports folder; `content: true` also returns the file, for a browser to download. */
  'report.export': { readOnly: false, req: z.object({ runId: z.string(), format: z.enum(['md', 'html', 'pdf', 'json']), content: z.boolean().optional() }).strict(), res: z.object({ path: z.string(), file: exportFileSchema.optional() }) },
  /** The audit (one run, or all) as JSON lines with DRY RUN / REHEARSAL / DRILL markers, written into the workspace's exports folder. */
  'audit.export': { readOnly: false, req: z.object({ runId: z.string().optional(), content: z.boolean().optional() }).strict(), res: z.object({ path: z.string(), events: z.number(), file: exportFileSchema.optional() }) },
  'audit.events': { readOnly: true, req: z.object({ runId: z.string().optional(), kind: z.string().max(100).optional(), sinceSeq: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(), res: z.array(auditEventSchema) },
  'audit.verify': {
    readOnly: true,
    req: none,
    res: z.object({
      ok: z.boolean(),
      checked: z.number(),
      firstBroken: z.object({ seq: z.number(), reason: z.string() }).optional(),
      /** Each check by name (chain, hmac, rows, anchor) with what it looked at. */
      checks: z.array(z.object({ name: z.string(), ok: z.boolean(), text: z.string() })).optional(),
      head: z.object({ seq: z.number(), hash: z.string() }).optional(),
    }),
  },
  'shell.open': { readOnly: false, trainee: true, req: z.object({ node: z.string(), cols: z.number().int().min(10).max(500), rows: z.number().int().min(5).max(200) }).strict(), res: z.object({ shellId: z.string() }) },
  'shell.input': { readOnly: false, trainee: true, req: z.object({ shellId: z.string(), data: z.string().max(65536) }).strict(), res: ok },
  'shell.resize': { readOnly: false, trainee: true, req: z.object({ shellId: z.string(), cols: z.number().int().min(10).max(500), rows: z.number().int().min(5).max(200) }).strict(), res: ok },
  'shell.ack': { readOnly: false, trainee: true, req: z.object({ shellId: z.string(), bytes: z.number().int().min(0) }).strict(), res: ok },
  'shell.close': { readOnly: false, trainee: true, req: z.object({ shellId: z.string() }).strict(), res: ok },
  /** Drills (api/drill.ts). The view is redacted for trainees by the backend. */
  'drill.state': { readOnly: true, req: none, res: drillViewSchema.nullable() },
  'drill.declare': { readOnly: false, trainee: true, req: z.object({ kind: z.enum(['detected', 'mitigated']), trainee: z.string().min(1).max(80), diagnosis: z.string().max(500).optional(), notes: z.string().max(4000).optional() }).strict(), res: ok },
  /** Facilitator: reveal a hint now, ahead of its schedule. */
  'drill.hint': { readOnly: false, req: z.object({ index: z.number().int().min(0) }).strict(), res: ok },
  /** Facilitator: accept or reject a declaration (overrides the probes' verdict in the score). */
  'drill.rule': { readOnly: false, req: z.object({ declarationId: z.number().int().min(0), ruling: z.enum(['accepted', 'rejected']) }).strict(), res: ok },
  /** A finished run for replay (any mode). */
  'run.debrief': { readOnly: true, req: z.object({ runId: z.string() }).strict(), res: debriefSchema },
} as const;

/** Trainees may call the read-only commands and the ones marked `trainee: true` (declare, notes, shells). */
export function traineeMay(name: CommandName): boolean {
  const c = commands[name] as { readOnly: boolean; trainee?: boolean };
  return c.readOnly || c.trainee === true;
}

export type CommandName = keyof typeof commands;
export type CommandReq<K extends CommandName> = z.input<(typeof commands)[K]['req']>;
export type CommandRes<K extends CommandName> = z.infer<(typeof commands)[K]['res']>;

/** Errors cross the boundary as data, never as thrown objects with stacks. */
export const apiErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });
export type ApiError = z.infer<typeof apiErrorSchema>;
export type ApiResult<K extends CommandName> = { ok: true; value: CommandRes<K> } | { ok: false; error: ApiError };

/** The client-side surface every transport implements (window.gameday under Electron; WebSocket client otherwise). */
export interface GamedayApi {
  call<K extends CommandName>(name: K, req: CommandReq<K>): Promise<ApiResult<K>>;
  /** Subscribe to engine events; returns an unsubscribe function. */
  onEvent(fn: (e: import('./events.js').EngineEvent) => void): () => void;
  readonly transport: TransportKind;
}
