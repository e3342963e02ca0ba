/**
 * The trend table: this run next to earlier runs of the same runbook (same recorded path, or the
 * same title when no path was recorded), read from the same audit. Each earlier run is rebuilt with
 * the light model (only the probes the score needs), so the score is computed the same way for all.
 */
import type { AuditStore } from '../audit/index.js';
import type { RunRow } from '../audit/index.js';
import type { ReportModel, TrendRow } from './types.js';

/** The part of a model a trend row needs (the current run passes its own, already built). */
type TrendSource = Pick<ReportModel, 'windows' | 'availability' | 'outcome' | 'score'> & { run?: Pick<ReportModel['run'], 'marker'> };

export function buildTrend(audit: AuditStore, current: RunRow, self: TrendSource, limit: number, build: (runId: string) => TrendSource): TrendRow[] {
  const same = audit
    .runs()
    .filter((r) => (current.scenario ? r.scenario === current.scenario : r.title === current.title) && r.started_at <= current.started_at)
    .slice(0, limit);
  const rows: TrendRow[] = [];
  for (const r of same) {
    let m: TrendSource;
    try {
      m = r.id === current.id ? self : build(r.id);
    } catch {
      continue; // one unreadable old run must not sink today's report
    }
    const ttrs = m.windows.map((w) => w.recoveryMs).filter((x): x is number => x !== null);
    const avail = m.availability.find((a) => a.targetPct !== null) ?? m.availability[0];
    rows.push({
      runId: r.id,
      startedAt: r.started_at,
      status: r.status,
      outcome: m.outcome,
      score: m.score.value,
      worstTtrMs: ttrs.length ? Math.max(...ttrs) : null,
      unrecovered: m.windows.filter((w) => w.recovery === 'not-recovered').length,
      availabilityPct: avail?.availabilityPct ?? null,
      current: r.id === current.id,
      marker: m.run?.marker ?? null,
    });
  }
  return rows;
}
