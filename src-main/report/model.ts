/**
 * buildReportModel: one run's post-mortem, from the audit file alone (plus the runbook file when it
 * still exists). Reads the run row, its events, faults and samples; recomputes detection and
 * recovery with the engine's own functions; drafts findings; scores; compares with earlier runs of
 * the same runbook in the same audit; and records whether the audit's hash chain holds.
 */
import type { AuditStore } from '../audit/index.js';
import { describeOutcome, outcomeFactsFromEvents, type SloResult } from '../api/index.js';
import { bool, num, readRun, sampledProbeIds, str, type Ev } from '../audit/index.js';
import { walkFaults } from './fault-walk.js';
import { draftActions, draftLessons } from './findings.js';
import { fmtMs, fmtWall } from './format.js';
import { runbookFacts } from './runbook.js';
import { readProbe } from './samples.js';
import { windowSamples } from '../audit/index.js';
import { measureStoredImpact } from '../probes/index.js';
import { recoveryTargetText } from '../probes/index.js';
import { resilienceScore } from './score.js';
import { clockWords as clockWordsOf } from '../probes/index.js';
import { availabilityRows, impactText, outcomeOf, rolesOf, summaryText } from './summary.js';
import { buildTimeline } from './timeline.js';
import { buildDrillReport } from './drill.js';
import { buildTrend } from './trend.js';
import { REPORT_SCHEMA_VERSION, type ApprovalEntry, type IntegrityInfo, type NoteEntry, type ProbeChart, type ReportModel, type RunInfo, type SloRow } from './types.js';
import { attachTimings, estimateIntervalMs, measureWindows } from './windows.js';

export interface BuildOptions {
  /** Only the probes the score needs (primary + availability) and no trend: for trend rows. */
  light?: boolean;
  /** Earlier runs shown in the trend table (most recent first). */
  trendLimit?: number;
  /** "Now", for the generatedAt stamp (tests pin it). */
  now?: Date;
  /** Read every raw sample instead of the rollups (exact p95 on big runs; slow on them). */
  exact?: boolean;
}

/** Trend rows beyond this say little more and cost a read of each run. */
const DEFAULT_TREND_LIMIT = 10;
/** Without a runbook, the interval is estimated from this much of the primary probe's first samples. */
const INTERVAL_SNIFF_MS = 60_000;

/** Probe interval when neither the runbook nor the samples tell it: the scenarios' most common 1 s. */
const FALLBACK_INTERVAL_MS = 1000;

function recordedSlos(ended: Ev | undefined): SloResult[] {
  const raw = ended?.data.slos;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((x) => {
    const o = x as Record<string, unknown>;
    const name = str(o.name);
    const verdict = str(o.verdict);
    if (!name || (verdict !== 'pass' && verdict !== 'fail' && verdict !== 'unknown')) return [];
    return [{ name, verdict, measured: str(o.measured) ?? '—', target: str(o.target) ?? '—', ...(str(o.detail) ? { detail: str(o.detail)! } : {}) }];
  });
}

