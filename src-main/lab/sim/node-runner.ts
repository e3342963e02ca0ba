/**
 * Where a simulated node's commands run, and the paths they see there. Two kinds:
 *
 * - confined (sandbox/): the node's own namespaces and file view; paths inside are fixed
 *   (/opt/gameday/..., /root, /tmp), host paths never show.
 * - unconfined (the fallback where bubblewrap is missing, and the tool tests' LocalNode): plain
 *   child processes of the lab, with host paths.
 *
 * Every command, whoever starts it (SSH exec, interactive shell, the lab's own service starts),
 * goes through one runner, so a node cannot have a door the others lack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LabLayout, NodeLayout } from './layout.js';
import { hostProcs, type NodeProcs } from './node-procs.js';
import { INSIDE, nodeBinaryMount } from './sandbox/mounts.js';
import { nodePidOf, type NodeSandbox } from './sandbox/node-sandbox.js';

export type { NodeSight } from './types.js';
import type { NodeSight } from './types.js';

/** The lab-wide part of a sight (the same for every node of a lab): what bin/ wrappers point at. */
export type LabSight = Pick<NodeSight, 'bin' | 'libexec' | 'prelude' | 'tools' | 'node' | 'gpuBin'>;

/** Host paths (unconfined nodes). */
export function hostSight(lab: LabLayout, layout: NodeLayout, nodeBinary: string, tools: string, gpuBin: string | null): NodeSight {
  return { root: layout.root, state: layout.state, home: layout.home, tmp: layout.tmp, bin: lab.bin, libexec: lab.libexec, prelude: lab.prelude, tools, node: nodeBinary, gpuBin };
}

/** Fixed in-sandbox paths (confined nodes; see sandbox/mounts.ts). */
export function confinedSight(nodeBinary: string, gpu: boolean): NodeSight {
  return { root: '/', state: INSIDE.state, home: INSIDE.home, tmp: INSIDE.tmp, bin: INSIDE.bin, libexec: INSIDE.libexec, prelude: INSIDE.prelude, tools: INSIDE.tools, node: nodeBinaryMount(nodeBinary).inside, gpuBin: gpu ? `${INSIDE.gpuSim}/bin` : null };
}

export interface RunOptions {
  env: Record<string, string>;
  stdio?: ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe' | 'ignore'];
  /** Its own session and process group (confined commands always have one). */
  detached?: boolean;
}

/** A command running on a node. */
export interface NodeCommand {
  child: ChildProcess;
  /** Its pid as the node sees it (for systemd's MainPID); undefined if it ended before it was known. */
  nodePid: Promise<number | undefined>;
  /** Deliver a signal to the command itself (an SSH "signal" request). */
  signal(sig: NodeJS.Signals): void;
}

export interface NodeRunner {
  readonly confined: boolean;
  readonly sight: NodeSight;
  readonly procs: NodeProcs;
  /** Start argv (paths as the node sees them) in the node, in its own session. */
  run(argv: string[], o: RunOptions): NodeCommand;
  /** Power the node off (confined: every process of it ends; resolves once they have). */
  dispose(): Promise<void>;
}

/** Plain child processes of the lab, in the node's home folder. */
export function hostRunner(sight: NodeSight): NodeRunner {
  return {
    confined: false,
    sight,
    procs: hostProcs,
    run(argv, o) {
      const child = spawn(argv[0]!, argv.slice(1), { env: o.env, cwd: sight.home, stdio: o.stdio ?? 'pipe', detached: o.detached });
      child.on('error', () => undefined);
      return { child, nodePid: Promise.resolve(child.pid), signal: (sig) => void child.kill(sig) };
    },
    dispose: async () => undefined,
  };
}

/** Commands inside a node's bubblewrap sandbox. */
export function confinedRunner(sight: NodeSight, box: NodeSandbox): NodeRunner {
  return {
    confined: true,
    sight,
    procs: box.procs,
    run(argv, o) {
      const s = box.spawn(argv, { env: o.env, stdio: o.stdio });
      // bwrap does not pass signals on: send them to the command, which it reported by host pid.
      return {
        child: s.child,
        nodePid: s.hostPid.then((pid) => (pid ? nodePidOf(pid) : undefined)),
        signal: (sig) =>
          void s.hostPid.then((pid) => {
            try {
              if (pid) process.kill(pid, sig);
            } catch {
              /* already gone */
            }
          }),
      };
    },
    dispose: () => box.dispose(),
  };
}
