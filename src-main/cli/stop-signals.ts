import { EXIT } from './exit-codes.js';
import { c } from './output.js';

export interface StopSignalHooks {
  /** Press STOP (must never reject; StopController.stop does not). */
  stop(sig: NodeJS.Signals): unknown;
  /** Disarm lease renewals and say what is still live, with when each node reverts by itself. */
  abandon(): Array<{ node: string; kind: string; state: string; leaseExpiresAt: string }>;
}

/**
 * SIGINT/SIGTERM press STOP. A second one while STOP is still under way (a node that does not
 * answer, a revert that hangs) exits at once (2), after disarming every lease renewal: each node's
 * own dead-man then reverts what is left, at the time printed. A STOP that fails ends the same
 * way, exit 70. Returns the uninstaller.
 */
export function installStopSignals(h: StopSignalHooks): () => void {
  let first: NodeJS.Signals | undefined;
  const on = (sig: NodeJS.Signals) => {
    if (!first) {
      first = sig;
      process.stderr.write(`\n${c.red('STOP')} (${sig}): reverting every fault… (${sig} again exits at once; the nodes' leases then revert what is left)\n`);
      // STOP never rejects; what wraps it might. Then nothing may keep the faults held: disarm, name
      // each lease expiry, exit 70 (a bug).
      Promise.resolve()
        .then(() => h.stop(sig))
        .catch((e: unknown) => leave(`STOP failed: ${(e as Error)?.stack ?? String(e)}`, EXIT.INTERNAL));
      return;
    }
    leave(`${sig} again: lease renewals are disarmed; exiting now.`, EXIT.STOPPED);
  };
  const leave = (why: string, code: number) => {
    const left = h.abandon();
    process.stderr.write(`\n${c.red('STOP abandoned')} (${why})\n`);
    for (const f of left) process.stderr.write(`  ${f.node.padEnd(12)} ${f.kind} (${f.state}): the node reverts it by itself when its lease expires at ${f.leaseExpiresAt}\n`);
    if (!left.length) process.stderr.write('  no fault was left live\n');
    process.exit(code);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}
