/**
 * Every audit event of the run as one readable line, grouped by runbook phase (or by step when the
 * runbook is gone), with a group for the start and one for STOP and wrap-up. Commands sent over SSH
 * come as intent/outcome pairs, often dozens per step: a run of them becomes one line ("12 commands
 * on 4 nodes: 11 exit 0, 1 failed") whose details list each command. Probe sample digests are left
 * out (the charts show the samples themselves).
 */
import { restatesAnotherEvent } from '../api/index.js';
import { bool, num, str, type Ev } from '../audit/index.js';
import { fmtMs } from './format.js';
import type { TimelineGroup, TimelineItem } from './types.js';

/** Longest command shown in a detail line; inject scripts carry a whole watchdog and would drown the page. */
const MAX_COMMAND_CHARS = 120;
/** Detail lines kept per condensed entry; the rest are counted. */
const MAX_DETAILS = 20;

const clip = (s: string, n = MAX_COMMAND_CHARS) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

function describe(e: Ev, outcomeText?: string): Pick<TimelineItem, 'text' | 'level' | 'details'> {
  const d = e.data;
  const s = (k: string) => str(d[k]) ?? '';
  const who = e.actor ? ` by ${e.actor}` : '';
  const on = e.node ? ` on ${e.node}` : '';
  const info = (text: string, details: string[] = []) => ({ text, level: 'info' as const, details });
  switch (e.kind) {
    case 'run.created':
      return info(`Run created${who}: “${s('title')}”${s('env') ? ` (${s('env')})` : ''}`);
    case 'run.ended': {
      const clean = bool(d.clean);
      const extra = [str(d.failure) && `failure: ${str(d.failure)}`, str(d.abortReason) && `abort: ${str(d.abortReason)}`].filter(Boolean).join('; ');
      return { text: `Run ended: ${outcomeText ?? s('status')}${num(d.exitCode) !== null ? `, exit code ${num(d.exitCode)}` : ''}${clean === null ? '' : clean ? ', every node clean' : ', NOT every node clean'}${extra ? ` — ${extra}` : ''}`, level: s('status') === 'completed' && clean !== false ? 'good' : 'warn', details: [] };
    }
    case 'step.started':
      return info(`Step ${s('stepId')} (${s('kind')}) started`);
    case 'step.done':
      return { text: `Step ${s('stepId')} done${s('message') ? `: ${s('message')}` : ''}`, level: 'good', details: [] };
    case 'step.failed':
      return { text: `Step ${s('stepId')} FAILED: ${s('message')}`, level: 'error', details: [] };
    case 'step.skipped':
      return { text: `Step ${s('stepId')} skipped${s('message') ? `: ${s('message')}` : ''}`, level: 'warn', details: [] };
    case 'step.advanced':
      return info(`Step ${s('stepId')} advanced${who}`);
    case 'step.skip-requested':
      return { text: `Skip of step ${s('stepId')} requested${who}: ${s('reason')}`, level: 'warn', details: [] };
    case 'approval.approved':
      return { text: `${e.actor ?? '?'} approved ${s('step')}${s('reason') ? ` (${s('reason')})` : ''}`, level: 'good', details: [] };
    case 'approval.rejected':
      return { text: `${e.actor ?? '?'} rejected ${s('step')}: ${s('reason')}`, level: 'error', details: [] };
    case 'note':
      return info(`Note${s('role') ? ` (${s('role')}${e.actor ? `, ${e.actor}` : ''})` : who}: ${s('text')}`);
    case 'abort.fired':
      return { text: `Abort condition fired: ${s('reason')}`, level: 'error', details: [] };
    case 'stop.requested':
      return { text: `STOP requested${who}: ${s('reason')}`, level: 'warn', details: [] };
    case 'stop.completed': {
      const nodes = Array.isArray(d.nodes) ? (d.nodes as Array<Record<string, unknown>>) : [];
      const clean = bool(d.clean);
      return { text: `STOP completed in ${fmtMs(num(d.durationMs))}: ${clean ? 'every node clean' : 'NOT clean'} (${nodes.length} node(s))`, level: clean ? 'good' : 'error', details: nodes.map((n) => `${str(n.node) ?? '?'}: ${str(n.status) ?? '?'}${str(n.leaseExpiresAt) ? ` (lease reverts by ${str(n.leaseExpiresAt)})` : ''}`) };
    }
    case 'integrity.compared': {
      const diffs = Array.isArray(d.diffs) ? d.diffs.map(String) : [];
      return bool(d.match) ? { text: `Integrity check ${s('stepId')}: output matches ${s('with')}`, level: 'good', details: [] } : { text: `Integrity check ${s('stepId')}: output DIFFERS from ${s('with')}`, level: 'error', details: diffs };
    }
    case 'fault.intent':
      return info(`Fault ${s('kind')} recorded before sending${on} (${s('faultId')}${bool(d.oneShot) ? ', one-shot: cannot be reverted' : ''})`);
    case 'fault.active':
      return { text: `Fault ${s('faultId')} active${on}`, level: 'warn', details: [] };
    case 'fault.reverted':
      return { text: `Fault ${s('faultId')} reverted and verified${on}`, level: 'good', details: [] };
    case 'fault.residue':
      return { text: `Fault ${s('faultId')} left residue${on}${s('detail') ? `: ${s('detail')}` : ''}`, level: 'error', details: [] };
    case 'fault.unreachable':
      return { text: `Node unreachable for fault ${s('faultId')}${on}${s('detail') ? `: ${s('detail')}` : ''}`, level: 'error', details: [] };
    case 'fault.failed':
      return { text: `Fault ${s('faultId')} did not take effect${on}${s('detail') ? `: ${s('detail')}` : ''}`, level: 'warn', details: [] };
    case 'fault.refused':
      return { text: `Fault ${s('kind')} refused by the blast-radius policy`, level: 'error', details: Array.isArray(d.reasons) ? d.reasons.map(String) : [] };
    case 'dryrun.command':
      return info(`[dry run] would run${on}: ${clip(s('command') || s('fault'))}`);
    default:
      if (e.kind.startsWith('run.')) return info(`Run ${e.kind.slice(4)}${who}`);
      if (e.kind.startsWith('fault.')) return info(`Fault ${s('faultId')} ${e.kind.slice(6)}${on}`);
      return info(`${e.kind}${on}${who}${Object.keys(d).length ? `: ${clip(JSON.stringify(d), 200)}` : ''}`);
  }
}

