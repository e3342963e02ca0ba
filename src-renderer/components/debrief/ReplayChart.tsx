/**
 * One probe in the debrief: the whole run on the x axis, data drawn up to the playhead, a cursor
 * line there, and fault bands up to it. Redraws go through the page's chart scheduler (at most
 * 4×/s per chart, within a per-frame budget), however fast the playhead moves.
 */
import { useEffect, useRef } from 'react';
import { init, use, type ECharts } from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { chartScheduler } from '../../lib/chart-scheduler.js';
import { chartOption, GAP_INTERVALS, plotWidthOf } from '../../lib/chart-option.js';
import { MAX_INDIVIDUAL_LINES } from '../../lib/aggregate.js';
import { bandsAt, type Replay, type StaticSeries } from '../../lib/replay.js';
import type { ReplayClock } from '../../lib/replay-clock.js';
import { chartColours, describeChart } from '../live/ProbeChart.js';
import { useConsole } from '../../store/store.js';

use([LineChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

/**
 * `intervalMs`: the probe's interval, when known. The replay's points may be thinned (a long run),
 * so a gap is also never shorter than three times the thinned spacing: thinning is no outage.
 */
export function ReplayChart({ replay, clock, probeId, unit, intervalMs }: { replay: Replay; clock: ReplayClock; probeId: string; unit: string; intervalMs?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useConsole((s) => s.theme);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: ECharts | null = init(el, undefined, { renderer: 'canvas' });
    const id = `replay:${probeId}`;
    const full = replay.probes.get(probeId) ?? new Map<string, StaticSeries>();
    const most = Math.max(1, ...[...full.values()].map((x) => x.length));
    const maxGapMs = GAP_INTERVALS * Math.max(intervalMs ?? 0, (replay.endedAt - replay.startedAt) / most);
    const draw = (): void => {
      if (!chart) return;
      const at = replay.startedAt + clock.getSnapshot().positionMs;
      const cut = new Map([...full].map(([name, s]) => [name, s.cut(at)]));
      const bands = bandsAt(replay, at);
      const buckets = Math.max(50, Math.floor(el.clientWidth / 2));
      const plotWidthPx = plotWidthOf(el.clientWidth, cut.size > MAX_INDIVIDUAL_LINES);
      const option = chartOption({ series: cut, fromT: replay.startedAt, toT: replay.endedAt, buckets, bands, colours: chartColours(el), unit, cursorT: at, maxGapMs, plotWidthPx });
      chart.setOption(option, { replaceMerge: ['series'], lazyUpdate: false, silent: true });
      chart.getZr().flush();
      const fig = el.parentElement;
      if (fig) {
        fig.dataset.points = String([...cut.values()].reduce((n, s) => n + s.length, 0));
        fig.dataset.bands = String(bands.length);
        fig.dataset.cursor = String(Math.round(at));
        describeChart(fig, option, bands, replay.startedAt, replay.endedAt, plotWidthPx);
      }
    };
    const unregister = chartScheduler.register(id, draw);
    const off = clock.subscribe(() => chartScheduler.markDirty(id));
    const ro = new ResizeObserver(() => {
      chart?.resize();
      chartScheduler.markDirty(id);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      off();
      unregister();
      chart?.dispose();
      chart = null;
    };
  }, [replay, clock, probeId, theme, unit, intervalMs]);
  return (
    <figure className="probe-chart" data-testid={`replay-chart-${probeId}`}>
      <figcaption>{probeId}</figcaption>
      <div ref={host} className="chart-canvas" role="img" aria-label={`Replay of probe ${probeId}`} />
    </figure>
  );
}
