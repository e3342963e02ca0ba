/**
 * Ansible YAML inventories: `all:` (or any top-level group) with nested `hosts`, `children` and
 * `vars`. A group may appear in several places; its parts merge, as in Ansible.
 */
import { parse } from 'yaml';
import { addChild, addHost, AnsibleImportError, assignVars, emptyModel, expandHostRange, group, type AnsibleModel, type AnsibleVars } from './ansible-model.js';

/** YAML alias expansions allowed (guards against "billion laughs"). */
const MAX_ALIASES = 100;
/** Deeper nesting than this is a loop or a mistake; real inventories are a few levels deep. */
const MAX_DEPTH = 32;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readGroup(m: AnsibleModel, name: string, body: unknown, file: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new AnsibleImportError(file, 0, `groups nested deeper than ${MAX_DEPTH} levels under "${name}"`);
  group(m, name);
  if (body === null || body === undefined) return;
  if (!isRecord(body)) throw new AnsibleImportError(file, 0, `group "${name}" must be a mapping with hosts/children/vars`);
  for (const key of Object.keys(body)) {
    if (key !== 'hosts' && key !== 'children' && key !== 'vars') {
      throw new AnsibleImportError(file, 0, `group "${name}" has unknown key "${key}" (expected hosts, children or vars)`);
    }
  }
  const { hosts, children, vars } = body;
  if (vars !== undefined && vars !== null) {
    if (!isRecord(vars)) throw new AnsibleImportError(file, 0, `vars of group "${name}" must be a mapping`);
    assignVars(group(m, name).vars, vars);
  }
  if (hosts !== undefined && hosts !== null) {
    if (!isRecord(hosts)) throw new AnsibleImportError(file, 0, `hosts of group "${name}" must be a mapping of host names`);
    for (const [pattern, hv] of Object.entries(hosts)) {
      if (hv !== null && !isRecord(hv)) throw new AnsibleImportError(file, 0, `vars of host "${pattern}" must be a mapping`);
      let expanded: string[];
      try { expanded = expandHostRange(pattern); } catch (e) { throw new AnsibleImportError(file, 0, (e as Error).message); }
      for (const h of expanded) addHost(m, name, h, (hv ?? {}) as AnsibleVars);
    }
  }
  if (children !== undefined && children !== null) {
    if (!isRecord(children)) throw new AnsibleImportError(file, 0, `children of group "${name}" must be a mapping of group names`);
    for (const [child, cb] of Object.entries(children)) {
      addChild(m, name, child);
      readGroup(m, child, cb, file, depth + 1);
    }
  }
}

/** Parse YAML inventory text into the shared model. */
export function parseAnsibleYaml(text: string, file: string): AnsibleModel {
  let data: unknown;
  try { data = parse(text, { maxAliasCount: MAX_ALIASES }); } catch (e) {
    const pos = (e as { linePos?: Array<{ line: number }> }).linePos?.[0];
    throw new AnsibleImportError(file, pos?.line ?? 0, `YAML: ${(e as Error).message.split(/ at line \d+/)[0]}`);
  }
  if (!isRecord(data)) throw new AnsibleImportError(file, 1, 'expected a mapping of groups (e.g. "all:")');
  const m = emptyModel();
  for (const [name, body] of Object.entries(data)) {
    readGroup(m, name, body, file, 0);
    // Top-level groups other than `all` are still children of `all` in Ansible.
    if (name !== 'all') addChild(m, 'all', name);
  }
  return m;
}
