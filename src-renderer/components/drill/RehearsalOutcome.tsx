/**
 * Rehearsal (tabletop): once the walk reaches a step, its scripted outcome — what would happen —
 * and a prompt for the room's discussion, written to the scribe log (and so the audit and report).
 */
import { useState } from 'react';
import type { StepView } from '../../../src-main/api/index.js';
import { useActions } from '../../store/actions.js';
import { useConsole } from '../../store/store.js';

const AUTHOR_KEY = 'gameday.scribe';

export function RehearsalOutcome({ step }: { step: StepView }) {
  const actions = useActions();
  const outcome = useConsole((s) => s.drill?.outcomes?.[step.id]);
  const observer = useConsole((s) => s.info?.role === 'observer');
  const [author, setAuthor] = useState(() => localStorage.getItem(AUTHOR_KEY) ?? '');
  const [text, setText] = useState('');
  if (step.status === 'pending') return null;
  const add = async (): Promise<void> => {
    localStorage.setItem(AUTHOR_KEY, author.trim());
    const r = await actions.call('run.note', { role: 'scribe', author: author.trim(), text: `[${step.title}] ${text.trim()}` });
    if (r) setText('');
  };
  return (
    <div className="rehearsal-outcome" data-testid="rehearsal-outcome" data-outcome-step={step.id}>
      <h3>Scripted outcome</h3>
      <p className="outcome-text">{outcome ?? <span className="muted">No outcome scripted for this step: what do you expect to happen?</span>}</p>
      <form className="note-form" onSubmit={(e) => (e.preventDefault(), void add())}>
        <input value={author} onChange={(e) => setAuthor(e.target.value)} placeholder="name" aria-label="Author" data-testid="rehearsal-author" maxLength={80} disabled={observer} className="note-author" />
        <input data-testid="rehearsal-note" value={text} onChange={(e) => setText(e.target.value)} placeholder="What did the room decide? What would you check, who would you page?" aria-label="Discussion notes" maxLength={3900} disabled={observer} className="note-text" />
        <button type="submit" disabled={observer || !text.trim() || !author.trim()}>
          Add note
        </button>
      </form>
    </div>
  );
}
