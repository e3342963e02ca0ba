import type { AuditStore } from '../audit/index.js';
import { FaultRefused, type ActiveFault, type FaultManager, type InjectOutcome } from './fault-manager.js';
import type { InjectPlan } from './run-plan.js';
import type { StopController, StopReport } from './stop-controller.js';

/** Hold ticks at most this often: STOP, a lapsed lease or the end of the hold is seen within a second. */
const HOLD_TICK_MS = 1000;

/** What an adapter shows while an ad-hoc inject runs (the CLI prints each). */
export interface InjectHooks {
  /** Each node's inject outcome, before the hold. */
  injected?(outcomes: InjectOutcome[]): void;
  /** Once a tick while holding: milliseconds left. */
  holding?(leftMs: number): void;
}

/** How an ad-hoc inject ended. */
export interface InjectResult {
  outcomes: InjectOutcome[];
  /** The hold ran (some node's fault was in effect and the fault can be reverted). */
  held: boolean;
  /** STOP was pressed (signal, `gameday stop`) before the hold ran out. */
  interrupted: boolean;
  /** The revert at the end: STOP with its per-node verification. */
  report: StopReport;
  /** Faults a node's lease reverted before the hold ran out: the hold did not happen as asked. */
  lapsed: ActiveFault[];
  /** The run's status in the audit. */
  status: 'completed' | 'stopped' | 'failed';
}

/**
 * The one-step plan: inject with its lease, hold while renewing it, then revert and verify through
 * the one STOP. A refusal is recorded (fault.refused) and thrown as FaultRefused.
 */
export async function injectHoldRevert(plan: InjectPlan, w: { faults: FaultManager; stopper: StopController; audit: AuditStore; runId: string; oneShot: boolean }, hooks: InjectHooks = {}): Promise<InjectResult> {
  const { faults, stopper } = w;
  let outcomes: InjectOutcome[];
  try {
    outcomes = await faults.inject({ kind: plan.fault.kind, intensity: plan.fault.intensity, params: plan.fault.params, resolved: plan.fault.resolved, targets: plan.targets, approver: plan.fault.approver, maxDurationSec: Math.ceil(plan.holdMs / 1000) + 60, label: plan.fault.kind }, stopper.signal);
  } catch (e) {
    if (e instanceof FaultRefused) w.audit.append({ runId: w.runId, kind: 'fault.refused', data: { kind: plan.fault.kind, reasons: e.reasons } });
    throw e;
  }
  hooks.injected?.(outcomes);
  // Nothing left to hold once every fault has ended (the nodes' leases reverted them).
  const live = () => [...faults.faults.values()].some((f) => f.state !== 'reverted' && f.state !== 'failed' && f.state !== 'residue');
  const held = outcomes.some((r) => r.ok) && !w.oneShot;
  if (held) {
    const until = Date.now() + plan.holdMs;
    while (Date.now() < until && !stopper.stopped && live()) {
      await new Promise((r) => setTimeout(r, Math.min(HOLD_TICK_MS, until - Date.now())));
      hooks.holding?.(Math.max(0, until - Date.now()));
    }
  }
  const interrupted = stopper.stopped;
  const leasesEnded = !live() && [...faults.faults.values()].some((f) => f.leaseExpiredAt !== undefined);
  const report = await stopper.stop(leasesEnded ? "every fault ended (the nodes' leases reverted them)" : 'hold time elapsed', 'cli');
  const lapsed = [...faults.faults.values()].filter((f) => f.leaseExpiredAt !== undefined);
  const ok = outcomes.every((r) => r.ok) && !lapsed.length;
  const status = !report.clean ? 'failed' : interrupted ? 'stopped' : ok ? 'completed' : 'failed';
  return { outcomes, held, interrupted, report, lapsed, status };
}
