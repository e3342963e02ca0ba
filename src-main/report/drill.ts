/**
 * The report's Drill section (training drills) and Rehearsal banner (tabletop walks), built from
 * the audit's drill.* / rehearsal.* events through the same reader the debrief uses. Renderers get
 * plain data; every text from the audit is escaped by the Markdown and HTML helpers below.
 */
import type { DrillScore } from '../api/index.js';
import { scorePartText, scoreTotal } from '../api/index.js';
import { drillViewFromAudit } from '../drill/index.js';
import type { Ev } from '../audit/index.js';
import { escHtml, escMd } from './escape.js';
import { fmtElapsed } from './format.js';

export const REHEARSAL_BANNER = 'Rehearsal (tabletop): nothing was sent to any node';

export interface DrillReport {
  mode: 'drill' | 'rehearsal';
  briefing: string;
  choices: string[];
  answer: string | null;
  score: DrillScore | null;
  diagnosisCorrect: boolean | null;
  declarations: Array<{ id: number; kind: string; trainee: string; elapsedMs: number; clockMs: number | null; diagnosis: string | null; correct: boolean | null; notes: string | null; confirmed: boolean | null; ruling: string | null }>;
  hints: Array<{ index: number; text: string | null; plannedMs: number; revealedClockMs: number | null; by: string | null; penalty: number }>;
  /** Rehearsal: the outcomes walked, in order. */
  outcomes: Array<{ stepId: string; text: string; elapsedMs: number }>;
  banner: string | null;
}

/** The Drill / Rehearsal part of the report, or undefined for a plain game day. */
export function buildDrillReport(runId: string, events: Ev[], t0: number): DrillReport | undefined {
  const v = drillViewFromAudit(runId, events);
  if (!v || v.mode === 'gameday') return undefined;
  const clock = v.clockStartedAt;
  return {
    mode: v.mode,
    briefing: v.briefing,
    choices: v.choices,
    answer: v.answer ?? null,
    score: v.score ?? null,
    diagnosisCorrect: v.score?.diagnosisCorrect ?? null,
    declarations: v.declarations.map((d) => ({ id: d.id, kind: d.kind, trainee: d.trainee, elapsedMs: d.at - t0, clockMs: clock === undefined ? null : d.at - clock, diagnosis: d.diagnosis ?? null, correct: d.diagnosis && v.answer ? d.diagnosis === v.answer : null, notes: d.notes ?? null, confirmed: d.confirmed ?? null, ruling: d.ruling ?? null })),
    hints: v.hints.map((h) => ({ index: h.index, text: h.text ?? null, plannedMs: h.afterMs, revealedClockMs: h.revealedAt !== undefined && clock !== undefined ? h.revealedAt - clock : null, by: h.revealedBy ?? null, penalty: h.penalty })),
    outcomes: events.filter((e) => e.kind === 'rehearsal.outcome').map((e) => ({ stepId: String(e.data.stepId ?? '?'), text: String(e.data.text ?? ''), elapsedMs: e.t - t0 })),
    banner: v.mode === 'rehearsal' ? REHEARSAL_BANNER : null,
  };
}

const yesNo = (b: boolean | null, yes: string, no: string, unknown = '—') => (b === null ? unknown : b ? yes : no);
const status = (d: DrillReport['declarations'][number]) => (d.ruling ? `${d.ruling} by the facilitator` : d.kind === 'mitigated' ? yesNo(d.confirmed, 'confirmed by the probes', 'not confirmed by the probes', 'pending') : 'counted');

function rows(d: DrillReport): { score: string[][]; decl: string[][]; hints: string[][] } {
  return {
    score: (d.score?.parts ?? []).map((p) => [p.name, scorePartText(p.points, p.max), p.detail]),
    decl: d.declarations.map((x) => [fmtElapsed(x.elapsedMs), x.clockMs === null ? '—' : fmtElapsed(x.clockMs), x.trainee, x.kind, x.diagnosis ?? '—', yesNo(x.correct, 'correct', 'wrong'), status(x), x.notes ?? '']),
    hints: d.hints.map((h) => [String(h.index + 1), fmtElapsed(h.plannedMs), h.revealedClockMs === null ? 'not revealed' : `${fmtElapsed(h.revealedClockMs)} (${h.by === 'schedule' ? 'on schedule' : `early, by ${h.by}`})`, `−${h.penalty}`, h.text ?? '']),
  };
}

