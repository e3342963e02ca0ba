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
  /** The y axis's label: what the value measures, with its unit (api/units.ts). */
  unit: string;
  /** Replay: a vertical cursor line at this time (the debrief's "now"). */
  cursorT?: number;
  /** Samples further apart than this are a gap in the line (see minMaxBuckets). */
  maxGapMs?: number;
  /** Width of the plot area in px, to keep fault-band labels apart (default: 2 px per bucket). */
  plotWidthPx?: number;
}

/**
 * Missing samples for longer than this many probe intervals are a gap in the line. Three: a sample
 * delivered a little late is no gap; two in a row missing is something the room should see.
 */
export const GAP_INTERVALS = 3;

/** Grid margins of the chart, in px (the y axis's name and labels sit in the left one). */
const GRID = { left: 64, right: 16, rightAggregated: 48, top: 28, bottom: 44 };
/** Fault-band label: font size, an upper bound of a character's width, and the height of one lane (px). */
const BAND_FONT_PX = 12;
const BAND_CHAR_PX = 7.2;
const BAND_LANE_PX = 16;
/** Lanes of band labels before they are merged into the last one (a chart is ~200 px high). */
export const MAX_BAND_LANES = 4;

/**
 * A lane (0 = top) for each fault band's label so no two labels overlap: a label starts where its
 * band starts (or at the left edge; moved left by -dx px when it would run off the right edge) and
 * is `label.length × BAND_CHAR_PX` wide; each takes the highest lane whose last label ends before it starts. Past MAX_BAND_LANES, labels of the bands
 * that do not fit are joined into one line in the last lane ("+ kind@node, …").
 */
