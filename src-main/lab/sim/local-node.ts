/**
 * Run commands on a simulated node exactly as its SSH server does (same shell, prelude, path
 * mapping and environment), without SSH: for tests of the simulated tools and for tools that want
 * a quick look at a node. `nodeShell` is the one place that spawn recipe lives. A LocalNode is
 * unconfined (host pids and paths, so tests can look at its processes directly); the lab's nodes
 * run the same recipe through their sandbox.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Shell } from '../../shell/index.js';
import { writeBinDir } from './bin-dir.js';
import { bootNode, labLayout, sandboxPaths, sessionEnv, type LabLayout, type NodeLayout } from './layout.js';
import { loadGpuModel } from './gpu-metrics.js';
import { hostRunner, hostSight, type NodeCommand, type NodeRunner } from './node-runner.js';
import { DEFAULT_CPUS } from './plan.js';
import { gpuSimBin, toolsDir } from './resources.js';
import { nodeProcesses } from './tools/lib/procs.mjs';
import type { SimNodeSpec } from './types.js';

/** Start the node's /bin/sh for one command (prelude first, the node's paths). */
export function nodeShell(runner: NodeRunner, env: Record<string, string>, command: string): NodeCommand {
  const text = `. "$GAMEDAY_SIM_PRELUDE"\n${sandboxPaths(command, runner.sight, runner.sight)}`;
  return runner.run(['/bin/sh', '-c', text], { env });
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
  const gpuBin = gpuSimBin();
  writeBinDir(lab, { bin: lab.bin, libexec: lab.libexec, prelude: lab.prelude, tools, node: process.execPath, gpuBin }, gpuBin);
  await loadGpuModel();
  return { lab, node: (spec, opts = {}) => bootLocal(lab, tools, gpuBin, spec, opts) };
}

function bootLocal(lab: LabLayout, tools: string, gpuBin: string | null, spec: SimNodeSpec, opts: { ip?: string; client?: { ip: string; port: number } }): LocalNode {
  const layout = bootNode(lab, spec.name);
  writeFileSync(`${layout.state}/node.json`, `${JSON.stringify({ name: spec.name, role: spec.role, cpus: spec.cpus ?? DEFAULT_CPUS, kernelMissing: spec.kernelMissing ?? [] })}\n`);
  const token = `${randomBytes(6).toString('hex')}-${spec.name}`;
  const ip = opts.ip ?? '127.0.0.1';
  const runner = hostRunner(hostSight(lab, layout, process.execPath, tools, gpuBin));
  const env = sessionEnv(runner.sight, { name: spec.name, ip, sshPort: 22, gpu: spec.gpu ?? 'none', token, client: opts.client ?? { ip: '127.0.0.1', port: 40123 }, labId: lab.id });
  const run = (cmd: Shell | string, o: { stdin?: string; timeoutMs?: number } = {}) =>
    new Promise<LocalResult>((resolve) => {
      const { child } = nodeShell(runner, env, typeof cmd === 'string' ? cmd : cmd.text);
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
