/** The words at the top of the report: outcome, the one-paragraph summary, the impact explanation. */
import type { Ev } from '../audit/index.js';
import { str } from '../audit/index.js';
import { fmtMs, fmtPct } from './format.js';
import { clockWords } from '../probes/index.js';
import type { AvailabilityRow, FaultEntry, FaultWindowEntry, Outcome, ProbeChart, RunInfo, SloRow, UnattributedEntry } from './types.js';

export function outcomeOf(status: string, exitCode: number | null, slos: SloRow[]): Outcome {
  if (status === 'running') return 'incomplete';
  if (status === 'aborted') return 'aborted';
  if (status === 'failed') return 'failed';
  return (exitCode ?? 0) === 0 && !slos.some((s) => s.verdict === 'fail') ? 'passed' : 'failed';
}

/** (100 − availability) / (100 − target): the share of the allowed unavailability this run spent. */
export function errorBudgetUsedPct(availabilityPct: number | null, targetPct: number | null): number | null {
  if (availabilityPct === null || targetPct === null) return null;
  const allowed = 100 - targetPct;
  const spent = 100 - availabilityPct;
  if (allowed <= 0) return spent > 0 ? Infinity : 0;
  return (100 * spent) / allowed;
}

export function availabilityRows(charts: ProbeChart[], target: { probe: string; targetPct: number } | null): AvailabilityRow[] {
  return charts.map((c) => {
    const t = target?.probe === c.probeId ? target.targetPct : null;
    const used = errorBudgetUsedPct(c.availabilityPct, t);
    let explanation: string;
    if (c.availabilityPct === null) explanation = 'no samples during the run';
    else if (t === null) explanation = `${fmtPct(c.availabilityPct)} of ${c.samples} samples healthy; no availability target for this probe`;
    else if (used === Infinity) explanation = `target is 100 %: there is no error budget, and ${fmtPct(100 - c.availabilityPct)} of samples failed`;
    else explanation = `${fmtPct(100 - c.availabilityPct)} of samples failed against an allowance of ${fmtPct(100 - t)}: ${used! <= 100 ? `${used!.toFixed(1)} % of the error budget used` : `budget overspent ${(used! / 100).toFixed(1)}×`}`;
    return { probeId: c.probeId, samples: c.samples, availabilityPct: c.availabilityPct, targetPct: t, errorBudgetUsedPct: used === Infinity ? null : used, latencyP95Ms: c.latencyP95Ms, ...(c.latencyApprox ? { latencyApprox: true } : {}), explanation };
  });
}

const list = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** One paragraph: hypothesis, what was injected where, outcome. */
export function summaryText(run: RunInfo, hypothesis: string | null, outcome: Outcome, faults: FaultEntry[], windows: FaultWindowEntry[], slos: SloRow[], unattributed: UnattributedEntry[] = []): string {
  const byKind = new Map<string, Set<string>>();
  for (const f of faults) byKind.set(f.kind, (byKind.get(f.kind) ?? new Set()).add(f.node));
  const injected = [...byKind].map(([k, nodes]) => `${k} on ${list([...nodes].sort())}`);
  const parts = [
    hypothesis ? `Hypothesis: ${hypothesis.replace(/\s+/g, ' ')}` : 'The hypothesis is not available (runbook file missing).',
    injected.length ? `The team injected ${list(injected)} in ${run.environment ?? 'an unrecorded environment'}.` : 'No fault was injected.',
  ];
  const failed = slos.filter((s) => s.verdict === 'fail').length;
  const verdict = { passed: 'The hypothesis held: every SLO was met', failed: `The hypothesis did not hold: ${failed} of ${slos.length} SLO(s) missed`, aborted: 'The run was stopped before the end', incomplete: 'The run has not ended yet' }[outcome];
  const worst = windows.reduce<FaultWindowEntry | null>((m, w) => (w.recoveryMs !== null && (m === null || w.recoveryMs > m.recoveryMs!) ? w : m), null);
  const blind = windows.filter((w) => w.detection === 'never-detected').length;
  // The recovery figure is said on the clock of the runbook's target, as the hypothesis reads it.
  const slowest = worst ? `; the slowest recovery took ${fmtMs(worst.recoveryMs)} ${clockWords(worst.recoveryClock)}${worst.selfHealed ? ' (it healed itself during the fault)' : ''}` : '';
  const healed = windows.filter((w) => w.selfHealed).length;
  parts.push(`${verdict}${outcome === 'aborted' && run.abortReason ? ` (${run.abortReason})` : ''}${slowest}${healed ? `; ${healed} fault(s) self-healed before their revert` : ''}${blind ? `; ${blind} fault(s) were never detected by the probe` : ''}.`);
  if (unattributed.length) parts.push(`Impact with no fault behind it: ${unattributed.length} outage(s), ${fmtMs(unattributed.reduce((n, u) => n + u.durationMs, 0))} in all (not part of any fault's figures).`);
  if (run.clean === false) parts.push('Not every node ended clean: see the action items.');
  return parts.join(' ');
}

export function impactText(rows: AvailabilityRow[], slos: SloRow[]): string {
  const main = rows.find((r) => r.targetPct !== null);
  const pass = slos.filter((s) => s.verdict === 'pass').length;
  const head = `${pass} of ${slos.length} SLO(s) met.`;
  if (!main) return `${head} No availability target was set, so no error budget applies.`;
  return `${head} Availability of ${main.probeId} was ${fmtPct(main.availabilityPct)} against a target of ${fmtPct(main.targetPct)}: ${main.explanation}. Error budget used = (100 − availability) ÷ (100 − target).`;
}

/** Who was there and in which role: the commander, the runbook's roles, approvers and note authors. */
export function rolesOf(commander: string | null, runbookRoles: Record<string, string | string[] | undefined> | undefined, events: Ev[]): Array<{ role: string; people: string[] }> {
  const m = new Map<string, Set<string>>();
  const add = (role: string, who: string | null | undefined) => {
    if (who) m.set(role, (m.get(role) ?? new Set()).add(who));
  };
  add('commander', commander);
  for (const [role, v] of Object.entries(runbookRoles ?? {})) for (const who of Array.isArray(v) ? v : [v]) add(role, who);
  for (const e of events) {
    if (e.kind === 'approval.approved' || e.kind === 'approval.rejected') add('approver', e.actor);
    if (e.kind === 'note') add(str(e.data.role) ?? 'note author', e.actor);
  }
  return [...m].map(([role, people]) => ({ role, people: [...people] }));
}
