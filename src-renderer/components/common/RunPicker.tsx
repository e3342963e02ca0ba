/**
 * Which run a screen is about, said plainly, and a way to pick another: the run's title, its marker
 * (DRY RUN · REHEARSAL · DRILL) and its outcome in the one vocabulary (api/outcome.ts), from the
 * same `runs.list` everywhere (Recent runs, Report, Debrief, Audit). The list follows runs as they
 * start and end (actions.ts refreshes it).
 */
import { useEffect } from 'react';
import type { CommandRes, RunMarker } from '../../../src-main/api/index.js';
import { dateTime } from '../../lib/format.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';

type RunItem = CommandRes<'runs.list'>[number];

/** "DRILL · Drill: one API node is slow — stopped by Fran (commander) — 2026-12-03 09:21:54". */
export function runOptionLabel(r: RunItem): string {
  const marker = r.outcome?.marker ? `${r.outcome.marker} · ` : '';
  return `${marker}${r.title ?? r.id} — ${r.outcome?.text ?? r.status} — ${dateTime(r.startedAt)}`;
}

/** The DRY RUN / REHEARSAL / DRILL pill (nothing for a game day). */
export function MarkerPill({ marker }: { marker: RunMarker | null | undefined }) {
  if (!marker) return null;
  return (
    <span className={`pill marker marker-${marker.toLowerCase().replace(' ', '-')}`} data-testid="run-marker" title={MARKER_TITLE[marker]}>
      {marker}
    </span>
  );
}

const MARKER_TITLE: Record<RunMarker, string> = {
  'DRY RUN': 'Dry run: every command was printed, nothing was sent to any node',
  REHEARSAL: 'Tabletop rehearsal: nothing was sent to any node, no probe ran',
  DRILL: 'Training drill: faults were hidden from trainees',
};

/** The runs list from the store, fetched once if nobody has yet. */
export function useRuns(): CommandRes<'runs.list'> | null {
  const actions = useActions();
  const runs = useConsole((s) => s.runs);
  useEffect(() => {
    if (!runs) void actions.refresh('runs');
  }, [actions, runs]);
  return runs;
}

/** Pick a run (or "all runs" when `allLabel` is given). The chosen run is listed even when older than the list. */
export function RunPicker({ value, onChange, allLabel, testId }: { value: string | null; onChange: (runId: string | null) => void; allLabel?: string; testId: string }) {
  const runs = useRuns() ?? [];
  const missing = value && !runs.some((r) => r.id === value);
  return (
    <label className="run-picker">
      <span className="muted small">Run</span>
      <select value={value ?? ''} data-testid={testId} onChange={(e) => onChange(e.target.value || null)} title={value ? (runs.find((r) => r.id === value) ? runOptionLabel(runs.find((r) => r.id === value)!) : value) : (allLabel ?? '')}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {!value && allLabel === undefined && <option value="">pick a run…</option>}
        {missing && <option value={value}>{value}</option>}
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runOptionLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The heading of a screen about one run: title, marker, outcome, id. */
export function RunIdentity({ runId, heading }: { runId: string; heading: string }) {
  const runs = useRuns();
  const r = runs?.find((x) => x.id === runId);
  const title = r?.title ?? runId;
  return (
    <div className="run-identity" data-testid="run-identity" data-run-id={runId} data-marker={r?.outcome?.marker ?? ''} data-outcome={r?.outcome?.kind ?? ''}>
      <h1 className="ellipsis" title={`${heading} · ${title}`}>
        {heading} · {title}
      </h1>
      <MarkerPill marker={r?.outcome?.marker} />
      {r?.outcome && (
        <span className={`pill outcome outcome-${r.outcome.kind.replace(' ', '-')}`} data-testid="run-outcome" title={r.outcome.text}>
          {r.outcome.text}
        </span>
      )}
      <span className="mono muted small">{runId}</span>
    </div>
  );
}
