/**
 * The debrief of a finished run (any mode), built from the audit alone: the events as one-liners
 * on the wall clock, each fault's inject and revert times, the notes, the probe series downsampled
 * to a few hundred points, and the drill view (full: the run is over, nothing is hidden any more).
 * The UI replays it at any speed with a scrubber.
 */
import { scanProbe, type AuditStore } from '../audit/index.js';
import type { Debrief } from '../api/index.js';
import { probeUnit } from '../api/index.js';
import { restatesAnotherEvent } from '../api/index.js';
import { runbookFacts } from './runbook.js';
import { findRun, runEvents, type Ev } from '../audit/index.js';
import { parseDetail } from '../audit/index.js';
import { drillViewFromAudit, modeOf } from '../drill/index.js';

/** Points per series in the debrief: enough for a chart, small enough for one message. */
export const DEBRIEF_POINTS = 400;
/** Events in the debrief; a run's audit can hold many more exec lines than a replay needs. */
const MAX_EVENTS = 5000;

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One line of plain words for an audit event. */
export function eventText(e: Pick<Ev, 'kind' | 'actor' | 'node' | 'data'>): string {
  const d = e.data;
  const s = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : '');
  const on = e.node ? ` on ${e.node}` : '';
  switch (e.kind) {
    case 'step.started':
      return `step ${s('stepId')} started`;
    case 'step.done':
    case 'step.failed':
    case 'step.skipped':
      return `step ${s('stepId')} ${e.kind.slice(5)}${s('message') ? `: ${clip(s('message'))}` : ''}`;
    case 'note':
      return `note (${s('role') || 'note'}, ${e.actor ?? '?'}): ${clip(s('text'))}`;
    case 'fault.intent':
      return `fault ${s('kind')} about to be injected${on}`;
    case 'drill.hint':
      return `hint ${Number(s('index')) + 1} revealed (${s('by')}): ${clip(s('text'))}`;
    case 'drill.declared':
      return `${e.actor ?? '?'} declared ${s('kind')}${s('diagnosis') ? `: ${s('diagnosis')}` : ''}`;
    case 'drill.confirmed':
      return `declaration ${s('id')} ${d.confirmed === true ? 'confirmed' : 'not confirmed'} by the probes (${s('why')})`;
    case 'drill.ruled':
      return `${e.actor ?? '?'} ${s('ruling')} declaration ${s('id')}`;
    case 'drill.score':
      return `drill score ${s('total')}/100`;
    case 'drill.clock-started':
      return 'drill clock started (hidden fault active)';
    case 'rehearsal.outcome':
      return `outcome of ${s('stepId')}: ${clip(s('text'))}`;
    case 'abort.fired':
      return `abort condition fired: ${s('reason')}`;
    case 'stop.requested':
      return `STOP requested by ${e.actor ?? '?'}: ${s('reason')}`;
    case 'stop.completed':
      return `STOP done in ${s('durationMs')} ms: ${d.clean === false ? 'NOT every node clean' : 'every node clean'}`;
    case 'run.created':
      return `run created by ${e.actor ?? '?'}`;
    case 'run.ended':
      return `run ended: ${s('status')}${typeof d.exitCode === 'number' ? ` (exit ${s('exitCode')})` : ''}`;
    default: {
      // The kind and the node are shown beside the text: the text adds what they do not say (the id).
      const id = s('faultId') || s('stepId');
      const words = e.kind.startsWith('run.') ? `run ${e.kind.slice(4)}` : '';
      return [words, id].filter(Boolean).join(' ');
    }
  }
}

/** Keep at most `max` points of a series: the worst (unhealthy first, then the highest value) of each bucket. */
export function downsample(points: Array<[number, number | null, 0 | 1]>, max: number): Array<[number, number | null, 0 | 1]> {
  if (points.length <= max) return points;
  const per = Math.ceil(points.length / max);
  const out: Array<[number, number | null, 0 | 1]> = [];
  for (let i = 0; i < points.length; i += per) {
    let worst = points[i]!;
    for (const p of points.slice(i, i + per)) if (p[2] < worst[2] || (p[2] === worst[2] && (p[1] ?? -Infinity) > (worst[1] ?? -Infinity))) worst = p;
    out.push(worst);
  }
  return out;
}

