/** A fault the run has sent to a node: what the fault manager tracks and STOP's per-node batch reverts. */
import type { FaultContext, FaultModule, FaultTarget } from '../faults/index.js';

export type ActiveState = 'injecting' | 'active' | 'reverting' | 'reverted' | 'residue' | 'unreachable' | 'failed';

export interface ActiveFault {
  id: string;
  kind: string;
  module: FaultModule;
  params: unknown;
  target: FaultTarget;
  ctx: FaultContext;
  /** The runbook step that injected it, if any. */
  stepId?: string;
  state: ActiveState;
  /**
   * When `state` last changed: epoch ms on the probes' monotonic clock (probes/clock.ts), to 0.1 ms
   * like every sample. The audit records this very number (`atMs`) and the live timers use it, so the
   * report's fault windows and the live figures start and end at the same instant.
   */
  changedAt?: number;
  injectedAt?: number;
  /** Epoch ms after which the node-side watchdog reverts by itself unless renewed. */
  leaseExpiresAt: number;
  /** Epoch ms of the last renewal the node confirmed (the inject's own lease creation at first). */
  lastRenewedAt?: number;
  /** Set while renewals fail: since when, and when the node reverts it by itself (cleared by a renewal). */
  leaseWarning?: { failedSince: number; expiresAt: number };
  /** A renewal answered `renewed=no`: the node's lease is gone (its watchdog fired, or the node rebooted). */
  leaseGoneSeenAt?: number;
  /** When the node's lease reverted it (epoch ms, from the watchdog's log or estimated): the end of its active window. */
  leaseExpiredAt?: number;
  detail?: string;
  /** Settles when the inject exec has returned (or was killed): STOP waits for it before reverting. */
  settled?: Promise<void>;
}
