/**
 * Faults as the audit tells their story: which step injected each one, when it took effect, how it
 * was taken back (a revert step, STOP, the inject step's own duration, the node's lease watchdog,
 * the rollback of an inject that did not take), and the inject windows the recovery math needs.
 *
 * Steps run one at a time, so an event belongs to the step whose `step.started` came last and whose
 * end has not been seen yet; everything after `stop.requested` belongs to the STOP.
 */
import type { FaultRow } from '../audit/index.js';
import type { WindowEndKind } from '../probes/index.js';
import { num, str, type Ev } from '../audit/index.js';
import type { FaultEntry, RevertMethod } from './types.js';
import { fmtWall } from './format.js';

interface Trace {
  stepId: string | null;
  /** Its inject was sent (fault.injecting): the fault may take effect from here. */
  sentAt?: number;
  activeAt?: number;
  revertCtx?: { method: RevertMethod; text: string };
  terminalAt?: number;
  /** The end of its active window: the earliest end event seen (WINDOW_ENDS). */
  windowEnd?: { at: number; kind: WindowEndKind };
}

/**
 * The events that end a fault's active window (DESIGN.md "Truth rules"), by kind: when, or null
 * when this event does not say. A revert that left residue, or an unreachable node, ends nothing:
 * the fault may still be in effect. One line per way a fault can end.
 */
/**
 * When a fault's state changed: the instant the engine recorded with it (`atMs`, on the samples'
 * monotonic clock; the live timers used the very same number), or the event's wall time in audits
 * written before it was recorded.
 */
function eventAt(e: Ev): number {
  return num(e.data.atMs) ?? e.t;
}

const WINDOW_ENDS: Record<string, (e: Ev) => { at: number; kind: WindowEndKind } | null> = {
  'fault.reverted': (e) => ({ at: eventAt(e), kind: 'revert' }),
  'fault.lease-expired': (e) => {
    const at = num(e.data.expiredAt);
    return at === null ? null : { at, kind: 'lease' };
  },
};

export interface InjectWindowRaw {
  stepId: string;
  /** The first of its injects was sent: impact from here is the fault's (probes/impact.ts). */
  openAt?: number;
  /** The step's faults all active (the latest of them). */
  injectAt: number;
  /** Every one of them ended (the latest end), and how the last one ended. */
  endAt?: number;
  endKind?: WindowEndKind;
  faultIds: string[];
  method: RevertMethod;
  text: string;
}

export interface FaultWalk {
  faults: FaultEntry[];
  windows: InjectWindowRaw[];
  stepKinds: Map<string, string>;
  /** First `step.started` per step (epoch ms). */
  stepStarts: Map<string, number>;
  stepEnds: Map<string, number>;
  stop: { at: number; reason: string; actor: string | null } | null;
}

const TERMINAL = new Set(['fault.reverted', 'fault.residue', 'fault.unreachable', 'fault.failed', 'fault.one-shot-done']);
const FINISHED_REASON = 'runbook finished';

/** Walk the events once; faults come back in injection order. */
export function walkFaults(events: Ev[], rows: FaultRow[], t0: number): FaultWalk {
  const traces = new Map<string, Trace>();
  const stepKinds = new Map<string, string>();
  const stepStarts = new Map<string, number>();
  const stepEnds = new Map<string, number>();
  const order: string[] = [];
  let current: { id: string; kind: string } | null = null;
  let stop: FaultWalk['stop'] = null;
  for (const e of events) {
    const stepId = str(e.data.stepId);
    // fault.lease-expired names its fault `fault` (the lease watchdog's own word).
    const faultId = str(e.data.faultId) ?? (e.kind === 'fault.lease-expired' ? str(e.data.fault) : null);
    if (e.kind === 'step.started' && stepId) {
      current = { id: stepId, kind: str(e.data.kind) ?? '?' };
      stepKinds.set(stepId, current.kind);
      if (!stepStarts.has(stepId)) stepStarts.set(stepId, e.t);
    } else if (/^step\.(done|failed|skipped)$/.test(e.kind) && stepId) {
      stepEnds.set(stepId, e.t);
      if (current?.id === stepId) current = null;
    } else if (e.kind === 'stop.requested' && !stop) {
      stop = { at: e.t, reason: str(e.data.reason) ?? 'STOP', actor: e.actor };
    } else if (e.kind === 'fault.intent' && faultId) {
      traces.set(faultId, { stepId: current?.kind === 'inject' ? current.id : null });
      order.push(faultId);
    } else if (faultId && traces.has(faultId)) {
      const tr = traces.get(faultId)!;
      if (e.kind === 'fault.injecting') tr.sentAt ??= eventAt(e);
      else if (e.kind === 'fault.active') tr.activeAt ??= eventAt(e);
      else if (e.kind === 'fault.reverting' && !tr.revertCtx) tr.revertCtx = revertContext(tr, current, stop);
      else if (TERMINAL.has(e.kind)) tr.terminalAt = e.t;
      const end = WINDOW_ENDS[e.kind]?.(e);
      if (end && tr.activeAt !== undefined && (!tr.windowEnd || end.at < tr.windowEnd.at)) tr.windowEnd = end;
    }
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of rows) if (!traces.has(r.id)) (traces.set(r.id, { stepId: null }), order.push(r.id));
  const faults = order.flatMap((id) => {
    const row = byId.get(id);
    return row ? [entry(row, traces.get(id)!, t0)] : [];
  });
  return { faults, windows: windowsOf(faults, traces), stepKinds, stepStarts, stepEnds, stop };
}

