/**
 * Layering, enforced by a test rather than a README: which folder may import which package.
 * (STYLE.md habit 3.) Type-only imports count too: they still couple the layers.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mts)$/.test(f) ? [p] : [];
  });
}
const IMPORT = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(IMPORT)].map((m) => m[1] ?? m[2]!).filter(Boolean);
}
const all = ['src-main', 'src-preload', 'src-renderer'].flatMap((d) => files(d));

describe('layering', () => {
  const rules: Array<[string, (f: string) => boolean]> = [
    ['electron', (f) => f.startsWith('src-main/app/') || f.startsWith('src-preload/')],
    // The simulated lab is an SSH *server* (ssh2's Server): the one other place ssh2 belongs.
    ['ssh2', (f) => f.startsWith('src-main/ssh/') || f.startsWith('src-main/lab/sim/')],
    ['better-sqlite3', (f) => f.startsWith('src-main/audit/')],
  ];
  it.each(rules)('%s is imported only where allowed', (pkg, allowed) => {
    const bad = all.filter((f) => importsOf(f).some((i) => i === pkg || i.startsWith(`${pkg}/`)) && !allowed(relative('.', f)));
    expect(bad).toEqual([]);
  });

  it('the renderer and preload import only the API contract from src-main', () => {
    const bad = all
      .filter((f) => f.startsWith('src-renderer/') || f.startsWith('src-preload/'))
      .flatMap((f) => importsOf(f).filter((i) => i.includes('src-main/') && !i.includes('src-main/api')).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });

  it('the engine never imports the CLI, the bridge or the app', () => {
    const bad = all
      .filter((f) => /^src-main\/(engine|faults|probes|ssh|inventory|audit|scenario|report|preflight)\//.test(f))
      .flatMap((f) => importsOf(f).filter((i) => /\/(cli|bridge|app)\//.test(i)).map((i) => `${f}: ${i}`));
    expect(bad).toEqual([]);
  });
});
