/**
 * The clocks a recovery figure is read on, and the constants the runbook defaults to. The figures
 * themselves come from the one attribution (impact.ts); this module only says which of them a
 * recovery target compares with, and in which words.
 *
 * Precision: a probe sees the system only at its samples, so every figure is known to ± one interval;
 * the brackets (`detectBracketMs`, `recoverBracketMs`) are the real uncertainty, wider than the
 * interval where samples were missing.
 */
import type { FaultImpact } from './impact.js';

/** scenario.md's default for `healthyAfter` (k). */
export const DEFAULT_HEALTHY_AFTER = 3;

import { RECOVERY_CLOCKS, type RecoveryClock } from './types.js';
export { RECOVERY_CLOCKS, type RecoveryClock };
/** "healthy again within 10 s of the heal": what hypotheses say, so what a target means by default. */
export const DEFAULT_RECOVERY_CLOCK: RecoveryClock = 'revert';

/** The recovery figure on `clock`, or undefined while (or when) there is none. */
export function recoveryFigure(f: FaultImpact, clock: RecoveryClock): number | undefined {
  if (f.recoveredAt === undefined) return undefined;
  if (clock === 'inject') return f.recoveredAt - f.activeAt;
  if (clock === 'detect') return f.detectedAt === undefined ? undefined : f.recoveredAt - f.detectedAt;
  if (f.selfHealed) return 0;
  return f.recoverAfterRevertMs;
}

/** How far the clock has run at `nowMs` while not recovered (undefined: not started yet, e.g. before the revert). */
export function clockElapsed(f: FaultImpact, clock: RecoveryClock, nowMs: number): number | undefined {
  const from = clock === 'inject' ? f.activeAt : clock === 'detect' ? f.detectedAt : f.endAt;
  return from === undefined ? undefined : Math.max(0, nowMs - from);
}

/** "after the revert", for sentences and target cells. */
export function clockWords(clock: RecoveryClock): string {
  return clock === 'revert' ? 'after the revert' : clock === 'inject' ? 'after the fault became active' : 'after detection';
}
