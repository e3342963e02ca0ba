/**
 * The report's tables as plain text cells, shared by the Markdown and HTML renderers so both show
 * the same figures. Cells are unescaped text: each renderer escapes every cell the same way, so no
 * table can forget to escape a node name.
 */
import { fmtElapsed, fmtMs, fmtPct, fmtPrecision, fmtWall } from './format.js';
import type { ReportModel } from './types.js';

export type Tone = 'good' | 'bad' | 'warn' | 'muted';
export type Cell = string | { text: string; tone: Tone };
export interface Table {
  headers: string[];
  rows: Cell[][];
  /** Columns that must not wrap (ids, verdicts, short figures): wrapping "PASS" helps nobody. */
  nowrap?: number[];
}

export const cellText = (c: Cell): string => (typeof c === 'string' ? c : c.text);

const verdictCell = (v: 'pass' | 'fail' | 'unknown'): Cell => ({ text: v.toUpperCase(), tone: v === 'pass' ? 'good' : v === 'fail' ? 'bad' : 'warn' });
const at = (m: ReportModel, ms: number | null) => (ms === null ? '—' : `${fmtElapsed(ms)} (${fmtWall(Date.parse(m.run.startedAt) + ms).slice(11)})`);

export function metaTable(m: ReportModel): Table {
  const r = m.run;
  return {
    headers: ['Field', 'Value'],
    rows: [
      ['Date', `${fmtWall(Date.parse(r.startedAt))} → ${r.endedAt ? fmtWall(Date.parse(r.endedAt)) : 'not ended'} (${fmtMs(r.durationMs)})`],
      ['Run', `${r.marker ? `${r.marker} · ` : ''}${r.id}${r.dryRun ? ' (nothing was sent to any node)' : ''}`],
      ['Environment', r.environment ?? '—'],
      ['Outcome', `${r.outcomeText}${r.exitCode !== null ? ` (exit code ${r.exitCode})` : ''}`],
      ['Status', `Draft post-mortem, generated from the audit: ${r.status}`],
      ['Authors / roles', r.roles.map((x) => `${x.role}: ${x.people.join(', ')}`).join('; ') || '—'],
      ['Runbook', `${r.scenarioFile ?? '—'} (${m.runbook.note})`],
      ['Owner', m.runbook.owner ?? '—'],
    ],
  };
}

export function sloTable(m: ReportModel): Table {
  return { headers: ['SLO', 'Target', 'Measured', 'Verdict', 'Note'], rows: m.slos.map((s) => [s.name, s.target, s.measured, verdictCell(s.verdict), [s.detail, s.source === 'recomputed' ? 'recomputed by the report' : ''].filter(Boolean).join('; ')]), nowrap: [0, 1, 2, 3] };
}

export function availabilityTable(m: ReportModel): Table {
  return {
    headers: ['Probe', 'Samples', 'Availability', 'Target', 'Error budget used', 'p95 latency'],
    rows: m.availability.map((a) => [
      a.probeId,
      String(a.samples),
      fmtPct(a.availabilityPct),
      a.targetPct === null ? '—' : fmtPct(a.targetPct),
      a.errorBudgetUsedPct === null ? (a.targetPct !== null && a.availabilityPct !== null && a.availabilityPct < 100 ? { text: 'no budget (target 100 %)', tone: 'bad' } : '—') : { text: `${a.errorBudgetUsedPct.toFixed(1)} %`, tone: a.errorBudgetUsedPct > 100 ? 'bad' : a.errorBudgetUsedPct >= 80 ? 'warn' : 'good' },
      a.latencyApprox && a.latencyP95Ms !== null ? `≈ ${fmtMs(a.latencyP95Ms)} (±0.5 %)` : fmtMs(a.latencyP95Ms),
    ]),
    nowrap: [1, 2, 3, 5],
  };
}

export function detectionTable(m: ReportModel): Table {
  return {
    headers: ['Fault (step)', 'Active from', 'Probe', 'Time to detect', 'Target', 'Verdict'],
    rows: m.windows.map((w) => [
      `${w.stepId}: ${w.kinds.join(', ')} on ${w.nodes.join(', ')}`,
      at(m, w.injectMs),
      w.probeId,
      w.detection === 'detected'
        ? `${fmtMs(w.ttdMs)} ${fmtPrecision(w.precisionMs)}${w.unhealthyAtStart ? ' (the probe was already unhealthy when the fault became active)' : ''}`
        : { text: 'never detected: alert never fired / probe blind', tone: 'bad' },
      fmtMs(w.ttdTargetMs),
      verdictCell(w.ttdVerdict),
    ]),
    nowrap: [4, 5],
  };
}

const END_WORDS = { revert: 'revert verified', lease: 'lease expired', 'one-shot': 'one-shot' } as const;

