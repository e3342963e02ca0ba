/**
 * A finished drill or rehearsal read back from the audit alone (drill.configured, drill.hint,
 * drill.declared, drill.confirmed, drill.ruled, drill.score, rehearsal.outcome): for the debrief
 * and the report, long after the run and after the console restarted.
 */
import { drillScoreSchema, runModeSchema, type Declaration, type DrillView, type HintView, type RunMode } from '../api/index.js';

/** The few fields of an audit event this needs (the report's Ev has them). */
export interface DrillEv {
  kind: string;
  actor: string | null;
  t: number;
  data: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The run's mode as recorded (`run.mode`); gameday when the run recorded none. */
export function modeOf(events: DrillEv[]): RunMode {
  const m = runModeSchema.safeParse(events.find((e) => e.kind === 'run.mode')?.data.mode);
  return m.success ? m.data : 'gameday';
}

/** The full (facilitator's) drill view of a run, or undefined for a plain game day. */
export function drillViewFromAudit(runId: string, events: DrillEv[]): DrillView | undefined {
  const mode = modeOf(events);
  if (mode === 'gameday') return undefined;
  const cfg = events.find((e) => e.kind === 'drill.configured')?.data ?? {};
  const clock = events.find((e) => e.kind === 'drill.clock-started');
  const clockStartedAt = num(clock?.data.at);
  const at = (e: DrillEv): number => {
    const after = num(e.data.afterClockMs);
    return clockStartedAt !== undefined && after !== undefined ? clockStartedAt + after : e.t;
  };
  const planned = Array.isArray(cfg.hints) ? (cfg.hints as Array<Record<string, unknown>>) : [];
  // The run is over when this is read (debrief, report): every hint text is shown, revealed or not.
  const hints: HintView[] = planned.map((h, index) => ({ index, afterMs: num(h.afterMs) ?? 0, penalty: num(h.penalty) ?? 0, ...(str(h.text) ? { text: str(h.text) } : {}) }));
  for (const e of events.filter((x) => x.kind === 'drill.hint')) {
    const h = hints[num(e.data.index) ?? -1];
    if (h && h.revealedAt === undefined) Object.assign(h, { text: str(e.data.text) ?? h.text ?? '', revealedAt: at(e), revealedBy: str(e.data.by) ?? e.actor ?? '?' });
  }
  const declarations: Declaration[] = events
    .filter((e) => e.kind === 'drill.declared')
    .map((e) => {
      const kind = e.data.kind === 'mitigated' ? 'mitigated' : 'detected';
      return { id: num(e.data.id) ?? 0, kind, trainee: e.actor ?? '?', at: at(e), ...(str(e.data.diagnosis) ? { diagnosis: str(e.data.diagnosis) } : {}), ...(str(e.data.notes) ? { notes: str(e.data.notes) } : {}), ...(kind === 'mitigated' ? { confirmed: null } : {}) };
    });
  for (const e of events) {
    const d = declarations.find((x) => x.id === num(e.data.id));
    if (!d) continue;
    if (e.kind === 'drill.confirmed') d.confirmed = e.data.confirmed === true;
    if (e.kind === 'drill.ruled' && (e.data.ruling === 'accepted' || e.data.ruling === 'rejected')) d.ruling = e.data.ruling;
  }
  const score = drillScoreSchema.safeParse(events.find((e) => e.kind === 'drill.score')?.data);
  const outcomes: Record<string, string> = {};
  for (const e of events.filter((x) => x.kind === 'rehearsal.outcome')) outcomes[str(e.data.stepId) ?? '?'] = str(e.data.text) ?? '';
  return {
    runId,
    mode,
    briefing: str(cfg.briefing) ?? '',
    choices: Array.isArray(cfg.choices) ? cfg.choices.map(String) : [],
    ...(str(cfg.answer) ? { answer: str(cfg.answer) } : {}),
    ...(clockStartedAt !== undefined ? { clockStartedAt } : {}),
    hints,
    declarations,
    ...(score.success ? { score: score.data } : {}),
    ttdTargetMs: num(cfg.ttdTargetMs) ?? 0,
    ttmTargetMs: num(cfg.ttmTargetMs) ?? 0,
    ...(mode === 'rehearsal' ? { outcomes } : {}),
  };
}
