import { join, resolve } from 'node:path';
import { CliError, EXIT } from '../exit-codes.js';
import { recordSimLab, runningSimLabs } from '../../lab/index.js';
import { c, table } from '../output.js';
import { workspaceDir } from '../workspace.js';

export interface SimlabOpts {
  /** Lab folder (default: <workspace>/simlab). */
  dir?: string;
  json?: boolean;
  /** Seed of the simulation's randomness (a whole number). */
  seed?: string;
}

/**
 * `gameday lab sim`: the embedded simulated lab in the foreground until Ctrl-C (SIGINT/SIGTERM).
 * Needs no root and no nodes: every node is simulated, reached over real SSH on loopback.
 */
export async function simlabCommand(opts: SimlabOpts): Promise<number> {
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new CliError(`--seed must be a whole number, got "${opts.seed}"`);
  const ws = workspaceDir();
  const dir = resolve(opts.dir ?? join(ws, 'simlab'));
  // Starting a lab "reboots" its folder's nodes (kills their processes): never under a running one.
  const same = runningSimLabs(ws).find((r) => resolve(r.dir) === dir);
  if (same) throw new CliError(`a simulated lab is already running in ${dir} (pid ${same.pid}, ${same.by})`, EXIT.INVALID_INPUT, `use it (\`gameday --sim …\`, inventory ${same.inventory}), or stop it first`);
  const { startSimLab, SimLabError } = await import('../../lab/index.js');
  let lab;
  try {
    lab = await startSimLab({ dir, seed });
  } catch (e) {
    if (e instanceof SimLabError) throw new CliError(e.message, EXIT.FAILED, e.hint);
    throw e;
  }
  const unrecord = recordSimLab(ws, { inventory: lab.inventoryPath, dir, by: 'lab sim' });
  // Ctrl-C handlers go in before anything is printed: whoever reads it may press it at once.
  const stopped = new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  if (opts.json) {
    const { inventoryPath, knownHostsPath, keyPath, nodes, warnings } = lab;
    process.stdout.write(`${JSON.stringify({ simulated: true, inventoryPath, knownHostsPath, keyPath, nodes, warnings }, null, 2)}\n`);
  } else {
    process.stdout.write(`${c.green('✓')} simulated lab up: ${lab.nodes.length} ${c.yellow('SIMULATED')} nodes (real SSH into sandboxed shells; nothing touches this machine's network)\n`);
    process.stdout.write(`${table(['NODE', 'ROLE', 'SSH', 'HTTP', 'TAGS'], lab.nodes.map((n) => [n.name, n.role, `${n.host}:${n.sshPort}`, `${n.host}:${n.httpPort}`, n.tags.join(',')]))}\n`);
    for (const w of lab.warnings) process.stdout.write(`${c.yellow('!')} ${w}\n`);
    process.stdout.write(`  inventory: ${lab.inventoryPath}\n`);
    process.stdout.write(`  try:       gameday --sim exec all uptime    (in another terminal; --sim is implied when no other lab is up)\n`);
    process.stdout.write(`             gameday --sim run scenarios/replica-partition.yaml\n`);
    process.stdout.write(`  stop it:   Ctrl-C\n`);
  }
  await stopped;
  await lab.close();
  unrecord();
  if (!opts.json) process.stdout.write(`${c.green('✓')} simulated lab stopped\n`);
  return EXIT.OK;
}
