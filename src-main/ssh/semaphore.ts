/** A counting semaphore with a FIFO queue; `limit` can be changed while in use. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be ≥ 1, got ${limit}`);
  }
  get inUse(): number {
    return this.active;
  }
  get max(): number {
    return this.limit;
  }
  get queued(): number {
    return this.waiters.length;
  }
  /** Lower (or raise) the limit; waiters are admitted as slots free up. */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.admit();
  }
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.releaser();
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
  /** Hand free slots to waiters; the slot is counted before the waiter resumes, so none is given twice. */
  private admit(): void {
    while (this.active < this.limit && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()!();
    }
  }
  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.admit();
    };
  }
}
