/**
 * The part of an Ansible inventory we import, independent of INI or YAML: groups with their hosts,
 * child groups and vars, and per-host vars. Group `all` always exists, as in Ansible.
 */

export type AnsibleVars = Record<string, unknown>;

export interface AnsibleGroup {
  hosts: string[];
  children: string[];
  vars: AnsibleVars;
}

export interface AnsibleModel {
  /** Host name → its own vars, in order of first appearance. */
  hosts: Map<string, AnsibleVars>;
  groups: Map<string, AnsibleGroup>;
  warnings: string[];
}

/** A problem in an Ansible inventory file, with where it is. */
export class AnsibleImportError extends Error {
  override readonly name = 'AnsibleImportError';
  constructor(readonly file: string, readonly line: number, readonly detail: string) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/** Copy vars key by key as own properties; `__proto__` is dropped so a file cannot re-prototype our objects. */
export function assignVars(target: AnsibleVars, src: Record<string, unknown>): AnsibleVars {
  for (const [k, v] of Object.entries(src)) if (k !== '__proto__') target[k] = v;
  return target;
}

export function emptyModel(): AnsibleModel {
  const m: AnsibleModel = { hosts: new Map(), groups: new Map(), warnings: [] };
  group(m, 'all');
  return m;
}

/** Get or create a group. */
export function group(m: AnsibleModel, name: string): AnsibleGroup {
  let g = m.groups.get(name);
  if (!g) { g = { hosts: [], children: [], vars: {} }; m.groups.set(name, g); }
  return g;
}

/** Record a host in a group; later vars for the same host override earlier ones, as in Ansible. */
export function addHost(m: AnsibleModel, groupName: string, host: string, vars: AnsibleVars): void {
  const g = group(m, groupName);
  if (!g.hosts.includes(host)) g.hosts.push(host);
  m.hosts.set(host, assignVars(assignVars({}, m.hosts.get(host) ?? {}), vars));
}

export function addChild(m: AnsibleModel, parent: string, child: string): void {
  group(m, child);
  const p = group(m, parent);
  if (!p.children.includes(child)) p.children.push(child);
}

/**
 * Expand Ansible host ranges: `web[01:03]` → web01..web03 (width kept from the start), `[a:c]`,
 * and a stride `[1:9:2]`. Several ranges in one pattern multiply out.
 */
export function expandHostRange(pattern: string): string[] {
  const m = /^(.*?)\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const head = m[1]!, from = m[2]!, to = m[3]!, tail = m[5]!;
  const stride = m[4] === undefined ? 1 : Number(m[4]);
  if (stride < 1) throw new RangeError(`bad stride in ${pattern}`);
  const out: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.length;
    const [a, b] = [Number(from), Number(to)];
    if (b < a) throw new RangeError(`range end before start in ${pattern}`);
    // Ranges this large are almost certainly a typo, and would be thousands of nodes.
    if ((b - a) / stride > 10_000) throw new RangeError(`range too large in ${pattern}`);
    for (let i = a; i <= b; i += stride) out.push(String(i).padStart(width, '0'));
  } else if (/^[a-zA-Z]$/.test(from) && /^[a-zA-Z]$/.test(to)) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += stride) out.push(String.fromCharCode(c));
  } else {
    throw new RangeError(`bad range [${from}:${to}] in ${pattern}`);
  }
  return out.flatMap((mid) => expandHostRange(`${head}${mid}${tail}`));
}
