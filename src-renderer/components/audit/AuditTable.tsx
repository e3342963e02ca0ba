/**
 * The audit's events as a table: one line per event (its data summarised, cut with an ellipsis and
 * the whole in a tooltip), and a row that opens to the event's JSON, pretty-printed.
 */
import { Fragment, useState } from 'react';
import type { CommandRes } from '../../../src-main/api/index.js';
import { dateTime } from '../../lib/format.js';

type AuditEvent = CommandRes<'audit.events'>[number];

/**
 * Kinds (and patterns) the filter suggests, all of which the engine really writes: checked against a
 * real game day and drill by the e2e test `screens.test.ts`.
 */
export const AUDIT_KIND_EXAMPLES = ['fault.*', 'step.*', 'stop.requested', 'approval.*', 'exec.intent', 'run.ended', 'note', 'samples.batch', 'drill.*'];

/** The examples, every kind in `events`, and a `family.*` pattern for each family seen. */
export function kindSuggestions(events: readonly Pick<AuditEvent, 'kind'>[]): string[] {
  const kinds = new Set(events.map((e) => e.kind));
  const families = [...kinds].filter((k) => k.includes('.')).map((k) => `${k.slice(0, k.indexOf('.'))}.*`);
  return [...new Set([...AUDIT_KIND_EXAMPLES, ...families, ...[...kinds].sort()])];
}

/** Longest value shown in the one-line summary of an event's data. */
const SUMMARY_VALUE_CHARS = 60;
/** Longest tooltip (a title attribute with a megabyte of JSON helps nobody). */
const TOOLTIP_CHARS = 2000;

/** `key=value · key=value`, nested values abbreviated: the line a row shows. */
export function summarizeData(data: unknown): string {
  if (data === null || data === undefined) return '';
  if (typeof data !== 'object') return String(data);
  const short = (v: unknown): string => {
    if (v === null) return 'null';
    if (Array.isArray(v)) return `[${v.length}]`;
    if (typeof v === 'object') return '{…}';
    const s = String(v);
    return s.length > SUMMARY_VALUE_CHARS ? `${s.slice(0, SUMMARY_VALUE_CHARS - 1)}…` : s;
  };
  return Object.entries(data as Record<string, unknown>)
    .map(([k, v]) => `${k}=${short(v)}`)
    .join(' · ');
}

const clip = (s: string): string => (s.length > TOOLTIP_CHARS ? `${s.slice(0, TOOLTIP_CHARS - 1)}…` : s);

export function AuditTable({ events }: { events: readonly AuditEvent[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number): void =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(seq)) n.delete(seq);
      else n.add(seq);
      return n;
    });
  return (
    <table className="table compact audit-table" data-testid="audit-table">
      <thead>
        <tr>
          <th aria-label="open" />
          <th>#</th>
          <th>Time</th>
          <th>Kind</th>
          <th>Actor</th>
          <th>Node</th>
          <th>Data</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => {
          const summary = summarizeData(e.data);
          const isOpen = open.has(e.seq);
          return (
            <Fragment key={e.seq}>
              <tr className={`audit-row${isOpen ? ' open' : ''}`} data-testid="audit-row" data-seq={e.seq} data-kind={e.kind} onClick={() => toggle(e.seq)}>
                <td>
                  <button type="button" className="icon-button audit-toggle" aria-expanded={isOpen} aria-label={`${isOpen ? 'Close' : 'Open'} event ${e.seq}`} data-testid="audit-open" onClick={(ev) => (ev.stopPropagation(), toggle(e.seq))}>
                    {isOpen ? '▾' : '▸'}
                  </button>
                </td>
                <td className="tabular">{e.seq}</td>
                <td className="tabular ellipsis-cell" title={e.ts}>
                  {dateTime(e.ts)}
                </td>
                <td className="mono ellipsis-cell" title={e.kind}>
                  {e.kind}
                </td>
                <td className="ellipsis-cell" title={e.actor ?? ''}>
                  {e.actor ?? ''}
                </td>
                <td className="mono ellipsis-cell" title={e.node ?? ''}>
                  {e.node ?? ''}
                </td>
                <td className="mono small data-cell" title={clip(JSON.stringify(e.data))}>
                  {summary}
                </td>
              </tr>
              {isOpen && (
                <tr className="audit-json-row">
                  <td colSpan={7}>
                    <pre className="audit-json" data-testid="audit-json">
                      {JSON.stringify({ seq: e.seq, runId: e.runId, ts: e.ts, kind: e.kind, actor: e.actor, node: e.node, data: e.data }, null, 2)}
                    </pre>
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