/** Named figures per fault: impact, recovery after the revert, or self-healed during the fault. */
export function resolutionTable(m: ReportModel): Table {
  return {
    headers: ['Fault (step)', 'Window ended', 'Impact', 'Recovered after revert', 'Self-healed during fault', 'Target', 'Verdict', 'How it was reverted'],
    rows: m.windows.map((w) => {
      const p = fmtPrecision(w.precisionMs);
      const notRec: Cell = w.recovery === 'never-detected' ? { text: 'never detected', tone: 'warn' } : { text: `not recovered: ${w.recoveryNote ?? ''}`, tone: 'bad' };
      return [
        w.stepId,
        w.revertMs === null ? { text: 'never (not verified reverted)', tone: 'bad' } : `${at(m, w.revertMs)}, ${END_WORDS[w.endKind ?? 'revert']}`,
        w.impactMs === null ? '—' : `${fmtMs(w.impactMs)}${w.relapses ? ` (flapping: ${w.relapses} relapse(s))` : ''}`,
        w.recovery !== 'recovered' ? notRec : w.selfHealed ? '— (self-healed)' : `${fmtMs(w.recoverAfterRevertMs)} ${p}`,
        w.selfHealed ? `yes, ${fmtMs(w.selfHealedAfterMs)} after the fault became active ${p}` : 'no',
        w.ttrTargetMs === null ? '—' : `≤ ${fmtMs(w.ttrTargetMs)} from ${w.recoveryClock}`,
        verdictCell(w.ttrVerdict),
        w.revertText,
      ];
    }),
    nowrap: [0, 2, 5, 6],
  };
}

/** Impact outside every fault window: shown, never folded into a fault's figures. */
export function unattributedTable(m: ReportModel): Table {
  return {
    headers: ['From', 'Duration', 'Probe', 'Series', 'Note'],
    rows: m.unattributed.map((u) => [
      at(m, u.fromMs),
      { text: `${fmtMs(u.durationMs)}${u.state === 'open' ? ' (not recovered at the end)' : ''}`, tone: 'warn' },
      u.probeId,
      u.series.join(', '),
      `no fault was active when it started${u.relapses ? `; flapping: ${u.relapses} relapse(s)` : ''}${u.state === 'interrupted' ? '; cut short when a fault became active' : ''}`,
    ]),
    nowrap: [0, 1],
  };
}

export function faultTable(m: ReportModel): Table {
  return {
    headers: ['Fault', 'Node', 'Injected at', 'Reverted at', 'TTD', 'Recovery / target', 'Final state', 'Revert'],
    rows: m.faults.map((f) => {
      const w = m.windows.find((x) => x.stepId === f.stepId);
      const bad = ['residue', 'unreachable', 'intent', 'injecting', 'active', 'reverting'].includes(f.finalState) && !f.oneShot;
      return [
        `${f.kind}${f.stepId ? ` (${f.stepId})` : ''}${f.oneShot ? ' — one-shot, cannot be reverted' : ''}`,
        f.node,
        at(m, f.injectedMs),
        at(m, f.revertedMs),
        fmtMs(f.ttdMs),
        `${fmtMs(f.ttrMs)} / ${fmtMs(w?.ttrTargetMs ?? null)}${w ? ` from ${w.recoveryClock}` : ''}`,
        { text: f.finalState, tone: bad ? 'bad' : f.finalState === 'failed' ? 'warn' : 'good' },
        f.revertText,
      ];
    }),
    nowrap: [1, 4, 5, 6],
  };
}

export function notesTable(m: ReportModel): Table {
  return { headers: ['When', 'Role', 'Author', 'Note'], rows: m.notes.map((n) => [fmtElapsed(n.elapsedMs), n.role ?? '—', n.author ?? '—', n.text]), nowrap: [0] };
}

export function approvalsTable(m: ReportModel): Table {
  return { headers: ['When', 'Who', 'Decision', 'What', 'Reason'], rows: m.approvals.map((a) => [`${fmtElapsed(a.elapsedMs)} (${fmtWall(Date.parse(a.at))})`, a.approver, { text: a.decision, tone: a.decision === 'approved' ? 'good' : 'bad' }, a.step, a.reason ?? '—']), nowrap: [0, 2] };
}

export function actionTable(m: ReportModel): Table {
  return { headers: ['#', 'Prio', 'Finding', 'Remediation', 'Owner'], rows: m.actionItems.map((a) => [a.id, { text: a.priority, tone: a.priority === 'P1' ? 'bad' : a.priority === 'P2' ? 'warn' : 'muted' }, a.finding, a.remediation, a.owner]), nowrap: [0, 1, 4] };
}

export function scoreTable(m: ReportModel): Table {
  return { headers: ['Component', 'Weight', 'Value', 'Points', 'Why'], rows: m.score.components.map((c) => [c.label, String(c.weight), c.value === null ? 'n/a' : c.value.toFixed(2), c.value === null ? '—' : c.points.toFixed(1), c.explanation]), nowrap: [0, 1, 2, 3] };
}

export function trendTable(m: ReportModel): Table {
  return {
    headers: ['Date', 'Run', 'Result', 'Score', 'Worst TTR', 'Availability'],
    rows: m.trend.map((t) => [
      fmtWall(Date.parse(t.startedAt)),
      `${t.marker ? `${t.marker} · ` : ''}${t.runId}${t.current ? ' (this run)' : ''}`,
      { text: t.outcome, tone: t.outcome === 'passed' ? 'good' : t.outcome === 'incomplete' ? 'muted' : 'bad' },
      String(t.score),
      `${fmtMs(t.worstTtrMs)}${t.unrecovered ? ` (+${t.unrecovered} never recovered)` : ''}`,
      fmtPct(t.availabilityPct),
    ]),
    nowrap: [0, 2, 3],
  };
}
