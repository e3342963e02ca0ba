import { AuditStore, auditExecHooks } from '../../audit/index.js';
import { cleanupAll, scanTraces } from '../../faults/index.js';
import { reconcileFaults } from '../../console/index.js';
import { SshPool } from '../../ssh/index.js';
import { load, type GlobalOpts } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { auditFile, workspaceDir } from '../workspace.js';
import { judgeSweep } from './cleanup-sweep.js';
import { cleanupK8s } from './cleanup-k8s.js';

export interface CleanupOpts extends GlobalOpts {
  workspace?: string;
  run?: string;
  scan?: boolean;
  dryRun?: boolean;
  forceLive?: boolean;
  approver?: string;
  /** Kubernetes: drop Chaos Mesh's finalizer on stuck objects (abandons their faults); needs approver. */
  forceFinalizer?: boolean;
}

/** An approver is a person's name as the audit records it: printable, one line, bounded. */
const APPROVER = /^[^\p{C}]{1,100}$/u;

function checkForce(o: CleanupOpts): string | undefined {
  const approver = o.approver?.trim();
  if (o.approver !== undefined && (!approver || !APPROVER.test(approver))) {
    throw new CliError('--approver must be a name of 1-100 printable characters', EXIT.INVALID_INPUT, 'e.g. --approver "Dee Lee"');
  }
  if (o.forceFinalizer && !approver) {
    throw new CliError('--force-finalizer removes Chaos Mesh objects WITHOUT recovering their faults (they stay on the pods): it needs a second person', EXIT.INVALID_INPUT, 'add --approver NAME (recorded in the audit)');
  }
  if (o.forceLive && !approver) {
    throw new CliError(
      '--force-live removes runs whose leases are still being renewed (another console may be running them): it needs a second person',
      EXIT.INVALID_INPUT,
      'add --approver NAME (recorded in the audit); or wait one lease TTL after the console that owned the run died',
    );
  }
  // Two people: the approver is not whoever runs the command.
  const self = process.env.USER?.trim().toLowerCase();
  if ((o.forceLive || o.forceFinalizer) && approver && self && approver.toLowerCase() === self) {
    throw new CliError(`--approver must be a second person, not ${process.env.USER} who runs this cleanup`, EXIT.INVALID_INPUT, 'ask someone else to approve removing a live run');
  }
  return approver;
}

/**
 * `gameday cleanup [SELECTOR]`: reconcile faults the audit says may still be in effect (a console
 * that died mid-run), by running their recorded revert; with --scan, also sweep the nodes for every
 * trace this tool leaves (chains, qdiscs, leases, watchdogs, stress processes, units, fill files),
 * whether or not the audit knows of it, then scan again to verify. --dry-run lists without
 * changing anything. A run whose lease was renewed within its TTL is live (another console's) and
 * is left alone and reported, unless --force-live with --approver (audited).
 * Exit 1 when anything is left: a failed step, a trace still there, a live run left alone.
 */
export async function cleanupCommand(selector: string | undefined, o: CleanupOpts): Promise<number> {
  const approver = checkForce(o);
  const forceLive = Boolean(o.forceLive);
  const l = load(o);
  // An inventory of only a kubernetes: section has no node to select.
  const targets = l.inv.nodes.length || selector ? l.select(selector ?? 'all') : [];
  const byName = new Map(targets.map((t) => [t.node.name, t]));
  const audit = AuditStore.open(auditFile(workspaceDir(o.workspace)));
  const actor = process.env.USER ?? 'cleanup';
  const pool = new SshPool({ ...l.poolOptions(), ...auditExecHooks(audit, { runId: o.run, actor: 'cleanup' }) });
  let residue = 0;
  try {
    // The approval is committed before anything is sent (intent before action).
    if (forceLive && !o.dryRun) audit.append({ runId: o.run, kind: 'cleanup.force-live', actor: approver, data: { approver, requestedBy: actor, selector: selector ?? 'all', nodes: [...byName.keys()], run: o.run ?? null, scan: Boolean(o.scan) } });
    const open = audit.openFaults(o.run).filter((f) => byName.has(f.node));
    // Pods ("ns/pod": a '/' no inventory node name has) are Chaos Mesh faults: --scan handles them (cleanup-k8s.ts).
    const skipped = audit.openFaults(o.run).filter((f) => !byName.has(f.node) && !(l.inv.kubernetes && f.node.includes('/')));
    process.stdout.write(`${open.length} fault(s) recorded as possibly still in effect on the selected nodes\n`);
    for (const f of skipped) process.stdout.write(`  ${c.yellow('!')} ${f.node} (${f.kind}, run ${f.run_id}) is not in the selection/inventory: not touched\n`);
    if (o.dryRun) for (const f of open) process.stdout.write(`  would revert ${f.node.padEnd(12)} ${f.kind} (run ${f.run_id}, fault ${f.id}, was ${f.state})\n`);
    else {
      const nodes = new Map(targets.map((t) => [t.node.name, { spec: t.spec, host: t.node.host, gpu: t.node.gpu }]));
      for (const r of await reconcileFaults(audit, pool, open, nodes, { forceLive })) {
        const f = r.fault;
        const label = `${f.node.padEnd(12)} ${f.kind} (run ${f.run_id}, fault ${f.id}, was ${f.state})`;
        if (r.outcome !== 'reverted') residue++;
        const mark = r.outcome === 'reverted' ? c.green('reverted ✓') : r.outcome === 'residue' ? c.red('residue ✗') : r.outcome === 'live' ? c.yellow('left alone') : c.yellow(r.outcome);
        process.stdout.write(`  ${mark} ${label}${r.detail ? `: ${r.detail}` : ''}\n`);
      }
    }
    if (o.scan) {
      const cmd = (o.dryRun ? scanTraces : cleanupAll)(o.run, { forceLive });
      const rs = await pool.fanOut(targets.map((t) => t.spec), cmd, { sudo: true, timeoutMs: 120_000 });
      for (const r of rs) {
        if (!r.result) {
          residue++;
          process.stdout.write(`${c.yellow('!')} ${r.node}: ${r.error?.message}\n`);
          continue;
        }
        const j = judgeSweep(r.node, r.result, Boolean(o.dryRun), approver);
        residue += j.problems;
        for (const line of j.lines) process.stdout.write(`${line}\n`);
        if (j.live.size && !o.dryRun) audit.append({ runId: o.run, kind: forceLive ? 'cleanup.live-removed' : 'cleanup.live-left', node: r.node, actor: forceLive ? approver : actor, data: { node: r.node, runs: Object.fromEntries(j.live), approver: approver ?? null } });
      }
    }
    if (o.scan) residue += await cleanupK8s(l.inv, audit, { run: o.run, dryRun: o.dryRun, forceFinalizer: o.forceFinalizer, approver, actor });
    if (residue > 0 && !o.dryRun) process.stdout.write(`${c.red('✗')} not clean: ${residue} problem(s) above\n`);
    return residue === 0 ? EXIT.OK : EXIT.FAILED;
  } finally {
    await pool.dispose();
    audit.close();
  }
}