type Point = [number, number | null, 0 | 1];

/**
 * One probe's series for the replay. Small probes: every sample, downsampled. Big ones (a 2-hour
 * game day) come from the audit's 10 s rollups (audit/rollup.ts) instead of millions of rows: one
 * point per bucket at its worst instant (max value, unhealthy if any sample was); per series up to
 * 8 series, above that one "all series (max)" line, as the report draws an envelope.
 */
function probeSeries(audit: AuditStore, runId: string, probeId: string, from: number, to: number): Array<{ name: string; points: Point[] }> {
  const scan = scanProbe(audit, runId, probeId, { from, to, rawUntil: Infinity });
  const m = new Map<string, Point[]>();
  const push = (name: string, p: Point) => {
    const list = m.get(name);
    if (list) list.push(p);
    else m.set(name, [p]);
  };
  const many = scan.seriesCount !== null && scan.seriesCount > 8;
  const probeLine = many ? 'all series (max)' : null;
  for (const r of scan.raw) push(probeLine ?? parseDetail(r.detail).series, [r.t_ms, r.value, r.healthy ? 1 : 0]);
  const perSeries = scan.rollups.some((r) => r.series !== null);
  const oneName = scan.seriesCount === 1 ? ([...m.keys()][0] ?? 'default') : null;
  for (const r of scan.rollups) {
    const name = r.series ?? (many ? probeLine : perSeries ? null : oneName);
    if (name === null || (many && r.series !== null)) continue;
    push(name, [r.v_max === null ? r.first_t : r.t_max!, r.v_max, r.bad > 0 ? 0 : 1]);
  }
  return [...m.entries()].map(([name, pts]) => ({ name, points: downsample(pts.sort((x, y) => x[0] - y[0]), DEBRIEF_POINTS) }));
}

export function buildDebrief(audit: AuditStore, runId: string): Debrief {
  const row = findRun(audit, runId);
  const events = runEvents(audit, runId);
  const startedAt = Date.parse(row.started_at);
  const endedAt = row.ended_at ? Date.parse(row.ended_at) : (events[events.length - 1]?.t ?? startedAt);
  const faults = audit.runFaults(runId).map((f) => ({ id: f.id, kind: f.kind, node: f.node, injectedAt: f.injected_at ? Date.parse(f.injected_at) : null, revertedAt: f.reverted_at ? Date.parse(f.reverted_at) : null }));
  const notes = events.filter((e) => e.kind === 'note').map((e) => ({ t: e.t, role: typeof e.data.role === 'string' ? e.data.role : 'note', author: e.actor ?? '?', text: typeof e.data.text === 'string' ? e.data.text : '' }));
  // The runbook as it is now (the audit records its path): each probe's axis label and interval.
  const facts = runbookFacts(row.scenario, []);
  const specs = facts.scenario?.probes ?? [];
  const probes = audit.sampleProbeIds(runId).map((probeId) => {
    const p = specs.find((x) => x.id === probeId);
    return { probeId, series: probeSeries(audit, runId, probeId, startedAt, endedAt), ...(p ? { unit: probeUnit(p), intervalMs: facts.intervalMs(probeId)! } : {}) };
  });
  // Each event once: exec lines are too many for a replay, and a state change that restates the next event is left out.
  const kept = events.filter((e) => e.kind !== 'exec.intent' && e.kind !== 'exec.outcome' && e.kind !== 'shell.input' && !restatesAnotherEvent(e.kind)).slice(0, MAX_EVENTS);
  const drill = drillViewFromAudit(runId, events);
  return {
    runId,
    title: row.title ?? runId,
    mode: modeOf(events),
    startedAt,
    endedAt,
    events: kept.map((e) => ({ t: e.t, kind: e.kind, actor: e.actor, node: e.node, text: eventText(e) })),
    probes,
    faults,
    notes,
    ...(drill ? { drill } : {}),
  };
}
