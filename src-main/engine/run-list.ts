/**
 * The runs in the audit, each with what it was (DRY RUN · REHEARSAL · DRILL) and how it ended, in the
 * one vocabulary of api/outcome.ts — for the console's Recent runs, run pickers and exports. The facts
 * come from the run rows and a handful of event kinds, read once for all runs (indexed by kind).
 */
import type { AuditStore } from '../audit/index.js';
import { describeOutcome, outcomeFactsFromEvents, type OutcomeEvent, type OutcomeFacts, type OutcomeText } from '../api/index.js';
import type { RunMode } from '../api/index.js';

/** The event kinds outcomeFactsFromEvents reads (GLOB patterns for the audit's kind filter). */
const OUTCOME_KINDS = ['run.created', 'run.mode', 'run.ended', 'stop.requested', 'abort.fired', 'fault.refused', 'fault.active', 'fault.failed'];

export interface RunListItem {
  id: string;
  title: string | null;
  scenario: string | null;
  status: string;
  startedAt: string;
  endedAt: string | null;
  mode: RunMode;
  dryRun: boolean;
  outcome: OutcomeText;
}

function parseMeta(meta: string | null): { dryRun?: boolean; mode?: RunMode } {
  try {
    const m = JSON.parse(meta ?? '{}') as Record<string, unknown>;
    const mode = m.mode === 'gameday' || m.mode === 'drill' || m.mode === 'rehearsal' ? m.mode : undefined;
    return { ...(typeof m.dryRun === 'boolean' ? { dryRun: m.dryRun } : {}), ...(mode ? { mode } : {}) };
  } catch {
    return {};
  }
}

/** Outcome facts of every run, keyed by run id, from the audit's events (in audit order). */
export function outcomeFactsByRun(audit: AuditStore): Map<string, Omit<OutcomeFacts, 'status'>> {
  const rows = OUTCOME_KINDS.flatMap((kind) => audit.events({ kind })).sort((a, b) => a.seq - b.seq);
  const byRun = new Map<string, OutcomeEvent[]>();
  for (const e of rows) {
    if (!e.run_id) continue;
    const list = byRun.get(e.run_id) ?? [];
    list.push({ kind: e.kind, actor: e.actor, data: JSON.parse(e.data) as unknown });
    byRun.set(e.run_id, list);
  }
  return new Map([...byRun].map(([id, list]) => [id, outcomeFactsFromEvents(list)]));
}

/**
 * The newest `limit` runs. `live` adds to the facts of the run in progress what its session knows
 * better than the audit (its current state, its roles).
 */
export function listRuns(audit: AuditStore, limit: number, live?: { runId: string; facts: Partial<OutcomeFacts> & { status: string } }): RunListItem[] {
  const facts = outcomeFactsByRun(audit);
  return audit
    .runs()
    .slice(0, limit)
    .map((r) => {
      const f: OutcomeFacts = { ...facts.get(r.id), status: r.status, ...parseMeta(r.meta), ...(live?.runId === r.id ? live.facts : {}) };
      const mode = f.mode ?? 'gameday';
      return { id: r.id, title: r.title, scenario: r.scenario, status: f.status, startedAt: r.started_at, endedAt: r.ended_at, mode, dryRun: Boolean(f.dryRun) || mode === 'rehearsal', outcome: describeOutcome(f) };
    });
}

/**
 * The audit as JSON lines (AuditStore.exportJsonl: every field of every row, hashes included, so the
 * chain can be checked from the file), with `marker` added to every row of a DRY RUN, REHEARSAL or
 * DRILL run — the field is outside the hashed ones, so it changes no hash.
 */
export function* markedAuditLines(audit: AuditStore, runId?: string): Generator<string> {
  const markers = new Map(listRuns(audit, Number.MAX_SAFE_INTEGER).flatMap((r) => (r.outcome.marker ? [[r.id, r.outcome.marker] as const] : [])));
  for (const line of audit.exportJsonl(runId)) {
    const row = JSON.parse(line) as { run_id?: string | null };
    const marker = row.run_id ? markers.get(row.run_id) : undefined;
    yield marker ? JSON.stringify({ ...row, marker }) : line;
  }
}
