// Bundles the CLI (src-main/cli) into out/cli/gameday.mjs (+ lazily loaded out/cli/chunks/) with esbuild. Runs on `npm install`
// (prepare) and `npm run build:cli`. Packages stay external: ssh2 and better-sqlite3 have native parts.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Code splitting: every `await import(...)` in the CLI becomes its own chunk, so `gameday stop`
// or `--help` load only what they use (not echarts, report rendering, the UI server, ...).
// GAMEDAY_CLI_OUTDIR (a folder inside the repository, so packages still resolve) is for tests.
const outdir = process.env.GAMEDAY_CLI_OUTDIR ?? join(root, 'out/cli');
const chunks = join(outdir, 'chunks');
/** Chunk names carry a content hash; ones older than this are from earlier builds. A CLI process
 * that started before a rebuild may still load its lazy chunks, so they are not removed at once. */
const STALE_CHUNK_MS = 10 * 60_000;
try {
  for (const f of readdirSync(chunks)) if (Date.now() - statSync(join(chunks, f)).mtimeMs > STALE_CHUNK_MS) rmSync(join(chunks, f), { force: true });
} catch {
  /* no chunks yet */
}
// Folders are entered through their index.ts (the lint rule), but an index re-exports a whole
// folder, and esbuild's code splitting keeps every module an index names in the chunk its user
// loads — `gameday stop` would load the SQLite and SSH layers to name two error classes. So, in the
// bundle only, `import { a } from '../x/index.js'` (or `export { a } from …`) is read as an import from the file of x that
// defines `a` (the index's own `export { a } from './file.js'` line says which).
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
const src = join(root, 'src-main');
const reexports = new Map(); // index.ts path → Map(name → absolute file)
async function reexportsOf(index) {
  if (!reexports.has(index)) {
    const m = new Map();
    const text = await readFile(index, 'utf8').catch(() => '');
    for (const [, names, from] of text.matchAll(/^export\s*\{([^}]*)\}\s*from\s*'(\.[^']+)';/gm)) {
      for (const part of names.split(',')) {
        const n = part.trim();
        if (!n || n.startsWith('type ')) continue;
        const [orig, alias] = n.split(/\s+as\s+/);
        if (alias === undefined) m.set(orig.trim(), resolvePath(dirname(index), from));
      }
    }
    reexports.set(index, m);
  }
  return reexports.get(index);
}
const directImports = {
  name: 'direct-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]src-main[\\/].*\.ts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      const found = [...text.matchAll(/^(import|export)\s*\{([^}]*)\}\s*from\s*'(\.[^']*\/index\.js)';/gm)];
      for (const [stmt, kw, names, spec] of found.reverse()) {
        const index = resolvePath(dirname(args.path), spec).replace(/\.js$/, '.ts');
        if (!index.startsWith(src)) continue;
        const map = await reexportsOf(index);
        const byFile = new Map();
        const rest = [];
        for (const part of names.split(',')) {
          const n = part.trim();
          if (!n || n.startsWith('type ')) continue;
          const orig = n.split(/\s+as\s+/)[0].trim();
          const file = map.get(orig);
          if (file) byFile.set(file, [...(byFile.get(file) ?? []), n]);
          else rest.push(n);
        }
        const lines = [...byFile].map(([file, ns]) => `${kw} { ${ns.join(', ')} } from ${JSON.stringify(file)};`);
        if (rest.length) lines.push(`${kw} { ${rest.join(', ')} } from '${spec}';`);
        text = text.replace(stmt, lines.join('\n'));
      }
      return { contents: text, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};
const result = await build({
  metafile: !!process.env.GAMEDAY_CLI_META,
  plugins: [directImports],
  entryPoints: { gameday: join(root, 'src-main/cli/index.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { __GAMEDAY_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __gdCreateRequire } from 'node:module'; const require = __gdCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
// GAMEDAY_CLI_META=FILE writes esbuild's metafile (which module pulled which into a chunk).
if (process.env.GAMEDAY_CLI_META) (await import('node:fs')).writeFileSync(process.env.GAMEDAY_CLI_META, JSON.stringify(result.metafile));
