/**
 * Engine events → store changes. Pure except for the probe/output buffers, which are appended in
 * place on purpose (see probe-data.ts). Events of another run than the one on screen are ignored
 * and reported so the caller can fetch a fresh snapshot.
 */
import type { EngineEvent, FaultView, RunSnapshot } from '../../src-main/api/index.js';
import { timerKey, type ConsoleState, type RunSlice } from './types.js';

/** Fault states after which the fault no longer affects the node (the chart band ends). */
const ENDED_FAULT_STATES = new Set<FaultView['state']>(['reverted', 'residue', 'unreachable', 'failed']);
/** Run states that end a run. */
export const TERMINAL_RUN_STATES = new Set(['completed', 'aborted', 'failed']);
/** Log lines kept for the log strip. */
const MAX_LOG_LINES = 200;

export interface ReduceResult {
  patch: Partial<ConsoleState>;
  /** The event belongs to a run we do not know: fetch run.snapshot. */
  resync: boolean;
}

const upsert = <T extends { id: string }>(list: T[], item: T): T[] => {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [...list, item];
  const next = list.slice();
  next[i] = item;
  return next;
};

/** A snapshot replaces the run wholesale (late join, reload, reconnect). */
export function fromSnapshot(s: RunSnapshot, localNow: number, prev: Pick<ConsoleState, 'run' | 'probeData' | 'execLog'>): Partial<RunSlice> {
  if (prev.run?.runId !== s.runId) {
    prev.probeData.clear();
    prev.execLog.clear();
  }
  const { phases, steps, faults, timers, probes, notes, stop, slos, serverNow, currentStepId, ...meta } = s;
  const faultEndedAt: Record<string, number> = {};
  for (const f of faults) if (ENDED_FAULT_STATES.has(f.state)) faultEndedAt[f.id] = f.autoRevertAt ?? serverNow;
  return {
    run: meta,
    phases,
    steps,
    currentStepId: currentStepId ?? null,
    faults: Object.fromEntries(faults.map((f) => [f.id, f])),
    faultEndedAt,
    timers: Object.fromEntries(timers.map((t) => [timerKey(t), t])),
    probes: Object.fromEntries(probes.map((p) => [p.id, p])),
    notes,
    stop: stop ?? null,
    slos: slos ?? null,
    exitCode: null,
    // A new run's drill state comes with drill.state / drill.update; the same run keeps what it has.
    ...(prev.run?.runId !== s.runId ? { drill: null } : {}),
    clockOffsetMs: serverNow - localNow,
  };
}

/** Apply one event. `localNow` is Date.now() at receipt (injected for tests). */
export function reduceEvent(s: ConsoleState, e: EngineEvent, localNow: number): ReduceResult {
  const none: ReduceResult = { patch: {}, resync: false };
  if (e.type === 'run.snapshot') {
    // A new run: Report and Debrief follow it (a run picked earlier would be the wrong one); the screen
    // open right now keeps its pick until the user leaves it (stalePicks). A STOP pressed for the last
    // run no longer pins its result.
    const open = s.screen === 'report' || s.screen === 'debrief';
    const fresh: Partial<ConsoleState> =
      s.run?.runId !== e.snapshot.runId
        ? { stopPressedOn: null, stalePicks: open, ...(s.screen !== 'report' ? { reportRunId: null } : {}), ...(s.screen !== 'debrief' ? { debriefRunId: null } : {}) }
        : {};
    return { patch: { ...fromSnapshot(e.snapshot, localNow, s), ...fresh }, resync: false };
  }
  if (e.type === 'log') {
    const logs = [...s.logs.slice(-(MAX_LOG_LINES - 1)), { level: e.level, message: e.message, at: e.at }];
    return { patch: e.level === 'error' ? { logs, toast: { kind: 'error', text: e.message, at: localNow } } : { logs }, resync: false };
  }
  if (e.type === 'shell.output') {
    s.shells.output(e.shellId, e.data);
    return none;
  }
  if (e.type === 'shell.closed') {
    s.shells.closed(e.shellId, e.reason);
    return none;
  }
  // Everything below belongs to one run.
  if (!s.run || s.run.runId !== e.runId) return { patch: {}, resync: true };
  const run = s.run;
  switch (e.type) {
    case 'run.state': {
      const ended = TERMINAL_RUN_STATES.has(e.state);
      return { patch: { run: { ...run, state: e.state, endedAt: ended ? (run.endedAt ?? e.at) : run.endedAt } }, resync: false };
    }
    case 'phase.update':
      return { patch: { phases: upsert(s.phases, e.phase) }, resync: false };
    case 'step.update': {
      const live = e.step.status === 'running' || e.step.status === 'awaiting-approval' || e.step.status === 'awaiting-operator';
      return { patch: { steps: upsert(s.steps, e.step), ...(live ? { currentStepId: e.step.id } : {}) }, resync: false };
    }
    case 'fault.update': {
      const patch: Partial<ConsoleState> = { faults: { ...s.faults, [e.fault.id]: e.fault } };
      if (ENDED_FAULT_STATES.has(e.fault.state) && s.faultEndedAt[e.fault.id] === undefined) {
        patch.faultEndedAt = { ...s.faultEndedAt, [e.fault.id]: localNow + s.clockOffsetMs };
      }
      return { patch, resync: false };
    }
    case 'timer.update':
      return { patch: { timers: { ...s.timers, [timerKey(e.timer)]: e.timer } }, resync: false };
    case 'probe.samples':
      s.probeData.append(e.probeId, e.series, e.points);
      return none;
    case 'exec.output':
      s.execLog.append({ node: e.node, stream: e.stream, data: e.data, at: localNow + s.clockOffsetMs, ...(e.stepId ? { stepId: e.stepId } : {}) });
      return none;
    case 'note.added':
      // Each note once, even when a snapshot that already holds it arrived first.
      if (s.notes.some((n) => n.ts === e.note.ts && n.author === e.note.author && n.text === e.note.text)) return none;
      return { patch: { notes: [...s.notes, e.note] }, resync: false };
    case 'abort.fired':
      return { patch: { run: { ...run, abortReason: e.reason } }, resync: false };
    case 'stop.report':
      return { patch: { stop: e.report, stopPending: false }, resync: false };
    case 'run.result':
      return { patch: { slos: e.slos, exitCode: e.exitCode }, resync: false };
    case 'drill.update':
      return { patch: { drill: e.drill }, resync: false };
  }
}
