/**
 * Starting a lab's nodes confined: decide whether the machine can (support.ts), write the bin/
 * wrappers for the paths nodes see inside, stage the folders when root, boot one sandbox per node
 * and check it really runs a simulated tool. Anything that fails turns into the fallback (plain
 * child processes, shells refused) with the reason in the lab's warnings, never into a half-confined lab.
 */
import { chmodSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inBatches } from '../batches.js';
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
/** Node probes run at once (each a bwrap and a shell; enough to keep 2 cores busy). */
const PROBES_AT_ONCE = 8;

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
      // nobody must walk nodes/ and nodes/<name>/ (root's) to reach its own folders in the staged tree, whatever the umask.
      for (const d of new Set([nodesDir(nodes), ...nodes.map((n) => dirname(n.layout.root))])) chmodSync(d, 0o755);
      // The node folders go in as one tree (nodes/, root's, 0755: nobody walks into each node's own
      // folder only), so the staging mount table stays the same size whatever the fleet (stage.ts).
      stage = await Stage.start([...labM.flatMap((m) => ('src' in m && m.kind !== 'ro-try' ? [m.src] : [])), nodesDir(nodes)], drop);
    }
    const st = stage;
    const staged = (ms: typeof labM) => (st ? ms.map((m) => ('src' in m && m.kind !== 'ro-try' ? { ...m, src: st.map(m.src) } : m)) : ms);
    for (const [i, n] of nodes.entries()) {
      const mounts = [...systemMounts(), ...staged(labM), ...staged(perNode[i]!)];
      boxes.push(await NodeSandbox.start({ bwrap, stage, mounts, hostname: n.name, env: n.env(sight), initArgv: [join(sight.libexec, 'init'), String(FOREVER_SEC)] }));
    }
    const runners = new Map(nodes.map((n, i) => [n.name, confinedRunner(sight, boxes[i]!)]));
    // A few at a time: a thousand bwraps started at once on 2 cores would each miss PROBE_MS and turn
    // a healthy lab into the unconfined fallback.
    // One retry: with ~1000 nodes, a joining bwrap now and then dies at start (SIGKILL, or "Can't
    // fork for --pidns: Cannot allocate memory") though the node is up; one such blip must not turn
    // the whole lab into the unconfined fallback. A node that fails twice does.
    await inBatches(nodes.length, PROBES_AT_ONCE, (i) => probe(runners.get(nodes[i]!.name)!, nodes[i]!.env(sight), i === 0).catch(() => probe(runners.get(nodes[i]!.name)!, nodes[i]!.env(sight), i === 0)));
    return { runners, confined: true, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** The one folder holding every node's folders (layout.ts bootNode: <lab>/nodes/<name>/{root,state}). */
function nodesDir(nodes: NodePlan[]): string {
  const dir = dirname(dirname(nodes[0]!.layout.root));
  for (const n of nodes) for (const p of [n.layout.root, n.layout.state]) if (dirname(dirname(p)) !== dir) throw new Error(`node folder ${p} is not under ${dir}`);
  return dir;
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
