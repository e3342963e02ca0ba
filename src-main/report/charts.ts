/**
 * One chart per probe, rendered on the server to an SVG string with echarts' SSR renderer (no DOM,
 * no browser, no script in the page): its series (or a min/mean/max envelope when there are many),
 * the share of unhealthy samples as a red area on a second axis, each fault as a shaded band from
 * inject to revert, and each phase start as a dashed line. The data is already downsampled
 * (samples.ts), so a chart costs the same for a 1-minute drill and a 2-hour game day.
 */
import * as echarts from 'echarts';
import { fmtElapsed } from './format.js';
import type { ChartMarks, ProbeChart } from './types.js';

/** Fits the A4 text width (≈ 180 mm at 96 dpi ≈ 680 px) with the page margins used in html-css.ts. */
export const CHART_WIDTH = 680;
export const CHART_HEIGHT = 230;

const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#57534e'];

/** Labels reach the SVG as text; keep them short so they never run off the chart. */
const label = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function renderChartSvg(c: ProbeChart, marks: ChartMarks): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    const envelope = c.mode === 'envelope';
    const lines = c.lines.map((l, i) => ({
      name: label(l.name),
      type: 'line' as const,
      data: l.points,
      showSymbol: false,
      lineStyle: { width: envelope && l.name !== 'mean' ? 0.8 : 1.4, color: envelope ? (l.name === 'mean' ? PALETTE[0] : '#94a3b8') : PALETTE[i % PALETTE.length] },
      itemStyle: { color: envelope ? (l.name === 'mean' ? PALETTE[0] : '#94a3b8') : PALETTE[i % PALETTE.length] },
      yAxisIndex: 0,
    }));
    const unhealthy = {
      name: 'unhealthy %',
      type: 'line' as const,
      step: 'end' as const,
      data: c.unhealthyPct,
      showSymbol: false,
      yAxisIndex: 1,
      lineStyle: { width: 0 },
      itemStyle: { color: '#dc2626' },
      areaStyle: { color: 'rgba(220,38,38,0.28)' },
      markArea: {
        silent: true,
        itemStyle: { color: 'rgba(245,158,11,0.16)', borderColor: 'rgba(217,119,6,0.6)', borderWidth: 0.5 },
        label: { show: true, position: 'insideTopLeft' as const, fontSize: 9, color: '#92400e' },
        data: marks.faults.map((f) => [{ xAxis: f.fromMs, name: label(f.label, 24) }, { xAxis: Math.max(f.toMs, f.fromMs + 1) }]),
      },
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { type: 'dashed' as const, color: '#64748b', width: 0.8 },
        // At the top end of each line, horizontal, so the phase names read like column headings.
        label: { show: true, position: 'end' as const, fontSize: 8.5, color: '#475569', formatter: '{b}' },
        data: marks.phases.map((p) => ({ xAxis: p.atMs, name: label(p.label, 20) })),
      },
    };
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
      grid: { left: 52, right: 44, top: 22, bottom: 44 },
      legend: { show: true, bottom: 0, left: 'center', itemWidth: 14, itemHeight: 6, textStyle: { fontSize: 9 }, data: [...lines.map((l) => l.name), 'unhealthy %'] },
      xAxis: { type: 'value', min: 0, max: Math.max(marks.endMs, 1), axisLabel: { fontSize: 9, formatter: (v: number) => fmtElapsed(v).slice(2) }, splitLine: { show: false } },
      yAxis: [
        // The axis name would collide with the first phase label; the caption names the value instead.
        { type: 'value', axisLabel: { fontSize: 9 }, scale: true, splitLine: { lineStyle: { color: '#eef2f7' } } },
        { type: 'value', min: 0, max: 100, axisLabel: { fontSize: 9, formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [...lines, unhealthy],
    });
    // Namespace attributes are identifiers, not resources, but a self-contained page needs neither.
    return chart.renderToSVGString().replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    chart.dispose();
  }
}
