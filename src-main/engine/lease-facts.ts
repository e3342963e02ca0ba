/**
 * What a node tells us about a fault's dead-man lease, turned into times and words: the watchdog's
 * log time when it fired, and the one phrase every surface (CLI, UI, audit, report) uses for a
 * fault the node reverted by itself.
 */

/**
 * Epoch ms of the watchdog's log stamp (`date '+%Y-%m-%dT%H:%M:%S%z'`, e.g. 2026-12-03T09:18:50+0000),
 * or undefined when absent or not in that form. Whole seconds: the watchdog polls every second.
 */
export function firedAt(stamp: string | undefined): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d)(\d\d)$/.exec(stamp ?? '');
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}${m[2]}:${m[3]}`);
  return Number.isFinite(t) ? t : undefined;
}

/** `2026-12-03T09:18:50Z`: seconds are all the precision the watchdog's log has. */
export function isoSeconds(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "reverted by the node's lease at ≈T (seen at reconnect)": the state detail of a lapsed fault. */
export function leaseRevertedDetail(expiredAt: number, seen = 'seen at reconnect'): string {
  return `reverted by the node's lease at ≈${isoSeconds(expiredAt)} (${seen})`;
}

/**
 * When the lease expired: the watchdog's own log time when we could read it and it is plausible
 * (not before the last renewal we know of, not after we saw it gone), else the estimate "last
 * successful renewal + TTL". A fault that moved the node's clock (clock-skew) makes the log lie.
 */
export function expiryTime(p: { fired?: number; lastRenewedAt: number; ttlMs: number; seenAt: number }): { at: number; source: 'watchdog-log' | 'estimate' } {
  const estimate = Math.min(p.lastRenewedAt + p.ttlMs, p.seenAt);
  if (p.fired !== undefined && p.fired >= p.lastRenewedAt - 2_000 && p.fired <= p.seenAt + 2_000) return { at: p.fired, source: 'watchdog-log' };
  return { at: estimate, source: 'estimate' };
}
