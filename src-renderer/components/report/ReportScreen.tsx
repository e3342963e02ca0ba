/**
 * Post-run: the report preview (sandboxed, no scripts), SLO verdicts, and exports — Markdown, HTML,
 * PDF, JSON — written by the engine into the workspace; under Electron, open the folder.
 */
import { useEffect, useState } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

const FORMATS = [
  { id: 'md', label: 'Markdown' },
  { id: 'html', label: 'HTML' },
  { id: 'pdf', label: 'PDF' },
  { id: 'json', label: 'JSON' },
] as const;

export function ReportScreen() {
  const actions = useActions();
  const runId = useConsole((s) => s.reportRunId ?? s.run?.runId ?? null);
  const liveRunId = useConsole((s) => s.run?.runId);
  const slos = useConsole((s) => s.slos);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [html, setHtml] = useState<string | null>(null);
  const [exported, setExported] = useState<Array<{ format: string; path: string }>>([]);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (!runId) return;
    setHtml(null);
    setExported([]);
    void actions.call('report.preview', { runId }).then((r) => setHtml(r ? r.html : ''));
  }, [actions, runId]);

  if (!runId) return <div className="screen empty" data-screen="report"><p>No run selected. Pick one under Recent runs.</p></div>;
  const exportAs = async (format: (typeof FORMATS)[number]['id']): Promise<void> => {
    setBusy(format);
    const r = await actions.call('report.export', { runId, format });
    setBusy(null);
    if (r) setExported((e) => [...e.filter((x) => x.format !== format), { format, path: r.path }]);
  };
  return (
    <div className="screen screen-report" data-screen="report" data-report={html === null ? 'loading' : 'ready'}>
      <div className="screen-bar">
        <h1>Report</h1>
        <span className="mono muted">{runId}</span>
        <div className="button-row" role="group" aria-label="Export">
          {FORMATS.map((f) => (
            <button key={f.id} type="button" data-testid={`export-${f.id}`} disabled={observer || busy !== null} onClick={() => void exportAs(f.id)}>
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
      {exported.length > 0 && (
        <ul className="exports" data-testid="exports">
          {exported.map((e) => (
            <li key={e.format}>
              <span className="pill">{e.format}</span> <span className="mono" data-testid={`exported-${e.format}`}>{e.path}</span>
              {actions.desktop && (
                <button type="button" className="button-ghost" onClick={() => void actions.desktop?.showItem(e.path)}>
                  Open folder
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {runId === liveRunId && slos && (
        <div className="slos" data-testid="slos">
          {slos.map((s) => (
            <div key={s.name} className={`slo slo-${s.verdict}`}>
              <span className="slo-name">{s.name}</span>
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
