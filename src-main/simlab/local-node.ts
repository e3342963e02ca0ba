/**
 * Run commands on a simulated node exactly as its SSH server does (same shell, prelude, path
 * mapping and environment), without SSH: for tests of the simulated tools and for tools that want
 * a quick look at a node. `nodeShell` is the one place that spawn recipe lives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Shell } from '../ssh/quote.js';
import { writeBinDir } from './bin-dir.js';
import { bootNode, labLayout, sandboxPaths, sessionEnv, type LabLayout, type NodeLayout } from './layout.js';
import { loadGpuModel } from './gpu-metrics.js';
import { DEFAULT_CPUS } from './plan.js';
import { toolsDir } from './resources.js';
import { nodeProcesses } from './tools/lib/procs.mjs';
import type { SimNodeSpec } from './types.js';

/** Spawn the node's /bin/sh for one command (prelude first, sandboxed paths). */
export function nodeShell(lab: LabLayout, layout: NodeLayout, env: Record<string, string>, command: string): ChildProcess {
  const text = `. "$GAMEDAY_SIM_PRELUDE"\n${sandboxPaths(command, layout, lab)}`;
  return spawn('/bin/sh', ['-c', text], { env, cwd: layout.home, stdio: 'pipe' });
}

export interface LocalResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface LocalNode {
  lab: LabLayout;
  layout: NodeLayout;
  env: Record<string, string>;
  token: string;
  run(cmd: Shell | string, opts?: { stdin?: string; timeoutMs?: number }): Promise<LocalResult>;
  /** Kill every process this node started. */
  close(): void;
}

export interface LocalLab {
  lab: LabLayout;
  /** Boot a node in this lab (no servers). `ip` is what the node believes its address is. */
  node(spec: SimNodeSpec, opts?: { ip?: string; client?: { ip: string; port: number } }): LocalNode;
}

/** A simulated lab folder with its bin/ written once; nodes are booted on demand. */
export async function localLab(dir: string): Promise<LocalLab> {
  const lab = labLayout(dir);
  const tools = toolsDir();
  writeBinDir(lab, process.execPath, tools);
  await loadGpuModel();
  return { lab, node: (spec, opts = {}) => bootLocal(lab, tools, spec, opts) };
}

function bootLocal(lab: LabLayout, tools: string, spec: SimNodeSpec, opts: { ip?: string; client?: { ip: string; port: number } }): LocalNode {
  const layout = bootNode(lab, spec.name);
  writeFileSync(`${layout.state}/node.json`, `${JSON.stringify({ name: spec.name, role: spec.role, cpus: spec.cpus ?? DEFAULT_CPUS, kernelMissing: spec.kernelMissing ?? [] })}\n`);
  const token = `${randomBytes(6).toString('hex')}-${spec.name}`;
  const ip = opts.ip ?? '127.0.0.1';
  const env = sessionEnv(lab, layout, { name: spec.name, ip, sshPort: 22, gpu: spec.gpu ?? 'none', token, client: opts.client ?? { ip: '127.0.0.1', port: 40123 } }, process.execPath, tools);
  const run = (cmd: Shell | string, o: { stdin?: string; timeoutMs?: number } = {}) =>
    new Promise<LocalResult>((resolve) => {
      const child = nodeShell(lab, layout, env, typeof cmd === 'string' ? cmd : cmd.text);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr?.on('data', (b: Buffer) => err.push(b));
      const t = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
      child.on('close', (code, signal) => {
        clearTimeout(t);
        resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(o.stdin ?? '');
    });
  return {
    lab,
    layout,
    env,
    token,
    run,
    close: () => {
      for (const p of nodeProcesses(token)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
}
