/**
 * The drift-free probe scheduler. Every (probe, series) lane ticks at `start + n·interval` on the
 * monotonic clock: each timer is armed for the next absolute tick, so event-loop delays never
 * accumulate the way chained `setInterval`/`setTimeout(interval)` drift does. A lane never overlaps
 * itself: when a run ends after its next tick(s), those ticks are skipped and counted (`skipped`),
 * and the lane resumes on the grid. Every run is aborted at `timeoutMs` (< interval, enforced), and
 * anything a probe throws becomes an unhealthy sample: a broken probe never breaks the run.
 *
 * Owns its timers, abort controllers and (via the probes) sockets: `stop()` ends them all and
 * flushes the audit batches; `dispose()` also releases the probes' resources.
 */
import { SampleBatcher, type SampleFlushSink, type SampleSink } from './batcher.js';
import { nowMs } from './clock.js';
import { timeoutMessage } from './net-errors.js';
import { failed, type Probe } from './probe.js';
import type { ProbeTarget, Sample } from './types.js';

/** Shortest interval: 10 samples/s per series is enough to time recoveries to ±100 ms. */
export const MIN_INTERVAL_MS = 100;
/**
 * After aborting, how long a probe may take to settle before the scheduler stops waiting and
 * records the timeout itself. Well-behaved probes settle at once; this bounds a misbehaving one.
 */
export const ABORT_GRACE_MS = 250;

export interface ScheduledProbe {
  probe: Probe;
  intervalMs: number;
  timeoutMs: number;
  targets: ProbeTarget[];
}

export interface SchedulerOptions {
  probes: ScheduledProbe[];
  /** Every sample, as soon as it is measured (live timers, abort conditions, the UI). */
  onSample?: (s: Sample) => void;
  /** Batched rows for the audit (`audit.addSamples(runId, probeId, rows)`). */
  sink?: SampleSink;
  /** Or every probe's rows of a flush in one call (one transaction). */
  sinkAll?: SampleFlushSink;
  flushEveryMs?: number;
  flushMaxRows?: number;
  /** A callback or sink that threw; reported, never rethrown. */
  onError?: (err: unknown) => void;
  /** Monotonic ms (default performance.now); tests may inject one. */
  now?: () => number;
}

/** Counters per lane, for the UI and the report. */
export interface LaneStats {
  probeId: string;
  series: string;
  /** Ticks that started a run. */
  runs: number;
  /** Ticks skipped because the previous run was still going. */
  skipped: number;
  timeouts: number;
  unhealthy: number;
}

interface Lane {
  sp: ScheduledProbe;
  target: ProbeTarget;
  /** Index of the next tick on the grid. */
  n: number;
  timer?: ReturnType<typeof setTimeout>;
  inFlight?: { ctl: AbortController; done: Promise<void> };
  stats: LaneStats;
}

export class SchedulerConfigError extends Error {
  override readonly name = 'SchedulerConfigError';
}

