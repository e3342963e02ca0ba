/**
 * Independent observers of fault effects: TCP/HTTP from the host (which sits on the lab bridge),
 * probes from inside another node's namespace (netprobe.mjs), and host-side reads of /proc and of
 * each namespace's iptables/tc state. None of this goes through a fault module's verify.
 *
 * The netns lab shares one kernel, one pid namespace and one filesystem between its nodes: only
 * the network stack is per node. So /proc on the host shows every node's processes, and a node's
 * firewall/qdiscs are read with `ip netns exec <ns>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src-main/lab/netns/exec.js';
import { nodeDir } from '../../../src-main/lab/netns/plan.js';
import type { LabInfo } from '../../../src-main/lab/index.js';
import { labNodeByName } from './fleet.js';

const NETPROBE = join(dirname(fileURLToPath(import.meta.url)), 'netprobe.mjs');

export type TcpOutcome = 'ok' | 'refused' | 'timeout';

/** One TCP connect from the host. `refused` covers RST (REJECT --reject-with tcp-reset). */
export function tcpFromHost(host: string, port: number, timeoutMs = 1500): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (v: TcpOutcome) => {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done('timeout'), timeoutMs);
    s.once('connect', () => done('ok'));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' ? 'refused' : 'timeout'));
  });
}

export interface TcpCounts {
  ok: number;
  refused: number;
  timeout: number;
}

/** `n` TCP connects from the host, `concurrency` at a time. */
export async function tcpBurstFromHost(host: string, port: number, n: number, timeoutMs: number, concurrency: number): Promise<TcpCounts> {
  const counts: TcpCounts = { ok: 0, refused: 0, timeout: 0 };
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      counts[await tcpFromHost(host, port, timeoutMs)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return counts;
}

/** Run netprobe.mjs inside a namespace and parse its JSON line. */
async function probeInNs<T>(ns: string, op: string, args: Record<string, unknown>): Promise<T> {
  const r = await run('ip', ['netns', 'exec', ns, process.execPath, NETPROBE, op, JSON.stringify(args)], { timeoutMs: 60_000 });
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as T;
}

/** TCP connects from inside `fromNode`'s namespace to host:port. */
export function tcpFromNode(lab: LabInfo, fromNode: string, host: string, port: number, n = 1, timeoutMs = 1500, concurrency = 1): Promise<TcpCounts> {
  return probeInNs<TcpCounts>(labNodeByName(lab, fromNode).ns, 'tcp', { host, port, n, timeoutMs, concurrency });
}

/** One connect from a node: ok | refused | timeout. */
export async function tcpOnceFromNode(lab: LabInfo, fromNode: string, host: string, port: number, timeoutMs = 1500): Promise<TcpOutcome> {
  const c = await tcpFromNode(lab, fromNode, host, port, 1, timeoutMs);
  return c.ok ? 'ok' : c.refused ? 'refused' : 'timeout';
}

/** A DNS query (UDP then TCP) from inside a node's namespace to `server`. */
export function dnsFromNode(lab: LabInfo, fromNode: string, server: string, name: string, timeoutMs = 1500): Promise<{ udp: string; tcp: string }> {
  return probeInNs(labNodeByName(lab, fromNode).ns, 'dns-query', { server, name, timeoutMs });
}

/** Start the test DNS server inside a node's namespace; resolves once it listens. Kill the child to stop it. */
export async function startDnsServer(lab: LabInfo, onNode: string): Promise<ChildProcess> {
  const n = labNodeByName(lab, onNode);
  const child = spawn('ip', ['netns', 'exec', n.ns, process.execPath, NETPROBE, 'dns-serve', JSON.stringify({ ip: n.ip })], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('dns server did not start')), 10_000);
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && (clearTimeout(t), resolve()));
    child.once('exit', (code) => reject(new Error(`dns server exited ${code}`)));
  });
  return child;
}

/** Download /bytes?n=N from a node's HTTP service (from the host); returns kbit/s of goodput. */
export function downloadKbit(host: string, bytes: number, timeoutMs = 60_000): Promise<{ kbit: number; ms: number; got: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let got = 0;
    const s = net.connect({ host, port: 8080 }, () => s.write(`GET /bytes?n=${bytes} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n`));
    const t = setTimeout(() => (s.destroy(), reject(new Error('download timed out'))), timeoutMs);
    s.on('data', (d: Buffer) => (got += d.length));
    s.on('error', (e) => (clearTimeout(t), reject(e)));
    s.on('close', () => {
      clearTimeout(t);
      const ms = performance.now() - t0;
      resolve({ kbit: (got * 8) / ms, ms, got });
    });
  });
}

