/**
 * Starting a lab's nodes confined: decide whether the machine can (support.ts), write the bin/
 * wrappers for the paths nodes see inside, stage the folders when root, boot one sandbox per node
 * and check it really runs a simulated tool. Anything that fails turns into the fallback (plain
 * child processes, shells refused) with the reason in the lab's warnings, never into a half-confined lab.
 */
import { lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeBinDir } from '../bin-dir.js';
import type { LabLayout, NodeLayout } from '../layout.js';
import { confinedRunner, hostRunner, hostSight, confinedSight, type NodeRunner, type NodeSight } from '../node-runner.js';
import { FOREVER_SEC } from '../tools/lib/procs.mjs';
import { labMounts, nodeMounts, systemMounts, type LabSources, type NodeSources } from './mounts.js';
import { NodeSandbox } from './node-sandbox.js';
import { Stage } from './stage.js';
import { sandboxSupport, type DropTo } from './support.js';

/** Time a node's first command may take (starting Node for a simulated tool on a busy machine). */
const PROBE_MS = 30_000;

export interface LabParts {
  tools: string;
  /** src-main/lab/shared (what the tools and the GPU simulators import, e.g. the lock). */
  shared: string;
  nodeBinary: string;
  /** src-main/lab/gpu-sim on this machine (GPU simulators), or null. */
  gpuSim: string | null;
  /** Its bin/ folder, or null. */
  gpuBin: string | null;
}

export interface NodePlan {
  name: string;
  layout: NodeLayout;
  /** The node's environment for a sight (its token marks every process, the init's too). */
  env(sight: NodeSight): Record<string, string>;
}

export interface LabRunners {
  runners: Map<string, NodeRunner>;
  confined: boolean;
  /** Why nodes are not confined, and what that means (a lab warning), when they are not. */
  reason?: string;
  /** Just the why (a refused shell prints it). */
  why?: string;
  /** Power every node off; resolves once their processes are gone. */
  dispose(): Promise<void>;
}

/** One runner per node, confined where possible. */
export async function startRunners(lab: LabLayout, nodes: NodePlan[], parts: LabParts): Promise<LabRunners> {
  const support = sandboxSupport();
  if (support.ok) {
    try {
      return await startConfined(lab, nodes, parts, support.bwrap, support.drop);
    } catch (e) {
      return unconfined(lab, nodes, parts, `simulated nodes could not be confined (${(e as Error).message})`);
    }
  }
  return unconfined(lab, nodes, parts, `${support.reason}; ${support.hint}`);
}

function unconfined(lab: LabLayout, nodes: NodePlan[], parts: LabParts, why: string): LabRunners {
  const sights = nodes.map((n) => hostSight(lab, n.layout, parts.nodeBinary, parts.tools, parts.gpuBin));
  writeBinDir(lab, { bin: lab.bin, libexec: lab.libexec, prelude: lab.prelude, tools: parts.tools, node: parts.nodeBinary, gpuBin: parts.gpuBin }, parts.gpuBin);
  const runners = new Map(nodes.map((n, i) => [n.name, hostRunner(sights[i]!)]));
  return {
    runners,
    confined: false,
    why,
    reason: `${why}. Interactive shells on simulated nodes are off; faults and runbook commands still run, unconfined, as this user`,
    dispose: async () => undefined,
  };
}

async function startConfined(lab: LabLayout, nodes: NodePlan[], parts: LabParts, bwrap: string, drop: DropTo | null): Promise<LabRunners> {
  const sight = confinedSight(parts.nodeBinary, parts.gpuSim !== null);
  writeBinDir(lab, sight, parts.gpuBin);
  const labSrc: LabSources = { sim: lab.sim, tools: parts.tools, shared: parts.shared, gpuSim: parts.gpuSim, nodeBinary: parts.nodeBinary };
  const nodeSrc = (l: NodeLayout): NodeSources => ({ home: l.home, tmp: l.tmp, run: join(l.root, 'run'), var: join(l.root, 'var'), loadavg: join(l.root, 'proc', 'loadavg'), meminfo: join(l.root, 'proc', 'meminfo'), state: l.state });
  let stage: Stage | null = null;
  const boxes: NodeSandbox[] = [];
  const dispose = async () => {
    await Promise.all(boxes.map((b) => b.dispose()));
    stage?.dispose();
  };
  try {
    const labM = labMounts(labSrc);
    const perNode = nodes.map((n) => nodeMounts(nodeSrc(n.layout)));
    if (drop) {
      // The nodes run as nobody: their own folders must be theirs; everything else stays root's.
      for (const n of nodes) for (const d of [n.layout.root, n.layout.state]) chownTree(d, drop.uid, drop.gid);
      stage = await Stage.start([...labM, ...perNode.flat()].flatMap((m) => ('src' in m && m.kind !== 'ro-try' ? [m.src] : [])), drop);
    }
    const st = stage;
    const staged = (ms: typeof labM) => (st ? ms.map((m) => ('src' in m && m.kind !== 'ro-try' ? { ...m, src: st.map(m.src) } : m)) : ms);
    for (const [i, n] of nodes.entries()) {
      const mounts = [...systemMounts(), ...staged(labM), ...staged(perNode[i]!)];
      boxes.push(await NodeSandbox.start({ bwrap, stage, mounts, hostname: n.name, env: n.env(sight), initArgv: [join(sight.libexec, 'init'), String(FOREVER_SEC)] }));
    }
    const runners = new Map(nodes.map((n, i) => [n.name, confinedRunner(sight, boxes[i]!)]));
    await Promise.all(nodes.map((n, i) => probe(runners.get(n.name)!, n.env(sight), i === 0)));
    return { runners, confined: true, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** A node answers: its shell writes its /tmp; the first one also runs a simulated tool (Node + tools mounted). */
async function probe(r: NodeRunner, env: Record<string, string>, tool: boolean): Promise<void> {
  const script = `: > /tmp/.gameday-probe && rm /tmp/.gameday-probe${tool ? ' && iptables -S >/dev/null' : ''} && echo ok`;
  const cmd = r.run(['/bin/sh', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  cmd.child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  cmd.child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      cmd.child.kill('SIGKILL');
      resolve(null);
    }, PROBE_MS);
    cmd.child.on('close', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  if (code !== 0 || out.trim() !== 'ok') throw new Error(`a node's first command failed (${code ?? 'timeout'}): ${out.trim().slice(0, 300) || 'no output'}`);
}

/** chown -R without following symlinks (a node may have left any link in its own folders). */
function chownTree(path: string, uid: number, gid: number): void {
  const st = lstatSync(path);
  lchownSync(path, uid, gid);
  if (!st.isDirectory()) return;
  for (const e of readdirSync(path)) chownTree(join(path, e), uid, gid);
}
