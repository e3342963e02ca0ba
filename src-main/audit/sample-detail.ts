/**
 * Series and latency from a sample's `detail` (probes/batcher.ts toRow: `{"series":…,"latencyMs":…}`).
 * A 2-hour game day has millions of these, and JSON.parse of each costs more than everything else a
 * reader does with the row, so the two fields are read in place; anything unusual (an escaped quote
 * in the series name, a missing field) falls back to JSON.parse, so the result is the same.
 */
const SERIES_KEY = '"series":"';
const LATENCY_KEY = '"latencyMs":';

export function parseDetail(detail: string | null | undefined): { series: string; latencyMs: number } {
  if (!detail) return { series: 'default', latencyMs: 0 };
  const si = detail.indexOf(SERIES_KEY);
  const li = detail.indexOf(LATENCY_KEY);
  if (si >= 0 && li >= 0) {
    const start = si + SERIES_KEY.length;
    const end = detail.indexOf('"', start);
    const latencyMs = Number.parseFloat(detail.slice(li + LATENCY_KEY.length, li + LATENCY_KEY.length + 24));
    if (end >= 0 && !detail.slice(start, end).includes('\\') && Number.isFinite(latencyMs)) return { series: detail.slice(start, end), latencyMs };
  }
  try {
    const d = JSON.parse(detail) as { series?: unknown; latencyMs?: unknown };
    return { series: typeof d.series === 'string' ? d.series : 'default', latencyMs: typeof d.latencyMs === 'number' ? d.latencyMs : 0 };
  } catch {
    return { series: 'default', latencyMs: 0 };
  }
}
