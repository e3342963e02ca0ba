/** Timestamped notes by role: the scribe's log, also written into the audit and the report. */
import { useEffect, useRef, useState } from 'react';
import { timeOfDay } from '../../lib/format.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';
import { Panel } from '../common/Panel.js';

const AUTHOR_KEY = 'gameday.scribe';
const ROLE_CHOICES = ['scribe', 'commander', 'injector', 'observer', 'facilitator', 'trainee'];

export function ScribeLog() {
  const actions = useActions();
  const notes = useConsole((s) => s.notes);
  const observer = useConsole((s) => s.info?.role === 'observer');
  // Trainees write as trainees (the engine records their connection's role in the audit anyway).
  const trainee = useConsole((s) => s.info?.role === 'trainee');
  const hasRun = useConsole((s) => s.run !== null);
  const [role, setRole] = useState(trainee ? 'trainee' : 'scribe');
  const [author, setAuthor] = useState(() => localStorage.getItem(AUTHOR_KEY) ?? '');
  const [text, setText] = useState('');
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [notes.length]);
  const add = async (): Promise<void> => {
    localStorage.setItem(AUTHOR_KEY, author.trim());
    const r = await actions.call('run.note', { role, author: author.trim(), text: text.trim() });
    if (r) setText('');
  };
  return (
    <Panel title="Scribe log" className="area-scribe" testId="scribe">
      <ol className="notes" ref={list} aria-live="polite">
        {notes.map((n, i) => (
          <li key={i} className="note">
            <span className="tabular muted">{timeOfDay(n.ts)}</span> <span className={`pill role-${n.role}`}>{n.role}</span> <strong>{n.author}</strong> {n.text}
          </li>
        ))}
      </ol>
      <form className="note-form" onSubmit={(e) => (e.preventDefault(), void add())}>
        <select value={role} onChange={(e) => setRole(e.target.value)} aria-label="Role" disabled={observer}>
          {(trainee ? ['trainee'] : ROLE_CHOICES).map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <input value={author} onChange={(e) => setAuthor(e.target.value)} placeholder="name" aria-label="Author" maxLength={80} disabled={observer} className="note-author" />
        <input data-testid="note-text" value={text} onChange={(e) => setText(e.target.value)} placeholder={hasRun ? 'What happened?' : 'Notes need a run'} aria-label="Note" maxLength={4000} disabled={observer || !hasRun} className="note-text" />
        <button type="submit" disabled={observer || !hasRun || !text.trim() || !author.trim()}>
          Add
        </button>
      </form>
    </Panel>
  );
}
