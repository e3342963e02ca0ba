/** Runbook problems are data: each located in the file and phrased for the person editing it. */

export type Severity = 'error' | 'warning';

/** One problem in a runbook. `line`/`col` are 1-based (also for problems about the whole file). */
export interface ScenarioProblem {
  file: string;
  line: number;
  col: number;
  /** Where in the document, e.g. `phases[1].steps[2].fault` (empty for the whole document). */
  path: string;
  message: string;
  /** A fix suggestion: did-you-mean, the allowed values, the accepted syntax. */
  hint?: string;
  /** Errors make the runbook invalid; warnings are worth reading but do not block a run. */
  severity: Severity;
}

/** `file:line:col  path  message` (two spaces between parts), hint on its own line. */
export function formatProblem(p: ScenarioProblem): string {
  const head = `${p.file}:${p.line}:${p.col}  ${p.path || '(document)'}  ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** Every error found in one runbook, thrown at once so the author can fix them in one pass. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code = 'SCENARIO_INVALID';
  constructor(
    readonly file: string,
    readonly problems: ScenarioProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    super(`${file}: ${errors} problem${errors === 1 ? '' : 's'}:\n${problems.map((p) => formatProblem(p).replace(/^/gm, '  ')).join('\n')}`);
  }

  /** Plain data for IPC/JSON (errors cross boundaries as data, not as stack traces). */
  toJSON(): { name: string; code: string; file: string; problems: ScenarioProblem[] } {
    return { name: this.name, code: this.code, file: this.file, problems: this.problems };
  }
}

/** `['phases', 1, 'steps', 2, 'fault']` → `phases[1].steps[2].fault`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      out += /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? `${out ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Sort by position, then path, so output reads top to bottom like the file. */
export function sortProblems(problems: ScenarioProblem[]): ScenarioProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
}
