// `npm run desktop`: build and open the Electron window. Where Electron's binary is missing and
// cannot be downloaded (offline machines, this CI), say so plainly instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron'); // electron ≥ 42 fetches its binary here, on first launch
} catch (e) {
  process.stderr.write(
    `The Electron binary is not installed and could not be fetched (${String(e.message).split('\n')[0]}).\n` +
      'This happens offline. Everything else works without it: the CLI (npx gameday --help), and the\n' +
      'same console UI in a browser once it lands (npm start).\n',
  );
  process.exit(1);
}
const b = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const r = spawnSync(electronPath, ['.'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
