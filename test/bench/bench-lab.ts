/**
 * Shared set-up of the STOP/fan-out benchmarks on the netns lab: node specs, fault targets, and
 * warm pdsh (OpenSSH ControlMaster sockets opened beforehand, `pdsh -R ssh` reusing them) — the
 * fair anchor for a tool that keeps its connections open.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FaultTarget } from '../../src-main/faults/index.js';
import type { ConnectSpec } from '../../src-main/ssh/index.js';
import type { LabInfo, LabNode } from '../../src-main/lab/index.js';

export interface BenchNodes {
  nodes: LabNode[];
  ips: string[];
  specs: ConnectSpec[];
  targets: FaultTarget[];
}

export function benchNodes(lab: LabInfo, n: number): BenchNodes {
  const nodes = lab.nodes.filter((x) => x.role === 'node').slice(0, n);
  const specs: ConnectSpec[] = nodes.map((x) => ({ name: x.name, host: x.ip, port: 22, user: 'root', identityFiles: [lab.keyPath], knownHostsFiles: [lab.knownHostsPath] }));
  const targets: FaultTarget[] = nodes.map((x, i) => ({ name: x.name, host: x.ip, env: 'lab', tags: [], gpu: 'none', spec: specs[i]! }));
  return { nodes, ips: nodes.map((x) => x.ip), specs, targets };
}

function sshArgs(lab: LabInfo, cm: boolean): string[] {
  const base = ['-i', lab.keyPath, '-o', `UserKnownHostsFile=${lab.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];
  return cm ? [...base, '-o', `ControlPath=${join(lab.dir, 'cm-%h')}`, '-o', 'ControlMaster=auto', '-o', 'ControlPersist=900'] : base;
}

/** Environment for `pdsh -R ssh`: cold (a new ssh per node per call) or warm (ControlMaster). */
export function pdshEnv(lab: LabInfo, warm: boolean): NodeJS.ProcessEnv {
  return { ...process.env, PDSH_SSH_ARGS: `${sshArgs(lab, warm).join(' ')} -l root %h`, PDSH_SSH_ARGS_APPEND: '' };
}

/** Run pdsh on `ips` (all at once); resolves with stdout and wall ms. Async: the bench process may be serving a socket meanwhile. */
export function pdsh(lab: LabInfo, ips: string[], cmd: string, warm: boolean): Promise<{ ms: number; out: string; code: number | null }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn('pdsh', ['-R', 'ssh', '-f', String(ips.length), '-w', ips.join(','), cmd], { env: pdshEnv(lab, warm) });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', () => undefined);
    p.on('close', (code) => resolve({ ms: performance.now() - t0, out, code }));
  });
}

/** Open the ControlMaster of every node (warm pdsh from here on). */
export async function openMasters(lab: LabInfo, ips: string[]): Promise<void> {
  const r = await pdsh(lab, ips, 'true', true);
  if (r.code !== 0) throw new Error('opening the ControlMaster connections failed');
}

export function closeMasters(lab: LabInfo, ips: string[]): void {
  for (const ip of ips) spawnSync('ssh', [...sshArgs(lab, true), '-O', 'exit', `root@${ip}`], { stdio: 'ignore' });
}

/** Spawn a command, resolve its wall ms (and stdout). */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; out: string; code: number | null }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => resolve({ ms: performance.now() - t0, out, code }));
  });
}
