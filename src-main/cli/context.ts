import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadInventory, selectNodes, toConnectSpec, inventorySshOptions, InventoryError, SelectorError } from '../inventory/index.js';
import type { Inventory, InventoryNode } from '../inventory/index.js';
import type { ConnectSpec, PoolOptions } from '../ssh/index.js';
import { loadSshConfig } from '../ssh/ssh-config.js';
import { CliError, EXIT } from './exit-codes.js';
import { listLabInventories, runningSimLabs } from './lab-locator.js';
import { workspacePath } from './workspace.js';

export interface GlobalOpts {
  inventory?: string;
  sshConfig?: string;
  trustNew?: boolean;
  json?: boolean;
  /** Use the simulated lab that is running for this workspace (`npm start`, `gameday lab sim`). */
  sim?: boolean;
  /** Where to look for a running simulated lab (default: $GAMEDAY_WORKSPACE or ~/.local/share/gameday). */
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
export function findInventory(opts: GlobalOpts): string {
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

export interface Loaded {
  file: string;
  inv: Inventory;
  select(selector: string): Array<{ node: InventoryNode; spec: ConnectSpec }>;
  poolOptions(): PoolOptions;
}

export function load(opts: GlobalOpts): Loaded {
  const file = findInventory(opts);
  let inv: Inventory;
  try {
    inv = loadInventory(file);
  } catch (e) {
    if (e instanceof InventoryError) throw new CliError(e.message, EXIT.INVALID_INPUT, 'an inventory is a gameday YAML (version: 1, nodes:) or an Ansible inventory (INI or YAML); `gameday inventory import FILE` shows how an Ansible one is read');
    throw e;
  }
  // Ansible vars we cannot use (Jinja templates, unknown env) are left out: say so, once.
  for (const w of inv.source?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  const sshConfig = opts.sshConfig ? loadSshConfig(opts.sshConfig) : undefined;
  return {
    file,
    inv,
    select(selector) {
      let nodes: InventoryNode[];
      try {
        nodes = selectNodes(inv, selector);
      } catch (e) {
        if (!(e instanceof SelectorError)) throw e;
        const message = e.hint ? e.message.slice(0, -(e.hint.length + 3)) : e.message;
        throw new CliError(`selector "${selector}": ${message}`, EXIT.INVALID_INPUT, e.hint ?? 'list the nodes and groups with `gameday inventory show`');
      }
      if (nodes.length === 0) throw new CliError(`selector "${selector}" matches no node in ${file}`, EXIT.INVALID_INPUT, 'list the nodes and groups with `gameday inventory show`');
      return nodes.map((node) => ({ node, spec: toConnectSpec(inv, node, sshConfig ? { sshConfig } : undefined) }));
    },
    poolOptions() {
      const o = inventorySshOptions(inv);
      return {
        maxSessionsPerNode: o.maxSessionsPerNode,
        maxConcurrentHandshakes: o.maxConcurrentHandshakes,
        trustOnFirstUse: Boolean(opts.trustNew) || o.trustOnFirstUse,
        prompts: ttyPrompts(),
      };
    },
  };
}

/** Passphrase/password prompts on the terminal; none when stdin is not a TTY (CI, cron). Never stored. */
function ttyPrompts(): PoolOptions['prompts'] {
  if (!process.stdin.isTTY) return {};
  const ask = (q: string) =>
    new Promise<string | undefined>((res) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      // Mute echo: readline writes typed characters through _writeToOutput.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(q)) process.stderr.write(q);
      };
      rl.question(q, (a) => {
        rl.close();
        process.stderr.write('\n');
        res(a === '' ? undefined : a);
      });
    });
  return {
    passphrase: (file) => ask(`Passphrase for ${file}: `),
    password: (user, host) => ask(`Password for ${user}@${host}: `),
  };
}

