// The layer table is the law: every product folder is in it, it points down only, each folder has an
// index.ts, and the linter really refuses a wrong arrow, a way in past index.ts, and a cycle.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = resolve(__dirname, '../..');
// eslint.config.mjs is plain ESM; its table is what the linter enforces.
const config = (await import(pathToFileURL(join(repo, 'eslint.config.mjs')).href)) as { ARROWS: Record<string, string[]> };
const table = config.ARROWS;

function productFolders(): string[] {
  const top = readdirSync(join(repo, 'src-main')).filter((d) => statSync(join(repo, 'src-main', d)).isDirectory());
  const out: string[] = [];
  for (const d of top) {
    const sub = join(repo, 'src-main', d);
    // a folder without an index.ts of its own but with sub-folders that have one is a group (engines/)
    if (!existsSync(join(sub, 'index.ts')) && readdirSync(sub).every((e) => statSync(join(sub, e)).isDirectory())) {
      for (const e of readdirSync(sub)) out.push(`src-main/${d}/${e}`);
    } else out.push(`src-main/${d}`);
  }
  return out;
}

async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repo });
  const [res] = await eslint.lintText(code, { filePath: join(repo, file) });
  return (res?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layers (eslint.config.mjs ARROWS)', () => {
  it('names every product folder, and each folder another may import has an index.ts as its only way in', () => {
    const imported = new Set(Object.values(table).flat());
    for (const f of productFolders()) {
      expect(Object.keys(table), `${f} is missing from ARROWS`).toContain(f);
      // app/ and cli/ are entries (Electron main, the gameday binary): nothing imports them
      if (imported.has(f)) expect(existsSync(join(repo, f, 'index.ts')), `${f}/index.ts`).toBe(true);
    }
    expect(imported.has('src-main/app') || imported.has('src-main/cli')).toBe(false);
  });

  it('points down only: the table has no cycle', () => {
    const seen = new Map<string, 'open' | 'done'>();
    const visit = (n: string, path: string[]): void => {
      if (seen.get(n) === 'done') return;
      if (seen.get(n) === 'open') throw new Error(`cycle: ${[...path, n].join(' → ')}`);
      seen.set(n, 'open');
      for (const m of table[n] ?? []) visit(m, [...path, n]);
      seen.set(n, 'done');
    };
    for (const n of Object.keys(table)) expect(() => visit(n, [])).not.toThrow();
    for (const [n, to] of Object.entries(table)) for (const m of to) expect(Object.keys(table), `${n} → ${m}`).toContain(m);
  });

  it('refuses an arrow that is not in the table (the contract importing the engine)', async () => {
    const msgs = await lint('src-main/api/lint-probe.ts', "import { launchRun } from '../engine/index.js';\nexport const x = launchRun;\n");
    expect(msgs.join('\n')).toMatch(/no-restricted-paths: .*src-main\/api may not import src-main\/engine/);
  }, 60_000);

  it('refuses a way in past index.ts', async () => {
    const msgs = await lint('src-main/engine/lint-probe.ts', "import { FAULTS } from '../faults/registry.js';\nexport const x = FAULTS;\n");
    expect(msgs.join('\n')).toMatch(/no-restricted-paths: .*enter src-main\/faults only through its index\.ts/);
    const ok = await lint('src-main/engine/lint-probe.ts', "import { FAULTS } from '../faults/index.js';\nexport const x = FAULTS;\n");
    expect(ok.filter((m) => m.startsWith('import-x/no-restricted-paths'))).toEqual([]);
  }, 60_000);

  it('refuses an import cycle', async () => {
    const dir = join(repo, 'src-main', 'shell', `lint-probe-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.js';\nexport const b = (): number => (a as unknown as number) && 0;\n");
      const eslint = new ESLint({ cwd: repo });
      const [res] = await eslint.lintFiles([join(dir, 'a.ts')]);
      expect((res?.messages ?? []).map((m) => m.ruleId)).toContain('import-x/no-cycle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
