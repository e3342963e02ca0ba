/** The lease cell of a fault row: the countdown, or, while renewals fail, when the node reverts by itself. */
import type { FaultView } from '../../src-main/api/index.js';
import { clock } from './format.js';

/** Countdown turns amber this close to expiry: renewals are every TTL/3, so a healthy lease never gets here. */
export const LEASE_WARN_MS = 10_000;

export interface LeaseCell {
  text: string;
  /** Amber: renewals are failing, or the lease is about to run out. */
  warn: boolean;
  title?: string;
}

/** What the fault row's lease cell shows at `now` (engine clock), and whether it is amber. */
export function leaseCell(f: Pick<FaultView, 'state' | 'leaseExpiresAt' | 'leaseWarning'>, now: number): LeaseCell {
  const live = f.state === 'active' || f.state === 'injecting' || f.state === 'reverting';
  if (!live) return { text: '—', warn: false };
  const w = f.leaseWarning;
  if (w) {
    const left = Math.round((w.expiresAt - now) / 1000);
    return {
      text: left > 0 ? `lease expires in ${left} s` : `lease expired ${-left} s ago`,
      warn: true,
      title: `renewals failing for ${clock(Math.max(0, now - w.failedSince))}: the node reverts this fault by itself when the lease expires`,
    };
  }
  const lease = f.leaseExpiresAt - now;
  return { text: clock(Math.max(0, lease)), warn: lease < LEASE_WARN_MS };
}
