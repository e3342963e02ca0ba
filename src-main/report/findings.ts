/**
 * Action items drafted from the gaps the audit shows, each with a remediation hint, and the lessons
 * learned prompts pre-filled with facts. Drafts for the facilitator: the report proposes, people
 * decide (the owner column says "to assign" unless the runbook names an owner).
 */
import type { Ev } from '../audit/index.js';
import { bool, str } from '../audit/index.js';
import { fmtMs, fmtPct, fmtPrecision, fmtWall } from './format.js';
import { clockWords } from '../probes/index.js';
import type { ActionCategory, ActionItem, AvailabilityRow, FaultEntry, FaultWindowEntry, IntegrityInfo, Lessons, SloRow, UnattributedEntry } from './types.js';

export interface FindingInputs {
  windows: FaultWindowEntry[];
  unattributed: UnattributedEntry[];
  faults: FaultEntry[];
  events: Ev[];
  slos: SloRow[];
  availability: AvailabilityRow[];
  integrity: IntegrityInfo;
  owner: string | null;
  stopDurationMs: number | null;
  stopClean: boolean | null;
}

/** Error budget used above this share while the SLO still passed = "got lucky". */
const LUCKY_BUDGET_PCT = 80;

const PROMPTS = [
  'What did the responders see first, and was it the signal the runbook expected?',
  'Which step took longer than planned, and why?',
  'What would have happened in production at this point (real traffic, real on-call, no facilitator)?',
  'Which dependency behaved differently from what the team believed?',
  'What will we test next time (a harder intensity, another node, a longer duration)?',
];

export function draftActions(i: FindingInputs): ActionItem[] {
  const out: ActionItem[] = [];
  const add = (category: ActionCategory, priority: ActionItem['priority'], finding: string, remediation: string) =>
    out.push({ id: `A${out.length + 1}`, category, priority, finding, remediation, owner: i.owner ?? 'to assign' });
  for (const w of i.windows) {
    const what = `${w.stepId} (${w.kinds.join(', ')} on ${w.nodes.join(', ')})`;
    if (w.detection === 'never-detected')
      add('detection', 'P1', `Alert never fired / probe blind: probe ${w.probeId} never saw fault ${what}.`, 'Either the fault had no user-visible effect (then say so in the hypothesis) or nothing watches the affected path: add a probe or alert on it (per-node series, a deeper health check, a latency bound) and check the alert rule fires on it.');
    else if (w.ttdVerdict === 'fail')
      add('detection', 'P2', `Detection of ${what} took ${fmtMs(w.ttdMs)} ${fmtPrecision(w.precisionMs)}, target ${fmtMs(w.ttdTargetMs)}.`, `Shorten the path to the alert: probe interval (now ${fmtMs(w.precisionMs)}), alert evaluation interval and "for" durations, thresholds.`);
    if (w.recovery === 'not-recovered')
      add('recovery', 'P1', `No recovery after ${what} within the observed window${w.ttrTargetMs !== null ? ` (target ${fmtMs(w.ttrTargetMs)} ${clockWords(w.recoveryClock)})` : ''}: ${w.recoveryNote ?? 'not recovered'}.`, 'Find what recovery waited for (a manual action, a stuck connection pool, a cache, a leader election); automate it or add it to the runbook, then repeat the game day.');
    else if (w.recovery === 'interrupted')
      add('recovery', 'P3', `Recovery after ${what} was not confirmed: ${w.recoveryNote ?? 'the next fault came first'}.`, 'Leave at least the hold window between a revert and the next inject, so each fault’s recovery can be measured on its own.');
    else if (w.ttrVerdict === 'fail')
      add('recovery', 'P2', `Recovery after ${what} took ${fmtMs(w.recoveryMs)} ${clockWords(w.recoveryClock)} ${fmtPrecision(w.precisionMs)}, target ${fmtMs(w.ttrTargetMs)}.`, 'Look at what holds recovery back: health-check and failover timers, retry back-off, connection re-establishment, DNS TTLs; change one, re-run the same runbook and compare in the trend table.');
  }
  for (const u of i.unattributed)
    add('recovery', 'P2', `Impact with no fault behind it: ${u.probeId} unhealthy for ${fmtMs(u.durationMs)} from ${fmtMs(u.fromMs)} into the run (series ${u.series.join(', ')}), while no fault was active.`, 'Find what else happened then (a deploy, a noisy neighbour, the lab itself): until it is explained, it is not part of any fault’s figures and the run’s availability includes it.');
  for (const f of i.faults) {
    if (f.finalState === 'residue') add('residue', 'P1', `Fault ${f.kind} on ${f.node} left residue after its revert${f.detail ? `: ${f.detail}` : ''}.`, 'Inspect the node (`gameday cleanup` finds leftovers by their run tag), remove them, and fix the fault module’s revert or the node state that blocked it.');
    else if (f.finalState === 'unreachable') add('reachability', 'P1', `Node ${f.node} was unreachable when fault ${f.kind} had to be reverted; only its lease watchdog could revert it${f.leaseExpiresAt ? ` (by ${fmtWall(Date.parse(f.leaseExpiresAt))})` : ''}.`, 'Confirm on the node that the lease fired and nothing is left (`gameday cleanup`), and find out why the management path was lost (did a network fault cut SSH?).');
    else if (['intent', 'injecting', 'active', 'reverting'].includes(f.finalState) && !f.oneShot) add('residue', 'P1', `Fault ${f.kind} on ${f.node} was never confirmed reverted (audit state "${f.finalState}").`, 'Run `gameday cleanup` now; it reverts every fault recorded as not reverted.');
  }
  for (const e of i.events) {
    if (e.kind === 'step.failed') add('step', 'P2', `Step ${str(e.data.stepId) ?? '?'} failed: ${str(e.data.message) ?? ''}`, 'A failed step means an expectation of the runbook did not hold: fix the system, or the step if its expectation was wrong.');
    else if (e.kind === 'abort.fired') add('abort', 'P1', `An abort condition stopped the run: ${str(e.data.reason) ?? ''}.`, 'The impact went beyond what was agreed. Find out why it spread (a dependency, missing isolation, retries amplifying load) before repeating; keep the abort condition.');
    else if (/^preflight\.(override|skipped)/.test(e.kind)) add('preflight', 'P3', `Preflight was ${e.kind.endsWith('skipped') ? 'skipped' : 'overridden'}${e.actor ? ` by ${e.actor}` : ''}.`, 'Run `gameday preflight` and fix the failing checks before the next game day; a fault whose tools are missing may fail to inject or to revert.');
    else if (e.kind === 'integrity.compared' && bool(e.data.match) === false) add('integrity', 'P1', `Data changed during the game day (${str(e.data.stepId) ?? '?'} differs from ${str(e.data.with) ?? '?'}).`, 'Treat as a durability or consistency bug: find which write happened during the fault, and whether clients were told it succeeded.');
  }
  for (const s of i.slos) {
    if (s.verdict === 'fail' && !/^(recoveryTime|detectionTime)/.test(s.name)) add('slo', 'P2', `SLO ${s.name} missed: measured ${s.measured}, target ${s.target}.`, 'Reduce the blast radius of this fault: redundancy, graceful degradation, retries with budgets and timeouts, load shedding.');
  }
  if (!i.integrity.ok) add('audit', 'P1', `The audit hash chain is broken: ${i.integrity.text}.`, 'Treat the audit file as altered: keep a copy, compare it with backups, and do not rely on this report until the cause is known.');
  return out;
}

