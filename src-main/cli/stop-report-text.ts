/**
 * A STOP report as text on the terminal. Its own module so `gameday stop` (the emergency path)
 * loads only this, the control socket and the colours — not the fault engine behind fault-session.
 */
import type { StopReport } from '../engine/index.js';
import { c } from './output.js';

/** Print a STOP report as the per-node list the console shows. */
export function printStopReport(r: StopReport): void {
  process.stdout.write(`${c.bold('STOP')} ${r.reason} — ${r.nodes.length} node(s) in ${(r.durationMs / 1000).toFixed(2)} s\n`);
  for (const n of r.nodes) {
    const mark = n.status === 'reverted' || n.status === 'nothing' ? c.green('reverted ✓') : n.status === 'residue' ? c.red('residue ✗') : c.yellow(`not verified (the node reverts by itself when its lease expires at ${n.leaseExpiresAt})`);
    process.stdout.write(`  ${n.node.padEnd(12)} ${mark}  ${n.faults.map((f) => `${f.kind}:${f.state}`).join(', ')}\n`);
    // A fault the node's lease reverted says so: "reverted" alone would read as our revert, on time.
    for (const f of n.faults) if (f.detail && (f.state !== 'reverted' || f.detail.startsWith("reverted by the node's lease"))) process.stdout.write(`    ${c.dim(f.detail)}\n`);
  }
  process.stdout.write(r.clean ? `${c.green('✓ every node verified clean')}\n` : `${c.red('✗ not every node is verified clean')}\n`);
  printStopProblems(r);
}

/** Loud lines for a STOP that hit an error or could not write the audit. */
export function printStopProblems(r: StopReport): void {
  if (r.error) process.stderr.write(`${c.red('STOP hit an error')} (reverted what it could; the rest reverts by lease, times above): ${r.error}\n`);
  if (r.auditProblem) process.stderr.write(`${c.red('AUDIT PROBLEM during STOP:')} ${r.auditProblem}\n`);
}
