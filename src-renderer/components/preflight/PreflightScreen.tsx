/** Preflight for the open scenario: reachability and per node × fault readiness, then Start. */
import { useEffect } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { PreflightMatrix } from './PreflightMatrix.js';
import { StartPanel } from './StartPanel.js';

export function PreflightScreen() {
  const actions = useActions();
  const file = useConsole((s) => s.scenarioFile);
  const pre = useConsole((s) => s.preflight);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const go = useConsole((s) => s.go);
  const current = pre && pre.file === file ? pre.result : null;
  useEffect(() => {
    if (file && !observer && (!pre || pre.file !== file)) void actions.runPreflight(file);
  }, [actions, file, observer, pre]);
  if (!file) {
    return (
      <div className="screen empty" data-screen="preflight">
        <p>Open a scenario first.</p>
        <button type="button" onClick={() => go('home')}>
          Home
        </button>
      </div>
    );
  }
  return (
    <div className="screen screen-preflight" data-screen="preflight" data-preflight={current ? (current.ok ? 'ok' : 'failed') : 'running'}>
      <div className="screen-bar">
        <h1 className="mono file-name">{file}</h1>
        <button type="button" className="button-ghost" disabled={observer} onClick={() => void actions.runPreflight(file)}>
          Re-run preflight
        </button>
      </div>
      <div className="grid-preflight">
        <Panel title={current ? (current.ok ? 'Preflight: ready' : 'Preflight: required checks fail') : 'Preflight: checking nodes…'} testId="preflight">
          {current ? <PreflightMatrix result={current} /> : <p className="muted">{observer ? 'Observers cannot run preflight.' : 'Connecting to every target node…'}</p>}
        </Panel>
        <Panel title="Start">
          <StartPanel file={file} preflightOk={Boolean(current?.ok)} />
        </Panel>
      </div>
    </div>
  );
}
