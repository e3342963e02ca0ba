/**
 * The hint schedule: which hints are due at a given moment of the drill clock. Pure over an
 * injected clock (monotonic epoch ms), so a test can move time by hand; the controller ticks it.
 */
import type { HintView } from '../api/index.js';

export interface PlannedHint {
  afterMs: number;
  text: string;
  penalty: number;
}

export class HintSchedule {
  readonly hints: Array<HintView & { text: string }>;

  constructor(planned: PlannedHint[]) {
    this.hints = planned.map((h, index) => ({ index, afterMs: h.afterMs, text: h.text, penalty: h.penalty }));
  }

  /** Hints whose time has come (clock started at `startedAt`) and that are not revealed yet. */
  due(startedAt: number | undefined, now: number): number[] {
    if (startedAt === undefined) return [];
    return this.hints.filter((h) => h.revealedAt === undefined && now - startedAt >= h.afterMs).map((h) => h.index);
  }

  /** Reveal one hint; false when it was revealed already (a second reveal changes nothing). */
  reveal(index: number, by: string, now: number): boolean {
    const h = this.hints[index];
    if (!h) throw new RangeError(`there is no hint ${index} (the drill has ${this.hints.length})`);
    if (h.revealedAt !== undefined) return false;
    h.revealedAt = now;
    h.revealedBy = by;
    return true;
  }

  /** When the next unrevealed hint falls due (epoch ms), or undefined. */
  nextDueAt(startedAt: number | undefined): number | undefined {
    if (startedAt === undefined) return undefined;
    const left = this.hints.filter((h) => h.revealedAt === undefined).map((h) => startedAt + h.afterMs);
    return left.length ? Math.min(...left) : undefined;
  }
}
