/**
 * Ansible inventory (INI or YAML) → gameday inventory document.
 *
 * Vars are inherited the Ansible way: `all`, then groups from parent to child (siblings at the same
 * depth in name order), then the host's own vars. Connection vars map to node fields; group names
 * become tags and groups; `env`/`gameday_env` and `gpu`/`gameday_gpu` set env and gpu. Vars we
 * cannot use (Jinja templates, other settings) are left out with a warning rather than guessed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAnsibleIni } from './ansible-ini.js';
import { AnsibleImportError, type AnsibleModel, type AnsibleVars } from './ansible-model.js';
import { parseAnsibleYaml } from './ansible-yaml.js';
import { ENVS, GPUS, NAME_RE, type InventoryDoc, type NodeDoc } from './schema.js';

export { AnsibleImportError } from './ansible-model.js';

export interface AnsibleImport {
  doc: InventoryDoc;
  warnings: string[];
}

/** Groups Ansible always has; they say nothing about a host, so they become neither tags nor groups. */
const IMPLICIT = new Set(['all', 'ungrouped']);

/** Make a name fit NAME_RE (e.g. IPv6 literals or `web_servers:prod`); empty → undefined. */
function safeName(s: string): string | undefined {
  const out = s.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return NAME_RE.test(out) ? out : undefined;
}

/** Parents of each group, with groups nobody claims hung under `all`. */
function parentsOf(m: AnsibleModel): Map<string, string[]> {
  const parents = new Map<string, string[]>([...m.groups.keys()].map((g) => [g, []]));
  for (const [g, body] of m.groups) for (const c of body.children) parents.get(c)!.push(g);
  for (const [g, ps] of parents) if (g !== 'all' && ps.length === 0) ps.push('all');
  return parents;
}

/** Depth below `all` (longest path), loop-safe; Ansible rejects loops, we just stop walking them. */
function depths(parents: Map<string, string[]>): Map<string, number> {
  const memo = new Map<string, number>();
  const depth = (g: string, seen: Set<string>): number => {
    if (g === 'all' || seen.has(g)) return 0;
    const known = memo.get(g);
    if (known !== undefined) return known;
    const d = 1 + Math.max(0, ...(parents.get(g) ?? []).map((p) => depth(p, new Set([...seen, g]))));
    memo.set(g, d);
    return d;
  };
  for (const g of parents.keys()) depth(g, new Set());
  return memo;
}

function pick(vars: AnsibleVars, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = vars[k];
    if (v !== undefined && v !== null && v !== '') return String(v);
  }
  return undefined;
}

