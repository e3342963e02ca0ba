/**
 * A read-only view of one simulated node's state, read fresh from the files the simulated tools
 * write (so a fault injected over SSH is seen on the very next request), plus the network path
 * math: what the node's firewall and qdiscs do to a connection or a request.
 */
import { readJson } from './tools/lib/env.mjs';
import { verdict, type IptablesState, type SimPacket } from './tools/lib/packet.mjs';
import { shaping, type TcState } from './tools/lib/tc.mjs';
import { dataDisk, type DiskUsage } from './tools/lib/disk.mjs';
import type { SimUnit } from './tools/lib/systemd.mjs';
import type { NodeLayout } from './layout.js';
import { hostProcs, type NodeProcs } from './node-procs.js';
import type { SimRole } from './types.js';

/** Linux's initial SYN retransmission timeout (RFC 6298 §2: 1 s), doubled per retry. */
const SYN_RTO_MS = 1000;
/** SYN retries before connect() gives up here (the kernel's default is 6, ~127 s; clients time out long before). */
const SYN_RETRIES = 4;
/** Linux's minimum data retransmission timeout (TCP_RTO_MIN). */
const DATA_RTO_MS = 200;
/** Bytes on the wire of one small HTTP exchange: request + response with headers. */
export const EXCHANGE_BYTES = 600;

export interface StressProc {
  pid: number;
  cpu?: number;
  cpuLoad?: number;
  vm?: number;
  vmBytes?: string;
  io?: number;
  hdd?: number;
}

/** What the network does to one connection or one request: pass (after a delay), drop (hang) or reject (reset). */
export interface PathOutcome {
  action: 'pass' | 'drop' | 'reject';
  delayMs: number;
  /** Why, for /control/state and tests. */
  why?: string;
}

export interface NodeIdentity {
  name: string;
  role: SimRole;
  ip: string;
  cpus: number;
}

export class NodeView {
  constructor(
    readonly id: NodeIdentity,
    readonly layout: NodeLayout,
    /** The node's pids as the lab sees them (its own PID namespace when confined). */
    readonly procs: NodeProcs = hostProcs,
  ) {}

  iptables(): IptablesState | null {
    return readJson<IptablesState | null>(this.layout.state, 'iptables', null);
  }

  tc(): TcState | null {
    return readJson<TcState | null>(this.layout.state, 'tc', null);
  }

  /** stress-ng stand-ins that still run. */
  stress(): StressProc[] {
    return readJson<{ procs: StressProc[] }>(this.layout.state, 'stress', { procs: [] }).procs.filter((p) => this.procs.alive(p.pid));
  }

  units(): Record<string, SimUnit> {
    return readJson<{ units: Record<string, SimUnit> }>(this.layout.state, 'systemd', { units: {} }).units;
  }

  /** Like systemctl is-active; a transient unit is active while its process lives. */
  unitActive(name: string): boolean {
    const u = this.units()[name];
    if (!u) return false;
    return u.transient ? this.procs.alive(u.pid ?? 0) : Boolean(u.active);
  }

  disk(): DiskUsage {
    return dataDisk(this.layout.root, readJson(this.layout.state, 'node', {}));
  }

  /** CPU demand of live stress-ng, as a share of the node's CPUs (0..1). */
  cpuPressure(): number {
    let busy = 0;
    for (const p of this.stress()) if (p.cpu !== undefined) busy += ((p.cpu === 0 ? this.id.cpus : Math.min(p.cpu, this.id.cpus)) * (p.cpuLoad ?? 100)) / 100;
    return Math.min(1, busy / this.id.cpus);
  }

  /** Share of memory held by live `stress-ng --vm` (0..1), from --vm-bytes N%. */
  memPressure(): number {
    let pct = 0;
    for (const p of this.stress()) if (p.vm !== undefined) pct += Number(/^(\d+)%$/.exec(p.vmBytes ?? '')?.[1] ?? 10);
    return Math.min(1, pct / 100);
  }

  /** Service process state by the node's pid: 'running' | 'paused' (SIGSTOP) | 'dead'. */
  processState(pid: number | undefined): 'running' | 'paused' | 'dead' {
    if (!pid || !this.procs.alive(pid)) return 'dead';
    return this.procs.state(pid) === 'T' ? 'paused' : 'running';
  }
}

/** A packet's fate through one hook of one node: ACCEPT, or DROP/REJECT (random = a statistic match). */
function hook(v: NodeView, h: 'INPUT' | 'OUTPUT', pkt: SimPacket, rand: () => number) {
  return verdict(v.iptables(), h, pkt, rand);
}

/**
 * A new TCP connection from `client` to `port` on node `v`: SYN through INPUT, SYN-ACK through
 * OUTPUT. A firewall DROP hangs it, REJECT resets it, a random (loss) drop costs a SYN
 * retransmission (1 s, 2 s, ...), and too many of them hang it like a dead link.
 */
