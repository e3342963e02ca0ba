/**
 * Detection and recovery of one fault from the samples stored in the audit, reading only what the
 * answer depends on. The recovery math (probes/recovery.ts) walks every series sample by sample,
 * but once every series that went unhealthy has recovered and no unhealthy sample follows, the rest
 * of the window cannot change the answer (no detection, flap or relapse without an unhealthy
 * sample). The rollups (audit/rollup.ts) say where the last unhealthy sample of the window is, so
 * a 90-second outage inside a one-hour window reads two minutes of samples, not an hour. Where the
 * shortcut cannot be proven (unhealthy samples near the end, a series not yet recovered, samples
 * the rollups do not cover) the whole window is read. Either way the result equals the full read
 * (test/unit/audit-rollups.test.ts checks it), `samples` included.
 */
import { ROLLUP_MS, scanProbe, windowSamples, type AuditStore } from '../audit/index.js';
import { measureRecovery, type FaultWindow, type RecoveryReport } from '../probes/index.js';

/** How far before an inject samples are read: enough for every series' previous sample. */
const LOOKBACK_INTERVALS = 5;
const LOOKBACK_MIN_MS = 10_000;
/** After the last unhealthy bucket, this many intervals (plus a bucket) must show every series recovered. */
const SETTLE_INTERVALS = 3;

export function measureStoredRecovery(audit: AuditStore, runId: string, w: FaultWindow & { until: number }, o: { rawLimit?: number } = {}): RecoveryReport {
  const from = w.injectAt - Math.max(LOOKBACK_INTERVALS * w.intervalMs, LOOKBACK_MIN_MS);
  const to = w.until + 1;
  const full = () => measureRecovery(windowSamples(audit, runId, w.probeId, from, to), w);

  const scan = scanProbe(audit, runId, w.probeId, { from: w.injectAt, to, rawLimit: o.rawLimit });
  if (scan.exact) return full();
  // Probe rows of whole buckets inside [injectAt, until]; the ragged ends are read raw below.
  const rows = scan.rollups.filter((r) => r.series === null);
  let lastBad = -1;
  rows.forEach((r, i) => {
    if (r.bad > 0) lastBad = i;
  });
  const settleMs = (SETTLE_INTERVALS + (w.healthyAfter ?? 3)) * w.intervalMs;
  const cut = Math.ceil(((lastBad >= 0 ? rows[lastBad]!.bucket_ms + ROLLUP_MS : scan.rollFrom) + settleMs) / ROLLUP_MS) * ROLLUP_MS;
  if (cut >= scan.rollTo) return full();
  const head = windowSamples(audit, runId, w.probeId, from, cut);
  const tail = windowSamples(audit, runId, w.probeId, scan.rollTo, to);
  if (tail.some((s) => !s.healthy)) return full();
  const r = measureRecovery([...head, ...tail], w);
  if (r.series.some((s) => s.detectedAt !== undefined && s.recoveredAt === undefined)) return full();
  const skipped = rows.filter((x) => x.bucket_ms >= cut).reduce((n, x) => n + x.n, 0);
  return { ...r, samples: r.samples + skipped };
}
