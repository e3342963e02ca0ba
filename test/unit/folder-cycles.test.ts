// The folders of src-main form no import cycle (engine → drill → report → engine and engine ↔
// preflight did): read every relative import line, build the folder graph, look for a way back.
// Part D's linter enforces the full layer table; this is the cycle rule alone, on the source text.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../src-main');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

const folderOf = (abs: string): string => relative(ROOT, abs).split('/')[0] ?? '';

/** Folder → folder → one file that makes the arrow. */
function folderGraph(): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const f of files(ROOT)) {
    const from = folderOf(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const target = normalize(join(dirname(f), m[1] ?? ''));
      if (relative(ROOT, target).startsWith('..')) continue;
      const to = folderOf(target);
      if (to === from || !relative(ROOT, target).includes('/')) continue;
      if (!g.has(from)) g.set(from, new Map());
      g.get(from)?.set(to, relative(ROOT, f));
    }
  }
  return g;
}

function pathBack(g: Map<string, Map<string, string>>, from: string, to: string, seen = new Set<string>()): string[] | null {
  if (from === to) return [to];
  seen.add(from);
  for (const next of g.get(from)?.keys() ?? []) {
    if (seen.has(next)) continue;
    const rest = pathBack(g, next, to, seen);
    if (rest) return [from, ...rest];
  }
  return null;
}

describe('src-main folders', () => {
  it('import each other without a cycle', () => {
    const g = folderGraph();
    expect(g.get('engine')?.size ?? 0).toBeGreaterThan(3);
    const cycles: string[] = [];
    for (const [from, tos] of g) {
      for (const [to, file] of tos) {
        const back = pathBack(g, to, from);
        if (back) cycles.push(`${from} → ${back.join(' → ')} (${file})`);
      }
    }
    expect(cycles).toEqual([]);
  });

  it('and no two files import each other in a loop, type imports included (the linter counts value imports only)', () => {
    const fileOf = (spec: string, from: string): string | undefined => {
      const base = normalize(join(dirname(from), spec)).replace(/\.(m?js)$/, '');
      return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((c) => all.has(c));
    };
    const all = new Set(files(ROOT));
    const g = new Map<string, string[]>();
    for (const f of all) {
      const to = [...readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].flatMap((m) => fileOf(m[1] ?? '', f) ?? []);
      g.set(f, to);
    }
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        loops.push([...path.slice(path.indexOf(f)), f].map((x) => relative(ROOT, x)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of g.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of all) visit(f, []);
    expect(loops).toEqual([]);
  });
});
