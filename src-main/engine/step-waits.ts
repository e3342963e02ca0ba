/**
 * The run's waiting primitives on the monotonic clock: a step that holds for a planned time (a
 * pause stops the clock), waits for a condition, or is advanced or skipped by the operator. Every
 * loop looks again every `POLL_MS` and throws `Stopped` as soon as STOP was pressed.
 */
import { Stopped } from './run-state.js';

/** How often waiting loops look again (pause, advance, approval, STOP). */
export const POLL_MS = 50;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class StepWaits {
  private readonly advanceReq = new Set<string>();
  private readonly skipReq = new Map<string, string>();

  constructor(private readonly h: { stopped: () => boolean; paused: () => boolean }) {}

  throwIfStopped(): void {
    if (this.h.stopped()) throw new Stopped('STOP');
  }

  advance(stepId: string): void {
    this.advanceReq.add(stepId);
  }

  /** A skip ends the step's wait like an advance, and remembers why. */
  skip(stepId: string, reason: string): void {
    this.skipReq.set(stepId, reason);
    this.advanceReq.add(stepId);
  }

  skipReason(stepId: string): string | undefined {
    return this.skipReq.get(stepId);
  }

  async whilePaused(): Promise<void> {
    while (this.h.paused()) await sleep(POLL_MS);
  }

  async hold(ms: number, stepId: string): Promise<'elapsed' | 'advanced'> {
    let left = ms;
    while (left > 0) {
      this.throwIfStopped();
      if (this.advanceReq.delete(stepId)) return 'advanced';
      const t0 = performance.now();
      await sleep(Math.min(left, POLL_MS));
      if (!this.h.paused()) left -= performance.now() - t0;
    }
    return 'elapsed';
  }

  async waitFor(stepId: string, ready: () => boolean, timeoutMs?: number): Promise<'ok' | 'advanced' | 'timeout'> {
    const until = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      this.throwIfStopped();
      if (this.advanceReq.delete(stepId)) return 'advanced';
      if (ready()) return 'ok';
      if (performance.now() >= until) return 'timeout';
      await sleep(POLL_MS);
    }
  }
}
