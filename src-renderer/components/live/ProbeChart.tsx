/**
 * One live probe chart. Draws from the probe buffers (not React state) through the chart scheduler:
 * at most 4 redraws a second, downsampled to the pixel width, fault bands from inject to revert.
 */
import { useEffect, useRef } from 'react';
import { init, use, type ECharts } from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { chartScheduler } from '../../lib/chart-scheduler.js';
import { bandLabelLanes, chartOption, GAP_INTERVALS, plotWidthOf, type ChartColours, type FaultBand } from '../../lib/chart-option.js';
import { MAX_INDIVIDUAL_LINES } from '../../lib/aggregate.js';
import { useConsoleStore } from '../../store/store.js';

use([LineChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, CanvasRenderer]);

/** The chart shows the last 5 minutes: a fault, its detection and its recovery fit on screen. */
export const CHART_WINDOW_MS = 5 * 60_000;
/** Shown before the run's start (the baseline the room compares against), and the minimum width. */
const RUN_LEAD_IN_MS = 15_000;

/** Chart colours from the theme's CSS variables (shared with the debrief's replay charts). */
export function chartColours(el: Element): ChartColours {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--fg-muted', '#9aa5b1'),
    grid: v('--border', '#2a313c'),
    band: v('--fault-band', 'rgba(255,80,80,0.18)'),
    bandText: v('--bad', '#ff6b6b'),
    bad: v('--bad', '#ff6b6b'),
    palette: [v('--chart-1', '#4ea1ff'), v('--chart-2', '#f5a524'), v('--chart-3', '#38d39f'), v('--chart-4', '#c084fc'), v('--chart-5', '#f472b6'), v('--chart-6', '#22d3ee')],
  };
}

/**
 * What a chart draws, as data attributes for tests and assistive tech: its axis label, the gaps in
 * its lines, and each fault band's label lane (no two labels share a lane where they would overlap).
 */
export function describeChart(fig: HTMLElement, option: Record<string, unknown>, bands: FaultBand[], fromT: number, toT: number, plotWidthPx: number): void {
  const lines = option.series as Array<{ data: Array<[number, number | null]> }>;
  fig.dataset.unit = String((option.yAxis as Array<{ name?: string }>)[0]?.name ?? '');
  fig.dataset.gaps = String(lines.reduce((n, l) => n + l.data.filter((p) => p[1] === null).length, 0));
  fig.dataset.bandLanes = bandLabelLanes(bands, fromT, toT, plotWidthPx).map((l) => l.lane).join(',');
  // The width this drawing was made for: a screenshot after a resize can wait until it matches.
  fig.dataset.drawnWidth = String(fig.querySelector('.chart-canvas')?.clientWidth ?? 0);
}

export function ProbeChart({ probeId, title, unit, intervalMs }: { probeId: string; title: string; unit: string; intervalMs: number }) {
  const store = useConsoleStore();
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: ECharts | null = init(el, undefined, { renderer: 'canvas' });
    const draw = (): void => {
      if (!chart) return;
      const s = store.getState();
      const now = Date.now() + s.clockOffsetMs;
      // The last 5 minutes, but not minutes before the run began: early on, the run fills the chart.
      const from = Math.max(now - CHART_WINDOW_MS, (s.run?.startedAt ?? now) - RUN_LEAD_IN_MS);
      const bands: FaultBand[] = Object.values(s.faults)
        .filter((f) => f.injectedAt !== undefined)
        .map((f) => ({ label: `${f.kind}@${f.node}`, from: f.injectedAt!, to: s.faultEndedAt[f.id] ?? now }))
        .filter((b) => b.to >= from);
      const buckets = Math.max(50, Math.floor(el.clientWidth / 2));
      const series = s.probeData.series(probeId);
      const plotWidthPx = plotWidthOf(el.clientWidth, series.size > MAX_INDIVIDUAL_LINES);
      const option = chartOption({ series, fromT: from, toT: now, buckets, bands, colours: chartColours(el), unit, maxGapMs: GAP_INTERVALS * intervalMs, plotWidthPx });
      chart.setOption(option, { replaceMerge: ['series'], lazyUpdate: false, silent: true });
      // Paint now, inside the scheduler's frame budget, instead of in zrender's own next frame
      // (where every chart updated in this frame would paint at once).
      chart.getZr().flush();
      // What the chart shows, as data for tests and assistive tech: points, fault bands, unhealthy series.
      const fig = el.parentElement;
      if (fig) {
        const bufs = [...s.probeData.series(probeId).values()];
        fig.dataset.points = String(bufs.reduce((n, b) => n + b.length, 0));
        fig.dataset.bands = String(bands.length);
        fig.dataset.unhealthy = String(bufs.filter((b) => b.lastHealthy() === false).length);
        describeChart(fig, option, bands, from, now, plotWidthPx);
      }
    };
    const unregister = chartScheduler.register(probeId, draw);
    const offData = store.getState().probeData.subscribe((id) => (id === probeId || id === '*') && chartScheduler.markDirty(probeId));
    // Faults and the theme change the bands and colours; the window also slides with time.
    const offStore = store.subscribe((s, p) => (s.faults !== p.faults || s.theme !== p.theme || s.faultEndedAt !== p.faultEndedAt) && chartScheduler.markDirty(probeId));
    const slide = setInterval(() => chartScheduler.markDirty(probeId), 1000);
    const ro = new ResizeObserver(() => {
      chart?.resize();
      chartScheduler.markDirty(probeId);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      clearInterval(slide);
      offStore();
      offData();
      unregister();
      chart?.dispose();
      chart = null;
    };
  }, [store, probeId, unit, intervalMs]);

  return (
    <figure className="probe-chart" data-testid={`chart-${probeId}`}>
      <figcaption>{title}</figcaption>
      <div ref={host} className="chart-canvas" role="img" aria-label={`Live chart of probe ${title}`} />
    </figure>
  );
}
