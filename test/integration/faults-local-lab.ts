/**
 * Throwaway network-namespace lab for faults-local.test.ts: one namespace `gdt-<rand>` joined to
 * the root namespace by a veth pair on a connected 10.253.X.0/30 (no default route anywhere, so no
 * packet can leave the machine). Fault scripts run inside the namespace with a fake
 * SSH_CONNECTION; effects are observed from the root namespace (the "other side").
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Shell } from '../../src-main/shell/index.js';

export interface Lab {
  ns: string;
  hostIf: string;
  nsIf: string;
  hostIp: string;
  nsIp: string;
  /** The fake management flow: host -> ns:MGMT_PORT. */
  sshConnection: string;
  children: ChildProcess[];
}

/** The port our fake sshd listens on inside the namespace (the "management" server port). */
export const MGMT_PORT = 2222;
/** Client port of the fake management flow. */
export const MGMT_CLIENT_PORT = 40022;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

export function createLab(): Lab {
  const used = ip('-o', '-4', 'addr');
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = randomBytes(3).toString('hex');
    const x = 1 + (randomBytes(1)[0]! % 254);
    if (used.includes(`10.253.${x}.`)) continue;
    const lab: Lab = {
      ns: `gdt-${r}`, hostIf: `gdh${r}`, nsIf: `gdn${r}`, hostIp: `10.253.${x}.1`, nsIp: `10.253.${x}.2`,
      sshConnection: `10.253.${x}.1 ${MGMT_CLIENT_PORT} 10.253.${x}.2 ${MGMT_PORT}`, children: [],
    };
    ip('netns', 'add', lab.ns);
    ip('link', 'add', lab.hostIf, 'type', 'veth', 'peer', 'name', lab.nsIf, 'netns', lab.ns);
    ip('addr', 'add', `${lab.hostIp}/30`, 'dev', lab.hostIf);
    ip('link', 'set', lab.hostIf, 'up');
    ip('-n', lab.ns, 'addr', 'add', `${lab.nsIp}/30`, 'dev', lab.nsIf);
    ip('-n', lab.ns, 'link', 'set', lab.nsIf, 'up');
    ip('-n', lab.ns, 'link', 'set', 'lo', 'up');
    return lab;
  }
  throw new Error('no free 10.253.X.0/30');
}

export function destroyLab(lab: Lab): void {
  for (const c of lab.children) c.kill('SIGKILL');
  try { ip('netns', 'del', lab.ns); } catch { /* already gone */ }
  try { ip('link', 'del', lab.hostIf); } catch { /* went with the namespace */ }
}

export interface RunResult { code: number | null; stdout: string; stderr: string }

/** Run a node-side script inside the namespace, as the SSH layer would (sh -c), with a fake SSH_CONNECTION. */
export function runInNs(lab: Lab, cmd: Shell, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const c = spawn('ip', ['netns', 'exec', lab.ns, 'sh', '-c', cmd.text], {
      env: { ...process.env, SSH_CONNECTION: lab.sshConnection, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run node code inside the namespace (a client or a server there); resolves with its stdout. With `node -e`, args start at process.argv[1]. */
export function nodeInNs(lab: Lab, code: string, args: string[] = [], keep = false): Promise<string> {
  const c = spawn('ip', ['netns', 'exec', lab.ns, process.execPath, '-e', code, '--', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (keep) lab.children.push(c);
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => c.on('close', () => resolve(out)));
}

/**
 * Namespace-side server: TCP on every given port (a line "BLAST <s>" makes it send zeros as fast
 * as possible for s seconds; anything else is echoed), UDP echo on port 7. Prints READY.
 */
export const NS_SERVER = `
const net = require('node:net'); const dgram = require('node:dgram');
const ports = process.argv.slice(1).map(Number); const buf = Buffer.alloc(65536);
for (const p of ports) net.createServer((s) => {
  s.on('error', () => {});
  s.once('data', (d) => {
    const m = /^BLAST (\\d+)/.exec(d.toString());
    if (!m) { s.write(d); s.pipe(s); return; }
    const end = Date.now() + Number(m[1]) * 1000;
    const pump = () => { while (Date.now() < end) { if (!s.write(buf)) { s.once('drain', pump); return; } } s.end(); };
    pump();
  });
}).listen(p, '0.0.0.0');
const u = dgram.createSocket('udp4'); u.on('message', (m, r) => u.send(m, r.port, r.address)); u.bind(7);
setTimeout(() => console.log('READY'), 200);
`;

/** Start the namespace server and wait until it listens. */
export async function startNsServer(lab: Lab, ports: number[]): Promise<void> {
  const c = spawn('ip', ['netns', 'exec', lab.ns, process.execPath, '-e', NS_SERVER, '--', ...ports.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
  lab.children.push(c);
  await new Promise<void>((resolve) => c.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve()));
}

/** TCP connect from the root namespace: 'ok', 'refused', or 'timeout'. */
export function tcpProbe(host: string, port: number, timeoutMs = 800): Promise<'ok' | 'refused' | 'timeout'> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve('timeout'); }, timeoutMs);
    s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('ok'); });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(t); resolve(e.code === 'ECONNREFUSED' ? 'refused' : 'timeout'); });
  });
}

/** Receive a BLAST from host:port for `secs`; returns kbit/s over the window [1 s, secs) (skips the initial burst). */
export function measureDownload(host: string, port: number, secs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write(`BLAST ${secs}\n`));
    let t0 = 0; let bytes = 0;
    s.on('data', (d: Buffer) => {
      const now = Date.now();
      if (!t0) t0 = now;
      if (now - t0 >= 1000) bytes += d.length;
    });
    s.on('error', reject);
    s.on('close', () => resolve((bytes * 8) / 1000 / Math.max(0.001, (Date.now() - t0 - 1000) / 1000)));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
