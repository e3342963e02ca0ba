/**
 * Audit: every event, by run (the run list follows runs as they start and end) and by kind (exact,
 * or a pattern such as `fault.*`), a page at a time with "Load more" until the last one; each row
 * opens to its JSON. Verify the hash chain; export the audit (with DRY RUN / REHEARSAL / DRILL
 * markers) — downloaded in a browser, kept in the workspace either way.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CommandRes } from '../../../src-main/api/index.js';
import { downloadFile } from '../../lib/download.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { RunPicker } from '../common/RunPicker.js';
import { ExportList, type Exported } from '../report/ReportScreen.js';
import { AUDIT_KIND_EXAMPLES, AuditTable, kindSuggestions } from './AuditTable.js';

/** Events fetched per page: a run has hundreds to thousands; a page stays quick to draw. */
export const AUDIT_PAGE = 500;

type Events = CommandRes<'audit.events'>;

export function AuditScreen() {
  const actions = useActions();
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [runId, setRunId] = useState<string | null>(null);
  const [kind, setKind] = useState('');
  const [events, setEvents] = useState<Events | null>(null);
  /** The last page came back full: there may be more. */
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  /** The filter the rows shown belong to ("runId|kind"): tests and people can tell a stale page. */
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [verify, setVerify] = useState<CommandRes<'audit.verify'> | null>(null);
  const [exported, setExported] = useState<Exported[]>([]);
  const query = useCallback((sinceSeq?: number) => actions.call('audit.events', { ...(runId ? { runId } : {}), ...(kind.trim() ? { kind: kind.trim() } : {}), ...(sinceSeq ? { sinceSeq } : {}), limit: AUDIT_PAGE }), [actions, runId, kind]);
  useEffect(() => {
    let gone = false;
    const t = setTimeout(() => {
      setLoading(true);
      void query().then((r) => {
        if (gone) return;
        setLoading(false);
        setLoadedFor(`${runId ?? ''}|${kind.trim()}`);
        setEvents(r ?? []);
        setMore((r?.length ?? 0) === AUDIT_PAGE);
      });
    }, 250);
    return () => {
      gone = true;
      clearTimeout(t);
    };
  }, [query, runId, kind]);
  const loadMore = async (): Promise<void> => {
    const last = events?.[events.length - 1]?.seq;
    if (last === undefined) return;
    setLoading(true);
    const r = await query(last);
    setLoading(false);
    if (!r) return;
    setEvents((e) => [...(e ?? []), ...r]);
    setMore(r.length === AUDIT_PAGE);
  };
  const exportAudit = async (): Promise<void> => {
    const r = await actions.call('audit.export', { ...(runId ? { runId } : {}), ...(actions.desktop ? {} : { content: true }) });
    if (!r) return;
    const downloaded = r.file ? downloadFile(r.file) : undefined;
    setExported([{ format: 'jsonl', path: r.path, ...(downloaded ? { downloaded } : {}) }]);
  };
  const count = events?.length ?? 0;
  return (
    <div className="screen screen-audit" data-screen="audit" data-run-id={runId ?? ''} data-events={events === null ? 'loading' : count} data-more={more} data-loaded-for={loadedFor ?? ''}>
      <div className="screen-bar">
        <h1>Audit</h1>
        <RunPicker value={runId} onChange={setRunId} allLabel="all runs" testId="audit-run-picker" />
        <label className="audit-kind">
          <span className="muted small">Kind</span>
          <input value={kind} onChange={(e) => setKind(e.target.value)} placeholder={`e.g. ${AUDIT_KIND_EXAMPLES[0]} or ${AUDIT_KIND_EXAMPLES[2]}`} aria-label="Filter by kind (exact, or a pattern with *)" list="audit-kinds" data-testid="audit-kind" title="An exact kind (stop.requested) or a pattern with * (fault.*)" />
          <datalist id="audit-kinds" data-testid="audit-kind-examples">
            {kindSuggestions(events ?? []).map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
        <button type="button" data-testid="audit-verify" onClick={() => void actions.call('audit.verify', {}).then(setVerify)}>
          Verify chain
        </button>
        <button type="button" data-testid="audit-export" disabled={observer} title={observer ? 'Observers cannot export' : `Export ${runId ? 'this run' : 'every run'} as JSON lines${actions.desktop ? '' : ' (downloaded; a copy stays in the workspace)'}`} onClick={() => void exportAudit()}>
          Export JSONL
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
      <ExportList exported={exported} testId="audit-exports" />
      <Panel title={events === null ? 'Events' : more ? `${count} events shown · more below` : `${count} event${count === 1 ? '' : 's'}${kind.trim() || runId ? ' match' : ''}`}>
        <AuditTable events={events ?? []} />
        {events !== null && count === 0 && <p className="muted">No event matches. Kinds look like {AUDIT_KIND_EXAMPLES.join(', ')}.</p>}
        {more && (
          <button type="button" className="load-more" data-testid="audit-more" disabled={loading} onClick={() => void loadMore()}>
            {loading ? 'Loading…' : `Load ${AUDIT_PAGE} more`}
          </button>
        )}
      </Panel>
    </div>
  );
}
