/**
 * Steady state before the first inject: every probe healthy for N samples in a row on every series,
 * or the run stops before anything is injected (exit 4) with the probe's last error and a hint. A
 * probe that cannot see the system at baseline cannot measure a fault either: a run whose every
 * sample fails (a {host} that does not resolve) would otherwise "pass" with no impact ever seen.
 */
import type { Sample } from '../probes/index.js';
import type { PlanTimes, Scenario } from '../scenario/index.js';
import { formatDuration } from '../api/index.js';
import { POLL_MS, sleep } from './step-waits.js';

/** N: samples in a row per series, unless the runbook says otherwise. */
export const DEFAULT_STEADY_SAMPLES = 3;
/** The wait is at least this long: probes started with the run need a few ticks (and DNS, TLS). */
const MIN_WAIT_MS = 10_000;

export interface SteadyMiss {
  probe: string;
  /** What the probe asks (its URL, address or command template), so an alias or typo shows. */
  asks?: string;
  series?: string;
  /** How many healthy samples in a row it had, and its last error. */
  streak: number;
  error?: string;
}

/** The steady-state check failed: nothing was injected. */
export class SteadyStateFailed extends Error {
  override readonly name = 'SteadyStateFailed';
  constructor(
    readonly misses: SteadyMiss[],
    readonly samples: number,
    readonly waitedMs: number,
  ) {
    const m = misses[0]!;
    const where = `${m.probe} (${[m.series, m.asks].filter(Boolean).join(', ')})`.replace(' ()', '');
    const what = m.series === undefined ? 'no sample yet' : m.error ? `last error: ${m.error}` : `${m.streak} healthy sample(s) in a row, ${samples} needed`;
    super(
      `steady state not reached before the first inject: probe ${where} was not healthy for ${samples} samples in a row within ${formatDuration(waitedMs)} (${what})` +
        `${misses.length > 1 ? `; ${misses.length - 1} more series/probe(s) likewise` : ''}. Nothing was injected.` +
        ` Hint: check the probe reaches the service from this machine ({host} is the address SSH resolved for the node, {name} its inventory name; \`gameday validate --inventory …\` warns about templates that cannot resolve), or fix the service before the game day.`,
    );
  }
}

/** Consecutive healthy samples per (probe, series) as of each series' latest sample. */
export class SteadyState {
  private readonly streaks = new Map<string, Map<string, { n: number; error?: string }>>();

  onSample(s: Sample): void {
    let m = this.streaks.get(s.probeId);
    if (!m) this.streaks.set(s.probeId, (m = new Map()));
    const prev = m.get(s.series);
    m.set(s.series, s.healthy ? { n: (prev?.n ?? 0) + 1 } : { n: 0, error: s.error ?? `unhealthy (value ${s.value ?? 'none'})` });
  }

  /** Probes and series not (yet) healthy for `samples` in a row; empty = steady. */
  misses(probes: string[], samples: number): SteadyMiss[] {
    const out: SteadyMiss[] = [];
    for (const probe of probes) {
      const m = this.streaks.get(probe);
      if (!m || m.size === 0) out.push({ probe, streak: 0 });
      else for (const [series, st] of m) if (st.n < samples) out.push({ probe, series, streak: st.n, error: st.error });
    }
    return out;
  }
}

/**
 * Wait until every probe of the runbook is steady, or throw SteadyStateFailed after the runbook's
 * `within` (default: 10 s, or enough ticks of the slowest probe); `onFail` sees it first (audit).
 * `check` throws on STOP.
 */
export async function awaitSteadyState(scenario: Scenario, times: PlanTimes, st: SteadyState, check: () => void, onFail: (e: SteadyStateFailed) => void): Promise<'ok'> {
  const probes = scenario.probes.map((p) => p.id);
  if (probes.length === 0) return 'ok';
  const n = scenario.steadyState?.samples ?? DEFAULT_STEADY_SAMPLES;
  const slowest = Math.max(...scenario.probes.map((p) => times.probeIntervalMs.get(p.id) ?? 0));
  const asks = new Map(scenario.probes.map((p) => [p.id, p.kind === 'http' || p.kind === 'prometheus' ? p.url : p.kind === 'tcp' ? p.address : p.kind === 'command' ? p.command : `${p.metric} via ${p.tool}`]));
  const waitMs = times.steadyWithinMs ?? Math.max(MIN_WAIT_MS, (n + 2) * slowest);
  const t0 = performance.now();
  for (;;) {
    check();
    const misses = st.misses(probes, n).map((m) => ({ ...m, asks: asks.get(m.probe) }));
    if (misses.length === 0) return 'ok';
    if (performance.now() - t0 >= waitMs) {
      const e = new SteadyStateFailed(misses, n, waitMs);
      onFail(e);
      throw e;
    }
    await sleep(POLL_MS);
  }
}