function revertContext(tr: Trace, current: { id: string; kind: string } | null, stop: FaultWalk['stop']): { method: RevertMethod; text: string } {
  if (tr.activeAt === undefined) return { method: 'rollback', text: 'the inject did not take effect; whatever applied was rolled back at once' };
  if (stop) {
    return stop.reason === FINISHED_REASON
      ? { method: 'stop', text: 'reverted by the end-of-runbook sweep (no revert step took it back earlier)' }
      : { method: 'stop', text: `reverted by STOP (${stop.reason}${stop.actor ? `, by ${stop.actor}` : ''})` };
  }
  if (current?.kind === 'revert') return { method: 'step', text: `reverted by step ${current.id}` };
  return { method: 'auto', text: 'reverted automatically when its inject step’s duration elapsed' };
}

function entry(row: FaultRow, tr: Trace, t0: number): FaultEntry {
  const oneShot = row.one_shot === 1;
  const injectedT = row.injected_at ? Date.parse(row.injected_at) : (tr.activeAt ?? null);
  const revertedT = row.reverted_at ? Date.parse(row.reverted_at) : (tr.terminalAt ?? null);
  let method: RevertMethod = tr.revertCtx?.method ?? 'none';
  let text = tr.revertCtx?.text ?? 'no revert recorded';
  if (tr.windowEnd?.kind === 'lease') {
    method = 'lease';
    text = `reverted by the node's lease watchdog: the lease expired about ${fmtWall(tr.windowEnd.at)} while the console could not reach the node`;
  }
  if (oneShot) {
    method = 'one-shot';
    text = 'one-shot fault: cannot be reverted (the action happened once; recovery is up to the system itself)';
  } else if (row.state === 'unreachable') {
    method = 'lease';
    text = `node unreachable when the revert was sent; its lease watchdog reverts by itself${row.lease_expires_at ? ` at ${fmtWall(Date.parse(row.lease_expires_at))}` : ''} (not confirmed by the console)`;
  } else if (row.state === 'residue') {
    text = `${text}, but the revert left residue${row.detail ? `: ${row.detail}` : ''}`;
  } else if (row.state === 'failed') {
    method = 'rollback';
    text = `the inject did not take effect${row.detail ? ` (${row.detail})` : ''}; rolled back`;
  } else if (['intent', 'injecting', 'active', 'reverting'].includes(row.state)) {
    method = 'none';
    text = `still "${row.state}" in the audit: never confirmed reverted — run \`gameday cleanup\``;
  }
  return {
    id: row.id,
    kind: row.kind,
    node: row.node,
    stepId: tr.stepId,
    params: row.params,
    oneShot,
    injectedAt: injectedT === null ? null : new Date(injectedT).toISOString(),
    injectedMs: injectedT === null ? null : injectedT - t0,
    revertedAt: revertedT === null || row.state === 'active' ? null : new Date(revertedT).toISOString(),
    revertedMs: revertedT === null || row.state === 'active' ? null : revertedT - t0,
    finalState: row.state,
    revertMethod: method,
    revertText: text,
    leaseExpiresAt: row.lease_expires_at,
    detail: row.detail,
    ttdMs: null,
    ttrMs: null,
  };
}

/**
 * One window per inject step that took effect somewhere, as the engine times it (engine/
 * run-telemetry.ts): from the moment the last of its faults became active (the engine starts its
 * clock when the inject call returns) to the moment the last of them ended (WINDOW_ENDS; a one-shot
 * fault ends as it becomes active). A fault that never ended leaves the window open.
 */
function windowsOf(faults: FaultEntry[], traces: Map<string, Trace>): InjectWindowRaw[] {
  const steps = new Map<string, FaultEntry[]>();
  for (const f of faults) if (f.stepId) steps.set(f.stepId, [...(steps.get(f.stepId) ?? []), f]);
  const out: InjectWindowRaw[] = [];
  for (const [stepId, list] of steps) {
    const active = list.filter((f) => traces.get(f.id)?.activeAt !== undefined);
    if (active.length === 0) continue;
    const injectAt = Math.max(...active.map((f) => traces.get(f.id)!.activeAt!));
    const sent = list.map((f) => traces.get(f.id)?.sentAt).filter((x): x is number => x !== undefined);
    const ends = active.map((f) => (f.oneShot ? { at: traces.get(f.id)!.activeAt!, kind: 'one-shot' as const } : traces.get(f.id)!.windowEnd));
    const last = ends.every((x) => x !== undefined) ? ends.reduce((a, b) => (b!.at > a!.at ? b : a)) : undefined;
    const lead = active.find((f) => f.revertMethod !== 'none') ?? active[0]!;
    out.push({ stepId, ...(sent.length ? { openAt: Math.min(...sent) } : {}), injectAt, ...(last ? { endAt: Math.max(last.at, injectAt), endKind: last.kind } : {}), faultIds: active.map((f) => f.id), method: lead.revertMethod, text: lead.revertText });
  }
  return out.sort((a, b) => a.injectAt - b.injectAt);
}

