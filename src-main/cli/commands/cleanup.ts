import '../../faults/index.js';
import { AuditStore, auditExecHooks } from '../../audit/index.js';
import { cleanupAll, scanTraces } from '../../faults/cleanup.js';
import { reconcileFaults } from '../../engine/reconcile.js';
import { parseTraces } from '../../faults/status.js';
import { SshPool } from '../../ssh/index.js';
import { load, type GlobalOpts } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { auditFile, workspaceDir } from '../workspace.js';

export interface CleanupOpts extends GlobalOpts {
  workspace?: string;
  run?: string;
  scan?: boolean;
  dryRun?: boolean;
}

/**
 * `gameday cleanup [SELECTOR]`: reconcile faults the audit says may still be in effect (a console
 * that died mid-run), by running their recorded revert; with --scan, also sweep the nodes for every
 * trace this tool leaves (chains, qdiscs, leases, watchdogs, stress processes, units, fill files),
 * whether or not the audit knows of it. --dry-run lists without changing anything.
 */
export async function cleanupCommand(selector: string | undefined, o: CleanupOpts): Promise<number> {
  const l = load(o);
  const targets = l.select(selector ?? 'all');
  const byName = new Map(targets.map((t) => [t.node.name, t]));
  const audit = AuditStore.open(auditFile(workspaceDir(o.workspace)));
  const pool = new SshPool({ ...l.poolOptions(), ...auditExecHooks(audit, { runId: o.run, actor: 'cleanup' }) });
  let residue = 0;
  try {
    const open = audit.openFaults(o.run).filter((f) => byName.has(f.node));
    const skipped = audit.openFaults(o.run).filter((f) => !byName.has(f.node));
    process.stdout.write(`${open.length} fault(s) recorded as possibly still in effect on the selected nodes\n`);
    for (const f of skipped) process.stdout.write(`  ${c.yellow('!')} ${f.node} (${f.kind}, run ${f.run_id}) is not in the selection/inventory: not touched\n`);
    if (o.dryRun) for (const f of open) process.stdout.write(`  would revert ${f.node.padEnd(12)} ${f.kind} (run ${f.run_id}, fault ${f.id}, was ${f.state})\n`);
    else {
      const nodes = new Map(targets.map((t) => [t.node.name, { spec: t.spec, host: t.node.host, gpu: t.node.gpu }]));
      for (const r of await reconcileFaults(audit, pool, open, nodes)) {
        const f = r.fault;
        const label = `${f.node.padEnd(12)} ${f.kind} (run ${f.run_id}, fault ${f.id}, was ${f.state})`;
        if (r.outcome !== 'reverted') residue++;
        const mark = r.outcome === 'reverted' ? c.green('reverted ✓') : r.outcome === 'residue' ? c.red('residue ✗') : c.yellow(r.outcome);
        process.stdout.write(`  ${mark} ${label}${r.detail ? `: ${r.detail}` : ''}\n`);
      }
    }
    if (o.scan) {
      const rs = await pool.fanOut(targets.map((t) => t.spec), (o.dryRun ? scanTraces : cleanupAll)(o.run), { sudo: true, timeoutMs: 120_000 });
      for (const r of rs) {
        if (!r.ok && !r.result) {
          residue++;
          process.stdout.write(`${c.yellow('!')} ${r.node}: ${r.error?.message}\n`);
          continue;
        }
        const lines = parseTraces(r.result!.stdout);
        if (lines.length === 0) process.stdout.write(`  ${r.node.padEnd(12)} ${c.green('no traces')}\n`);
        for (const t of lines) {
          const f = t.fields;
          const ok = t.verb === 'TRACE' || f.ok === 'yes';
          if (!ok) residue++;
          process.stdout.write(`  ${r.node.padEnd(12)} ${t.verb === 'TRACE' ? c.yellow('found') : ok ? c.green('removed') : c.red('FAILED')} ${Object.entries(f).filter(([k]) => k !== 'ok').map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
        }
      }
    }
    return residue === 0 ? EXIT.OK : EXIT.FAILED;
  } finally {
    await pool.dispose();
    audit.close();
  }
}
