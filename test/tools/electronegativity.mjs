// Runs @doyensec/electronegativity (Electron security checks) over electron-vite's build output
// (it parses JavaScript, not TypeScript) through its library API (its CLI entry is broken with
// current commander releases). Prints every finding; exits 1 when a finding of medium severity or
// above is not in the reviewed list below. Run after `electron-vite build`.
import { createRequire } from 'node:module';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
/** Findings reviewed and accepted, with the reason (check id → why). Everything else fails CI. */
const ACCEPTED = {
  PRELOAD_JS_CHECK: 'reviewed: src-preload exposes only the API contract (call with known command names, onEvent, desktop verbs), never ipcRenderer',
  CSP_GLOBAL_CHECK: 'the CSP is strict (default-src self; no inline scripts) but allows ws://127.0.0.1:* for the bridge, a source the checker cannot parse',
};
let failed = 0;
// One scan of the whole app (main, preload, renderer page together): its global checks (navigation
// limits, permission handler, CSP) must see all three at once.
const app = mkdtempSync(join(tmpdir(), 'eneg-app-'));
for (const part of ['out/main', 'out/preload', 'out/renderer/index.html']) cpSync(resolve(part), join(app, part), { recursive: true });
for (const input of [app]) {
  let result;
  try {
    // Absolute paths, and one scan per call (the checker keeps state between scans of one call).
    result = await run({ input, output: join(mkdtempSync(join(tmpdir(), 'eneg-')), 'out.csv'), isSarif: false, customScan: [], severitySet: 'informational', confidenceSet: 'tentative', isRelative: true, electronVersionOverride: '45.0.0', parserPlugins: [] }, false);
  } catch (e) {
    console.error(`electronegativity could not scan ${input}: ${e.message}`);
    failed++;
    continue;
  }
  for (const i of result.issues) {
    const sev = i.severity?.name ?? '?';
    const ok = ACCEPTED[i.id];
    const blocking = !ok && (sev === 'HIGH' || sev === 'MEDIUM');
    if (blocking) failed++;
    console.log(`${blocking ? 'FAIL    ' : ok ? 'accepted' : 'info    '} ${sev.padEnd(6)} ${i.id} ${input}/${i.file}:${i.location?.line}${ok ? `  — ${ok}` : ''}`);
  }
  for (const e of result.errors ?? []) console.log(`note: could not parse ${e.file ?? '?'}: ${e.message ?? e}`);
  console.log(`${input}: ${result.issues.length} finding(s)`);
}
process.exit(failed ? 1 : 0);
