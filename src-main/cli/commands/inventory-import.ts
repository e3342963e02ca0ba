import { readFileSync } from 'node:fs';
import { AnsibleImportError, importAnsibleText, importFromSshConfig, inventoryFormat, stringifyInventory } from '../../inventory/index.js';
import { loadSshConfig } from '../../ssh/index.js';
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
  if (kind === 'ssh-config') {
    process.stdout.write(stringifyInventory(importFromSshConfig(loadSshConfig(file))));
    return EXIT.OK;
  }
  // INI or YAML by content, as `--inventory` decides (an INI file may well be called hosts.yaml).
  const format = inventoryFormat(text);
  if (format === 'gameday' && /^(version|nodes):/m.test(text)) throw new CliError(`${file} is already a gameday inventory`, EXIT.INVALID_INPUT, 'use it as it is: --inventory FILE');
  try {
    process.stdout.write(stringifyInventory(importAnsibleText(text, file, format === 'ansible-yaml' ? 'yaml' : 'ini').doc));
  } catch (e) {
    if (e instanceof AnsibleImportError) throw new CliError(`not an Ansible inventory: ${e.message}`, EXIT.INVALID_INPUT, 'an Ansible inventory is INI ([group] lines, host key=value) or YAML (all: hosts: / children:)');
    throw e;
  }
  return EXIT.OK;
}