/** Hops from `-J a,b` or `-o ProxyJump=a,b` in ansible_ssh_common_args / ansible_ssh_extra_args. */
function jumpFromArgs(vars: AnsibleVars): string[] {
  const args = `${pick(vars, 'ansible_ssh_common_args') ?? ''} ${pick(vars, 'ansible_ssh_extra_args') ?? ''}`;
  const m = /(?:-J\s*|ProxyJump[= ]\s*)["']?([^\s"']+)/.exec(args);
  return m ? m[1]!.split(',').filter((h) => h !== '') : [];
}

/** Convert a parsed Ansible model. */
export function convertAnsible(m: AnsibleModel, source: string): AnsibleImport {
  const warnings = [...m.warnings];
  const parents = parentsOf(m);
  const depth = depths(parents);
  const memberOf = new Map<string, Set<string>>(); // host → direct groups plus ancestors
  const ancestors = (g: string, acc: Set<string>): void => {
    if (acc.has(g)) return;
    acc.add(g);
    for (const p of parents.get(g) ?? []) ancestors(p, acc);
  };
  for (const [g, body] of m.groups) for (const h of body.hosts) {
    const acc = memberOf.get(h) ?? new Set<string>();
    ancestors(g, acc);
    memberOf.set(h, acc);
  }
  const nodeName = new Map<string, string>();
  for (const h of m.hosts.keys()) {
    const n = safeName(h);
    if (n === undefined || [...nodeName.values()].includes(n)) { warnings.push(`${source}: host "${h}" has no usable unique name; skipped`); continue; }
    nodeName.set(h, n);
  }
  const nodes: NodeDoc[] = [];
  for (const [h, name] of nodeName) {
    const groups = [...(memberOf.get(h) ?? new Set(['all']))].sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));
    const vars: AnsibleVars = Object.assign({}, ...groups.map((g) => m.groups.get(g)?.vars ?? {}), m.hosts.get(h));
    for (const [k, v] of Object.entries(vars)) if (typeof v === 'string' && v.includes('{{')) { warnings.push(`${source}: ${h}: ${k} uses a Jinja template; left out`); delete vars[k]; }
    const node: NodeDoc = { name, host: pick(vars, 'ansible_host', 'ansible_ssh_host') ?? h };
    const port = pick(vars, 'ansible_port', 'ansible_ssh_port');
    if (port !== undefined) node.port = Number(port);
    const user = pick(vars, 'ansible_user', 'ansible_ssh_user');
    if (user !== undefined) node.user = user;
    const key = pick(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
    if (key !== undefined) node.identity = key;
    const env = pick(vars, 'gameday_env', 'env');
    if (env !== undefined) {
      if ((ENVS as readonly string[]).includes(env)) node.env = env as NodeDoc['env'];
      else warnings.push(`${source}: ${h}: env "${env}" is not one of ${ENVS.join(', ')}; left out`);
    }
    const gpu = pick(vars, 'gameday_gpu', 'gpu');
    if (gpu !== undefined && (GPUS as readonly string[]).includes(gpu)) node.gpu = gpu as NodeDoc['gpu'];
    const tags = groups.filter((g) => !IMPLICIT.has(g)).map(safeName).filter((t): t is string => t !== undefined);
    if (tags.length > 0) node.tags = [...new Set(tags)];
    const jump = jumpFromArgs(vars).map((hop) => nodeName.get(hop) ?? (/[@:]/.test(hop) ? hop : `${hop}:22`));
    if (jump.length > 0) node.jump = jump.length === 1 ? jump[0]! : jump;
    nodes.push(node);
  }
  const doc: InventoryDoc = { version: 1, nodes };
  const groupDoc: Record<string, string[]> = {};
  const nonEmpty = (g: string): boolean => nodes.some((n) => Array.isArray(n.tags) && n.tags.includes(safeName(g) ?? '\0'));
  for (const [g, body] of m.groups) {
    const gname = safeName(g);
    if (IMPLICIT.has(g) || gname === undefined || !nonEmpty(g)) continue;
    const members = [
      ...body.hosts.map((h) => nodeName.get(h)).filter((n): n is string => n !== undefined),
      ...body.children.filter((c) => !IMPLICIT.has(c) && nonEmpty(c)).map((c) => `group:${safeName(c)}`),
    ];
    if (members.length > 0) groupDoc[gname] = [...new Set(members)];
  }
  if (Object.keys(groupDoc).length > 0) doc.groups = groupDoc;
  return { doc, warnings };
}

/** INI or YAML? By extension first, then by content: INI has `[section]` lines or `key=value` words. */
export function looksLikeIni(text: string, file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yml' || ext === '.yaml' || ext === '.json') return false;
  if (ext === '.ini') return true;
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  if (lines.some((l) => /^\[[^\]]+\]$/.test(l))) return true;
  return !lines.some((l) => /^[^\s:]+:(\s|$)/.test(l));
}

/** Parse Ansible inventory text (INI or YAML: `syntax`, else guessed). Throws AnsibleImportError. */
export function importAnsibleText(text: string, file: string, syntax?: 'ini' | 'yaml'): AnsibleImport {
  const ini = syntax ? syntax === 'ini' : looksLikeIni(text, file);
  const model = ini ? parseAnsibleIni(text, file) : parseAnsibleYaml(text, file);
  return convertAnsible(model, file);
}

/** Read an Ansible inventory file and convert it. Throws AnsibleImportError. */
export function importAnsible(file: string): InventoryDoc {
  return importAnsibleDetailed(file).doc;
}

/** Like importAnsible, with the warnings about what was left out. */
export function importAnsibleDetailed(file: string): AnsibleImport {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new AnsibleImportError(file, 0, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return importAnsibleText(text, file);
}
