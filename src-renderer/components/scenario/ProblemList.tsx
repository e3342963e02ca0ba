/** Validation problems as file:line:col with message and hint; a click moves the caret there. */
import type { CommandRes } from '../../../src-main/api/index.js';

export type Problem = CommandRes<'scenario.validate'>['problems'][number];

export function ProblemList({ problems, state, onJump }: { problems: Problem[]; state: 'idle' | 'validating' | 'failed'; onJump(p: Problem): void }) {
  const errors = problems.filter((p) => p.severity !== 'warning').length;
  return (
    <div className="problems" data-testid="problems" data-valid={errors === 0 && state === 'idle' ? 'true' : 'false'} aria-live="polite">
      <div className="problems-head">
        <strong>{state === 'validating' ? 'Validating…' : problems.length === 0 ? '✓ Valid' : `${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}`}</strong>
      </div>
      <ul>
        {problems.map((p, i) => (
          <li key={i} className={p.severity === 'warning' ? 'warn' : 'bad'}>
            <button type="button" className="problem" data-testid="problem" onClick={() => onJump(p)}>
              <span className="mono">
                {p.file}:{p.line}:{p.col}
              </span>{' '}
              <span>{p.message}</span>
              {p.path && <span className="muted mono"> ({p.path})</span>}
              {p.hint && <span className="hint">hint: {p.hint}</span>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