/** A command inside a node's namespace, from the host. */
export async function inNs(lab: LabInfo, node: string, cmd: string, args: string[]): Promise<string> {
  const r = await run('ip', ['netns', 'exec', labNodeByName(lab, node).ns, cmd, ...args], { allowFail: true });
  return r.stdout;
}

export interface ProcInfo {
  pid: number;
  comm: string;
  state: string;
  pgid: number;
  /** The process's network namespace link, e.g. `net:[4026532]` (compare with netnsOf()). */
  netns: string;
  tag?: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const tag = env.find((e) => e.startsWith('GAMEDAY_FAULT='))?.slice('GAMEDAY_FAULT='.length);
    return {
      pid,
      comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
      state: rest[0] ?? '?',
      pgid: Number(rest[2]),
      netns: readlinkSync(`/proc/${pid}/ns/net`),
      tag,
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
    };
  } catch {
    return null; // exited while we looked
  }
}

/** Every live (non-zombie) process, from the host's /proc. */
export function allProcs(): ProcInfo[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== null && p.state !== 'Z');
}

/** Processes carrying GAMEDAY_FAULT=<runId>:... (stress-ng, kill loops), optionally of one fault. */
export function taggedProcs(runId: string, faultId?: string): ProcInfo[] {
  return allProcs().filter((p) => p.tag !== undefined && (faultId ? p.tag === `${runId}:${faultId}` : p.tag.startsWith(`${runId}:`)));
}

/**
 * A fault's whole process group: the tagged leader and everything in its process group. stress-ng
 * workers rewrite their argv/environ area (proc titles), so only the leader still shows the tag.
 */
export function faultGroup(runId: string, faultId: string): ProcInfo[] {
  const leaders = new Set(taggedProcs(runId, faultId).map((p) => p.pid));
  return allProcs().filter((p) => leaders.has(p.pid) || leaders.has(p.pgid));
}

/** Lease watchdogs of a run still alive. */
export function watchdogs(runId: string): ProcInfo[] {
  return allProcs().filter((p) => p.cmdline.includes('lease-watchdog.sh') && p.cmdline.includes(`/gameday/${runId}/`));
}

/** State letter (R S D T Z ...) of a pid, or null when it is gone. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Everything a run may have left on one node, seen from outside: GD-* chains and gameday hooks in
 * the node's iptables, a non-default root qdisc on its eth0, tagged processes or watchdogs running
 * in its network namespace. Empty = clean.
 */
export async function residue(lab: LabInfo, node: string, runId: string): Promise<string[]> {
  const out: string[] = [];
  const ipt = await inNs(lab, node, 'iptables', ['-w', '5', '-S']);
  for (const line of ipt.split('\n')) {
    if (/^-N GD-/.test(line) || line.includes(`gameday:${runId}:`)) out.push(`iptables: ${line}`);
  }
  const tc = await inNs(lab, node, 'tc', ['qdisc', 'show', 'dev', 'eth0', 'root']);
  if (/^qdisc (htb|tbf|netem) /m.test(tc)) out.push(`tc: ${tc.trim()}`);
  const ns = netnsOf(lab, node);
  for (const p of taggedProcs(runId)) if (p.netns === ns) out.push(`process ${p.pid} ${p.comm} tag=${p.tag}`);
  for (const p of watchdogs(runId)) if (p.netns === ns) out.push(`watchdog ${p.pid}: ${p.cmdline}`);
  return out;
}

/** Pid of a node's sshd: every session on the node runs in its network and mount namespaces. */
export function sshdPid(lab: LabInfo, node: string): number {
  return Number(readFileSync(join(nodeDir(lab.dir, node), 'sshd.pid'), 'utf8').trim());
}

/** The netns link string of a lab node, via a process we know lives there (its sshd). */
export function netnsOf(lab: LabInfo, node: string): string {
  return readlinkSync(`/proc/${sshdPid(lab, node)}/ns/net`);
}

/**
 * A path as the node sees it. `ip netns exec` gave each node's sshd a private mount namespace, so a
 * mount made inside it is invisible at the same path on the host; /proc/<pid>/root reaches it.
 */
export function nodePath(lab: LabInfo, node: string, path: string): string {
  return `/proc/${sshdPid(lab, node)}/root${path}`;
}

/**
 * The idle standby / warm shells (ssh/standby.ts) in a node's network namespace, not their
 * `timeout` parents, with their nice value (field 19 of /proc/<pid>/stat).
 */
export function standbyShells(lab: LabInfo, node: string): Array<{ pid: number; nice: number }> {
  const ns = netnsOf(lab, node);
  return allProcs()
    .filter((p) => p.netns === ns && p.comm === 'sh' && p.cmdline.includes('GD_STANDBY_GO_'))
    .flatMap((p) => {
      try {
        const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
        return [{ pid: p.pid, nice: Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]) }];
      } catch {
        return []; // exited while we looked
      }
    });
}
