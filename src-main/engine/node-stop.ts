/**
 * STOP on one node: every live fault of the node reverted, disarmed and checked in ONE exec
 * (src-main/faults/stop-batch.ts), instead of one exec per fault with a second shell for its
 * verify. A revert already running for a fault (an inject's duration timer, a revert step) is
 * joined, not repeated. Faults needing root and faults that do not are sent in separate execs
 * when the login user is not root (sudo applies to a whole exec).
 */
import { buildNodeStop, parseNodeStop, type StopVerdict } from '../faults/index.js';
import type { ExecResult, ConnectSpec, ExecOptions } from '../ssh/index.js';
import type { Shell } from '../shell/index.js';
import type { ActiveFault } from './active-fault.js';

/** Base budget of a node's STOP exec (as one revert's); each further fault may add gd_killpg's 5 s TERM grace. */
const NODE_STOP_TIMEOUT_MS = 30_000;
const PER_FAULT_GRACE_MS = 5_000;

/** What node-stop needs from the fault manager (kept narrow so it can be tested alone). */
export interface NodeStopHost {
  exec(spec: ConnectSpec, cmd: Shell, opts: ExecOptions): Promise<ExecResult>;
  /** Reverts under way, by fault id (joined and registered here). */
  running: Map<string, Promise<void>>;
  /** The fault is being reverted (state and event). */
  starting(f: ActiveFault): void;
  /** The node answered for this fault. */
  settle(f: ActiveFault, v: StopVerdict, stderr: string): void;
  /** The node could not be asked or did not answer for this fault. */
  failed(f: ActiveFault, e: unknown): void;
}

/** Revert `list` (one node's faults, oldest first as injected) newest first, in as few execs as possible. */
export async function stopNode(host: NodeStopHost, list: ActiveFault[]): Promise<void> {
  const waits: Array<Promise<void>> = [];
  const todo: ActiveFault[] = [];
  for (const f of [...list].reverse()) {
    if (f.state === 'reverted' || f.state === 'failed') continue;
    const running = host.running.get(f.id);
    if (running) waits.push(running);
    else todo.push(f);
  }
  const asRoot = todo[0]?.target.spec.user === 'root';
  const groups = asRoot ? [todo] : [todo.filter((f) => f.module.requires.root), todo.filter((f) => !f.module.requires.root)];
  for (const g of groups) {
    if (!g.length) continue;
    const p = batch(host, g);
    for (const f of g) {
      const joined = p.finally(() => host.running.delete(f.id));
      joined.catch(() => undefined); // awaited through `waits`; this copy only serves joiners
      host.running.set(f.id, joined);
    }
    waits.push(p);
  }
  await Promise.all(waits);
}

async function batch(host: NodeStopHost, group: ActiveFault[]): Promise<void> {
  for (const f of group) host.starting(f);
  const spec = group[0]!.target.spec;
  try {
    const cmd = buildNodeStop(group.map((f) => ({ module: f.module, params: f.params, ctx: f.ctx })));
    const timeoutMs = NODE_STOP_TIMEOUT_MS + PER_FAULT_GRACE_MS * (group.length - 1);
    const r = await host.exec(spec, cmd, { sudo: group.some((f) => f.module.requires.root), timeoutMs, standby: 'use' });
    const verdicts = parseNodeStop(r.stdout);
    for (const f of group) {
      const v = verdicts.get(f.id);
      if (v) host.settle(f, v, r.stderr);
      else host.failed(f, new Error(`the node's STOP script ended (exit ${r.code}) before it reported this fault: ${r.stderr.trim().slice(0, 300)}`));
    }
  } catch (e) {
    for (const f of group) host.failed(f, e);
  }
}
