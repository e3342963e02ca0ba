#!/usr/bin/env node
// `gameday` entry: runs the bundled CLI. The bundle is made on `npm install` (prepare); if it is
// missing (e.g. a checkout without install scripts) it is built once, here, with esbuild.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(root, 'out', 'cli', 'gameday.mjs');
if (!existsSync(bundle)) {
  try {
    await import(pathToFileURL(join(root, 'resources', 'build-cli.mjs')).href);
  } catch (e) {
    process.stderr.write(`gameday: the CLI is not built and could not be built (${e.message}). Run: npm install\n`);
    process.exit(70);
  }
}
await import(pathToFileURL(bundle).href);
