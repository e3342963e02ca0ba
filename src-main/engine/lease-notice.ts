/**
 * What the room is told about a fault's dead-man lease while it is held: renewals failing (and
 * when the node will revert by itself), the lease running out while the link is still down,
 * renewals working again, and the node's lease having reverted the fault. One wording for the
 * CLI's `inject`, the run's log lines (CLI run display and UI) and the audit.
 */
import { isoSeconds } from './lease-facts.js';

interface About {
  faultId: string;
  faultKind: string;
  node: string;
}

export type LeaseNotice =
  | (About & { kind: 'failing'; reason: string; failedSince: number; expiresAt: number })
  | (About & { kind: 'overdue'; expiresAt: number })
  | (About & { kind: 'restored'; failedForMs: number })
  | (About & { kind: 'expired'; expiredAt: number; seenAt: number; source: 'watchdog-log' | 'estimate'; heldMs?: number; clean: boolean });

const secs = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** One line, e.g. "lease of port-block on node06: renewal failed (…); lease expires in 12 s, then node06 reverts it by itself". */
export function describeLeaseNotice(n: LeaseNotice, now = Date.now()): string {
  const what = `lease of ${n.faultKind} on ${n.node}`;
  switch (n.kind) {
    case 'failing':
      return `${what}: renewal failed (${n.reason}); lease expires in ${secs(n.expiresAt - now)} s, then ${n.node} reverts it by itself`;
    case 'overdue':
      return `${what}: expired at ≈${isoSeconds(n.expiresAt)} without a renewal; ${n.node} has reverted it by itself (confirmed when the link is back)`;
    case 'restored':
      return `${what}: renewed again (renewals failed for ${secs(n.failedForMs)} s)`;
    case 'expired':
      return `${n.faultKind} on ${n.node}: reverted by the node's lease at ≈${isoSeconds(n.expiredAt)} (seen at reconnect${n.source === 'estimate' ? '; time estimated from the last renewal' : ''})${n.heldMs !== undefined ? `; in effect ${secs(n.heldMs)} s` : ''}${n.clean ? '' : '; NOT verified clean'}`;
  }
}
