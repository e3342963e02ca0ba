/**
 * Buffers samples per probe and hands them to the audit sink in batches: one SQLite transaction
 * per batch instead of per sample (a 100 ms probe on 8 nodes is 80 rows/s). Flushes every
 * `flushEveryMs` (default 1 s: the audit lags the screen by at most that) or at `maxRows` (default
 * 500: bounds memory and one transaction's size), and on `flush()`/`dispose()`.
 */
import type { Sample, SampleRow } from './types.js';

export const DEFAULT_FLUSH_MS = 1000;
export const DEFAULT_FLUSH_ROWS = 500;

export type SampleSink = (probeId: string, rows: SampleRow[]) => void;
/** A whole flush at once (every probe's rows): one audit transaction, one fsync, instead of one per probe. */
export type SampleFlushSink = (batches: Array<[probeId: string, rows: SampleRow[]]>) => void;

/** The audit row for a sample; series, latency and error go in `detail` (the table has no columns for them). */
export function toRow(s: Sample): SampleRow {
  const detail: { series: string; latencyMs: number; error?: string } = { series: s.series, latencyMs: s.latencyMs };
  if (s.error !== undefined) detail.error = s.error;
  return { tMs: s.t, value: s.value, healthy: s.healthy, detail: JSON.stringify(detail), series: s.series, latencyMs: s.latencyMs };
}

export class SampleBatcher {
  private readonly buf = new Map<string, SampleRow[]>();
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly sink: SampleSink,
    private readonly opts: { flushEveryMs?: number; maxRows?: number; onError?: (err: unknown) => void; sinkAll?: SampleFlushSink } = {},
  ) {}

  add(s: Sample): void {
    let rows = this.buf.get(s.probeId);
    if (!rows) this.buf.set(s.probeId, (rows = []));
    rows.push(toRow(s));
    this.count++;
    if (this.count >= (this.opts.maxRows ?? DEFAULT_FLUSH_ROWS)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.flushEveryMs ?? DEFAULT_FLUSH_MS);
  }

  /** Hand every buffered row to the sink now. A throwing sink loses only its own batch, never the run. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.buf];
    this.buf.clear();
    this.count = 0;
    if (this.opts.sinkAll) {
      if (batches.length === 0) return;
      try {
        this.opts.sinkAll(batches);
      } catch (err) {
        this.opts.onError?.(err);
      }
      return;
    }
    for (const [probeId, rows] of batches) {
      try {
        this.sink(probeId, rows);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }

  dispose(): void {
    this.flush();
  }
}