export function buildReportModel(audit: AuditStore, runId: string, opts: BuildOptions = {}): ReportModel {
  const { run: row, events, faults: faultRows } = readRun(audit, runId);
  const t0 = Date.parse(row.started_at);
  const created = events.find((e) => e.kind === 'run.created');
  const ended = events.find((e) => e.kind === 'run.ended');
  const lastT = events.length ? events[events.length - 1]!.t : t0;
  const endAt = row.ended_at ? Date.parse(row.ended_at) : lastT;
  const recorded = recordedSlos(ended);
  const facts = runbookFacts(row.scenario, recorded);
  const walk = walkFaults(events, faultRows, t0);

  // Samples: every probe of the runbook (or every probe that wrote samples when the runbook is gone).
  const wanted = new Set(facts.probeIds.length ? facts.probeIds : sampledProbeIds(audit, runId));
  for (const p of [facts.primaryProbe, facts.availability?.probe]) if (p) wanted.add(p);
  const primary = facts.primaryProbe ?? [...wanted][0] ?? null;
  const charts: ProbeChart[] = [];
  for (const probeId of [...wanted]) {
    if (opts.light && probeId !== primary && probeId !== facts.availability?.probe) continue;
    charts.push(readProbe(audit, runId, probeId, { t0, from: t0, to: endAt, intervalMs: facts.intervalMs(probeId), valueLabel: facts.valueLabel(probeId), exact: opts.exact }));
  }

  // Impact attribution needs every sample of the primary probe where impact is decided (stored-impact.ts).
  const intervalMs = (primary ? facts.intervalMs(primary) : null) ?? estimateIntervalMs(primary ? windowSamples(audit, runId, primary, t0, t0 + INTERVAL_SNIFF_MS) : []) ?? FALLBACK_INTERVAL_MS;
  const { windows, unattributed } = primary
    ? measureWindows(walk.windows, walk.faults, { probeId: primary, measure: (q) => measureStoredImpact(audit, runId, q, { rawLimit: opts.exact ? Infinity : undefined }), intervalMs, healthyAfter: facts.healthyAfter(primary), holdMs: facts.holdMs, ttrTargetMs: facts.recoveryTargetMs, ttdTargetMs: facts.detectionTargetMs, clock: facts.recoveryClock, t0, endAt })
    : { windows: [], unattributed: [] };
  const faults = attachTimings(walk.faults, windows);
  const slos: SloRow[] = recorded.length ? recorded.map((s) => ({ ...s, source: 'recorded' })) : recomputedSlos(windows, charts, facts.availability);
  const availability = availabilityRows(charts, facts.availability);

  const stopDone = events.find((e) => e.kind === 'stop.completed');
  const run: RunInfo = {
    id: row.id,
    title: row.title ?? str(created?.data.title) ?? row.id,
    scenarioFile: row.scenario,
    environment: str(created?.data.env) ?? facts.scenario?.environment ?? null,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: endAt - t0,
    commander: created?.actor ?? null,
    roles: rolesOf(created?.actor ?? null, facts.scenario?.roles, events),
    exitCode: num(ended?.data.exitCode),
    clean: bool(ended?.data.clean) ?? bool(stopDone?.data.clean),
    failure: str(ended?.data.failure),
    abortReason: str(ended?.data.abortReason),
    dryRun: events.some((e) => e.kind === 'dryrun.command'),
    mode: 'gameday',
    marker: null,
    outcomeText: row.status,
  };
  {
    // The one vocabulary (api/outcome.ts), from the same facts the console's run list reads.
    const facts = outcomeFactsFromEvents(events);
    const roles = Object.fromEntries(run.roles.map((x) => [x.role, x.people]));
    const o = describeOutcome({ ...facts, status: row.status, dryRun: run.dryRun || Boolean(facts.dryRun), roles });
    run.mode = facts.mode ?? 'gameday';
    run.dryRun = run.dryRun || Boolean(facts.dryRun) || run.mode === 'rehearsal';
    run.marker = o.marker;
    run.outcomeText = o.text;
  }
  const outcome = outcomeOf(row.status, run.exitCode, slos);
  const failedSteps = events.filter((e) => e.kind === 'step.failed').length;
  const score = resilienceScore({
    sloVerdicts: slos.map((s) => s.verdict),
    windows,
    status: row.status,
    failedSteps,
    stopClean: run.clean,
    faultStates: faults.filter((f) => f.finalState !== 'failed').map((f) => ({ state: f.finalState, oneShot: f.oneShot })),
  });
  const phases = facts.info.phases.map((p) => {
    const steps = facts.scenario?.phases.find((x) => x.id === p.id)?.steps.map((s) => s.id) ?? [];
    const starts = steps.map((s) => walk.stepStarts.get(s)).filter((x): x is number => x !== undefined);
    const ends = steps.map((s) => walk.stepEnds.get(s)).filter((x): x is number => x !== undefined);
    return { ...p, startedMs: starts.length ? Math.min(...starts) - t0 : null, endedMs: ends.length ? Math.max(...ends) - t0 : null };
  });
  const marks = {
    faults: windows.map((w) => ({ label: `${w.stepId}: ${w.kinds.join(', ')}`, fromMs: w.injectMs, toMs: w.revertMs ?? endAt - t0 })),
    phases: phases.flatMap((p) => (p.startedMs === null ? [] : [{ label: p.title, atMs: p.startedMs }])),
    endMs: endAt - t0,
  };
  if (opts.light) {
    return { ...emptyHeavy(), schemaVersion: REPORT_SCHEMA_VERSION, generatedAt: (opts.now ?? new Date()).toISOString(), run, runbook: { ...facts.info, phases }, outcome, summary: '', slos, availability, impactText: '', windows, unattributed, faults, score, charts, marks };
  }

  const v = audit.verify();
  const failed = v.checks.find((x) => !x.ok);
  const integrity: IntegrityInfo = {
    ok: v.ok,
    checked: v.checked,
    runEvents: events.length,
    firstBroken: v.firstBroken ?? null,
    text: v.ok ? `tamper-evident: ${v.checked} events, chain intact` : v.firstBroken ? `chain BROKEN at event ${v.firstBroken.seq}: ${v.firstBroken.reason} (${v.checked} events before it intact)` : `audit NOT intact (${failed!.name}): ${failed!.text}`,
    head: audit.runHead(runId) ?? null,
  };
  const notes: NoteEntry[] = events.filter((e) => e.kind === 'note').map((e) => ({ at: e.ts, elapsedMs: e.t - t0, role: str(e.data.role), author: e.actor, text: str(e.data.text) ?? '' }));
  // One approval, one row: a high-risk inject's go is recorded by the gate and again, with the
  // policy's reason, by the fault manager; the second adds its reason to the first.
  const approvals: ApprovalEntry[] = [];
  for (const e of events.filter((x) => x.kind.startsWith('approval.'))) {
    const a = { at: e.ts, elapsedMs: e.t - t0, step: str(e.data.step) ?? '?', approver: e.actor ?? '?', decision: e.kind.slice('approval.'.length), reason: str(e.data.reason) };
    const same = approvals.find((x) => x.step === a.step && x.approver === a.approver && x.decision === a.decision);
    if (same) same.reason = [same.reason, a.reason].filter(Boolean).join('; ') || null;
    else approvals.push(a);
  }
  const findingInputs = { windows, unattributed, faults, events, slos, availability, integrity, owner: facts.info.owner, stopDurationMs: num(stopDone?.data.durationMs), stopClean: run.clean };
  const actionItems = draftActions(findingInputs);
  const phaseTitle = (id: string) => phases.find((p) => p.id === id)?.title ?? id;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    run,
    runbook: { ...facts.info, phases },
    outcome,
    summary: summaryText(run, facts.info.hypothesis, outcome, faults.filter((f) => f.finalState !== 'failed'), windows, slos, unattributed),
    slos,
    availability,
    impactText: impactText(availability, slos),
    windows,
    unattributed,
    faults,
    timeline: buildTimeline(events, t0, facts.phaseOfStep, phaseTitle, run.outcomeText),
    notes,
    approvals,
    actionItems,
    lessons: draftLessons(findingInputs, actionItems),
    score,
    trend: buildTrend(audit, row, { windows, availability, outcome, score, run }, opts.trendLimit ?? DEFAULT_TREND_LIMIT, (id) => buildReportModel(audit, id, { light: true })),
    charts,
    marks,
    integrity,
    ...(() => {
      const drill = buildDrillReport(runId, events, t0);
      return drill ? { drill } : {};
    })(),
    clockNote: `Wall times are UTC, from the audit (run started ${fmtWall(t0)}). Probe samples carry the console's monotonic clock on the epoch scale; the two agree to within the clock drift since the console started (normally well under a second). Detection and recovery are known only to ± one probe interval (${intervalMs} ms for ${primary ?? 'the primary probe'}). Recovered = the start of a healthy run that then held for the hold window (${windows[0] ? fmtMs(windows[0].holdMs) : 'default 10 s'}) and, while the fault was active, through its revert plus the hold; recovery targets are read ${clockWordsOf(facts.recoveryClock)}.`,
  };
}