/** One line for a run of exec.intent/exec.outcome events. */
function condenseExec(run: Ev[], t0: number): TimelineItem {
  const intents = new Map(run.filter((e) => e.kind === 'exec.intent').map((e) => [e.seq, e]));
  const outcomes = run.filter((e) => e.kind === 'exec.outcome');
  const nodes = new Set(run.map((e) => e.node ?? '?'));
  let ok = 0;
  const details: string[] = [];
  for (const o of outcomes) {
    const intent = intents.get(num(o.data.intentSeq) ?? -1);
    const code = num(o.data.code);
    const err = str(o.data.error);
    if (code === 0) ok++;
    const result = err ? `${err}${str(o.data.message) ? `: ${str(o.data.message)}` : ''}` : `exit ${code ?? str(o.data.signal) ?? '?'}${o.data.timedOut === true ? ' (timed out)' : ''}`;
    details.push(`${o.node ?? '?'} — ${clip(str(intent?.data.command) ?? '(command not recorded)')} → ${result} (${fmtMs(num(o.data.ms))})`);
  }
  const pending = intents.size - outcomes.length;
  const failed = outcomes.length - ok;
  const first = run[0]!;
  const shown = details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), `… and ${details.length - MAX_DETAILS} more`] : details;
  return {
    seq: first.seq,
    at: first.ts,
    elapsedMs: first.t - t0,
    kind: 'exec',
    actor: first.actor,
    node: nodes.size === 1 ? [...nodes][0]! : null,
    text: `${intents.size} command(s) on ${nodes.size} node(s): ${ok} exit 0${failed ? `, ${failed} failed` : ''}${pending > 0 ? `, ${pending} without an outcome` : ''}`,
    level: failed || pending > 0 ? 'warn' : 'info',
    details: shown,
  };
}

/** `outcomeText`: the run's outcome in the one vocabulary (api/outcome.ts), for its run.ended line. */
export function buildTimeline(events: Ev[], t0: number, phaseOfStep: Map<string, string>, phaseTitle: (id: string) => string, outcomeText?: string): TimelineGroup[] {
  const groups: TimelineGroup[] = [];
  const byId = new Map<string, TimelineGroup>();
  const groupFor = (id: string, title: string) => {
    let g = byId.get(id);
    if (!g) byId.set(id, (g = { id, title, items: [] })), groups.push(g);
    return g;
  };
  let current = groupFor('start', 'Start');
  let execRun: Ev[] = [];
  const flush = () => {
    if (execRun.length) current.items.push(condenseExec(execRun, t0));
    execRun = [];
  };
  const approvalsSeen = new Set<string>();
  for (const e of events) {
    // Each event once: a state change that only restates the next event is left out, and so is the
    // second record of one approval (the gate's and the fault manager's).
    if (restatesAnotherEvent(e.kind)) continue;
    if (e.kind.startsWith('approval.')) {
      const key = `${e.kind}|${str(e.data.step) ?? ''}|${e.actor ?? ''}`;
      if (approvalsSeen.has(key)) continue;
      approvalsSeen.add(key);
    }
    if (e.kind === 'exec.intent' || e.kind === 'exec.outcome') {
      execRun.push(e);
      continue;
    }
    if (e.kind === 'step.started' || e.kind === 'stop.requested') flush();
    if (e.kind === 'step.started' && current.id !== 'stop') {
      const step = str(e.data.stepId) ?? '?';
      const phase = phaseOfStep.get(step);
      current = phase ? groupFor(`phase:${phase}`, `Phase: ${phaseTitle(phase)}`) : groupFor(`step:${step}`, `Step ${step}`);
    } else if (e.kind === 'stop.requested') {
      current = groupFor('stop', str(e.data.reason) === 'runbook finished' ? 'End of runbook: final sweep and wrap-up' : 'STOP and wrap-up');
    }
    current.items.push({ seq: e.seq, at: e.ts, elapsedMs: e.t - t0, kind: e.kind, actor: e.actor, node: e.node, ...describe(e, outcomeText) });
  }
  flush();
  // Condensed exec lines are added when their run ends; put them back at their first command.
  for (const g of groups) g.items.sort((a, b) => a.seq - b.seq);
  return groups.filter((g) => g.items.length > 0);
}
