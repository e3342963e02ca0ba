/**
 * Which inventory a command or the console uses, and why: one resolution shared by every `gameday`
 * command and the desktop app (same fallbacks, same plain errors).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, EXIT } from '../api/index.js';
import { listLabInventories, runningSimLabs } from '../lab/index.js';
import { workspacePath } from './workspace.js';

/** The options that choose an inventory (the CLI's global options are a superset). */
export interface InventoryChoice {
  inventory?: string;
  sim?: boolean;
  workspace?: string;
}

const START_A_LAB = 'start one: `npm start` (the simulated lab, no root), `gameday lab sim`, or `sudo gameday lab up` (real nodes in network namespaces)';

/** The inventory of the one simulated lab running for the workspace; an error says what to do when there is none or several. */
function simInventory(workspace: string | undefined): string {
  const ws = workspacePath(workspace);
  const sims = runningSimLabs(ws);
  if (sims.length === 1) return sims[0]!.inventory;
  if (sims.length === 0) throw new CliError(`--sim: no simulated lab is running for the workspace ${ws}`, EXIT.INVALID_INPUT, `${START_A_LAB.replace('start one: ', 'start it in another terminal: ')}; or pass --workspace of the console that runs it`);
  throw new CliError(`--sim: ${sims.length} simulated labs are running for ${ws}:\n  ${sims.map((r) => `${r.inventory} (pid ${r.pid}, ${r.by})`).join('\n  ')}`, EXIT.INVALID_INPUT, 'pick one with --inventory FILE');
}

/**
 * Which inventory to use: --inventory (a gameday or Ansible inventory) or --sim, else
 * $GAMEDAY_INVENTORY, else ./inventory.yaml, else the one lab that is up: the simulated lab running
 * for this workspace (`npm start`) or a netns lab (`gameday lab up`), so a second terminal just works.
 */
export function findInventory(opts: InventoryChoice): string {
  if (opts.sim && opts.inventory) throw new CliError('--sim and --inventory both name an inventory', EXIT.INVALID_INPUT, 'keep one of them');
  if (opts.sim) return simInventory(opts.workspace);
  const explicit = opts.inventory ?? process.env.GAMEDAY_INVENTORY;
  if (explicit) {
    const p = resolve(explicit);
    if (!existsSync(p)) throw new CliError(`no such file: ${explicit}`, EXIT.INVALID_INPUT, opts.inventory ? 'check the path given to --inventory' : 'check $GAMEDAY_INVENTORY, or unset it');
    return p;
  }
  if (existsSync('inventory.yaml')) return resolve('inventory.yaml');
  const sims = runningSimLabs(workspacePath(opts.workspace)).map((r) => ({ file: r.inventory, what: `the simulated lab (pid ${r.pid}, ${r.by}); --sim picks it` }));
  const labs = [...sims, ...listLabInventories().map((f) => ({ file: f, what: 'a netns lab' }))];
  if (labs.length === 1) return labs[0]!.file;
  if (labs.length > 1) throw new CliError(`several labs are up; pick one:\n  ${labs.map((l) => `${l.file}  (${l.what})`).join('\n  ')}`, EXIT.INVALID_INPUT, sims.length > 0 ? '--sim for the simulated lab, or --inventory FILE' : '--inventory FILE');
  throw new CliError('no inventory: no --inventory or --sim, no $GAMEDAY_INVENTORY, no ./inventory.yaml, and no lab is up', EXIT.INVALID_INPUT, `pass --inventory FILE (a gameday or Ansible inventory), or --sim for the simulated lab \`npm start\` runs; or ${START_A_LAB}`);
}
