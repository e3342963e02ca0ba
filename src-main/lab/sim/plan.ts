/**
 * Pure planning of a simulated lab: the default fleet, node addresses, seeded randomness.
 */
import { createHash } from 'node:crypto';
import { BASTION_OCTET, FIRST_NODE_OCTET, HTTP_PORT as NETNS_HTTP_PORT } from '../netns/plan.js';
import { SimLabError, type SimNodeSpec } from './types.js';

/**
 * The netns lab's layout (../netns/plan.ts with 5 nodes and a bastion), so the shipped runbooks
 * (which target node01/node02, group:db, group:gpu) run unchanged. node05 lacks sch_netem on
 * purpose: preflight shows a real "latency faults unavailable" warning there.
 */
export const DEFAULT_NODES: SimNodeSpec[] = [
  { name: 'node01', role: 'api', tags: ['api'] },
  { name: 'node02', role: 'api', tags: ['api'] },
  { name: 'node03', role: 'db', tags: ['db'] },
  { name: 'node04', role: 'gpu', tags: ['gpu'], gpu: 'amd' },
  { name: 'node05', role: 'gpu', tags: ['gpu'], gpu: 'amd', kernelMissing: ['sch_netem'] },
  { name: 'bastion', role: 'bastion', tags: ['bastion'] },
];

/** Tags every simulated node carries, whatever the spec says. */
export const ALWAYS_TAGS = ['lab', 'simulated'];
/** Simulated CPUs per node unless the spec says otherwise. */
export const DEFAULT_CPUS = 4;
/** Preferred SSH port on each node address (22 needs root); a free one is picked if it is taken. */
export const SSH_PORT = 2222;
/** The runbooks probe http://{host}:8080, as on the netns lab. */
export const HTTP_PORT = NETNS_HTTP_PORT;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Check a node list: names valid and unique, at most 200 (a /24 of addresses from .11). */
export function checkNodes(nodes: SimNodeSpec[]): void {
  if (nodes.length === 0 || nodes.length > 200) throw new SimLabError('BAD_NODES', `a simulated lab has 1-200 nodes, got ${nodes.length}`);
  const seen = new Set<string>();
  for (const n of nodes) {
    if (!NAME_RE.test(n.name)) throw new SimLabError('BAD_NODES', `node name ${JSON.stringify(n.name)} must match ${NAME_RE}`);
    if (seen.has(n.name)) throw new SimLabError('BAD_NODES', `node ${n.name} appears twice`);
    seen.add(n.name);
  }
}

/**
 * The /24 inside 127.0.0.0/8 this workspace uses: derived from its path, so two workspaces (two
 * test runs) get different addresses and one workspace keeps its addresses (and known_hosts) across
 * restarts. Second octet 100-227 stays clear of 127.0.0.x and 127.0.1.1 (Debian's hostname entry).
 */
export function addressBase(dir: string): string {
  const h = createHash('sha256').update(dir).digest();
  return `127.${100 + (h[0]! % 128)}.${h[1]!}`;
}

/** Address of the i-th node (0-based) of a lab; bastions take .10. */
export function nodeAddress(base: string, node: SimNodeSpec, index: number): string {
  return node.role === 'bastion' ? `${base}.${BASTION_OCTET}` : `${base}.${FIRST_NODE_OCTET + index}`;
}

/** All tags of a node, deduplicated, fixed ones first. */
export function nodeTags(n: SimNodeSpec): string[] {
  return [...new Set([...ALWAYS_TAGS, ...(n.tags ?? [])])];
}

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; plenty for simulated jitter. Returns [0,1). */
export function seededRandom(seed: number, stream: string): () => number {
  let a = (createHash('sha256').update(`${seed}\0${stream}`).digest().readUInt32BE(0) ^ 0) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded draw in [lo, hi]. */
export function between(rand: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rand();
}
