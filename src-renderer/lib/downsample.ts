/**
 * Min/max bucket downsampling: a series of thousands of points becomes 2 points per pixel column
 * without losing spikes (LTTB smooths them; for outage detection the spike is the point). NaN gaps
 * (failed probes) are kept as gaps.
 */
import type { SampleSeries } from '../store/probe-data.js';

/** [time, value] pairs for echarts; null value = gap. */
export type XY = [number, number | null];

/**
 * Downsample the part of `buf` at or after `fromT` into at most 2×`buckets` points.
 * Buckets are equal time slices of [fromT, toT]. Where two samples are more than `maxGapMs` apart
 * (samples missing: the probe could not run, the link was down), a null point breaks the line: a
 * chart must not draw a straight line across an outage as if it had been measured.
 */
export function minMaxBuckets(buf: SampleSeries, fromT: number, toT: number, buckets: number, maxGapMs = Number.POSITIVE_INFINITY): XY[] {
  const n = buf.length;
  const out: XY[] = [];
  if (n === 0 || toT <= fromT) return out;
  const width = (toT - fromT) / buckets;
  let cur = -1;
  let minV = 0;
  let minT = 0;
  let maxV = 0;
  let maxT = 0;
  let any = false;
  let gap = false;
  let prevT = Number.NaN;
  const flush = (): void => {
    if (any) {
      if (minT <= maxT) out.push([minT, minV], [maxT, maxV]);
      else out.push([maxT, maxV], [minT, minV]);
    }
    if (gap && !any) out.push([fromT + (cur + 0.5) * width, null]);
    any = false;
    gap = false;
  };
  for (let k = buf.firstAtOrAfter(fromT); k < n; k++) {
    const i = buf.at(k);
    const t = buf.t[i]!;
    const b = Math.min(buckets - 1, Math.floor((t - fromT) / width));
    if (t - prevT > maxGapMs) {
      flush();
      out.push([prevT + (t - prevT) / 2, null]);
      cur = b;
    } else if (b !== cur) {
      flush();
      cur = b;
    }
    prevT = t;
    const v = buf.v[i]!;
    if (Number.isNaN(v)) {
      gap = true;
      continue;
    }
    if (!any) {
      minV = maxV = v;
      minT = maxT = t;
      any = true;
    } else if (v < minV) {
      minV = v;
      minT = t;
    } else if (v > maxV) {
      maxV = v;
      maxT = t;
    }
  }
  flush();
  return out;
}