function emptyHeavy(): Pick<ReportModel, 'timeline' | 'notes' | 'approvals' | 'actionItems' | 'lessons' | 'trend' | 'integrity' | 'clockNote'> {
  return { timeline: [], notes: [], approvals: [], actionItems: [], lessons: { wentWell: [], wentWrong: [], gotLucky: [], prompts: [] }, trend: [], integrity: { ok: true, checked: 0, runEvents: 0, firstBroken: null, text: 'not verified (trend row)' }, clockNote: '' };
}

/** When the run recorded no verdicts (it crashed, or is still running): judge what the report measured. */
function recomputedSlos(windows: ReportModel['windows'], charts: ProbeChart[], avail: { probe: string; targetPct: number } | null): SloRow[] {
  const out: SloRow[] = [];
  for (const w of windows) {
    if (w.ttrTargetMs !== null) out.push({ name: `recoveryTime:${w.stepId}`, verdict: w.ttrVerdict, measured: fmtMs(w.recoveryMs), target: recoveryTargetText(w.ttrTargetMs, w.recoveryClock), source: 'recomputed' });
    if (w.ttdTargetMs !== null) out.push({ name: `detectionTime:${w.stepId}`, verdict: w.ttdVerdict, measured: fmtMs(w.ttdMs), target: `≤ ${fmtMs(w.ttdTargetMs)}`, source: 'recomputed' });
  }
  const c = avail && charts.find((x) => x.probeId === avail.probe);
  if (avail && c) {
    const a = c.availabilityPct;
    out.push({ name: `availability:${avail.probe}`, verdict: a === null ? 'unknown' : a >= avail.targetPct ? 'pass' : 'fail', measured: a === null ? '—' : `${a.toFixed(2)}%`, target: `≥ ${avail.targetPct.toFixed(2)}%`, source: 'recomputed' });
  }
  return out;
}
