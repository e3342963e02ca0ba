import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { isAuditError, type AuditStore } from '../audit/index.js';
import { nowMs, round1 } from '../probes/index.js';
import type { FaultView } from '../api/index.js';
import { buildInject, buildRevert, parseStatus } from '../faults/index.js';
import { getFault, isOneShot, resolveParams } from '../faults/index.js';
import type { FaultContext, FaultModule, Intensity } from '../faults/index.js';
import type { SshError, SshPool } from '../ssh/index.js';
import { checkBlastRadius, DEFAULT_POLICY, faultSafety, type SafetyPolicy } from '../faults/index.js';
import type { FaultTarget } from '../faults/index.js';
import { expiryTime, firedAt, leaseRevertedDetail } from './lease-facts.js';
import type { LeaseNotice } from './lease-notice.js';
import { LeaseRenewal } from './lease-renewal.js';
import { revertAndVerify } from './revert.js';
import { stopNode } from './node-stop.js';

export type { ActiveFault, ActiveState } from './active-fault.js';
import type { ActiveFault, ActiveState } from './active-fault.js';

export interface InjectRequest {
  kind: string;
  intensity?: Intensity;
  params?: Record<string, unknown>;
  targets: FaultTarget[];
  /** Hard maximum (systemd timer guard, stress-ng --timeout); the console reverts earlier. */
  maxDurationSec?: number;
  approver?: string;
  /** Short label folded into fault ids (e.g. the step id). */
  label?: string;
  /** The runbook step injecting it (recorded on each fault). */
  stepId?: string;
  /** The params already resolved and validated when the run was planned (then not resolved again). */
  resolved?: unknown;
}

export interface InjectOutcome {
  node: string;
  faultId: string;
  ok: boolean;
  state: ActiveState;
  message?: string;
}

export class FaultRefused extends Error {
  override readonly name = 'FaultRefused';
  constructor(readonly reasons: string[]) {
    super(reasons.join('\n'));
  }
}

export interface FaultManagerEvents {
  fault: [ActiveFault];
  renewFailed: [node: string, error: SshError];
  /** Lease renewals failing / working again, a lease that ran out, a fault the node's lease reverted. */
  lease: [LeaseNotice];
}

/** The inject exec itself may take this long (installing the watchdog, inject, verify). */
const INJECT_TIMEOUT_MS = 60_000;

/**
 * Injects faults with their dead-man leases, keeps the leases renewed, reverts. Owns the renewal
 * timer (`dispose()` stops it). Every state change is audited; the intent is committed before the
 * inject command is sent, so a crash at any point leaves a row that `cleanup` reconciles.
 */
export class FaultManager extends EventEmitter<FaultManagerEvents> {
  readonly faults = new Map<string, ActiveFault>();
  private readonly renewal: LeaseRenewal<ActiveFault>;
  private seq = 0;

  constructor(
    private readonly pool: SshPool,
    private readonly audit: AuditStore | undefined,
    readonly runId: string,
    readonly leaseTtlSec = 30,
    private readonly policy: SafetyPolicy = DEFAULT_POLICY,
  ) {
    super();
    this.renewal = new LeaseRenewal<ActiveFault>({
      runId,
      leaseTtlSec,
      faults: () => this.faults.values(),
      exec: (spec, cmd, opts) => this.pool.exec(spec, cmd, opts),
      changed: (f) => this.emit('fault', f),
      notice: (n) => this.notice(n),
      renewFailed: (node, e) => this.emit('renewFailed', node, e),
      lapsed: (f) => void this.revertOne(f),
    });
  }

  /** Tell the room (event) and the audit about a lease, at once. */
  private notice(n: LeaseNotice): void {
    if (n.kind === 'failing') this.audit?.append({ runId: this.runId, kind: 'fault.lease-renew-failed', node: n.node, data: { fault: n.faultId, node: n.node, reason: n.reason, failedSince: n.failedSince, expiresAt: n.expiresAt } });
    if (n.kind === 'restored') this.audit?.append({ runId: this.runId, kind: 'fault.lease-renewed', node: n.node, data: { fault: n.faultId, node: n.node, failedForMs: n.failedForMs } });
    this.emit('lease', n);
  }

  /** Faults that may be in effect (anything not confirmed reverted). */
  live(): ActiveFault[] {
    return [...this.faults.values()].filter((f) => f.state !== 'reverted' && f.state !== 'failed');
  }

