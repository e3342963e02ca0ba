/**
 * Pure planning for a lab: ids, names, subnets and addresses. No side effects here, so the rules
 * (15-char interface names, nodes .11 upward, the tag layout of the inventory) are easy to read.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LabError, type LabGpu, type LabNode, type LabUpOptions } from './types.js';

/**
 * Lab ids are exactly 5 of [a-z0-9]: short enough that `gdv<id><nnn>` (11 chars) fits Linux's
 * 15-char interface names, and fixed-length so the id part of any `gdb…`/`gdv…` name is unambiguous.
 */
export const LAB_ID_RE = /^[a-z0-9]{5}$/;
/** Nodes per lab: addresses .11 upward in a /24 leave room for 200, far above the ~60 we need. */
export const MAX_NODES = 200;
/** Inner nodes behind the bastion: same bound, same reason. */
export const MAX_INNER = 200;
/** First host octet of plain nodes (node01 = .11); the bastion takes .10, the host .1. */
export const FIRST_NODE_OCTET = 11;
export const BASTION_OCTET = 10;
export const HOST_OCTET = 1;
/** Second octets: 10.251.X.0/24 for the lab bridge, 10.252.X.0/24 behind the bastion (same X). */
export const MAIN_NET = '10.251';
export const INNER_NET = '10.252';
export const SSH_PORT = 22;
export const HTTP_PORT = 8080;

/** Default parent folder of lab dirs. */
export function defaultBaseDir(): string {
  return process.env.GAMEDAY_LAB_DIR || '/tmp/gameday-labs';
}

/** A random 5-char lab id. */
export function newLabId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(5), (b) => alphabet[b % alphabet.length]).join('');
}

/** Namespace name for a node: `gd-<id>-<node>`. */
export function nsName(id: string, node: string): string {
  return `gd-${id}-${node}`;
}

/** Prefix of every namespace of a lab. */
export function nsPrefix(id: string): string {
  return `gd-${id}-`;
}

export function bridgeName(id: string): string {
  return `gdb${id}`;
}

/** Host-side veth of a node: `gdv<id><n>` (n = 1-based node index) or `gdv<id>b` for the bastion. */
export function vethName(id: string, node: LabNode, index: number): string {
  return node.role === 'bastion' ? `gdv${id}b` : `gdv${id}${index + 1}`;
}

/** A node's folder inside the lab dir (keys, sshd config, pid files, logs, simulator state). */
export function nodeDir(labDir: string, name: string): string {
  return join(labDir, 'nodes', name);
}

/** Validate `labUp` options and fill defaults. */
export function normalizeOptions(opts: LabUpOptions): Required<Omit<LabUpOptions, 'id'>> & { id: string } {
  const inner = opts.inner ?? 0;
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > MAX_NODES) {
    throw new LabError('BAD_OPTIONS', `nodes must be an integer 1..${MAX_NODES}, got ${opts.nodes}`);
  }
  if (!Number.isInteger(inner) || inner < 0 || inner > MAX_INNER) {
    throw new LabError('BAD_OPTIONS', `inner must be an integer 0..${MAX_INNER}, got ${inner}`);
  }
  const id = opts.id ?? newLabId();
  if (!LAB_ID_RE.test(id)) throw new LabError('BAD_OPTIONS', `lab id must be exactly 5 of [a-z0-9], got ${JSON.stringify(id)}`);
  return { nodes: opts.nodes, id, baseDir: opts.baseDir ?? defaultBaseDir(), bastion: (opts.bastion ?? false) || inner > 0, inner };
}

/** Two-digit (or wider) index: node01, inner07, node123. */
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Tags per the inventory contract: every node `lab`; node01–02 `api`; node03 `db`; the last two
 * plain nodes `gpu` (with gpu: amd). Small labs overlap these, which is fine: tags are a set.
 */
function plainNodeTags(i: number, count: number): { tags: string[]; gpu: LabGpu } {
  const tags = ['lab'];
  if (i <= 2) tags.push('api');
  if (i === 3) tags.push('db');
  const isGpu = i > count - 2;
  if (isGpu) tags.push('gpu');
  return { tags, gpu: isGpu ? 'amd' : 'none' };
}

/** Every node of a lab with its address, namespace, tags and GPU vendor. */
export function planNodes(id: string, octet: number, nodes: number, bastion: boolean, inner: number): LabNode[] {
  const base = { sshPort: SSH_PORT, httpPort: HTTP_PORT } as const;
  const out: LabNode[] = [];
  for (let i = 1; i <= nodes; i++) {
    const name = `node${pad(i)}`;
    const { tags, gpu } = plainNodeTags(i, nodes);
    out.push({ ...base, name, ns: nsName(id, name), ip: `${MAIN_NET}.${octet}.${FIRST_NODE_OCTET + i - 1}`, gpu, tags, role: 'node' });
  }
  if (bastion) {
    out.push({ ...base, name: 'bastion', ns: nsName(id, 'bastion'), ip: `${MAIN_NET}.${octet}.${BASTION_OCTET}`, gpu: 'none', tags: ['lab', 'bastion'], role: 'bastion' });
  }
  for (let k = 1; k <= inner; k++) {
    const name = `inner${pad(k)}`;
    out.push({
      ...base, name, ns: nsName(id, name), ip: `${INNER_NET}.${octet}.${FIRST_NODE_OCTET + k - 1}`,
      gpu: 'none', tags: ['lab', 'inner'], role: 'inner', behindBastion: true,
    });
  }
  return out;
}

/** Third octets already used by 10.251.X / 10.252.X anywhere in `text` (route or address listings). */
export function usedOctets(text: string): Set<number> {
  const used = new Set<number>();
  for (const m of text.matchAll(/\b10\.25[12]\.(\d{1,3})\./g)) used.add(Number(m[1]));
  return used;
}

/** Lowest free third octet (1..254) not in `used`. */
export function pickOctet(used: Set<number>): number {
  for (let x = 1; x <= 254; x++) if (!used.has(x)) return x;
  throw new LabError('NO_SUBNET', 'no free 10.251.X.0/24 subnet left', 'run `gameday lab status` and take down old labs');
}
