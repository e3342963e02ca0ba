/**
 * The echarts option for one probe chart: per-series lines (few series) or an envelope (many), the
 * time window ending now, and a shaded band per fault from inject to revert (still open: to now).
 */
import type { SampleSeries } from '../store/probe-data.js';
import { envelope, MAX_INDIVIDUAL_LINES } from './aggregate.js';
import { minMaxBuckets, type XY } from './downsample.js';

export interface FaultBand {
  label: string;
  from: number;
  to: number;
}

export interface ChartColours {
  text: string;
  grid: string;
  band: string;
  bandText: string;
  bad: string;
  palette: string[];
}

export interface ChartInput {
  series: ReadonlyMap<string, SampleSeries>;
  fromT: number;
  toT: number;
  /** Time buckets: about half the plot width in px (2 points per bucket = 1 per px). */
  buckets: number;
  bands: FaultBand[];
  colours: ChartColours;
  unit: string;
  /** Replay: a vertical cursor line at this time (the debrief's "now"). */
  cursorT?: number;
}

type LineSeries = {
  type: 'line';
  /** The series' identity for echarts' merge (replaceMerge by id: a line never takes another's place). */
  id: string;
  name: string;
  data: XY[];
  showSymbol: false;
  connectNulls: false;
  animation: false;
  sampling: 'lttb';
  large: true;
  lineStyle: { width: number; color?: string; type?: 'solid' | 'dashed' };
  itemStyle?: { color: string };
  yAxisIndex?: number;
  step?: 'end';
  markArea?: unknown;
  markLine?: unknown;
  z?: number;
};

export function chartOption(c: ChartInput): Record<string, unknown> {
  const lines: LineSeries[] = [];
  const base = { type: 'line' as const, showSymbol: false as const, connectNulls: false as const, animation: false as const, sampling: 'lttb' as const, large: true as const };
  let aggregated = false;
  if (c.series.size <= MAX_INDIVIDUAL_LINES) {
    let i = 0;
    // By name, so a node keeps its colour on every chart and in the debrief (arrival order varies).
    for (const [name, buf] of [...c.series].sort((x, y) => x[0].localeCompare(y[0], undefined, { numeric: true }))) {
      const colour = c.colours.palette[i++ % c.colours.palette.length]!;
      lines.push({ ...base, id: `s:${name}`, name, data: minMaxBuckets(buf, c.fromT, c.toT, c.buckets), lineStyle: { width: 2, color: colour }, itemStyle: { color: colour } });
    }
  } else {
    aggregated = true;
    const env = envelope(c.series.values(), c.fromT, c.toT, c.buckets);
    const [p0 = '#4ea1ff', p1 = '#9aa5b1'] = c.colours.palette;
    lines.push({ ...base, id: 'env:max', name: 'max', data: env.max, lineStyle: { width: 1, color: p1, type: 'dashed' }, itemStyle: { color: p1 } });
    lines.push({ ...base, id: 'env:mean', name: 'mean', data: env.mean, lineStyle: { width: 2.5, color: p0 }, itemStyle: { color: p0 } });
    lines.push({ ...base, id: 'env:min', name: 'min', data: env.min, lineStyle: { width: 1, color: p1, type: 'dashed' }, itemStyle: { color: p1 } });
    lines.push({ ...base, id: 'env:unhealthy', name: 'unhealthy series', data: env.unhealthy, yAxisIndex: 1, step: 'end', lineStyle: { width: 2, color: c.colours.bad }, itemStyle: { color: c.colours.bad } });
  }
  const carrier = lines[0] ?? { ...base, id: 'empty', name: '', data: [], lineStyle: { width: 0 } };
  carrier.markArea = {
    silent: true,
    itemStyle: { color: c.colours.band },
    label: { color: c.colours.bandText, position: 'insideTopLeft', fontSize: 12 },
    data: c.bands.map((b) => [{ name: b.label, xAxis: Math.max(b.from, c.fromT) }, { xAxis: Math.min(b.to, c.toT) }]),
  };
  if (c.cursorT !== undefined) {
    carrier.markLine = { silent: true, symbol: 'none', animation: false, lineStyle: { color: c.colours.text, width: 2, type: 'solid' }, label: { show: false }, data: [{ xAxis: c.cursorT }] };
  }
  if (lines.length === 0) lines.push(carrier);
  return {
    animation: false,
    grid: { left: 56, right: aggregated ? 48 : 16, top: 28, bottom: 28 },
    legend: { show: true, top: 0, left: 64, right: aggregated ? 56 : 16, textStyle: { color: c.colours.text }, type: 'scroll', itemWidth: 18, itemHeight: 8 },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'time', min: c.fromT, max: c.toT, axisLabel: { color: c.colours.text, hideOverlap: true }, axisLine: { lineStyle: { color: c.colours.grid } }, splitLine: { show: false } },
    yAxis: [
      { type: 'value', name: c.unit, nameLocation: 'middle', nameGap: 40, nameTextStyle: { color: c.colours.text }, axisLabel: { color: c.colours.text }, splitLine: { lineStyle: { color: c.colours.grid } }, scale: true },
      ...(aggregated ? [{ type: 'value', min: 0, minInterval: 1, axisLabel: { color: c.colours.bad }, splitLine: { show: false } }] : []),
    ],
    series: lines,
  };
}