function mdTable(headers: string[], body: string[][], empty: string): string {
  if (body.length === 0) return `_${empty}_\n`;
  const line = (c: string[]) => `| ${c.map((x) => escMd(x)).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...body.map(line)].join('\n') + '\n';
}

export function drillMarkdown(d: DrillReport): string {
  if (d.mode === 'rehearsal') {
    const walked = d.outcomes.map((o) => `- \`${fmtElapsed(o.elapsedMs)}\` **${escMd(o.stepId)}**: ${escMd(o.text)}`).join('\n') || '- _no step was reached_';
    return `> **${escMd(REHEARSAL_BANNER)}.** No fault was injected and no probe ran; the outcomes below are the runbook's script, read out to the room.\n\n## Rehearsal: outcomes walked\n\n${walked}\n`;
  }
  const r = rows(d);
  const total = d.score ? `**${scoreTotal(d.score.total)}/${d.score.max}**` : '_not scored (the run did not finish)_';
  return [
    `## Drill: score ${total}\n`,
    `**Briefing.** ${escMd(d.briefing)}\n`,
    `**Diagnosis.** The answer was "${escMd(d.answer ?? '?')}" — the team's diagnosis was ${yesNo(d.diagnosisCorrect, '**correct**', '**not correct**', 'not given')}.\n`,
    mdTable(['Part', 'Points', 'Measured'], r.score, 'no score'),
    d.score ? `_${escMd(d.score.formula)}_\n` : '',
    '### Declarations\n',
    mdTable(['Run time', 'Drill clock', 'Trainee', 'Declared', 'Diagnosis', 'Correct', 'Status', 'Notes'], r.decl, 'no declarations'),
    '### Hints\n',
    mdTable(['#', 'Planned', 'Revealed', 'Cost', 'Text'], r.hints, 'the drill had no hints'),
  ].join('\n');
}

function htmlTable(headers: string[], body: string[][], empty: string): string {
  if (body.length === 0) return `<p class="empty">${escHtml(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${escHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.map((b) => `<tr>${b.map((c) => `<td>${escHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function drillHtml(d: DrillReport): string {
  if (d.mode === 'rehearsal') {
    const walked = d.outcomes.length ? `<ol>${d.outcomes.map((o) => `<li><b>${escHtml(o.stepId)}</b> <span class="sub">${escHtml(fmtElapsed(o.elapsedMs))}</span> — ${escHtml(o.text)}</li>`).join('')}</ol>` : '<p class="empty">No step was reached.</p>';
    return `<section><p class="badge incomplete">${escHtml(REHEARSAL_BANNER)}</p><p>No fault was injected and no probe ran; the outcomes below are the runbook's script, read out to the room.</p><h2>Rehearsal: outcomes walked</h2>${walked}</section>`;
  }
  const r = rows(d);
  const total = d.score ? `${scoreTotal(d.score.total)}/${d.score.max}` : 'not scored';
  return (
    `<section><h2>${escHtml(`Drill: score ${total}`)}</h2><p><b>Briefing.</b> ${escHtml(d.briefing)}</p>` +
    `<p><b>Diagnosis.</b> The answer was “${escHtml(d.answer ?? '?')}” — the team's diagnosis was ${escHtml(yesNo(d.diagnosisCorrect, 'correct', 'not correct', 'not given'))}.</p>` +
    htmlTable(['Part', 'Points', 'Measured'], r.score, 'No score.') +
    (d.score ? `<p class="formula">${escHtml(d.score.formula)}</p>` : '') +
    `<h3>Declarations</h3>${htmlTable(['Run time', 'Drill clock', 'Trainee', 'Declared', 'Diagnosis', 'Correct', 'Status', 'Notes'], r.decl, 'No declarations.')}` +
    `<h3>Hints</h3>${htmlTable(['#', 'Planned', 'Revealed', 'Cost', 'Text'], r.hints, 'The drill had no hints.')}</section>`
  );
}
