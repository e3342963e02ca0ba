/**
 * Paces chart redraws so live probe charts never make the page janky: each chart redraws at most
 * 4×/s, and in one animation frame charts redraw only until a time budget is spent (the rest wait
 * for the next frame, round-robin, so none starves).
 */

/** Minimum time between two redraws of one chart: 4×/s is smooth for 1 Hz data. */
export const MIN_REDRAW_INTERVAL_MS = 250;
/** Work allowed per frame: half of a 60 Hz frame leaves room for React and the browser's paint. */
export const FRAME_BUDGET_MS = 8;

interface Entry {
  draw: () => void;
  dirty: boolean;
  lastDraw: number;
}

export class ChartScheduler {
  private readonly entries = new Map<string, Entry>();
  private order: string[] = [];
  private cursor = 0;
  private raf: number | null = null;
  /** Draw durations (ms), for the benchmark. */
  readonly drawTimes: number[] = [];

  register(id: string, draw: () => void): () => void {
    this.entries.set(id, { draw, dirty: true, lastDraw: 0 });
    this.order = [...this.entries.keys()];
    this.kick();
    return () => {
      this.entries.delete(id);
      this.order = [...this.entries.keys()];
    };
  }

  markDirty(id?: string): void {
    if (id === undefined) for (const e of this.entries.values()) e.dirty = true;
    else {
      const e = this.entries.get(id);
      if (e) e.dirty = true;
    }
    this.kick();
  }

  private kick(): void {
    if (this.raf === null) this.raf = requestAnimationFrame(() => this.frame());
  }

  private frame(): void {
    this.raf = null;
    const start = performance.now();
    const ids = this.order;
    const base = this.cursor;
    let pending = false;
    for (let n = 0; n < ids.length; n++) {
      const idx = (base + n) % ids.length;
      const e = this.entries.get(ids[idx]!);
      if (!e || !e.dirty) continue;
      const now = performance.now();
      if (now - e.lastDraw < MIN_REDRAW_INTERVAL_MS || now - start > FRAME_BUDGET_MS) {
        pending = true;
        continue;
      }
      e.dirty = false;
      e.lastDraw = now;
      e.draw();
      this.drawTimes.push(performance.now() - now);
      if (this.drawTimes.length > 10_000) this.drawTimes.splice(0, 5_000);
      // Next frame starts after the last chart drawn: round-robin, nobody starves.
      this.cursor = (idx + 1) % ids.length;
    }
    if (pending) this.kick();
  }
}

/** The page's one scheduler. */
export const chartScheduler = new ChartScheduler();
