/** The shipped and workspace runbooks: search by text, filter by tag, open one. */
import { useEffect, useMemo, useState } from 'react';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

export function ScenarioBrowser() {
  const actions = useActions();
  const scenarios = useConsole((s) => s.scenarios);
  const go = useConsole((s) => s.go);
  const [q, setQ] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  useEffect(() => void actions.refresh('scenarios'), [actions]);
  // `drill` is always offered: it is how trainers find runbooks that have a drill block.
  const tags = useMemo(() => [...new Set(['drill', ...(scenarios ?? []).flatMap((s) => s.tags)])].sort(), [scenarios]);
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (scenarios ?? []).filter((s) => (!tag || s.tags.includes(tag)) && (!needle || `${s.title} ${s.file} ${s.hypothesis ?? ''} ${s.faults.join(' ')}`.toLowerCase().includes(needle)));
  }, [scenarios, q, tag]);
  const openNative = async (): Promise<void> => {
    const file = await actions.desktop?.openFile('scenario');
    if (file) go('scenario', { scenarioFile: file });
  };
  return (
    <Panel title="Scenarios" testId="scenario-browser" actions={actions.desktop ? <button type="button" className="button-ghost" onClick={() => void openNative()}>Open file…</button> : undefined}>
      <input type="search" className="search" placeholder="Search title, fault, hypothesis…" aria-label="Search scenarios" value={q} onChange={(e) => setQ(e.target.value)} />
      <div className="chips" role="group" aria-label="Filter by tag">
        {tags.map((t) => (
          <button key={t} type="button" className="chip" data-testid={`tag-${t}`} aria-pressed={tag === t} onClick={() => setTag(tag === t ? null : t)}>
            {t}
          </button>
        ))}
      </div>
      <ul className="scenario-list">
        {scenarios === null && <li className="muted">Loading…</li>}
        {scenarios !== null && shown.length === 0 && <li className="muted">No scenario matches.</li>}
        {shown.map((s) => (
          <li key={s.file}>
            <button type="button" className="scenario-item" data-testid="scenario-item" data-file={s.file} onClick={() => go('scenario', { scenarioFile: s.file })}>
              <span className="scenario-title">
                {s.title} {!s.valid && <span className="pill bad">invalid</span>}
              </span>
              <span className="muted small">
                {s.environment} · {s.phases} phases · {s.steps} steps · {s.faults.join(', ') || 'no faults'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
