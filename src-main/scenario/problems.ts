/**
 * Collects problems while a runbook is checked, placing each at the line and column of the text to
 * edit. A path that does not exist in the document (a missing field) lands on its nearest existing
 * ancestor, which is where the field has to be added.
 */
import type { Document, LineCounter } from 'yaml';
import { Locator } from '../inventory/index.js';
import { formatPath, type ScenarioProblem, type Severity } from './errors.js';

export type Path = ReadonlyArray<PropertyKey>;

export interface AddOptions {
  hint?: string | undefined;
  severity?: Severity;
  /** Point at the key rather than the value (unknown or duplicate fields). */
  key?: boolean;
}

export class ProblemSink {
  readonly list: ScenarioProblem[] = [];
  private readonly loc: Locator | undefined;
  private readonly seen = new Set<string>();

  constructor(
    readonly file: string,
    doc?: Document,
    lineCounter?: LineCounter,
  ) {
    this.loc = doc && lineCounter ? new Locator(doc, lineCounter) : undefined;
  }

  /** Position of `path`; `exact` is false when an ancestor stands in for a missing field. */
  position(path: Path, key = false): { line: number; col: number; exact: boolean } {
    if (!this.loc) return { line: 1, col: 1, exact: false };
    try {
      return this.loc.at(path, key);
    } catch {
      // A locator failure must never hide the problem itself; the top of the file is still honest.
      return { line: 1, col: 1, exact: false };
    }
  }

  /** Record a problem at `path`. Identical problems (same place, same words) are kept once. */
  add(path: Path, message: string, opts: AddOptions = {}): void {
    const pos = this.position(path, opts.key ?? false);
    this.push({ line: pos.line, col: pos.col, path: formatPath(path), message, hint: opts.hint, severity: opts.severity ?? 'error' });
  }

  /** Record a problem at an explicit position (YAML syntax errors carry their own). */
  addAt(line: number, col: number, message: string, opts: AddOptions = {}): void {
    this.push({ line: Math.max(1, line), col: Math.max(1, col), path: '', message, hint: opts.hint, severity: opts.severity ?? 'error' });
  }

  get errorCount(): number {
    return this.list.filter((p) => p.severity === 'error').length;
  }

  private push(p: Omit<ScenarioProblem, 'file' | 'hint'> & { hint: string | undefined }): void {
    const sig = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (this.seen.has(sig)) return;
    this.seen.add(sig);
    const { hint, ...rest } = p;
    this.list.push({ file: this.file, ...rest, ...(hint !== undefined && { hint }) });
  }
}
