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
 * answer, a revert that hangs) exits at once, after disarming every lease renewal: each node's
 * own dead-man then reverts what is left, at the time printed. Returns the uninstaller.
 */
export function installStopSignals(h: StopSignalHooks): () => void {
  let first: NodeJS.Signals | undefined;
  const on = (sig: NodeJS.Signals) => {
    if (!first) {
      first = sig;
      process.stderr.write(`\n${c.red('STOP')} (${sig}): reverting every fault… (${sig} again exits at once; the nodes' leases then revert what is left)\n`);
      void h.stop(sig);
      return;
    }
    const left = h.abandon();
    process.stderr.write(`\n${c.red('STOP abandoned')} (${sig} again): lease renewals are disarmed; exiting now.\n`);
    for (const f of left) process.stderr.write(`  ${f.node.padEnd(12)} ${f.kind} (${f.state}): the node reverts it by itself when its lease expires at ${f.leaseExpiresAt}\n`);
    if (!left.length) process.stderr.write('  no fault was left live\n');
    process.exit(EXIT.STOPPED);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}