export function connectPath(v: NodeView, client: { ip: string; port: number }, port: number, rand: () => number): PathOutcome {
  const inbound: SimPacket = { proto: 'tcp', src: client.ip, sport: client.port, dst: v.id.ip, dport: port, inIf: 'eth0' };
  const outbound: SimPacket = { proto: 'tcp', src: v.id.ip, sport: port, dst: client.ip, dport: client.port, outIf: 'eth0' };
  let delayMs = 0;
  for (let attempt = 0; attempt <= SYN_RETRIES; attempt++) {
    const a = hook(v, 'INPUT', inbound, rand);
    const b = a.verdict === 'ACCEPT' ? hook(v, 'OUTPUT', outbound, rand) : a;
    if (b.verdict === 'ACCEPT') return { action: 'pass', delayMs };
    if (!b.random) return { action: b.verdict === 'REJECT' ? 'reject' : 'drop', delayMs, why: `firewall ${b.verdict} (${b.rule})` };
    delayMs += SYN_RTO_MS * 2 ** attempt;
  }
  return { action: 'drop', delayMs, why: 'handshake lost (packet loss)' };
}

/**
 * One request/response on an open connection: the request through INPUT, the reply through OUTPUT
 * and the egress qdisc. Loss costs data retransmissions (200 ms, doubling); tbf adds serialization
 * of the reply's `replyBytes` at its rate (a 100 kB /bytes read through 1 Mbit/s takes 0.8 s, as
 * through the real qdisc) and queueing, netem its delay and jitter.
 */
export function requestPath(v: NodeView, client: { ip: string; port: number }, port: number, rand: () => number, replyBytes = EXCHANGE_BYTES): PathOutcome {
  const inbound: SimPacket = { proto: 'tcp', src: client.ip, sport: client.port, dst: v.id.ip, dport: port, inIf: 'eth0' };
  const outbound: SimPacket = { proto: 'tcp', src: v.id.ip, sport: port, dst: client.ip, dport: client.port, outIf: 'eth0' };
  let delayMs = 0;
  let losses = 0;
  for (const [h, pkt] of [['INPUT', inbound], ['OUTPUT', outbound]] as const) {
    for (;;) {
      const r = hook(v, h, pkt, rand);
      if (r.verdict === 'ACCEPT') break;
      if (!r.random) return { action: r.verdict === 'REJECT' ? 'reject' : 'drop', delayMs, why: `firewall ${r.verdict} (${r.rule})` };
      delayMs += DATA_RTO_MS * 2 ** losses++;
      if (losses > SYN_RETRIES + 2) return { action: 'drop', delayMs, why: 'reply lost (packet loss)' };
    }
  }
  const sh = shaping(v.tc(), 'eth0', outbound);
  if (sh) {
    if (sh.rateBps > 0) delayMs += (replyBytes * 8 * 1000) / sh.rateBps + sh.latencyMs * between01(rand, 0.2, 1);
    delayMs += sh.delayMs + (sh.jitterMs ? (rand() * 2 - 1) * sh.jitterMs : 0);
    if (sh.corruptPct > 0 && rand() < sh.corruptPct / 100) delayMs += DATA_RTO_MS;
  }
  return { action: 'pass', delayMs: Math.max(0, delayMs) };
}

function between01(rand: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rand();
}

/**
 * Can node `from` reach `to`:port (a dependency call)? Both firewalls are walked: from's OUTPUT,
 * to's INPUT, to's OUTPUT for the reply, from's INPUT. Loopback targets stay on `from` (lo).
 */
export function dependencyPath(from: NodeView, to: NodeView | null, dst: string, port: number, rand: () => number): PathOutcome {
  const lo = to === null;
  const req: SimPacket = { proto: 'tcp', src: lo ? dst : from.id.ip, sport: 40000, dst, dport: port, outIf: lo ? 'lo' : 'eth0', inIf: lo ? 'lo' : 'eth0' };
  const rep: SimPacket = { proto: 'tcp', src: dst, sport: port, dst: req.src, dport: 40000, outIf: lo ? 'lo' : 'eth0', inIf: lo ? 'lo' : 'eth0' };
  const steps: Array<[NodeView, 'INPUT' | 'OUTPUT', SimPacket]> = lo
    ? [[from, 'OUTPUT', req], [from, 'INPUT', req]]
    : [[from, 'OUTPUT', req], [to, 'INPUT', req], [to, 'OUTPUT', rep], [from, 'INPUT', rep]];
  for (const [v, h, p] of steps) {
    const r = hook(v, h, p, rand);
    if (r.verdict !== 'ACCEPT' && !r.random) return { action: r.verdict === 'REJECT' ? 'reject' : 'drop', delayMs: 0, why: `${v.id.name} ${h} ${r.verdict}` };
  }
  return { action: 'pass', delayMs: 0 };
}
