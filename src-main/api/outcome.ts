/**
 * One vocabulary for what happened to a run, used by the renderer, the CLI and the report alike:
 *
 *   completed · stopped by NAME (role) · aborted by CONDITION · refused, nothing sent · failed: WHY
 *   (and while it lasts: running · paused · stopping)
 *
 * and one marker for what kind of run it was — DRY RUN, REHEARSAL or DRILL — shown beside it in
 * every list, report and export, so a rehearsal is never taken for a real game day. Pure functions
 * of plain facts; `outcomeFactsFromEvents` reads those facts from a run's audit events.
 */
import type { RunMode } from './drill.js';

/** What kind of run it was, when it was not a plain game day. */
export type RunMarker = 'DRY RUN' | 'REHEARSAL' | 'DRILL';

export type OutcomeKind = 'in progress' | 'completed' | 'stopped' | 'aborted' | 'refused' | 'failed';

export interface OutcomeFacts {
  /** Run state or audit status: running, paused, stopping, completed, aborted, stopped, failed… */
  status: string;
  mode?: RunMode | null;
  dryRun?: boolean | null;
  /** The person at the commander seat. */
  commander?: string | null;
  /** Runbook roles: role → people (commander, scribe, injector, observer…). */
  roles?: Record<string, string[]> | null;
  /** The first STOP of the run: who pressed it (a name, or commander / cli / console / abort-condition) and why. */
  stop?: { actor: string; reason: string } | null;
  abortReason?: string | null;
  failure?: string | null;
  /** An inject was refused (blast radius, a node-side guard) and no fault ever took effect. */
  refused?: boolean | null;
}

export interface OutcomeText {
  kind: OutcomeKind;
  /** The outcome in the one vocabulary, e.g. "stopped by Ana (commander)". */
  text: string;
  marker: RunMarker | null;
}

/** DRY RUN, REHEARSAL, DRILL or nothing (a game day). A rehearsal is a dry run too, but says more. */
export function runMarker(f: { mode?: RunMode | null; dryRun?: boolean | null }): RunMarker | null {
  if (f.mode === 'drill') return 'DRILL';
  if (f.mode === 'rehearsal') return 'REHEARSAL';
  return f.dryRun ? 'DRY RUN' : null;
}

const LIVE_STATES = new Set(['ready', 'preflight', 'running', 'paused', 'stopping']);
/** STOP actors that are not people: who they stand for in the sentence. */
const MACHINE_ACTORS: Record<string, string> = { cli: 'the terminal', console: 'the console' };

/** "Ana (commander)", "Dee (approver)", "the terminal (SIGINT received)". */
export function stopperOf(f: Pick<OutcomeFacts, 'stop' | 'commander' | 'roles'>): string {
  const actor = f.stop?.actor.trim() ?? '';
  const reason = f.stop?.reason ?? '';
  if (!actor) return 'someone';
  if (MACHINE_ACTORS[actor]) return `${MACHINE_ACTORS[actor]}${reason ? ` (${reason})` : ''}`;
  const same = (a: string, b: string | null | undefined): boolean => !!b && a.toLocaleLowerCase() === b.trim().toLocaleLowerCase();
  // The console records the seat ("commander"); the engine and the CLI record the person.
  if (actor === 'commander') return f.commander ? `${f.commander} (commander)` : 'the commander';
  if (same(actor, f.commander)) return `${actor} (commander)`;
  for (const [role, people] of Object.entries(f.roles ?? {})) if (people.some((p) => same(actor, p))) return `${actor} (${role})`;
  if (/^step \S+ rejected by /.test(reason)) return `${actor} (approver)`;
  return actor;
}

/** The outcome of a run in the one vocabulary, with its marker. */
export function describeOutcome(f: OutcomeFacts): OutcomeText {
  const marker = runMarker(f);
  const out = (kind: OutcomeKind, text: string): OutcomeText => ({ kind, text, marker });
  const status = f.status.toLowerCase();
  if (LIVE_STATES.has(status)) return out('in progress', status === 'ready' || status === 'preflight' ? 'starting' : status);
  if (status === 'completed') return out('completed', 'completed');
  if (status === 'failed') {
    if (f.refused) return out('refused', 'refused, nothing sent');
    return out('failed', f.failure ? `failed: ${f.failure}` : 'failed');
  }
  if (status === 'aborted' || status === 'stopped') {
    const condition = f.abortReason ?? (f.stop?.actor === 'abort-condition' ? f.stop.reason : null);
    if (condition) return out('aborted', `aborted by ${condition}`);
    return out('stopped', f.stop ? `stopped by ${stopperOf(f)}` : 'stopped');
  }
  return out('failed', status || 'unknown');
}

