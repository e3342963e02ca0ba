/**
 * Reading an inventory file of any format we take, the way `ansible -i` takes its file: a gameday
 * inventory (YAML, `version: 1` + `nodes:`) or an Ansible inventory (INI or YAML), told apart by
 * content, not by extension. An Ansible inventory is converted (import-ansible.ts) and then checked
 * by the same schema as a gameday one; hosts then resolve through ~/.ssh/config like any node.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';
import { AnsibleImportError, importAnsibleText, looksLikeIni, type AnsibleImport } from './import-ansible.js';
import { InventoryError, type InventoryProblem } from './errors.js';
import { parseInventory } from './load.js';
import type { Inventory } from './schema.js';
import { stringifyInventory } from './stringify.js';

export type InventoryFormat = 'gameday' | 'ansible-ini' | 'ansible-yaml';

/** Keys an Ansible YAML group may have. */
const ANSIBLE_GROUP_KEYS = new Set(['hosts', 'children', 'vars']);
/** Detection parses at most this much: inventories are small, and a huge file fails in the reader anyway. */
const MAX_SNIFF = 4 * 1024 * 1024;

/**
 * Which format `text` is in. A YAML mapping with `version` or `nodes` at the top is ours; a mapping
 * of groups (each with only hosts/children/vars) is Ansible YAML; text that is no YAML mapping but
 * reads as INI (`[group]` sections, `host key=value` lines) is Ansible INI. Anything else is treated
 * as ours, so the gameday schema names what is wrong with it.
 */
export function inventoryFormat(text: string): InventoryFormat {
  const doc = parseDocument(text.slice(0, MAX_SNIFF));
  if (doc.errors.length === 0 && isMap(doc.contents)) {
    let data: Record<string, unknown>;
    try {
      data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    } catch {
      return 'gameday'; // an alias bomb: the gameday reader reports it
    }
    const keys = Object.keys(data);
    if (keys.includes('version') || keys.includes('nodes')) return 'gameday';
    const groupish = (v: unknown): boolean => v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).every((k) => ANSIBLE_GROUP_KEYS.has(k)));
    return keys.length > 0 && Object.values(data).every(groupish) ? 'ansible-yaml' : 'gameday';
  }
  // Valid YAML that is a list or empty is a broken gameday inventory, not INI.
  if (text.trim() === '' || (doc.errors.length === 0 && isSeq(doc.contents))) return 'gameday';
  // Content only (no extension): `hosts.yaml` holding INI is still INI.
  return looksLikeIni(text, 'inventory') ? 'ansible-ini' : 'gameday';
}

/** The first line of the Ansible file that names `host` (problems are found in the converted document). */
function lineOf(text: string, host: string): number {
  const i = text.split(/\r?\n/).findIndex((l) => new RegExp(`(^|[\\s\\[])${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|:|$)`).test(l));
  return i + 1;
}

/** Problems of the converted document, told in terms of the Ansible file (its host names and lines). */
function ansibleProblems(e: InventoryError, imported: AnsibleImport, text: string, file: string): InventoryProblem[] {
  return e.problems.map((p) => {
    const m = /^nodes\[(\d+)\](?:\.(.*))?$/.exec(p.path);
    const node = m ? imported.doc.nodes[Number(m[1])] : undefined;
    if (!node) return { ...p, file, line: 0, col: 0, message: `${p.message} (in the inventory converted from Ansible)` };
    return { ...p, file, line: lineOf(text, node.name), col: 1, path: m![2] ? `${node.name}.${m![2]}` : node.name };
  });
}

/** Parse inventory text of any accepted format; `file` locates messages and anchors relative paths. Throws InventoryError. */
export function readInventoryText(text: string, file: string): Inventory {
  const format = inventoryFormat(text);
  if (format === 'gameday') return parseInventory(text, file);
  let imported: AnsibleImport;
  try {
    imported = importAnsibleText(text, file, format === 'ansible-ini' ? 'ini' : 'yaml');
  } catch (e) {
    if (!(e instanceof AnsibleImportError)) throw e;
    throw new InventoryError(file, [{ file, line: e.line, col: e.line > 0 ? 1 : 0, path: '', message: `Ansible inventory: ${e.detail}` }]);
  }
  if (imported.doc.nodes.length === 0) {
    throw new InventoryError(file, [{ file, line: 0, col: 0, path: '', message: 'the Ansible inventory has no hosts', hint: 'list hosts under a [group] (INI) or under hosts: (YAML)' }]);
  }
  let inv: Inventory;
  try {
    inv = parseInventory(stringifyInventory(imported.doc), file);
  } catch (e) {
    if (e instanceof InventoryError) throw new InventoryError(file, ansibleProblems(e, imported, text, file));
    throw e;
  }
  return { ...inv, source: { format, warnings: imported.warnings } };
}

/** Read and parse an inventory file (gameday or Ansible). Throws InventoryError (also for an unreadable file). */
export function loadInventory(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `no such file: ${file}` : code === 'EISDIR' ? 'is a folder, not an inventory file' : `cannot read: ${code ?? String(e)}`;
    throw new InventoryError(file, [{ file, line: 0, col: 0, path: '', message }]);
  }
  return readInventoryText(text, file);
}
