/**
 * The drill score: a pure function of what happened (declarations, rulings, the probes' verdicts,
 * hints revealed, shell commands run) and the runbook's targets, so the debrief, the report and a
 * unit test all get the same number from the same facts.
 *
 * Parts (max 100): detect 30, mitigate 40, diagnosis 20, steps 10.
 *  - detect / mitigate: full points at or under the target, falling linearly to 0 at three times
 *    the target, measured from the drill clock's start (the hidden fault active). A "detected"
 *    declaration counts unless the facilitator rejected it; a "mitigated" one counts when the
 *    facilitator accepted it, or (no ruling) when the probes confirmed it.
 *  - diagnosis: 20 when the latest counted declaration that names a diagnosis names the answer.
 *  - steps: 10, minus each revealed hint's penalty, minus 1 per 10 trainee shell commands beyond
 *    the first 30; it may go below zero (hints cost what the runbook says).
 * The total is clamped to 0..100.
 */
import type { Declaration, DrillScore } from '../api/index.js';

export const DRILL_WEIGHTS = { detect: 30, mitigate: 40, diagnosis: 20, steps: 10 } as const;
/** Shell commands that cost nothing: looking around is the point of a drill. */
export const FREE_COMMANDS = 30;

export const DRILL_FORMULA =
  `Detect ${DRILL_WEIGHTS.detect} and mitigate ${DRILL_WEIGHTS.mitigate} points: full at or under the target time, falling linearly to 0 at three times the target (measured from the moment the hidden fault became active). ` +
  `Diagnosis ${DRILL_WEIGHTS.diagnosis} points when the declared diagnosis is the right one. Steps ${DRILL_WEIGHTS.steps} points, minus each revealed hint's penalty and 1 point per 10 shell commands beyond the first ${FREE_COMMANDS}. ` +
  'A "mitigated" declaration counts once the probes confirm it or the facilitator accepts it; a rejected declaration never counts. Total 0-100.';

export interface ScoreInputs {
  clockStartedAt: number | undefined;
  ttdTargetMs: number;
  ttmTargetMs: number;
  declarations: Declaration[];
  answer: string;
  hints: Array<{ revealedAt?: number; penalty: number }>;
  commandsUsed: number;
}

function fmt(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
}

/** Points for a time against a target: full at ≤ target, 0 at ≥ 3 × target, linear in between. */
export function timePoints(ms: number, targetMs: number, max: number): number {
  if (targetMs <= 0) return ms <= 0 ? max : 0;
  const f = Math.min(1, Math.max(0, (3 * targetMs - ms) / (2 * targetMs)));
  return Math.round(max * f);
}

/** Does this declaration count for the score? */
export function counts(d: Declaration): boolean {
  if (d.ruling) return d.ruling === 'accepted';
  return d.kind === 'detected' ? true : d.confirmed === true;
}

export function scoreDrill(i: ScoreInputs): DrillScore {
  const start = i.clockStartedAt;
  const counted = i.declarations.filter(counts);
  const first = (kind: Declaration['kind']) => counted.filter((d) => d.kind === kind).sort((a, b) => a.at - b.at)[0];
  const det = first('detected');
  const mit = first('mitigated');
  // Mitigating implies having detected: a team that only declares "mitigated" is timed from it for both.
  const detAt = det?.at ?? mit?.at;
  const ttdMs = start !== undefined && detAt !== undefined ? Math.max(0, detAt - start) : null;
  const ttmMs = start !== undefined && mit ? Math.max(0, mit.at - start) : null;

  const detect = ttdMs === null ? 0 : timePoints(ttdMs, i.ttdTargetMs, DRILL_WEIGHTS.detect);
  const mitigate = ttmMs === null ? 0 : timePoints(ttmMs, i.ttmTargetMs, DRILL_WEIGHTS.mitigate);

  const withDiag = counted.filter((d) => d.diagnosis !== undefined && d.diagnosis !== '').sort((a, b) => a.at - b.at);
  const lastDiag = withDiag[withDiag.length - 1];
  const diagnosisCorrect = lastDiag ? lastDiag.diagnosis === i.answer : null;
  const diagnosis = diagnosisCorrect ? DRILL_WEIGHTS.diagnosis : 0;

  const revealed = i.hints.filter((h) => h.revealedAt !== undefined);
  const hintCost = revealed.reduce((s, h) => s + h.penalty, 0);
  const cmdCost = Math.ceil(Math.max(0, i.commandsUsed - FREE_COMMANDS) / 10);
  const steps = DRILL_WEIGHTS.steps - hintCost - cmdCost;

  const total = Math.min(100, Math.max(0, detect + mitigate + diagnosis + steps));
  return {
    total,
    max: 100,
    parts: [
      { name: 'detect', points: detect, max: DRILL_WEIGHTS.detect, detail: ttdMs === null ? 'not detected' : `detected after ${fmt(ttdMs)} (target ${fmt(i.ttdTargetMs)})` },
      { name: 'mitigate', points: mitigate, max: DRILL_WEIGHTS.mitigate, detail: ttmMs === null ? 'no confirmed mitigation' : `mitigated after ${fmt(ttmMs)} (target ${fmt(i.ttmTargetMs)})` },
      { name: 'diagnosis', points: diagnosis, max: DRILL_WEIGHTS.diagnosis, detail: lastDiag ? `"${lastDiag.diagnosis}": ${diagnosisCorrect ? 'correct' : 'not the cause'}` : 'no diagnosis declared' },
      { name: 'steps', points: steps, max: DRILL_WEIGHTS.steps, detail: `${revealed.length} hint(s) revealed (−${hintCost}), ${i.commandsUsed} shell command(s) (−${cmdCost})` },
    ],
    formula: DRILL_FORMULA,
    ttdMs,
    ttmMs,
    diagnosisCorrect,
    hintsUsed: revealed.length,
    commandsUsed: i.commandsUsed,
  };
}
