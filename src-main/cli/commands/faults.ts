import { listFaults } from '../../faults/index.js';
import { c, table } from '../output.js';
import { EXIT } from '../exit-codes.js';

/** `gameday faults`: the fault catalog with risk, requirements and caveats. */
export function faultsCommand(opts: { json?: boolean }): number {
  const all = listFaults();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(all.map((m) => ({ id: m.id, title: m.title, category: m.category, risk: m.risk, oneShot: Boolean(m.oneShot), caveat: m.caveat, requires: m.requires, presets: m.presets })), null, 2)}\n`);
    return EXIT.OK;
  }
  const risk = (r: string) => (r === 'high' ? c.red(r) : r === 'medium' ? c.yellow(r) : r);
  const rows = all.map((m) => [m.id, m.category, risk(m.risk), m.oneShot ? c.yellow('one-shot') : 'revertible', [...m.requires.tools, ...(m.requires.kernel ?? [])].join(' ') || '-', m.title]);
  process.stdout.write(`${table(['FAULT', 'CATEGORY', 'RISK', 'REVERT', 'NEEDS', 'WHAT'], rows)}\n`);
  return EXIT.OK;
}
