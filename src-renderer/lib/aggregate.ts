/**
 * Many series in one chart (a probe over 200 nodes) cannot be read as 200 lines, and drawing them
 * costs more than a frame. Above a threshold the chart shows the envelope instead — min, mean and
 * max per time bucket — plus how many series are unhealthy in each bucket.
 */
import type { SampleSeries } from '../store/probe-data.js';
import type { XY } from './downsample.js';

/** Up to this many series are drawn one line each; more become an envelope. */
export const MAX_INDIVIDUAL_LINES = 16;

export interface Envelope {
  min: XY[];
  mean: XY[];
  max: XY[];
  unhealthy: XY[];
}

/** `maxGapMs`: buckets with no sample for longer than this break the lines (see minMaxBuckets). */
export function envelope(bufs: Iterable<SampleSeries>, fromT: number, toT: number, buckets: number, maxGapMs = Number.POSITIVE_INFINITY): Envelope {
  const width = (toT - fromT) / buckets;
  const min = new Float64Array(buckets).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(buckets).fill(Number.NEGATIVE_INFINITY);
  const sum = new Float64Array(buckets);
  const cnt = new Uint32Array(buckets);
  const bad = new Uint32Array(buckets);
  const seen = new Uint8Array(buckets);
  for (const buf of bufs) {
    // Per series and bucket, count "unhealthy" once: the bucket's last sample decides.
    const lastOk = new Int8Array(buckets).fill(-1);
    for (let k = buf.firstAtOrAfter(fromT); k < buf.length; k++) {
      const i = buf.at(k);
      const t = buf.t[i]!;
      const b = Math.min(buckets - 1, Math.floor((t - fromT) / width));
      seen[b] = 1;
      lastOk[b] = buf.ok[i]!;
      const v = buf.v[i]!;
      if (Number.isNaN(v)) continue;
      if (v < min[b]!) min[b] = v;
      if (v > max[b]!) max[b] = v;
      sum[b] = sum[b]! + v;
      cnt[b] = cnt[b]! + 1;
    }
    for (let b = 0; b < buckets; b++) if (lastOk[b] === 0) bad[b] = bad[b]! + 1;
  }
  const out: Envelope = { min: [], mean: [], max: [], unhealthy: [] };
  let lastT = Number.NaN;
  for (let b = 0; b < buckets; b++) {
    if (!seen[b]) continue;
    const t = fromT + (b + 0.5) * width;
    if (t - lastT > maxGapMs + width) {
      const mid = (t + lastT) / 2;
      for (const line of [out.min, out.mean, out.max, out.unhealthy]) line.push([mid, null]);
    }
    lastT = t;
    const has = cnt[b]! > 0;
    out.min.push([t, has ? min[b]! : null]);
    out.max.push([t, has ? max[b]! : null]);
    out.mean.push([t, has ? sum[b]! / cnt[b]! : null]);
    out.unhealthy.push([t, bad[b]!]);
  }
  return out;
}
