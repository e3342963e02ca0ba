/**
 * How the lab (outside the nodes) looks at a simulated node's processes by the pids the node itself
 * recorded (systemd's MainPID, stress-ng's, the GPU jobs'). Unconfined nodes share the host's pids;
 * a sandboxed node has its own PID namespace, so its pids mean something only through its /proc
 * (sandbox/node-sandbox.ts).
 */
import { pidAlive, pidState } from './tools/lib/env.mjs';
import { ours } from './tools/lib/procs.mjs';

export interface NodeProcs {
  /** Does the node's pid run (not a zombie)? */
  alive(pid: number): boolean;
  /** Its state letter (R S D T Z ...), '' when gone. */
  state(pid: number): string;
  /** Is pid one of this node's processes (token: the node's GAMEDAY_SIM_NODE)? */
  mine(pid: number, token: string): boolean;
  /** Signal the node's pid; false when it is gone or not the node's. */
  kill(pid: number, signal: NodeJS.Signals): boolean;
}

/** Pids as the host sees them (nodes without a sandbox). */
export const hostProcs: NodeProcs = {
  alive: (pid) => pidAlive(pid),
  state: (pid) => pidState(pid),
  // Where /proc exists the token in the environment decides; elsewhere only "alive" can be checked.
  mine: (pid, token) => (process.platform === 'linux' ? ours(pid, token) : pidAlive(pid)),
  kill: (pid, signal) => {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  },
};
