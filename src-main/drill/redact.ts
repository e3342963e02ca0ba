/**
 * What a trainee may see of a live drill. The facilitator's view is the full one; trainees get the
 * same run with every hidden fault taken out: the runbook's title and file name give way to the
 * drill's trainee-facing title (`drill.title`, default "Training drill"), inject/revert steps become
 * a neutral "Facilitator action" (no title, text, fault, target, message, planned length), the fault list and recovery
 * timers are empty, command output of those steps and log lines naming a hidden fault are dropped,
 * the STOP report lists no per-node fault detail, the drill's answer and unrevealed hint texts are
 * removed, and the score stays hidden until the run has ended. Once it has ended (the debrief),
 * nothing is hidden any more.
 *
 * Pure functions over the API types, applied in the backend per client, so a hidden fault never
 * reaches a trainee's browser.
 */
import { basename, extname } from 'node:path';
import type { DrillView } from '../api/index.js';
import type { EngineEvent, RunSnapshot, RunState, StepView } from '../api/index.js';
import { DEFAULT_DRILL_TITLE } from '../scenario/index.js';

export const NEUTRAL_TITLE = 'Facilitator action';
/** Where a runbook file name would be: trainees of a live drill get this instead. */
export const HIDDEN_FILE = '(hidden during the drill)';
const ENDED: RunState[] = ['completed', 'aborted', 'failed'];

/** What must stay hidden in one drill: its inject/revert step ids and the words that would give it away. */
export interface Hidden {
  /** Hidden step ids (inject and revert steps). */
  steps: Set<string>;
  /**
   * Fault kinds, step ids and step titles of hidden steps, the runbook's title and file name: a
   * log line containing one is dropped.
   */
  words: string[];
  /** The drill's name as trainees see it (in place of the runbook title). */
  title: string;
  /** The live drill's runbook file: other runs of it are shown to trainees without title and file too. */
  scenarioFile?: string;
}

/** The runbook a drill runs, as far as trainees must not learn it. */
export interface HiddenRunbook {
  /** The runbook's own title (often names the fault). */
  title: string;
  scenarioFile: string;
  /** `drill.title`, when the runbook sets one. */
  traineeTitle?: string;
}

/** Hidden steps of a snapshot-like list of steps (inject and revert), and the runbook's names. */
export function hiddenOf(steps: Array<Pick<StepView, 'id' | 'kind' | 'title' | 'fault'>>, runbook?: HiddenRunbook): Hidden {
  const hidden = steps.filter((s) => s.kind === 'inject' || s.kind === 'revert');
  const words = new Set<string>();
  for (const s of hidden) {
    words.add(s.id);
    if (s.fault) words.add(s.fault);
    if (s.title && s.title !== s.id) words.add(s.title);
  }
  if (runbook) {
    const file = basename(runbook.scenarioFile);
    for (const w of [runbook.title, file, basename(file, extname(file))]) words.add(w);
  }
  return {
    steps: new Set(hidden.map((s) => s.id)),
    words: [...words].filter((w) => w.length >= 3),
    title: runbook?.traineeTitle ?? DEFAULT_DRILL_TITLE,
    ...(runbook && { scenarioFile: runbook.scenarioFile }),
  };
}

function names(text: string, words: string[]): boolean {
  const t = text.toLowerCase();
  return words.some((w) => {
    const i = t.indexOf(w.toLowerCase());
    if (i < 0) return false;
    // Whole words only: a step id "fill" must not drop "refill"; ids are [a-z0-9-].
    const before = t[i - 1];
    const after = t[i + w.length];
    return !(before && /[a-z0-9-]/.test(before)) && !(after && /[a-z0-9-]/.test(after));
  });
}

export function isEnded(state: RunState): boolean {
  return ENDED.includes(state);
}

export function redactStep(s: StepView, h: Hidden): StepView {
  if (!h.steps.has(s.id)) return s;
  const { id, phaseId, status, startedAt, endedAt, needsApproval, approvedBy, approvedAt } = s;
  return { id, phaseId, kind: 'facilitator', title: NEUTRAL_TITLE, status, needsApproval, ...(startedAt !== undefined && { startedAt }), ...(endedAt !== undefined && { endedAt }), ...(approvedBy !== undefined && { approvedBy }), ...(approvedAt !== undefined && { approvedAt }) };
}

/** The drill view for a trainee: no answer, only revealed hint texts, no score until the end. */
export function redactDrillView(v: DrillView, ended: boolean): DrillView {
  if (ended) return v;
  const { answer: _answer, score: _score, ...rest } = v;
  return { ...rest, hints: v.hints.map((x) => (x.revealedAt === undefined ? { index: x.index, afterMs: x.afterMs, penalty: x.penalty } : x)) };
}

export function redactSnapshot(s: RunSnapshot, h: Hidden): RunSnapshot {
  if (s.mode !== 'drill' || isEnded(s.state)) return s;
  return {
    ...s,
    scenarioFile: HIDDEN_FILE,
    title: h.title,
    steps: s.steps.map((x) => redactStep(x, h)),
    faults: [],
    timers: [],
    ...(s.stop ? { stop: { ...s.stop, nodes: [] } } : {}),
    ...(s.abortReason && names(s.abortReason, h.words) ? { abortReason: 'abort condition met' } : {}),
  };
}

/** A runs-list row for a trainee of a live drill: that drill's runbook (this run or an earlier one) shows only its trainee title. */
export function redactRunSummary<T extends { title: string | null; scenario: string | null }>(r: T, h: Hidden): T {
  if (!h.scenarioFile || r.scenario !== h.scenarioFile) return r;
  return { ...r, title: h.title, scenario: null };
}

/**
 * One engine event for a trainee of a live drill: the event itself, a redacted copy, or null (not
 * sent). `ended` says whether the run is over (then everything passes).
 */
export function redactEvent(e: EngineEvent, h: Hidden, ended: boolean): EngineEvent | null {
  if (ended) return e;
  switch (e.type) {
    case 'run.snapshot':
      return { ...e, snapshot: redactSnapshot(e.snapshot, h) };
    case 'step.update':
      return { ...e, step: redactStep(e.step, h) };
    case 'fault.update':
    case 'timer.update':
      return null;
    case 'exec.output':
      return e.stepId !== undefined && h.steps.has(e.stepId) ? null : names(e.data, h.words) ? null : e;
    case 'log':
      return names(e.message, h.words) ? null : e;
    case 'abort.fired':
      return names(e.reason, h.words) ? { ...e, reason: 'abort condition met' } : e;
    case 'stop.report':
      return { ...e, report: { ...e.report, nodes: [] } };
    case 'drill.update':
      return { ...e, drill: redactDrillView(e.drill, false) };
    default:
      return e;
  }
}
