import type { PhaseView, RunState, StepView } from '../api/index.js';
import { isOneShot, getFault } from '../faults/index.js';
import { planTimes, type Phase, type PlanTimes, type Scenario, type Step } from '../scenario/index.js';
import { getK8sFault } from '../faults/index.js';
import { isK8sSelector } from '../inventory/index.js';

/** Thrown inside step runners when STOP was pressed: unwinds the step loop to the `finally`. */
export class Stopped extends Error {
  override readonly name = 'Stopped';
}

/** Legal state transitions of a run (ready → preflight → running ⇄ paused → stopping → end states). */
const NEXT: Record<RunState, RunState[]> = {
  ready: ['preflight', 'running', 'failed', 'stopping'],
  preflight: ['running', 'failed', 'stopping'],
  running: ['paused', 'stopping', 'completed', 'failed'],
  paused: ['running', 'stopping', 'failed'],
  stopping: ['aborted', 'failed', 'completed'],
  completed: [],
  aborted: [],
  failed: [],
};

export function canMove(from: RunState, to: RunState): boolean {
  return NEXT[from].includes(to);
}

function stepTitle(s: Step): string {
  if (s.title) return s.title;
  switch (s.kind) {
    case 'inject':
      return `Inject ${s.fault} on ${s.target}`;
    case 'revert':
      return `Revert ${s.step}`;
    case 'wait':
      return `Wait ${s.duration}`;
    case 'assert':
      return `Check ${s.probe} is ${s.expect}`;
    case 'approval':
      return 'Approval';
    case 'note':
      return 'Note';
    case 'command':
      return `Run on ${s.target}`;
    case 'integrity':
      return `Integrity check on ${s.target}`;
    default: {
      // An instruction's first line; a long one is cut at a word with an ellipsis (the whole text is the step's `text`).
      const line = s.text.split('\n')[0]!;
      if (line.length <= STEP_TITLE_CHARS) return line;
      const cut = line.slice(0, STEP_TITLE_CHARS - 1);
      return `${cut.slice(0, cut.lastIndexOf(' ') > STEP_TITLE_CHARS / 2 ? cut.lastIndexOf(' ') : cut.length).trimEnd()}…`;
    }
  }
}

/** Longest step title taken from an instruction's text. */
const STEP_TITLE_CHARS = 80;

/** Does a step need a second person's go before it runs? */
export function needsApproval(s: Step, sc: Scenario): { needed: boolean; risk?: 'low' | 'medium' | 'high' } {
  if (s.kind === 'approval') return { needed: true };
  if (s.kind === 'command') return { needed: true, risk: 'high' };
  if (s.kind === 'inject') {
    let risk: 'low' | 'medium' | 'high' | undefined;
    let oneShot = false;
    try {
      const mod = getFault(s.fault);
      risk = mod.risk;
      oneShot = isOneShot(mod, (s.params ?? {}) as never);
    } catch {
      /* validation already refused unknown faults */
    }
    // On pods (k8s: targets) a kill cannot be undone either: a second person confirms it.
    const target = sc.targets[s.target];
    if (target && isK8sSelector(target.selector) && getK8sFault(s.fault)?.oneShot) oneShot = true;
    return { needed: s.approval === 'required' || risk === 'high' || oneShot || sc.environment === 'prod', risk };
  }
  return { needed: s.approval === 'required' };
}

export function initialViews(sc: Scenario, times: PlanTimes = planTimes(sc)): { phases: PhaseView[]; steps: StepView[] } {
  const phases: PhaseView[] = sc.phases.map((p: Phase) => ({ id: p.id, title: p.title, status: 'pending', plannedMs: times.phases.get(p.id) }));
  const steps: StepView[] = sc.phases.flatMap((p) =>
    p.steps.map((s): StepView => {
      const ap = needsApproval(s, sc);
      let oneShot: boolean | undefined;
      if (s.kind === 'inject') {
        try {
          oneShot = isOneShot(getFault(s.fault), (s.params ?? {}) as never);
        } catch {
          oneShot = undefined;
        }
      }
      return {
        id: s.id,
        phaseId: p.id,
        kind: s.kind,
        title: stepTitle(s),
        text: s.kind === 'note' ? s.prompt : s.text,
        checklist: s.kind === 'instruction' ? s.checklist?.map((item) => ({ item, done: false })) : undefined,
        status: 'pending',
        risk: ap.risk,
        needsApproval: ap.needed,
        approvers: s.kind === 'approval' ? s.approvers : undefined,
        plannedMs: times.steps.get(s.id)?.plannedMs,
        fault: s.kind === 'inject' ? s.fault : undefined,
        target: 'target' in s ? s.target : undefined,
        oneShot,
      };
    }),
  );
  return { phases, steps };
}

/** Who holds which role in the snapshot: the commander of this run, the rest from the runbook. */
export function rolesOf(sc: Scenario, commander: string): Record<string, string[]> {
  const r = sc.roles;
  const roles: Record<string, string[]> = { commander: [commander] };
  if (r?.scribe) roles.scribe = [r.scribe];
  if (r?.injector) roles.injector = [r.injector];
  if (r?.observer) roles.observer = Array.isArray(r.observer) ? r.observer : [r.observer];
  return roles;
}

/** Two-person rule: the approver is someone other than the commander (and on the step's list, if any). */
export function checkApprover(s: StepView, approver: string, commander: string): void {
  if (s.status !== 'awaiting-approval') throw new Error(`step ${s.id} is not waiting for approval`);
  if (approver.toLowerCase() === commander.trim().toLowerCase()) throw new Error(`the approver must be someone other than the commander (${commander}): two-person rule`);
  if (s.approvers?.length && !s.approvers.some((a) => a.toLowerCase() === approver.toLowerCase())) throw new Error(`${approver} may not approve this step; approvers: ${s.approvers.join(', ')}`);
}
