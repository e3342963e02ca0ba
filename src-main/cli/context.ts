import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadInventory, selectNodes, toConnectSpec, inventorySshOptions, InventoryError } from '../inventory/index.js';
import type { Inventory, InventoryNode } from '../inventory/index.js';
import { SshPool, type ConnectSpec, type PoolOptions } from '../ssh/index.js';
import { loadSshConfig } from '../ssh/ssh-config.js';
import { CliError, EXIT } from './exit-codes.js';
import { listLabInventories } from './lab-locator.js';

export interface GlobalOpts {
  inventory?: string;
  sshConfig?: string;
  trustNew?: boolean;
  json?: boolean;
}

/**
 * Which inventory to use: --inventory, else $GAMEDAY_INVENTORY, else ./inventory.yaml, else the
 * one lab that is up (so `gameday lab up` followed by `gameday inventory check` just works).
 */
export function findInventory(opts: GlobalOpts): string {
  const explicit = opts.inventory ?? process.env.GAMEDAY_INVENTORY;
  if (explicit) {
    const p = resolve(explicit);
    if (!existsSync(p)) throw new CliError(`inventory file not found: ${p}`, EXIT.INVALID_INPUT);
    return p;
  }
  if (existsSync('inventory.yaml')) return resolve('inventory.yaml');
  const labs = listLabInventories();
  if (labs.length === 1) return labs[0]!;
  if (labs.length > 1) throw new CliError(`several labs are up; pick one with --inventory:\n  ${labs.join('\n  ')}`);
  throw new CliError('no inventory: pass --inventory FILE, set GAMEDAY_INVENTORY, or start a lab with `gameday lab up`');
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
    if (e instanceof InventoryError) throw new CliError(e.message, EXIT.INVALID_INPUT);
    throw e;
  }
  const sshConfig = opts.sshConfig ? loadSshConfig(opts.sshConfig) : undefined;
  return {
    file,
    inv,
    select(selector) {
      let nodes: InventoryNode[];
      try {
        nodes = selectNodes(inv, selector);
      } catch (e) {
        throw new CliError((e as Error).message, EXIT.INVALID_INPUT);
      }
      if (nodes.length === 0) throw new CliError(`selector "${selector}" matches no node in ${file}`, EXIT.INVALID_INPUT);
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

export function newPool(l: Loaded): SshPool {
  return new SshPool(l.poolOptions());
}
