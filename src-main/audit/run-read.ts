/**
 * What a report or a debrief reads from the audit for one run: its row, its events (data parsed), its faults.
 * Nothing here keeps state; the audit is the only source, so a report can be made long after the
 * run, by another process, after the console restarted.
 */
import type { AuditStore } from './store.js';
import type { AuditEvent, FaultRow } from './types.js';

export interface RunRow {
  id: string;
  scenario: string | null;
  title: string | null;
  status: string;
  started_at: string;
  ended_at: string | null;
}

/** An audit event with its JSON data parsed and its wall time in epoch ms. */
export interface Ev {
  seq: number;
  kind: string;
  actor: string | null;
  node: string | null;
  ts: string;
  t: number;
  data: Record<string, unknown>;
}

export interface RunAudit {
  run: RunRow;
  events: Ev[];
  faults: FaultRow[];
}

export class ReportError extends Error {
  override readonly name = 'ReportError';
  constructor(
    message: string,
    readonly code: 'NO_RUN' | 'NO_RUNS',
    readonly hint?: string,
  ) {
    super(message);
  }
}

function parseData(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toEv(e: AuditEvent): Ev {
  return { seq: e.seq, kind: e.kind, actor: e.actor, node: e.node, ts: e.ts, t: Date.parse(e.ts), data: parseData(e.data) };
}

/**
 * The run's events except the per-batch sample digests: a 2-hour game day with 100 probes flushing
 * every second writes ~720 000 `samples.batch` rows that say nothing a reader needs (the samples
 * themselves are read separately). GLOB has no "not", so two character-class patterns together
 * select every kind except those starting with "sa": `[^s]*` and `s[^a]*`.
 */
export function runEvents(audit: AuditStore, runId: string): Ev[] {
  const a = audit.events({ runId, kind: '[^s]*' });
  const b = audit.events({ runId, kind: 's[^a]*' });
  return [...a, ...b].sort((x, y) => x.seq - y.seq).map(toEv);
}

/** Probe ids that wrote samples in this run (used only without a runbook). */
export function sampledProbeIds(audit: AuditStore, runId: string): string[] {
  return audit.sampleProbeIds(runId);
}

export function findRun(audit: AuditStore, runId: string | undefined): RunRow {
  const runs = audit.runs();
  if (runs.length === 0) throw new ReportError('the audit holds no runs yet', 'NO_RUNS', 'run a game day first: gameday run SCENARIO');
  if (runId === undefined) return runs[0]!;
  const r = runs.find((x) => x.id === runId);
  if (!r) throw new ReportError(`no run ${runId} in the audit`, 'NO_RUN', `runs in this workspace: ${runs.slice(0, 5).map((x) => x.id).join(', ')}${runs.length > 5 ? ', …' : ''}`);
  return r;
}

export function readRun(audit: AuditStore, runId: string): RunAudit {
  return { run: findRun(audit, runId), events: runEvents(audit, runId), faults: audit.runFaults(runId) };
}

/** Narrow helpers for untyped event data. */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