export function draftLessons(i: FindingInputs, actions: ActionItem[]): Lessons {
  const well: string[] = [];
  const lucky: string[] = [];
  const took = i.faults.filter((f) => f.finalState !== 'failed');
  const reverted = took.filter((f) => f.finalState === 'reverted' || f.oneShot);
  if (took.length && reverted.length === took.length) well.push(`Every fault that took effect (${took.length}) was reverted and verified.`);
  const det = i.windows.filter((w) => w.ttdVerdict === 'pass');
  if (det.length) well.push(`Detection within target for ${det.length} of ${i.windows.length} fault(s).`);
  const rec = i.windows.filter((w) => w.ttrVerdict === 'pass');
  if (rec.length) well.push(`Recovery within target for ${rec.length} of ${i.windows.length} fault(s).`);
  if (i.stopClean && i.stopDurationMs !== null) well.push(`The final stop took ${fmtMs(i.stopDurationMs)} and left every node clean.`);
  if (i.events.some((e) => e.kind === 'abort.fired')) well.push('An abort condition tripped and stopped the run on its own: the safety net worked.');
  if (i.integrity.ok) well.push(`The audit is intact (${i.integrity.checked} events verified).`);
  for (const w of i.windows) {
    if (w.ttrVerdict === 'pass' && w.recoveryMs !== null && w.ttrTargetMs !== null && w.ttrTargetMs - w.recoveryMs <= w.precisionMs) lucky.push(`Recovery after ${w.stepId} met its target by ${fmtMs(w.ttrTargetMs - w.recoveryMs)}, within the probe precision (${fmtPrecision(w.precisionMs)}): one sample later and it would have failed.`);
    if (w.relapses > 0 && w.recovery === 'recovered') lucky.push(`The service flapped (${w.relapses} relapse(s)) while recovering from ${w.stepId} before it held.`);
    if (w.selfHealed) well.push(`The system healed itself during ${w.stepId}, ${fmtMs(w.selfHealedAfterMs)} after the fault became active, and stayed healthy through the revert.`);
  }
  for (const a of i.availability) if (a.errorBudgetUsedPct !== null && a.errorBudgetUsedPct >= LUCKY_BUDGET_PCT && a.errorBudgetUsedPct <= 100) lucky.push(`${a.probeId} used ${a.errorBudgetUsedPct.toFixed(0)} % of its error budget (availability ${fmtPct(a.availabilityPct)}) and still passed.`);
  for (const f of i.faults) if (f.revertMethod === 'lease') lucky.push(`${f.node} was unreachable at the end; its lease watchdog is what reverts it.`);
  const wrong = actions.filter((a) => a.priority !== 'P3').map((a) => a.finding);
  return { wentWell: well, wentWrong: wrong, gotLucky: lucky, prompts: PROMPTS };
}
