/** Inventory problems are data: each one located in the file and phrased for the person editing it. */

/** One problem in an inventory file. `line`/`col` are 1-based; 0 when the file itself is the problem. */
export interface InventoryProblem {
  file: string;
  line: number;
  col: number;
  /** Where in the document, e.g. `nodes[3].port` (empty for the whole document). */
  path: string;
  message: string;
  hint?: string;
}

/** Render one problem as `file:line:col: path: message (hint)`, the form editors and CI logs link. */
export function formatProblem(p: InventoryProblem): string {
  const where = p.path ? `${p.path}: ` : '';
  return `${p.file}:${p.line}:${p.col}: ${where}${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

/** Every problem found in one inventory, thrown at once so the user can fix them in one pass. */
export class InventoryError extends Error {
  override readonly name = 'InventoryError';
  constructor(readonly file: string, readonly problems: InventoryProblem[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

/** `['nodes', 3, 'port']` → `nodes[3].port`. */
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
