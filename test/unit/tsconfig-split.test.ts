/**
 * The tsconfig split (tsconfig.json: `tsc -b` over api, node, web, preload and test projects) is
 * what keeps Node out of browser code: the renderer, the preload and the contract cannot even
 * type-check an import of ssh2, better-sqlite3 or a node: module. This runs the real compiler on a
 * fixture full of such imports under each project's rules and reads its errors line by line.
 * The node project compiles the same file cleanly — as the old single tsconfig did for every file.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const dir = join(root, 'test/fixtures/web-only');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const fixture = readFileSync(join(dir, 'node-imports.ts'), 'utf8').split('\n');

/** 1-based line of the fixture's import of `mod`. */
function lineOf(mod: string): number {
  const i = fixture.findIndex((l) => l.startsWith('import') && l.includes(`from '${mod}'`));
  if (i < 0) throw new Error(`the fixture has no import of ${mod}`);
  return i + 1;
}

interface TscError {
  line: number;
  code: string;
  message: string;
}

/** Compile the fixture under one project's rules; every error it reports, with its line. */
async function compile(project: 'web' | 'preload' | 'api' | 'node'): Promise<{ exit: number; errors: TscError[] }> {
  let out: string;
  let exit = 0;
  try {
    out = (await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, `tsconfig.${project}.json`), '--pretty', 'false'], { cwd: root })).stdout;
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    exit = err.code ?? 1;
    out = err.stdout ?? '';
  }
  const errors = [...out.matchAll(/node-imports\.ts\((\d+),\d+\): error (TS\d+): (.*)/g)].map((m) => ({ line: Number(m[1]), code: m[2]!, message: m[3]! }));
  return { exit, errors };
}

const NODE_ONLY = ['ssh2', 'better-sqlite3', 'node:fs'];

/**
 * Each error as "line code why", sorted. A mapped node-only module fails with TS2306 because
 * tsconfig.node-only.d.ts is deliberately not a module; a bare Node builtin ('path') finds no
 * declarations at all (TS2307) because @types/node is not in the project.
 */
const summary = (errors: TscError[]): string[] =>
  errors.map((e) => `${e.line} ${e.code} ${e.message.includes('tsconfig.node-only.d.ts') ? 'node-only' : e.message.includes("'path'") ? 'no-node-types' : e.message}`).sort();
const nodeOnly = (mod: string): string => `${lineOf(mod)} TS2306 node-only`;
const noNodeTypes = (mod: string): string => `${lineOf(mod)} TS2307 no-node-types`;

describe('tsconfig split: browser code cannot type-check node-only imports', () => {
  it.each(['web', 'api'] as const)('the %s project refuses ssh2, better-sqlite3, node:*, Node builtins and electron, and accepts the contract', async (project) => {
    const r = await compile(project);
    expect(r.exit).not.toBe(0);
    // Exactly these lines fail; the fixture's import of src-main/api compiles.
    expect(summary(r.errors)).toEqual([...NODE_ONLY.map(nodeOnly), nodeOnly('electron'), noNodeTypes('path')].sort());
  }, 120_000);

  it('the preload project refuses the same Node imports but has the sandbox electron verbs', async () => {
    const r = await compile('preload');
    expect(r.exit).not.toBe(0);
    expect(summary(r.errors)).toEqual([...NODE_ONLY.map(nodeOnly), noNodeTypes('path')].sort());
  }, 120_000);

  it('the node project compiles the same fixture (so the errors above come from the split, not the file)', async () => {
    expect(await compile('node')).toEqual({ exit: 0, errors: [] });
  }, 120_000);

  it('the solution builds every project and the scripts use it', () => {
    const solution = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config as { files: string[]; references: Array<{ path: string }> };
    expect(solution.files).toEqual([]);
    expect(solution.references.map((r) => r.path).sort()).toEqual(['./tsconfig.api.json', './tsconfig.node.json', './tsconfig.preload.json', './tsconfig.test.json', './tsconfig.web.json']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toBe('tsc -b');
    expect(readFileSync(join(root, 'test/run-all.sh'), 'utf8')).toMatch(/^step "typecheck \(tsc -b\)" npx tsc -b$/m);
  });
});