  private newFaultId(label?: string): string {
    const base = (label ?? 'f').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 10) || 'f';
    return `${base}-${(++this.seq).toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 24);
  }

  private set(f: ActiveFault, state: ActiveState, detail?: string): void {
    f.state = state;
    f.changedAt = round1(nowMs());
    if (detail !== undefined) f.detail = detail;
    this.audit?.setFaultState(f.id, state === 'failed' ? 'failed' : state, { leaseExpiresAt: new Date(f.leaseExpiresAt).toISOString(), detail, atMs: f.changedAt });
    this.emit('fault', f);
  }

  /** Inject one fault kind on each target (in parallel). Refused as a whole when the policy says no. */
  async inject(req: InjectRequest, signal?: AbortSignal): Promise<InjectOutcome[]> {
    const mod = getFault(req.kind);
    const params = req.resolved ?? resolveParams(mod, { intensity: req.intensity, params: req.params });
    const decision = checkBlastRadius(this.policy, mod, req.targets, req.approver);
    if (!decision.ok) throw new FaultRefused(decision.refusals);
    if (decision.needsApproval.length && req.approver)
      this.audit?.addApproval(this.runId, { step: req.label ?? req.kind, approver: req.approver, decision: 'approved', reason: decision.needsApproval.join('; ') });
    // The guards must know every SSH port and jump host in play: cutting any of them cuts the management path.
    const safety = faultSafety(this.policy, req.targets);
    const maxDurationSec = req.maxDurationSec ?? 3600;
    const prepared = req.targets.map((target) => {
      const ctx: FaultContext = { runId: this.runId, faultId: this.newFaultId(req.label), node: { name: target.name, host: target.host, gpu: target.gpu }, leaseTtlSec: this.leaseTtlSec, maxDurationSec, safety };
      const refusal = mod.guard?.(params, ctx) ?? null;
      return { target, ctx, refusal };
    });
    const refused = prepared.filter((p) => p.refusal);
    if (refused.length) throw new FaultRefused(refused.map((p) => `${p.target.name}: ${p.refusal}`));
    this.startRenewal();
    return Promise.all(prepared.map(({ target, ctx }) => this.injectOne(mod, params, target, ctx, signal, req.stepId)));
  }

  private async injectOne(mod: FaultModule, params: unknown, target: FaultTarget, ctx: FaultContext, signal?: AbortSignal, stepId?: string): Promise<InjectOutcome> {
    const revertCmd = buildRevert(mod, params, ctx);
    const f: ActiveFault = { id: ctx.faultId, kind: mod.id, module: mod, params, target, ctx, stepId, state: 'injecting', leaseExpiresAt: Date.now() + this.leaseTtlSec * 1000 };
    // Intent first, committed (fsync) before anything leaves for the node.
    this.audit?.recordFaultIntent({ id: f.id, runId: this.runId, node: target.name, kind: mod.id, params, oneShot: isOneShot(mod, params), revertCmd: revertCmd.text, leaseTtlSec: this.leaseTtlSec });
    this.faults.set(f.id, f);
    this.set(f, 'injecting');
    let settle!: () => void;
    f.settled = new Promise<void>((r) => (settle = r));
    try {
      const r = await this.pool.exec(target.spec, buildInject(mod, params, ctx), { sudo: mod.requires.root, timeoutMs: INJECT_TIMEOUT_MS, signal, standby: 'keep' }).finally(settle);
      const st = parseStatus(r.stdout);
      // STOP may already have reverted this fault while the inject exec was returning: never undo that.
      if (f.state !== 'injecting') return { node: target.name, faultId: f.id, ok: false, state: f.state, message: 'stopped while injecting' };
      f.lastRenewedAt = Date.now();
      f.leaseExpiresAt = f.lastRenewedAt + this.leaseTtlSec * 1000;
      if (r.code === 0 && st.inject === 'ok' && (st.verify === 'ok' || isOneShot(mod, params))) {
        f.injectedAt = Date.now();
        this.set(f, 'active');
        return { node: target.name, faultId: f.id, ok: true, state: 'active' };
      }
      const why = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ') || `exit ${r.code}`;
      // Whatever part of the fault did apply is taken back now (revert is idempotent). After STOP,
      // the STOP controller does it.
      if (signal?.aborted) {
        this.set(f, 'unreachable', `inject cut short by STOP: ${why}`);
        return { node: target.name, faultId: f.id, ok: false, state: f.state, message: 'inject cut short by STOP' };
      }
      await this.revertOne(f);
      if ((f.state as ActiveState) === 'reverted') this.set(f, 'failed', why);
      return { node: target.name, faultId: f.id, ok: false, state: f.state, message: `${mod.id} did not take effect on ${target.name}: ${why}` };
    } catch (e) {
      settle();
      // The audit could not record the exec: a storage problem of this machine, never the node's.
      if (isAuditError(e)) throw e;
      const err = e as SshError;
      // Unknown whether it applied: the lease covers it; STOP/cleanup will try the revert again.
      this.set(f, 'unreachable', err.message);
      return { node: target.name, faultId: f.id, ok: false, state: 'unreachable', message: err.message };
    }
  }

  /** Revert one fault; verify says whether the node ended clean. */
  /**
   * Revert one fault. A revert already under way for it is joined, not repeated: an inject's
   * `duration` timer, a revert step and STOP can all ask at about the same moment (a 30 s inject
   * held by a 30 s wait), and the run must not end — closing the audit — while one is still writing.
   */
  revertOne(f: ActiveFault): Promise<void> {
    const running = this.reverting.get(f.id);
    if (running) return running;
    const p = this.doRevert(f).finally(() => this.reverting.delete(f.id));
    this.reverting.set(f.id, p);
    return p;
  }

  private readonly reverting = new Map<string, Promise<void>>();

  private async doRevert(f: ActiveFault): Promise<void> {
    this.set(f, 'reverting');
    try {
      const { clean, status: st, stderr } = await revertAndVerify(this.pool, f.target.spec, f.module, f.params, f.ctx);
      this.settle(f, clean, st.fired, st.fired_by, st.clean === 'yes' ? undefined : stderr.trim().slice(0, 500));
    } catch (e) {
      if (isAuditError(e)) throw e; // the revert was not sent, or its outcome not recorded: the fault stays live for STOP
      this.unreachable(f, e);
    }
  }

  /** The node answered a revert: reverted or residue (and, if its lease had fired, the lapse recorded). */
  private settle(f: ActiveFault, clean: boolean, fired: string | undefined, firedBy: string | undefined, why: string | undefined): void {
    const lapse = this.lapse(f, fired);
    if (lapse) this.recordLapse(f, lapse, clean, firedBy);
    if (lapse) this.set(f, clean ? 'reverted' : 'residue', `${leaseRevertedDetail(lapse.at)}${firedBy === 'max' ? ', at its hard maximum' : ''}${clean ? '' : `; not clean: ${why ?? '?'}`}`);
    else this.set(f, clean ? 'reverted' : 'residue', why);
  }

  /**
   * The node could not be read now. If the lease is known gone (a renewal said so), the active
   * window still ended then; STOP or cleanup verifies the node later.
   */
  private unreachable(f: ActiveFault, e: unknown): void {
    const lapse = this.lapse(f, undefined);
    if (lapse) this.recordLapse(f, lapse, false);
    this.set(f, 'unreachable', (e as SshError).message);
  }

  /**
   * STOP on one node: its live faults reverted newest first, disarmed and checked in one exec
   * (node-stop.ts); reverts already under way are joined. Never rejects for a node error.
   */
  revertNode(list: ActiveFault[]): Promise<void> {
    return stopNode(
      {
        exec: (spec, cmd, opts) => this.pool.exec(spec, cmd, opts),
        running: this.reverting,
        starting: (f) => this.set(f, 'reverting'),
        settle: (f, v, stderr) => this.settle(f, v.clean, v.fired, v.firedBy, v.clean ? undefined : `left on the node: ${v.residue ?? '?'}${v.revert === 'fail' ? ' (the revert failed)' : ''}${stderr.trim() ? `; ${stderr.trim().slice(0, 400)}` : ''}`),
        failed: (f, e) => {
          // An audit that cannot take the record leaves the fault live (named with its lease expiry).
          if (isAuditError(e)) f.detail = `STOP could not record its revert: ${(e as Error).message}`;
          else this.unreachable(f, e);
        },
      },
      list,
    );
  }

  /**
   * Did the node's lease end this fault? Yes when its watchdog logged that it fired (its log time,
   * if plausible), or when a renewal found the lease gone (estimated: last renewal + TTL).
   */
  private lapse(f: ActiveFault, fired: string | undefined): { at: number; source: 'watchdog-log' | 'estimate' } | undefined {
    if (f.leaseExpiredAt !== undefined) return { at: f.leaseExpiredAt, source: 'watchdog-log' };
    if (isOneShot(f.module, f.params) || (fired === undefined && f.leaseGoneSeenAt === undefined)) return undefined;
    return expiryTime({ fired: firedAt(fired), lastRenewedAt: f.lastRenewedAt ?? f.injectedAt ?? Date.now(), ttlMs: this.leaseTtlSec * 1000, seenAt: f.leaseGoneSeenAt ?? Date.now() });
  }

  /** Once per fault: the audit event the recovery math ends the active window with, and the notice. */
  private recordLapse(f: ActiveFault, lapse: { at: number; source: 'watchdog-log' | 'estimate' }, clean: boolean, firedBy?: string): void {
    if (f.leaseExpiredAt !== undefined) return;
    f.leaseExpiredAt = lapse.at;
    f.leaseWarning = undefined;
    const seenAt = f.leaseGoneSeenAt ?? Date.now();
    this.audit?.append({ runId: this.runId, kind: 'fault.lease-expired', node: f.target.name, data: { fault: f.id, node: f.target.name, expiredAt: lapse.at, seenAt, source: lapse.source, firedBy: firedBy ?? null } });
    this.emit('lease', { kind: 'expired', faultId: f.id, faultKind: f.kind, node: f.target.name, expiredAt: lapse.at, seenAt, source: lapse.source, heldMs: f.injectedAt !== undefined ? lapse.at - f.injectedAt : undefined, clean });
  }

  async revert(faultId: string): Promise<ActiveFault> {
    const f = this.faults.get(faultId);
    if (!f) throw new Error(`no fault ${faultId} in this run`);
    await this.revertOne(f);
    return f;
  }

  /** Renew every lease on each node with one exec per node, every TTL/3 (see lease-renewal.ts). */
  startRenewal(): void {
    if (this.renewalsDisarmed) return;
    this.renewal.start();
  }

  renewAll(): Promise<void> {
    if (this.renewalsDisarmed) return Promise.resolve();
    return this.renewal.renewAll();
  }

  /** Stop renewing for good: the node-side watchdogs take over (STOP, dispose). */
  stopRenewal(): void {
    this.renewal.stop();
  }

  private renewalsDisarmed = false;

  /**
   * STOP's first act: no lease is renewed from now on, and none can be re-armed, so every node's
   * own dead-man reverts its faults within one TTL whatever happens next in this process (an error,
   * a hang, a kill). Returns the latest lease expiry among the faults still live (epoch ms).
   */
  disarmRenewals(): number | undefined {
    this.renewalsDisarmed = true;
    this.stopRenewal();
    const live = this.live();
    return live.length ? Math.max(...live.map((f) => f.leaseExpiresAt)) : undefined;
  }

  private readonly autoReverts = new Set<NodeJS.Timeout>();

  /**
   * Revert these faults after `ms` (an inject step's `duration`), unless `skip()` says not to any
   * more (STOP took over); `done` runs after. `cancelAutoReverts` (and dispose) drop the timers.
   */
  revertAfter(ids: string[], ms: number, skip: () => boolean, done: () => void): void {
    const timer = setTimeout(() => {
      this.autoReverts.delete(timer);
      void (async () => {
        for (const id of ids) {
          const f = this.faults.get(id);
          // An audit that cannot record the revert leaves the fault live (STOP at the end reverts it).
          if (f && f.state !== 'reverted' && f.state !== 'failed' && !skip()) await this.revertOne(f).catch((e: unknown) => void (f.detail = (e as Error).message));
        }
        done();
      })();
    }, ms);
    this.autoReverts.add(timer);
  }

  cancelAutoReverts(): void {
    for (const t of this.autoReverts) clearTimeout(t);
    this.autoReverts.clear();
  }

  /** A fault as the UI contract shows it. */
  static view(f: ActiveFault): FaultView {
    return { id: f.id, stepId: f.stepId, kind: f.kind, node: f.target.name, state: f.state, oneShot: isOneShot(f.module, f.params), injectedAt: f.injectedAt, leaseExpiresAt: f.leaseExpiresAt, leaseWarning: f.leaseWarning ? { ...f.leaseWarning } : undefined, detail: f.detail };
  }

  dispose(): void {
    this.cancelAutoReverts();
    this.stopRenewal();
  }
}

