/**
 * What a probe's sample value measures, for chart axes: the same words live, in the debrief and in
 * the report. http and tcp values are times; gpu values carry the metric's unit; a command or a
 * Prometheus query gives a bare number, and the axis says where it came from.
 */

const GPU_UNITS: Record<string, string> = { tempC: 'temperature (°C)', powerW: 'power (W)', utilPct: 'utilisation (%)', vramUsedB: 'VRAM used (bytes)' };

/** The y-axis label of a probe's chart, e.g. "latency (ms)" (a runbook probe, or just its kind). */
export function probeUnit({ kind, metric }: { kind: string; metric?: string }): string {
  switch (kind) {
    case 'http':
      return 'latency (ms)';
    case 'tcp':
      return 'connect time (ms)';
    case 'gpu':
      return (metric && GPU_UNITS[metric]) || 'GPU metric';
    case 'command':
      return 'number from the output';
    case 'prometheus':
      return 'query value';
    default:
      return 'value';
  }
}
