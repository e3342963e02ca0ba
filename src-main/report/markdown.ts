/**
 * The post-mortem as Markdown (GFM tables), for a wiki or a pull request. Same sections and figures
 * as the HTML; every value from the audit goes through escMd().
 */
import { escMd } from './escape.js';
import { fmtClock, fmtElapsed } from './format.js';
import { actionTable, approvalsTable, availabilityTable, cellText, detectionTable, faultTable, metaTable, notesTable, resolutionTable, scoreTable, sloTable, trendTable, unattributedTable, type Table } from './tables.js';
import type { ReportModel } from './types.js';
import { drillMarkdown } from './drill.js';

function table(t: Table, empty: string): string {
  if (t.rows.length === 0) return `_${empty}_\n`;
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(t.headers.map(escMd)), line(t.headers.map(() => '---')), ...t.rows.map((r) => line(r.map((c) => escMd(cellText(c)))))].join('\n') + '\n';
}

const bullets = (xs: string[], empty: string) => (xs.length ? xs.map((x) => `- ${escMd(x)}`).join('\n') : `- _${empty}_`);
const OUTCOME = { passed: 'PASSED', failed: 'FAILED', aborted: 'ABORTED', incomplete: 'INCOMPLETE' } as const;

export function renderMarkdown(m: ReportModel): string {
  const out: string[] = [];
  const h = (level: number, text: string) => out.push(`${'#'.repeat(level)} ${text}\n`);
  const p = (text: string) => out.push(`${text}\n`);
  h(1, `Post-mortem: ${m.run.marker ? `${m.run.marker} · ` : ''}${escMd(m.run.title)}`);
  p(`${m.run.marker ? `**${m.run.marker}** · ` : ''}**${OUTCOME[m.outcome]}** · ${escMd(m.run.outcomeText)} · resilience score **${m.score.value}/100** · ${escMd(m.run.id)}`);
  p(table(metaTable(m), ''));

  if (m.drill) p(drillMarkdown(m.drill));
  h(2, 'Summary');
  p(escMd(m.summary));
  if (m.runbook.sloText.length) p(`Success criteria:\n\n${bullets(m.runbook.sloText, '')}\n`);

  h(2, 'Impact');
  p(escMd(m.impactText));
  p(table(sloTable(m), 'no SLO was set or recorded'));
  p(table(availabilityTable(m), 'no probe samples'));

  h(2, 'Detection');
  p(table(detectionTable(m), 'no fault took effect'));
  h(2, 'Resolution');
  p('Recovered = the start of a healthy run that then held for the hold window and, while the fault was active, through its revert plus the hold. Each figure is known to ± one probe interval.\n');
  p(table(resolutionTable(m), 'no fault took effect'));
  h(2, 'Unattributed impact');
  p(table(unattributedTable(m), 'none: every impact started inside a fault window'));

  h(2, 'Faults');
  p(table(faultTable(m), 'no fault was injected'));

  h(2, 'Timeline');
  for (const g of m.timeline) {
    h(3, escMd(g.title));
    for (const it of g.items) {
      out.push(`- \`${fmtElapsed(it.elapsedMs)}\` ${fmtClock(Date.parse(it.at))} — ${escMd(it.text)}`);
      for (const d of it.details) out.push(`  - ${escMd(d)}`);
    }
    out.push('');
  }

  h(2, 'Notes and observations');
  p(table(notesTable(m), 'no notes were taken'));
  h(2, 'Approvals');
  p(table(approvalsTable(m), 'no approvals were recorded'));

  h(2, 'Action items');
  p('Drafted from the gaps the audit shows; the facilitator confirms, merges and assigns them.\n');
  p(table(actionTable(m), 'no gaps found'));

  h(2, 'Lessons learned');
  h(3, 'What went well');
  p(bullets(m.lessons.wentWell, 'to be filled in by the team'));
  h(3, 'What went wrong');
  p(bullets(m.lessons.wentWrong, 'to be filled in by the team'));
  h(3, 'Where we got lucky');
  p(bullets(m.lessons.gotLucky, 'to be filled in by the team'));
  h(3, 'Questions for the review');
  p(m.lessons.prompts.map((q) => `- ${escMd(q)}\n  - _answer:_`).join('\n'));

  h(2, `Resilience score: ${m.score.value}/100`);
  p(table(scoreTable(m), ''));
  p(`_${escMd(m.score.formula)}_`);

  h(2, 'Trend (same runbook)');
  p(table(trendTable(m), 'no earlier run of this runbook in this audit'));

  out.push('---\n');
  p(`${m.integrity.ok ? '✔' : '✘'} ${escMd(m.integrity.text)} (${m.integrity.runEvents} events of this run, plus sample digests).`);
  if (m.integrity.head) p(`Audit head of this run: event ${m.integrity.head.seq}, sha256 \`${m.integrity.head.hash}\` (keep it: \`gameday audit verify --expect-head ${m.integrity.head.seq}:${m.integrity.head.hash}\` shows later that nothing up to it was removed or re-chained).`);
  p(`_${escMd(m.clockNote)}_`);
  p(`_Generated ${escMd(m.generatedAt)} by the game-day console (report schema ${m.schemaVersion})._`);
  return out.join('\n');
}
