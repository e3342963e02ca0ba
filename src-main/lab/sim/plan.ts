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

/**
 * Most nodes one lab holds. Each node costs a sandbox (a few sleeping processes), two listening
 * sockets and two namespace descriptors in the lab process; 1000 is what a 2-core, 24 GB machine
 * starts and runs a fault on (see README "Scale"), well under the kernel's default pid_max (32768)
 * and the descriptor limit Node raises to at start.
 */
export const MAX_NODES = 1000;
/** Node addresses per /24: .11 to .254 (.10 is the bastion's, .0-.9 stay free as on the netns lab). */
export const NODES_PER_24 = 255 - FIRST_NODE_OCTET;

/** Check a node list: names valid and unique, 1 to MAX_NODES. */
export function checkNodes(nodes: SimNodeSpec[]): void {
  if (nodes.length === 0 || nodes.length > MAX_NODES) {
    throw new SimLabError('BAD_NODES', `a simulated lab has 1-${MAX_NODES} nodes, got ${nodes.length}`, `each simulated node is a sandbox with its own processes and sockets on this machine; ${MAX_NODES} is the most one lab is built and measured for. Use several labs (separate folders) or real nodes for more`);
  }
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

/**
 * Address of the i-th node (0-based) of a lab; bastions take .10 of the first /24. The first 244
 * nodes are .11-.254 of the lab's /24 (as on the netns lab); later ones continue in the next /24s
 * (third octet +1, +2 ..., wrapping within the lab's 127.A.0.0/16), so every address stays in 127/8.
 */
export function nodeAddress(base: string, node: SimNodeSpec, index: number): string {
  if (node.role === 'bastion') return `${base}.${BASTION_OCTET}`;
  const [a, b, c] = base.split('.');
  const third = (Number(c) + Math.floor(index / NODES_PER_24)) % 256;
  return `${a}.${b}.${third}.${FIRST_NODE_OCTET + (index % NODES_PER_24)}`;
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
