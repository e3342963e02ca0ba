/**
 * One scenario: the rendered runbook beside its YAML, validated live (debounced scenario.validate)
 * with problems at file:line:col. Save writes it back (commander only); Preflight is the next step.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';
import { ProblemList, type Problem } from './ProblemList.js';
import { RunbookView } from './RunbookView.js';
import { YamlEditor, type YamlEditorHandle } from './YamlEditor.js';

/** Validate after typing pauses this long: fast enough to feel live, slow enough not to spam. */
const VALIDATE_DEBOUNCE_MS = 400;

export function ScenarioScreen() {
  const actions = useActions();
  const file = useConsole((s) => s.scenarioFile);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const go = useConsole((s) => s.go);
  const [text, setText] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [state, setState] = useState<'idle' | 'validating' | 'failed'>('idle');
  const editor = useRef<YamlEditorHandle>(null);
  const seq = useRef(0);
  /** The text the problems on screen belong to: validate only when the editor differs from it. */
  const validated = useRef<string | null>(null);

  useEffect(() => {
    if (!file) return;
    setText(null);
    void actions.call('scenario.open', { file }).then((r) => {
      if (!r) return;
      validated.current = r.text;
      setText(r.text);
      setSaved(r.text);
      setProblems(r.problems);
      setState('idle');
    });
  }, [actions, file]);

  useEffect(() => {
    if (!file || text === null || text === validated.current) return;
    setState('validating');
    const my = ++seq.current;
    const t = setTimeout(() => {
      void actions.tryCall('scenario.validate', { file, text }).then((r) => {
        if (my !== seq.current) return; // a newer edit is being validated
        if (r.ok) {
          validated.current = text;
          setProblems(r.value.problems);
        }
        setState(r.ok ? 'idle' : 'failed');
      });
    }, VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [actions, file, text]);

  const problemLines = useMemo(() => new Set(problems.map((p) => p.line)), [problems]);
  if (!file) return <EmptyScenario onHome={() => go('home')} />;
  const errors = problems.filter((p) => p.severity !== 'warning').length;
  const save = async (): Promise<void> => {
    if (text === null) return;
    const r = await actions.call('scenario.save', { file, text });
    if (r) {
      setSaved(text);
      setProblems(r.problems);
      actions.refresh('scenarios');
    }
  };
  return (
    <div className="screen screen-scenario" data-screen="scenario" data-loaded={text !== null}>
      <div className="screen-bar">
        <h1 className="mono file-name">{file}</h1>
        <button type="button" className="button-ghost" disabled={observer || text === null || text === saved} onClick={() => void save()}>
          {text !== null && text !== saved ? 'Save changes' : 'Saved'}
        </button>
        <button type="button" className="button-primary" data-testid="to-preflight" disabled={errors > 0 || state !== 'idle' || text !== saved} title={errors > 0 ? 'Fix the errors first' : text !== saved ? 'Save first' : 'Check the nodes'} onClick={() => go('preflight')}>
          Preflight →
        </button>
      </div>
      <div className="grid-scenario">
        <Panel title="Runbook">{text === null ? <p className="muted">Loading…</p> : <RunbookView text={text} />}</Panel>
        <Panel title="YAML" className="panel-editor">
          {text !== null && <YamlEditor ref={editor} value={text} onChange={setText} problemLines={problemLines} readOnly={observer} />}
          <ProblemList problems={problems} state={state} onJump={(p) => editor.current?.jumpTo(p.line, p.col)} />
        </Panel>
      </div>
    </div>
  );
}

function EmptyScenario({ onHome }: { onHome(): void }) {
  return (
    <div className="screen empty" data-screen="scenario">
      <p>No scenario open.</p>
      <button type="button" onClick={onHome}>
        Pick one on Home
      </button>
    </div>
  );
}
