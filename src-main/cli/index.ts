import { main } from './main.js';

// Bundled to out/cli/gameday.mjs; resources/bin/gameday.mjs runs it.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
