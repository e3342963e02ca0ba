/**
 * The post-mortem as one self-contained HTML page: inline CSS, charts as inline SVG rendered on the
 * server, no script, no external resource (it opens offline, in a mail client, or in a browser's
 * print dialog). A Content-Security-Policy meta tag forbids anything else loading, as a second line
 * behind the escaping. Every value from the audit goes through escHtml().
 */
import { renderChartSvg } from './charts.js';
import { escHtml } from './escape.js';
import { fmtClock, fmtElapsed, fmtMs, fmtPct } from './format.js';
import { REPORT_CSS } from './html-css.js';
import { actionTable, approvalsTable, availabilityTable, cellText, type Cell, detectionTable, faultTable, metaTable, notesTable, resolutionTable, scoreTable, sloTable, trendTable, unattributedTable, type Table } from './tables.js';
import type { ReportModel } from './types.js';
import { drillHtml } from './drill.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function table(t: Table, empty: string, tableClass = ''): string {
  if (t.rows.length === 0) return `<p class="empty">${escHtml(empty)}</p>`;
  const head = `<thead><tr>${t.headers.map((h, i) => `<th${t.nowrap?.includes(i) ? ' class="nw"' : ''}>${escHtml(h)}</th>`).join('')}</tr></thead>`;
  const tdClass = (c: Cell, i: number) => [typeof c === 'string' ? '' : c.tone, t.nowrap?.includes(i) ? 'nw' : ''].filter(Boolean).join(' ');
  const td = (c: Cell, i: number) => (tdClass(c, i) ? `<td class="${tdClass(c, i)}">` : '<td>') + `${escHtml(cellText(c))}</td>`;
  const rows = t.rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('');
  return `<table${tableClass ? ` class="${tableClass}"` : ''}>${head}<tbody>${rows}</tbody></table>`;
}

const list = (xs: string[], empty: string) => (xs.length ? `<ul>${xs.map((x) => `<li>${escHtml(x)}</li>`).join('')}</ul>` : `<p class="empty">${escHtml(empty)}</p>`);
const section = (title: string, body: string) => `<section><h2>${escHtml(title)}</h2>${body}</section>`;

function charts(m: ReportModel): string {
  if (m.charts.length === 0) return '<p class="empty">No probe samples were recorded.</p>';
  return m.charts
    .map((c) => {
      const what = c.mode === 'envelope' ? `${c.seriesCount} series shown as min / mean / max` : `${c.seriesCount} series`;
      const cap = `<b>${escHtml(c.probeId)}</b> · ${escHtml(c.valueLabel)} — ${escHtml(what)}, ${c.samples} samples, availability ${escHtml(fmtPct(c.availabilityPct))}, p95 ${c.latencyApprox ? '≈ ' : ''}${escHtml(fmtMs(c.latencyP95Ms))}; one point pair (min, max) per ${escHtml(fmtMs(c.bucketMs))}. Shaded: faults, inject → revert. Red: unhealthy samples.`;
      return `<figure><figcaption>${cap}</figcaption>${renderChartSvg(c, m.marks)}</figure>`;
    })
    .join('');
}

function timeline(m: ReportModel): string {
  if (m.timeline.length === 0) return '<p class="empty">No events.</p>';
  return m.timeline
    .map((g) => {
      const rows = g.items
        .map((it) => {
          const details = it.details.length ? `<ul>${it.details.map((d) => `<li>${escHtml(d)}</li>`).join('')}</ul>` : '';
          return `<tr class="${it.level}"><td class="t">${escHtml(fmtElapsed(it.elapsedMs))}</td><td class="t">${escHtml(fmtClock(Date.parse(it.at)))}</td><td class="x">${escHtml(it.text)}${details}</td></tr>`;
        })
        .join('');
      return `<div class="tl-group"><h3>${escHtml(g.title)}</h3><table class="tl"><tbody>${rows}</tbody></table></div>`;
    })
    .join('');
}

function lessons(m: ReportModel): string {
  const box = (title: string, xs: string[]) => `<div><h3>${escHtml(title)}</h3>${list(xs, 'To be filled in by the team.')}</div>`;
  const prompts = m.lessons.prompts.map((q) => `<li>${escHtml(q)}<div class="prompt"></div></li>`).join('');
  return `<div class="lessons">${box('What went well', m.lessons.wentWell)}${box('What went wrong', m.lessons.wentWrong)}${box('Where we got lucky', m.lessons.gotLucky)}</div><h3>Questions for the review</h3><ol>${prompts}</ol>`;
}

