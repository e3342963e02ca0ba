/**
 * Thin wrappers over FaultManager for tests: inject and insist it took, revert and insist it is
 * clean (as the engine judges it; tests then check the node from outside as well).
 */
import { expect } from 'vitest';
import type { ActiveFault, InjectOutcome, InjectRequest } from '../../../src-main/engine/fault-manager.js';
import type { Fleet } from './fleet.js';
import { labTargets } from './fleet.js';

/** An approver other than the commander, for high-risk faults (two-person rule). */
export const APPROVER = 'second-person';

/** Inject `kind` on the selected lab nodes; fails the test unless every node reports active. */
export async function injectOk(fleet: Fleet, kind: string, params: Record<string, unknown>, selector: string, extra: Partial<InjectRequest> = {}): Promise<InjectOutcome[]> {
  const out = await fleet.faults.inject({ kind, params, targets: labTargets(fleet.lab, selector), maxDurationSec: 120, approver: APPROVER, ...extra });
  for (const o of out) expect(o, `${kind} on ${o.node}: ${o.message ?? ''}`).toMatchObject({ ok: true, state: 'active' });
  return out;
}

/** Revert through the engine; fails unless the engine saw the node clean. */
export async function revertOk(fleet: Fleet, outcomes: InjectOutcome[]): Promise<ActiveFault[]> {
  const done = await Promise.all(outcomes.map((o) => fleet.faults.revert(o.faultId)));
  for (const f of done) expect(f.state, `${f.kind} on ${f.target.name}: ${f.detail ?? ''}`).toBe('reverted');
  return done;
}

/** Revert every fault the manager still holds live (afterEach safety net; a passing test has none). */
export async function revertLive(fleet: Fleet): Promise<void> {
  await Promise.all(fleet.faults.live().map((f) => fleet.faults.revertOne(f)));
}
