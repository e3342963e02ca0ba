/**
 * The one revert of a fault on its node: the module's revert, the lease disarmed, then its verify
 * ("is the fault still in effect?") — one exec built by faults/lease.ts, parsed once here. STOP, a
 * revert step, an inject's `duration` timer, a failed inject and the reconcile after a dead console
 * all go through this function, so they share one timeout and one meaning of "clean" (before, STOP
 * waited 30 s and reconcile 60 s, and reconcile looked for a `clean=oneshot` no script prints).
 */
import { buildRevert, parseStatus } from '../faults/index.js';
import { isOneShot } from '../faults/index.js';
import type { FaultContext, FaultModule } from '../faults/index.js';
import type { ConnectSpec, ExecOptions, ExecResult } from '../ssh/index.js';

/**
 * How long one revert (with its verify) may take on a node. Short enough that a hung node cannot
 * hold STOP long (the node's own lease reverts it anyway), long enough for a big disk-fill file.
 */
export const REVERT_TIMEOUT_MS = 30_000;

/** What revertAndVerify needs of the SSH layer (an SshPool, or a test double). */
export interface RevertExec {
  exec(spec: ConnectSpec, cmd: ReturnType<typeof buildRevert>, opts: ExecOptions): Promise<ExecResult>;
}

/** The node's answer to one revert. */
export interface RevertOutcome {
  /** The revert ran and the verify says the fault is gone (a one-shot: its revert exited 0). */
  clean: boolean;
  /** The lease facts and verdict lines the script printed (`lease`, `fired`, `fired_by`, `revert`, `clean`, `live` …). */
  status: Record<string, string>;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Revert one fault on its node and verify it is gone. `unlessLive` leaves a fault whose lease is
 * still being renewed by a live run alone (reconcile); then `status.live === 'yes'` and nothing ran.
 * SSH failures throw (the caller decides: unreachable now, the lease covers it).
 */
export async function revertAndVerify<P>(pool: RevertExec, spec: ConnectSpec, mod: FaultModule<P>, params: P, ctx: FaultContext, o: { unlessLive?: boolean } = {}): Promise<RevertOutcome> {
  const r = await pool.exec(spec, buildRevert(mod, params, ctx, { unlessLive: o.unlessLive }), { sudo: mod.requires.root, timeoutMs: REVERT_TIMEOUT_MS });
  const status = parseStatus(r.stdout);
  const clean = status.clean === 'yes' || (isOneShot(mod, params) && r.code === 0 && status.live !== 'yes');
  return { clean, status, code: r.code, stdout: r.stdout, stderr: r.stderr };
}