export function renderHtml(m: ReportModel): string {
  const scoreTone = m.score.value >= 80 ? 'good' : m.score.value >= 50 ? 'warn' : 'bad';
  const hyp = m.runbook.available ? '' : `<p class="empty">${escHtml(m.runbook.note)}</p>`;
  const slo = m.runbook.sloText.length ? `<p><b>Success criteria.</b></p>${list(m.runbook.sloText, '')}` : '';
  const body = [
    `<header class="top"><div><div class="kicker">Game-day post-mortem · blameless</div><h1>${escHtml(m.run.title)}</h1>` +
      `<div>${m.run.marker ? `<span class="badge marker" data-marker="${escHtml(m.run.marker)}">${escHtml(m.run.marker)}</span> ` : ''}<span class="badge ${m.outcome}">${escHtml(m.outcome.toUpperCase())}</span> <span class="sub">${escHtml(m.run.outcomeText)} · ${escHtml(m.run.id)}</span></div></div>` +
      `<div class="score ${scoreTone}"><div class="n">${m.score.value}</div><div class="l">resilience score / 100</div></div></header>`,
    table(metaTable(m), '', 'meta'),
    ...(m.drill ? [drillHtml(m.drill)] : []),
    section('Summary', `<div class="summary">${escHtml(m.summary)}</div>${hyp}${slo}`),
    section('Impact', `<p>${escHtml(m.impactText)}</p>${table(sloTable(m), 'No SLO was set or recorded.')}${table(availabilityTable(m), 'No probe samples.')}`),
    section('Detection', `<p class="sub">Time from the fault becoming active to the first unhealthy sample of the primary probe; known to ± one probe interval.</p>${table(detectionTable(m), 'No fault took effect.')}`),
    section('Resolution', `<p class="sub">Recovered = the start of a healthy run that then held for the hold window and, while the fault was active, through its revert plus the hold. Impact runs from detection to recovery; recovery is timed from the revert (verified) unless the system healed itself during the fault.</p>${table(resolutionTable(m), 'No fault took effect.')}`),
    section('Unattributed impact', `<p class="sub">Impact that started while no fault was active: never part of a fault's figures.</p>${table(unattributedTable(m), 'None: every impact started inside a fault window.')}`),
    section('Probes', charts(m)),
    section('Faults', table(faultTable(m), 'No fault was injected.')),
    section('Timeline', timeline(m)),
    section('Notes and observations', table(notesTable(m), 'No notes were taken.')),
    section('Approvals', table(approvalsTable(m), 'No approvals were recorded.')),
    section('Action items', `<p class="sub">Drafted from the gaps the audit shows; the facilitator confirms, merges and assigns them.</p>${table(actionTable(m), 'No gaps found.')}`),
    section('Lessons learned', lessons(m)),
    section(`Resilience score: ${m.score.value}/100`, `${table(scoreTable(m), '')}<p class="formula">${escHtml(m.score.formula)}</p>`),
    section('Trend (same runbook, this audit)', table(trendTable(m), 'No earlier run of this runbook in this audit.')),
    `<footer><p><span class="chain ${m.integrity.ok ? 'ok' : 'broken'}">${m.integrity.ok ? '✔' : '✘'} ${escHtml(m.integrity.text)}</span> (${m.integrity.runEvents} events of this run, plus sample digests).</p>` +
      (m.integrity.head ? `<p class="head">Audit head of this run: event ${m.integrity.head.seq}, sha256 <code>${escHtml(m.integrity.head.hash)}</code> (check later: <code>gameday audit verify --expect-head ${m.integrity.head.seq}:${escHtml(m.integrity.head.hash)}</code>).</p>` : '') +
      `<p>${escHtml(m.clockNote)}</p><p>Generated ${escHtml(m.generatedAt)} by the game-day console · report schema ${m.schemaVersion}.</p></footer>`,
  ].join('\n');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escHtml(`Post-mortem: ${m.run.marker ? `${m.run.marker} · ` : ''}${m.run.title}`)}</title><style>${REPORT_CSS}</style></head><body>\n${body}\n</body></html>\n`;
}
