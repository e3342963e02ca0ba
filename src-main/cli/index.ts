import { EXIT } from '../api/index.js';
import { main } from './main.js';

// `gameday … | head` closes the pipe early: that is not an error worth a stack trace.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// Bundled to out/cli/gameday.mjs; resources/bin/gameday.mjs runs it.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = EXIT.INTERNAL;
  },
);