export function bandLabelLanes(bands: readonly FaultBand[], fromT: number, toT: number, plotWidthPx: number): Array<{ lane: number; text: string; dx: number }> {
  const span = Math.max(1, toT - fromT);
  const width = (b: FaultBand): number => b.label.length * BAND_CHAR_PX + 6;
  // A label starts where its band starts, moved left (dx < 0) when it would run off the plot's right edge.
  const placed = bands.map((b, i) => {
    const x0 = ((Math.max(b.from, fromT) - fromT) / span) * plotWidthPx;
    const x = Math.max(0, Math.min(x0, plotWidthPx - width(b)));
    return { i, x, dx: x - x0 };
  });
  const order = [...placed].sort((a, b) => a.x - b.x || a.i - b.i);
  const laneEnd: number[] = [];
  const out: Array<{ lane: number; text: string; dx: number }> = bands.map((b) => ({ lane: 0, text: b.label, dx: 0 }));
  const overflow: number[] = [];
  for (const { i, x, dx } of order) {
    let lane = laneEnd.findIndex((end) => end <= x);
    if (lane < 0) lane = laneEnd.length;
    if (lane >= MAX_BAND_LANES) {
      overflow.push(i);
      out[i] = { lane: -1, text: '', dx: 0 };
      continue;
    }
    laneEnd[lane] = x + width(bands[i]!);
    out[i] = { lane, text: bands[i]!.label, dx };
  }
  if (overflow.length) {
    // One more line under the lanes lists the rest: every band is still named, none overlaps.
    const first = overflow[0]!;
    const text = `+ ${overflow.map((i) => bands[i]!.label).join(', ')}`;
    out[first] = { lane: MAX_BAND_LANES, text, dx: -placed[first]!.x };
  }
  return out;
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

/** Plot width for the band labels: the element's width minus the grid's margins. */
export function plotWidthOf(elWidth: number, aggregated: boolean): number {
  return Math.max(50, elWidth - GRID.left - (aggregated ? GRID.rightAggregated : GRID.right));
}

export function chartOption(c: ChartInput): Record<string, unknown> {
  const lines: LineSeries[] = [];
  const base = { type: 'line' as const, showSymbol: false as const, connectNulls: false as const, animation: false as const, sampling: 'lttb' as const, large: true as const };
  let aggregated = false;
  if (c.series.size <= MAX_INDIVIDUAL_LINES) {
    let i = 0;
    // By name, so a node keeps its colour on every chart and in the debrief (arrival order varies).
    for (const [name, buf] of [...c.series].sort((x, y) => x[0].localeCompare(y[0], undefined, { numeric: true }))) {
      const colour = c.colours.palette[i++ % c.colours.palette.length]!;
      lines.push({ ...base, id: `s:${name}`, name, data: minMaxBuckets(buf, c.fromT, c.toT, c.buckets, c.maxGapMs), lineStyle: { width: 2, color: colour }, itemStyle: { color: colour } });
    }
  } else {
    aggregated = true;
    const env = envelope(c.series.values(), c.fromT, c.toT, c.buckets, c.maxGapMs);
    const [p0 = '#4ea1ff', p1 = '#9aa5b1'] = c.colours.palette;
    lines.push({ ...base, id: 'env:max', name: 'max', data: env.max, lineStyle: { width: 1, color: p1, type: 'dashed' }, itemStyle: { color: p1 } });
    lines.push({ ...base, id: 'env:mean', name: 'mean', data: env.mean, lineStyle: { width: 2.5, color: p0 }, itemStyle: { color: p0 } });
    lines.push({ ...base, id: 'env:min', name: 'min', data: env.min, lineStyle: { width: 1, color: p1, type: 'dashed' }, itemStyle: { color: p1 } });
    lines.push({ ...base, id: 'env:unhealthy', name: 'unhealthy series', data: env.unhealthy, yAxisIndex: 1, step: 'end', lineStyle: { width: 2, color: c.colours.bad }, itemStyle: { color: c.colours.bad } });
  }
  const carrier = lines[0] ?? { ...base, id: 'empty', name: '', data: [], lineStyle: { width: 0 } };
  const lanes = bandLabelLanes(c.bands, c.fromT, c.toT, c.plotWidthPx ?? Math.max(100, c.buckets * 2 - GRID.left - GRID.right));
  carrier.markArea = {
    silent: true,
    itemStyle: { color: c.colours.band },
    label: { color: c.colours.bandText, position: 'insideTopLeft', fontSize: BAND_FONT_PX },
    data: c.bands.map((b, i) => {
      const l = lanes[i]!;
      return [{ name: l.text, xAxis: Math.max(b.from, c.fromT), label: { show: l.lane >= 0, offset: [l.dx, Math.max(0, l.lane) * BAND_LANE_PX] } }, { xAxis: Math.min(b.to, c.toT) }];
    }),
  };
  if (c.cursorT !== undefined) {
    carrier.markLine = { silent: true, symbol: 'none', animation: false, lineStyle: { color: c.colours.text, width: 2, type: 'solid' }, label: { show: false }, data: [{ xAxis: c.cursorT }] };
  }
  if (lines.length === 0) lines.push(carrier);
  return {
    animation: false,
    grid: { left: GRID.left, right: aggregated ? GRID.rightAggregated : GRID.right, top: GRID.top, bottom: GRID.bottom },
    legend: { show: true, top: 0, left: GRID.left + 8, right: aggregated ? 56 : 16, textStyle: { color: c.colours.text }, type: 'scroll', itemWidth: 18, itemHeight: 8 },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'time', name: 'time of day (local)', nameLocation: 'middle', nameGap: 26, nameTextStyle: { color: c.colours.text }, min: c.fromT, max: c.toT, axisLabel: { color: c.colours.text, hideOverlap: true }, axisLine: { lineStyle: { color: c.colours.grid } }, splitLine: { show: false } },
    yAxis: [
      { type: 'value', name: c.unit, nameLocation: 'middle', nameGap: 46, nameTextStyle: { color: c.colours.text }, axisLabel: { color: c.colours.text }, splitLine: { lineStyle: { color: c.colours.grid } }, scale: true },
      ...(aggregated ? [{ type: 'value', name: 'unhealthy series', nameLocation: 'middle', nameGap: 30, nameTextStyle: { color: c.colours.bad }, min: 0, minInterval: 1, axisLabel: { color: c.colours.bad }, splitLine: { show: false } }] : []),
    ],
    series: lines,
  };
}
