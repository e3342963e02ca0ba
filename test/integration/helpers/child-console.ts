/**
 * Test-side handle on console-child.ts: spawn it (node --import tsx), wait for READY, SIGKILL it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOutcome } from '../../../src-main/engine/fault-manager.js';
import type { ChildConfig } from './console-child.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..', '..');
/** tsx compiles on start; on a loaded 2-core machine that plus SSH to 5 nodes can take a while. */
const READY_TIMEOUT_MS = 60_000;

export interface RunningConsole {
  child: ChildProcess;
  outcomes: InjectOutcome[];
  /** SIGKILL: no handler runs, no revert is sent; resolves once the process is gone. */
  kill9(): Promise<void>;
}

export async function startConsole(cfg: ChildConfig): Promise<RunningConsole> {
  // `node --import tsx`, not `npx tsx`: the tsx CLI runs the script in a child node process, and a
  // SIGKILL to the wrapper would leave that child alive, still renewing the leases.
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'console-child.ts'), JSON.stringify(cfg)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const outcomes = await new Promise<InjectOutcome[]>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`console child not READY in ${READY_TIMEOUT_MS} ms: ${err}`))), READY_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^READY (.*)$/m.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(JSON.parse(m[1] ?? '[]') as InjectOutcome[]);
      }
    });
    child.once('exit', (code) => (clearTimeout(t), reject(new Error(`console child exited ${code}: ${err}`))));
  });
  return {
    child,
    outcomes,
    kill9: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
