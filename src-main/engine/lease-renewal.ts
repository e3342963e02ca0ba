import { buildRenew } from '../faults/index.js';
import { parseStatusLines } from '../faults/index.js';
import type { ConnectSpec, ExecOptions, ExecResult, SshError } from '../ssh/index.js';
import type { Shell } from '../shell/index.js';
import type { LeaseNotice } from './lease-notice.js';

/** What renewal needs to know of a fault (ActiveFault satisfies it). */
export interface LeasedFault {
  id: string;
  kind: string;
  state: string;
  target: { name: string; spec: ConnectSpec };
  module: { requires: { root: boolean } };
  leaseExpiresAt: number;
  /** Epoch ms of the last renewal the node confirmed (the inject's own lease creation at first). */
  lastRenewedAt?: number;
  /** Set while renewals fail: since when (the renewal that did not come back), and when the node reverts by itself. */
  leaseWarning?: { failedSince: number; expiresAt: number };
  /** When a renewal answered `renewed=no`: the node's lease is gone. */
  leaseGoneSeenAt?: number;
}

/** What the renewal loop uses of its owner (the FaultManager). */
export interface RenewalHost<F extends LeasedFault> {
  readonly runId: string;
  readonly leaseTtlSec: number;
  faults(): Iterable<F>;
  exec(spec: ConnectSpec, cmd: Shell, opts: ExecOptions): Promise<ExecResult>;
  /** The fault's view changed (warning set or cleared). */
  changed(f: F): void;
  notice(n: LeaseNotice): void;
  renewFailed(node: string, e: SshError): void;
  /** A renewal answered `renewed=no`: the lease is gone, find out what the node did (revert + verify). */
  lapsed(f: F): void;
}

/**
 * How long a renewal may take before it counts as failed: half the renewal interval, within 1-5 s.
 * A renewal is one small exec (a few ms on a LAN, well under a second on a loaded node), so one that
 * has not answered by then is on a dead or stalled link; waiting for the exec's own timeout (the
 * interval plus 7 s of backstop) or for SSH keepalive (~15-20 s) would tell the room too late.
 */
export function renewAckMs(ttlSec: number): number {
  return Math.max(1000, Math.min((ttlSec * 1000) / 6, 5000));
}

/**
 * Keeps a run's leases renewed: one batched exec per node every TTL/3, never two at once on a node.
 * A renewal that fails or does not answer within renewAckMs marks its faults with a lease warning
 * at once (and says when the node will revert by itself); one that answers `renewed=no` means the
 * node's watchdog already reverted the fault. Owns its timers: `stop()` clears them all.
 */
export class LeaseRenewal<F extends LeasedFault> {
  private interval?: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly renewing = new Set<string>();
  private stopped = false;

  constructor(private readonly host: RenewalHost<F>) {}

  get intervalMs(): number {
    return (this.host.leaseTtlSec * 1000) / 3;
  }

  start(): void {
    if (this.interval || this.stopped) return;
    this.interval = setInterval(() => void this.renewAll(), this.intervalMs);
    this.interval.unref();
  }

  /** Stop renewing (STOP, dispose): no exec, no warning after this. */
  stop(): void {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  async renewAll(): Promise<void> {
    const byNode = new Map<string, F[]>();
    for (const f of this.host.faults()) {
      if (f.state !== 'active' && f.state !== 'injecting' && f.state !== 'unreachable') continue;
      const list = byNode.get(f.target.name) ?? [];
      list.push(f);
      byNode.set(f.target.name, list);
    }
    await Promise.all([...byNode.values()].map((fs) => this.renewNode(fs)));
  }

  private async renewNode(fs: F[]): Promise<void> {
    const spec = fs[0]!.target.spec;
    if (this.renewing.has(spec.name) || this.stopped) return;
    this.renewing.add(spec.name);
    const started = Date.now();
    let answered = false;
    const ackMs = renewAckMs(this.host.leaseTtlSec);
    this.later(ackMs, () => answered || this.warn(fs, started, `no answer from ${spec.name} within ${ackMs / 1000} s`));
    try {
      const r = await this.host.exec(spec, buildRenew(this.host.runId, fs.map((f) => f.id)), { sudo: fs.some((f) => f.module.requires.root), timeoutMs: this.intervalMs, standby: 'keep' });
      answered = true;
      if (this.stopped) return;
      const now = Date.now();
      const lines = parseStatusLines(r.stdout);
      for (const f of fs) {
        const l = lines.find((x) => x.lease === f.id && x.renewed !== undefined);
        if (l?.renewed === 'yes') this.renewed(f, now);
        // Only a fault known to be in place can have lapsed: during inject the lease may not exist yet,
        // and a revert under way removes it on purpose.
        else if (l?.renewed === 'no') {
          if (f.state === 'active' || f.state === 'unreachable') {
            f.leaseGoneSeenAt = now;
            this.host.lapsed(f);
          }
        } else this.warn([f], started, r.timedOut ? 'the renewal timed out on the node' : `the renewal exited ${r.code ?? r.signal}`);
      }
    } catch (e) {
      answered = true;
      if (this.stopped) return;
      this.warn(fs, started, (e as SshError).message);
      this.host.renewFailed(spec.name, e as SshError);
    } finally {
      this.renewing.delete(spec.name);
    }
  }

  private renewed(f: F, now: number): void {
    f.lastRenewedAt = now;
    f.leaseExpiresAt = now + this.host.leaseTtlSec * 1000;
    if (!f.leaseWarning) return;
    const failedForMs = now - f.leaseWarning.failedSince;
    f.leaseWarning = undefined;
    this.host.changed(f);
    this.host.notice({ kind: 'restored', faultId: f.id, faultKind: f.kind, node: f.target.name, failedForMs });
  }

  /** Once per episode: the warning, the notice, and a second notice when the lease runs out meanwhile. */
  private warn(fs: F[], since: number, reason: string): void {
    if (this.stopped) return;
    for (const f of fs) {
      if (f.leaseWarning || (f.state !== 'active' && f.state !== 'injecting' && f.state !== 'unreachable')) continue;
      const w = { failedSince: since, expiresAt: f.leaseExpiresAt };
      f.leaseWarning = w;
      this.host.changed(f);
      this.host.notice({ kind: 'failing', faultId: f.id, faultKind: f.kind, node: f.target.name, reason, failedSince: since, expiresAt: w.expiresAt });
      this.later(Math.max(0, w.expiresAt - Date.now()) + 1000, () => {
        if (f.leaseWarning === w && f.state === 'active') this.host.notice({ kind: 'overdue', faultId: f.id, faultKind: f.kind, node: f.target.name, expiresAt: w.expiresAt });
      });
    }
  }
}
