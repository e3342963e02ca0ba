import { lookupFault } from '../fault-lookup.js';
import { runPreflight, type PreflightReport } from '../../preflight/index.js';
import { CliError, EXIT } from '../exit-codes.js';
import { load, type GlobalOpts } from '../context.js';
import { sayRoute, workspacePool } from '../new-pool.js';
import { toTargets } from '../fault-session.js';
import { c, table } from '../output.js';

/** `gameday preflight --fault KIND[,KIND] SELECTOR`: the node × fault matrix; exit 4 when a required check fails. */
export async function preflightCommand(selector: string, o: GlobalOpts & { fault?: string[] }): Promise<number> {
  const kinds = (o.fault ?? []).flatMap((f) => f.split(',')).filter(Boolean);
  if (kinds.length === 0) throw new CliError('name the faults to check: --fault network-loss,cpu-stress (see `gameday faults`)');
  const mods = kinds.map(lookupFault);
  const l = load(o);
  const targets = toTargets(l.select(selector));
  const pool = workspacePool(l.poolOptions(), o.workspace);
  try {
    const report = await runPreflight(pool, targets.flatMap((target) => mods.map((module) => ({ target, module }))));
    sayRoute(pool, o.json);
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printPreflight(report, kinds);
    return report.ok ? EXIT.OK : EXIT.PREFLIGHT_FAILED;
  } finally {
    await pool.dispose();
  }
}

export function printPreflight(r: PreflightReport, kinds: string[]): void {
  const nodes = [...new Set(r.cells.map((x) => x.node))];
  const rows = nodes.map((n) => [n, ...kinds.map((k) => {
    const cell = r.cells.find((x) => x.node === n && x.fault === k)!;
    const warn = cell.checks.some((ch) => !ch.ok && !ch.required);
    return cell.ok ? (warn ? c.yellow('ok*') : c.green('ok')) : c.red('FAIL');
  })]);
  process.stdout.write(`${table(['NODE', ...kinds], rows)}\n`);
  for (const cell of r.cells)
    for (const ch of cell.checks.filter((x) => !x.ok))
      process.stdout.write(`${ch.required ? c.red('✗') : c.yellow('!')} ${cell.node} ${cell.fault}: ${ch.message}${ch.hint ? `\n    hint: ${ch.hint}` : ''}\n`);
  process.stdout.write(r.ok ? `${c.green('✓ preflight passed')}\n` : `${c.red('✗ preflight failed: required checks above')}\n`);
}
