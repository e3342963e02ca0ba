import { CliError, EXIT } from '../exit-codes.js';
import { c, table } from '../output.js';

export interface LabUpOpts {
  nodes?: string;
  id?: string;
  bastion?: boolean;
  inner?: string;
  json?: boolean;
}

// Loaded only by `gameday lab` (the lab's code is not needed by any other command).
async function labApi() {
  return import('../../lab/index.js');
}

/** `gameday lab up`: N network-namespace nodes with real sshd, an HTTP service and GPU simulators. */
export async function labUpCommand(opts: LabUpOpts): Promise<number> {
  const nodes = opts.nodes ? Number(opts.nodes) : 4;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 200) throw new CliError(`--nodes must be a whole number from 1 to 200, got "${opts.nodes}"`);
  const inner = opts.inner ? Number(opts.inner) : 0;
  if (!Number.isInteger(inner) || inner < 0 || inner > 20) throw new CliError(`--inner must be a whole number from 0 to 20, got "${opts.inner}"`);
  const lab = await labApi();
  const t0 = Date.now();
  const info = await lab.labUp({ nodes, id: opts.id, bastion: Boolean(opts.bastion) || inner > 0, inner });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return EXIT.OK;
  }
  process.stdout.write(`${c.green('✓')} lab ${c.bold(info.id)} up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${info.nodes.length} nodes on ${info.subnet}\n`);
  process.stdout.write(`  inventory: ${info.inventoryPath}\n`);
  process.stdout.write(`  try:       gameday --inventory ${info.inventoryPath} inventory check\n`);
  process.stdout.write(`             gameday --inventory ${info.inventoryPath} exec all uptime\n`);
  process.stdout.write(`  stop it:   gameday lab down ${info.id}\n`);
  return EXIT.OK;
}

export async function labDownCommand(id: string | undefined, opts: { all?: boolean }): Promise<number> {
  const lab = await labApi();
  const labs = await lab.listLabs();
  const ids = opts.all ? labs.map((l) => l.id) : id ? [id] : labs.length === 1 ? [labs[0]!.id] : [];
  if (ids.length === 0) {
    if (labs.length === 0) {
      process.stdout.write('no lab is up\n');
      return EXIT.OK;
    }
    throw new CliError(`several labs are up (${labs.map((l) => l.id).join(', ')}): name one, or pass --all`);
  }
  for (const one of ids) {
    await lab.labDown(one);
    process.stdout.write(`${c.green('✓')} lab ${one} removed\n`);
  }
  return EXIT.OK;
}

export async function labStatusCommand(opts: { json?: boolean }): Promise<number> {
  const lab = await labApi();
  const labs = await lab.listLabs();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(labs, null, 2)}\n`);
    return EXIT.OK;
  }
  if (labs.length === 0) {
    process.stdout.write('no lab is up (start one with `gameday lab up --nodes 4`)\n');
    return EXIT.OK;
  }
  const rows = labs.map((l) => [
    l.id,
    l.state === 'up' ? c.green(l.state) : c.yellow(l.state),
    String(l.nodes.length || l.namespaces.length),
    l.subnet ?? '-',
    `${l.nodes.filter((n) => n.sshdRunning).length}/${l.nodes.length}`,
    l.dir ? `${l.dir}/inventory.yaml` : c.dim('(orphan: gameday lab down ' + l.id + ')'),
  ]);
  process.stdout.write(`${table(['LAB', 'STATE', 'NODES', 'SUBNET', 'SSHD UP', 'INVENTORY'], rows)}\n`);
  return EXIT.OK;
}
