import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadInventory, selectTargets, sharedSelector, inventorySshOptions, InventoryError } from '../inventory/index.js';
import type { Inventory, InventoryNode } from '../inventory/index.js';
import { loadSshConfig, type ConnectSpec, type PoolOptions, type SharedSelector } from '../ssh/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { findInventory } from '../console/index.js';

export { findInventory };

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

export interface Loaded {
  file: string;
  inv: Inventory;
  select(selector: string): Array<{ node: InventoryNode; spec: ConnectSpec }>;
  poolOptions(): PoolOptions;
  /** This inventory lent with a shared pool: `gameday exec` selectors resolved here, by the same rule as {@link select}. */
  shared(): SharedSelector;
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
      // One rule with a live console that resolves selectors for `gameday exec` (inventory/shared-selection.ts).
      const r = selectTargets(inv, file, selector, sshConfig ? { sshConfig } : undefined);
      if (!r.ok) throw new CliError(r.message, EXIT.INVALID_INPUT, r.hint);
      return r.targets;
    },
    shared() {
      return sharedSelector(inv, file, sshConfig ? { sshConfig } : undefined);
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

