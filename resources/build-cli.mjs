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
await build({
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
