// Bundles the CLI (src-main/cli) into out/cli/gameday.mjs with esbuild. Runs on `npm install`
// (prepare) and `npm run build:cli`. Packages stay external: ssh2 and better-sqlite3 have native parts.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
await build({
  entryPoints: [join(root, 'src-main/cli/index.ts')],
  outfile: join(root, 'out/cli/gameday.mjs'),
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