/** "completed", or "DRY RUN · completed": the marker first, as lists and report titles show it. */
export function outcomeLine(o: OutcomeText): string {
  return o.marker ? `${o.marker} · ${o.text}` : o.text;
}

/** An audit event as the outcome needs it (both AuditStore rows and report events fit). */
export interface OutcomeEvent {
  kind: string;
  actor?: string | null;
  data?: unknown;
}

const rec = (d: unknown): Record<string, unknown> => (d && typeof d === 'object' ? (d as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The outcome facts a run's audit events record (everything but `status`, which is the run row's):
 * its mode (run.mode), commander (run.created), first STOP (stop.requested), abort condition,
 * failure (run.ended), dry run (run.ended or any dryrun.command), and whether an inject was
 * refused while no fault ever became active.
 */
export function outcomeFactsFromEvents(events: Iterable<OutcomeEvent>): Omit<OutcomeFacts, 'status'> {
  const f: Omit<OutcomeFacts, 'status'> = {};
  let refused = false;
  let applied = false;
  for (const e of events) {
    const d = rec(e.data);
    switch (e.kind) {
      case 'run.created':
        f.commander ??= e.actor ?? null;
        break;
      case 'run.mode':
        if (d.mode === 'gameday' || d.mode === 'drill' || d.mode === 'rehearsal') f.mode = d.mode;
        break;
      case 'stop.requested':
        f.stop ??= { actor: e.actor ?? '', reason: str(d.reason) ?? '' };
        break;
      case 'abort.fired':
        f.abortReason ??= str(d.reason);
        break;
      case 'run.ended':
        f.failure = str(d.failure) ?? f.failure ?? null;
        f.abortReason = str(d.abortReason) ?? f.abortReason ?? null;
        if (typeof d.dryRun === 'boolean') f.dryRun = d.dryRun;
        if (d.mode === 'gameday' || d.mode === 'drill' || d.mode === 'rehearsal') f.mode ??= d.mode;
        break;
      case 'dryrun.command':
        f.dryRun ??= true;
        break;
      case 'fault.refused':
        refused = true;
        break;
      case 'fault.active':
        applied = true;
        break;
      default:
        if (e.kind.startsWith('fault.') && e.kind !== 'fault.intent' && /refused/i.test(str(d.detail) ?? '')) refused = true;
    }
  }
  f.refused = refused && !applied;
  return f;
}

/** A fault's state in the same words: a refused inject (nothing took effect) is not a failure of the system. */
export function faultStateText(state: string, detail?: string | null): string {
  if (state === 'failed' && detail && /\brefused\b/i.test(detail)) return 'refused, nothing sent';
  return state;
}

/**
 * One node's line in a STOP result. "nothing to revert" only when STOP found nothing there at all:
 * a node whose faults an earlier step already reverted says so, instead of sitting beside
 * "network-partition: reverted" as if that contradicted it.
 */
export function stopNodeText(status: string, faults: ReadonlyArray<{ state: string }>): string {
  switch (status) {
    case 'reverted':
      return 'reverted by STOP';
    case 'nothing':
      return faults.length === 0 ? 'nothing to revert' : faults.every((f) => f.state === 'reverted') ? 'already reverted before STOP' : 'nothing left to revert';
    case 'residue':
      return 'residue left: run cleanup';
    case 'unreachable':
      return 'unreachable: its lease reverts it';
    default:
      return status;
  }
}

/**
 * Audit kinds that restate another event of the same moment: `run.stopping` (stop.requested says it,
 * and why) and `run.completed|aborted|failed` (run.ended says it, with the outcome). Timelines leave
 * them out so each event appears once.
 */
export function restatesAnotherEvent(kind: string): boolean {
  return kind === 'run.stopping' || kind === 'run.completed' || kind === 'run.aborted' || kind === 'run.failed';
}
