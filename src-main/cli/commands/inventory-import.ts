import { readFileSync } from 'node:fs';
import { importAnsible, importFromSshConfig, stringifyInventory } from '../../inventory/index.js';
import { loadSshConfig } from '../../ssh/ssh-config.js';
import { CliError, EXIT } from '../exit-codes.js';

/** `gameday inventory import FILE`: print a gameday inventory made from an Ansible inventory or an ssh_config. */
export function inventoryImport(file: string, o: { from?: string }): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const kind = o.from ?? (/^\s*Host\s+\S/im.test(text) ? 'ssh-config' : 'ansible');
  if (kind !== 'ansible' && kind !== 'ssh-config') throw new CliError(`--from must be "ansible" or "ssh-config", got "${kind}"`);
  const doc = kind === 'ansible' ? importAnsible(file) : importFromSshConfig(loadSshConfig(file));
  process.stdout.write(stringifyInventory(doc));
  return EXIT.OK;
}