export class ProbeScheduler {
  private readonly lanes: Lane[] = [];
  private readonly batcher?: SampleBatcher;
  private readonly now: () => number;
  private base = 0;
  private running = false;
  private disposed = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => performance.now());
    for (const sp of opts.probes) {
      const id = sp.probe.id;
      if (!(sp.intervalMs >= MIN_INTERVAL_MS)) throw new SchedulerConfigError(`probe ${id}: interval ${sp.intervalMs} ms is below the ${MIN_INTERVAL_MS} ms minimum`);
      if (!(sp.timeoutMs > 0 && sp.timeoutMs < sp.intervalMs)) throw new SchedulerConfigError(`probe ${id}: timeout ${sp.timeoutMs} ms must be > 0 and < the ${sp.intervalMs} ms interval`);
      for (const target of sp.targets) {
        this.lanes.push({ sp, target, n: 0, stats: { probeId: id, series: target.series, runs: 0, skipped: 0, timeouts: 0, unhealthy: 0 } });
      }
    }
    if (opts.sink || opts.sinkAll) this.batcher = new SampleBatcher(opts.sink ?? (() => undefined), { flushEveryMs: opts.flushEveryMs, maxRows: opts.flushMaxRows, onError: opts.onError, sinkAll: opts.sinkAll });
  }

  /** Start every lane; tick 0 runs at once, all lanes share one time base. */
  start(): void {
    if (this.disposed) throw new SchedulerConfigError('scheduler is disposed');
    if (this.running) return;
    this.running = true;
    this.base = this.now();
    for (const lane of this.lanes) {
      lane.n = 0;
      this.arm(lane);
    }
  }

  get isRunning(): boolean {
    return this.running;
  }

  stats(): LaneStats[] {
    return this.lanes.map((l) => ({ ...l.stats }));
  }

  /** Stop ticking, abort runs in flight (their results are dropped: "stopped" is not a measurement), flush batches. */
  async stop(): Promise<void> {
    this.running = false;
    const pending: Promise<void>[] = [];
    for (const lane of this.lanes) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = undefined;
      if (lane.inFlight) {
        lane.inFlight.ctl.abort();
        pending.push(lane.inFlight.done);
      }
    }
    await Promise.all(pending);
    this.batcher?.flush();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.disposed = true;
    for (const p of new Set(this.opts.probes.map((sp) => sp.probe))) {
      try {
        p.dispose();
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }

  private arm(lane: Lane): void {
    const due = this.base + lane.n * lane.sp.intervalMs;
    lane.timer = setTimeout(() => this.fire(lane, due), Math.max(0, due - this.now()));
  }

  private fire(lane: Lane, due: number): void {
    lane.timer = undefined;
    if (!this.running) return;
    // Node may fire a timer up to ~1 ms early by the monotonic clock; re-arm rather than run early.
    if (this.now() < due - 0.5) return this.arm(lane);
    lane.stats.runs++;
    const ctl = new AbortController();
    const done = this.runOnce(lane, ctl).finally(() => {
      lane.inFlight = undefined;
      if (!this.running) return;
      // Next tick strictly after now; ticks passed while running are skipped and counted.
      const next = Math.floor((this.now() - this.base) / lane.sp.intervalMs) + 1;
      lane.stats.skipped += Math.max(0, next - (lane.n + 1));
      lane.n = Math.max(next, lane.n + 1);
      this.arm(lane);
    });
    lane.inFlight = { ctl, done };
  }

  private async runOnce(lane: Lane, ctl: AbortController): Promise<void> {
    const { probe, timeoutMs } = lane.sp;
    const started = nowMs();
    let timedOut = false;
    let settled = false;
    let guard: ReturnType<typeof setTimeout> | undefined;
    const abortTimer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, timeoutMs);
    const fallback = new Promise<Sample>((resolve) => {
      // Armed on abort (timeout or stop): a probe that ignores its signal cannot hold the lane.
      ctl.signal.addEventListener('abort', () => {
        if (settled) return;
        guard = setTimeout(() => resolve(failed(probe.id, lane.target, started, timeoutMessage(timeoutMs))), ABORT_GRACE_MS);
      }, { once: true });
    });
    let sample: Sample;
    try {
      sample = await Promise.race([
        probe.run(lane.target, ctl.signal).catch((err: unknown) => failed(probe.id, lane.target, started, `probe crashed: ${(err as Error)?.message ?? String(err)}`)),
        fallback,
      ]);
    } finally {
      settled = true;
      clearTimeout(abortTimer);
      if (guard) clearTimeout(guard);
    }
    if (!this.running) return;
    if (timedOut) lane.stats.timeouts++;
    if (!sample.healthy) lane.stats.unhealthy++;
    this.deliver(sample);
  }

  private deliver(sample: Sample): void {
    try {
      this.opts.onSample?.(sample);
    } catch (err) {
      this.opts.onError?.(err);
    }
    this.batcher?.add(sample);
  }
}
