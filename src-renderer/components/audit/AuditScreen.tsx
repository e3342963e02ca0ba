/** Audit: browse events (filter by run and kind) and verify the hash chain. */
import { useCallback, useEffect, useState } from 'react';
import type { CommandRes } from '../../../src-main/api/index.js';
import { dateTime } from '../../lib/format.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

/** Events fetched per page: a run has hundreds; the table stays responsive. */
const PAGE = 500;

export function AuditScreen() {
  const actions = useActions();
  const runs = useConsole((s) => s.runs);
  const [runId, setRunId] = useState('');
  const [kind, setKind] = useState('');
  const [events, setEvents] = useState<CommandRes<'audit.events'> | null>(null);
  const [verify, setVerify] = useState<CommandRes<'audit.verify'> | null>(null);
  const load = useCallback(async () => {
    const r = await actions.call('audit.events', { ...(runId ? { runId } : {}), ...(kind.trim() ? { kind: kind.trim() } : {}), limit: PAGE });
    setEvents(r ?? []);
  }, [actions, runId, kind]);
  useEffect(() => {
    if (!runs) void actions.refresh('runs');
  }, [actions, runs]);
  useEffect(() => {
    const t = setTimeout(() => void load(), 250);
    return () => clearTimeout(t);
  }, [load]);
  return (
    <div className="screen screen-audit" data-screen="audit">
      <div className="screen-bar">
        <h1>Audit</h1>
        <select value={runId} onChange={(e) => setRunId(e.target.value)} aria-label="Filter by run">
          <option value="">all runs</option>
          {(runs ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.id} {r.title ?? ''}
            </option>
          ))}
        </select>
        <input value={kind} onChange={(e) => setKind(e.target.value)} placeholder="kind, e.g. fault.inject" aria-label="Filter by kind" />
        <button type="button" data-testid="audit-verify" onClick={() => void actions.call('audit.verify', {}).then(setVerify)}>
          Verify chain
        </button>
        {verify && (
          <span className={verify.ok ? 'ok' : 'bad'} data-testid="audit-verify-result" role="status">
            {verify.ok
              ? `✓ chain intact (${verify.checked} events, authenticated, every row covered)`
              : verify.firstBroken
                ? `✗ broken at #${verify.firstBroken.seq}: ${verify.firstBroken.reason}`
                : `✗ ${verify.checks?.filter((c) => !c.ok).map((c) => `${c.name}: ${c.text}`).join('; ') ?? 'not intact'}`}
          </span>
        )}
      </div>
      <Panel title={events ? `${events.length} events${events.length === PAGE ? ' (first page)' : ''}` : 'Events'}>
        <table className="table compact audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Kind</th>
              <th>Actor</th>
              <th>Node</th>
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {(events ?? []).map((e) => (
              <tr key={e.seq}>
                <td className="tabular">{e.seq}</td>
                <td className="tabular">{dateTime(e.ts)}</td>
                <td className="mono">{e.kind}</td>
                <td>{e.actor ?? ''}</td>
                <td className="mono">{e.node ?? ''}</td>
                <td className="mono small data-cell" title={JSON.stringify(e.data)}>
                  {JSON.stringify(e.data)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
