/**
 * Post-run: which run (title, DRY RUN · REHEARSAL · DRILL marker, outcome) with a picker for another,
 * the report preview (sandboxed, no scripts), SLO verdicts, and exports — Markdown, HTML, PDF, JSON —
 * written by the engine into the workspace (path shown); in a browser each is also downloaded,
 * under Electron "Open folder" shows it.
 */
import { useEffect, useState } from 'react';
import { downloadFile } from '../../lib/download.js';
import { useActions } from '../../store/actions.js';
import { reportRunOf } from '../../store/selectors.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { RunIdentity, RunPicker } from '../common/RunPicker.js';

const FORMATS = [
  { id: 'md', label: 'Markdown' },
  { id: 'html', label: 'HTML' },
  { id: 'pdf', label: 'PDF' },
  { id: 'json', label: 'JSON' },
] as const;

export interface Exported {
  format: string;
  path: string;
  /** The browser download's file name (bridge UI only). */
  downloaded?: string;
}

export function ReportScreen() {
  const actions = useActions();
  const runId = useConsole(reportRunOf);
  const liveRunId = useConsole((s) => s.run?.runId);
  const pick = useConsole((s) => s.pickRun);
  const slos = useConsole((s) => s.slos);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [html, setHtml] = useState<string | null>(null);
  const [exported, setExported] = useState<Exported[]>([]);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (!runId) return;
    setHtml(null);
    setExported([]);
    void actions.call('report.preview', { runId }).then((r) => setHtml(r ? r.html : ''));
  }, [actions, runId]);

  const picker = <RunPicker value={runId} onChange={(id) => pick('report', id)} testId="report-run-picker" />;
  if (!runId) {
    return (
      <div className="screen empty" data-screen="report">
        <p>No run yet. Pick one:</p>
        {picker}
      </div>
    );
  }
  const exportAs = async (format: (typeof FORMATS)[number]['id']): Promise<void> => {
    setBusy(format);
    // In a browser the file comes back too, and is downloaded; the desktop opens it from the workspace.
    const r = await actions.call('report.export', { runId, format, ...(actions.desktop ? {} : { content: true }) });
    setBusy(null);
    if (!r) return;
    const downloaded = r.file ? downloadFile(r.file) : undefined;
    setExported((e) => [...e.filter((x) => x.format !== format), { format, path: r.path, ...(downloaded ? { downloaded } : {}) }]);
  };
  return (
    <div className="screen screen-report" data-screen="report" data-run-id={runId} data-report={html === null ? 'loading' : 'ready'}>
      <div className="screen-bar">
        <RunIdentity runId={runId} heading="Report" />
        {picker}
        <div className="button-row" role="group" aria-label="Export">
          {FORMATS.map((f) => (
            <button key={f.id} type="button" data-testid={`export-${f.id}`} disabled={observer || busy !== null} title={observer ? 'Observers cannot export' : actions.desktop ? `Write the ${f.label} report into the workspace` : `Download the ${f.label} report (a copy stays in the workspace)`} onClick={() => void exportAs(f.id)}>
              {busy === f.id ? 'Exporting…' : `Export ${f.label}`}
            </button>
          ))}
          {actions.desktop && (
            <button type="button" className="button-ghost" title="Print this window (the preview) to a PDF file you choose" onClick={() => void actions.desktop?.printPdf().then((p) => p && setExported((e) => [...e.filter((x) => x.format !== 'printed'), { format: 'printed', path: p }]))}>
              Print preview to PDF…
            </button>
          )}
        </div>
      </div>
      <ExportList exported={exported} />
      {runId === liveRunId && slos && (
        <div className="slos" data-testid="slos">
          {slos.map((s) => (
            <div key={s.name} className={`slo slo-${s.verdict}`}>
              <span className="slo-name ellipsis" title={s.name}>
                {s.name}
              </span>
              <span className="slo-verdict">{s.verdict.toUpperCase()}</span>
              <span className="tabular">
                {s.measured} / {s.target}
              </span>
            </div>
          ))}
        </div>
      )}
      <Panel title="Preview" className="panel-report">
        {html === null ? <p className="muted">Rendering the report…</p> : <iframe className="report-frame" title="Report preview" sandbox="" srcDoc={html} data-testid="report-frame" />}
      </Panel>
    </div>
  );
}

/** What was exported: where it is in the workspace, and (in a browser) that it was downloaded. */
export function ExportList({ exported, testId = 'exports' }: { exported: Exported[]; testId?: string }) {
  const actions = useActions();
  if (exported.length === 0) return null;
  return (
    <ul className="exports" data-testid={testId}>
      {exported.map((e) => (
        <li key={e.format}>
          <span className="pill">{e.format}</span> {e.downloaded && <span data-testid={`downloaded-${e.format}`}>downloaded as {e.downloaded} · kept in the workspace:</span>}{' '}
          <span className="mono" data-testid={`exported-${e.format}`}>
            {e.path}
          </span>
          {actions.desktop && (
            <button type="button" className="button-ghost" onClick={() => void actions.desktop?.showItem(e.path)}>
              Open folder
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
