/**
 * Regenerate scenarios/schema.json from the zod schema:
 *   npx tsx src-main/scenario/write-json-schema.ts [OUT]
 * A unit test fails when the committed file differs from fresh output, so it cannot drift.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema } from './json-schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? resolve(here, '../../scenarios/schema.json'));
writeFileSync(out, renderJsonSchema());
process.stdout.write(`wrote ${out}\n`);
