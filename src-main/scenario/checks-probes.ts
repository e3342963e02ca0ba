/**
 * Probe rules that involve more than one field: timing (interval ≥ 100 ms, timeout < interval),
 * URL/address syntax with per-node placeholders, and number extraction.
 */
import { closest } from './suggest.js';
import { durationMs } from './model.js';
import type { Partiality } from './partial.js';
import type { Path, ProblemSink } from './problems.js';
import type { ProbeSpec, Scenario } from './schema.js';

/**
 * Faster sampling than 10 per second measures the probe, not the system, and would flood the
 * audit's sample table; recovery precision is bounded by the interval anyway (DESIGN.md).
 */
export const MIN_PROBE_INTERVAL_MS = 100;

/** Placeholders filled per node of the probe's target. */
export const PLACEHOLDERS = ['host', 'name', 'port'] as const;
const PLACEHOLDER_RE = /\{([^{}]*)\}/g;
/** What a placeholder stands in for while we check the syntax of the rest. */
const SAMPLE: Record<(typeof PLACEHOLDERS)[number], string> = { host: 'node.example', name: 'node01', port: '22' };

/** Checks placeholders; returns the text with known ones filled with samples, or null when one is unknown. */
function fillPlaceholders(text: string, p: ProbeSpec, path: Path, sink: ProblemSink): string | null {
  let ok = true;
  let used = false;
  const filled = text.replace(PLACEHOLDER_RE, (all, name: string) => {
    if ((PLACEHOLDERS as readonly string[]).includes(name)) {
      used = true;
      return SAMPLE[name as keyof typeof SAMPLE];
    }
    ok = false;
    const near = closest(name, PLACEHOLDERS);
    sink.add(path, `unknown placeholder ${all}`, { hint: near.length ? `did you mean {${near[0]}}? (placeholders: {host}, {name}, {port})` : 'placeholders: {host}, {name}, {port}' });
    return all;
  });
  if (used && p.target === undefined) {
    sink.add(path, 'placeholders need a target to fill them from', { hint: 'add target: <a targets key> to the probe' });
  }
  return ok ? filled : null;
}

function checkUrl(text: string, p: ProbeSpec, path: Path, sink: ProblemSink): void {
  const filled = fillPlaceholders(text, p, path, sink);
  if (filled === null) return;
  let u: URL;
  try {
    u = new URL(filled);
  } catch {
    sink.add(path, 'is not a URL', { hint: 'write e.g. http://{host}:8080/health' });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') sink.add(path, `URL scheme ${u.protocol} is not supported`, { hint: 'use http:// or https://' });
}

/** host:port, [v6]:port, with placeholders. */
function checkAddress(text: string, p: ProbeSpec, path: Path, sink: ProblemSink): void {
  const filled = fillPlaceholders(text, p, path, sink);
  if (filled === null) return;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(filled);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) sink.add(path, 'is not a host:port address', { hint: 'write e.g. "{host}:5432" or "10.0.0.5:443"' });
}

/** Number of capture groups in a (valid) regex source. */
function groupCount(src: string): number {
  return (new RegExp(`${src}|`).exec('')?.length ?? 1) - 1;
}

function checkProbe(p: ProbeSpec, i: number, sink: ProblemSink): void {
  const base: Path = ['probes', i];
  const interval = durationMs(p.interval);
  const timeout = durationMs(p.timeout);
  if (interval < MIN_PROBE_INTERVAL_MS) {
    sink.add([...base, 'interval'], `interval must be at least ${MIN_PROBE_INTERVAL_MS}ms`, { hint: 'probing faster measures the probe, not the system; try 500ms or 1s' });
  }
  if (timeout >= interval) {
    sink.add([...base, 'timeout'], 'timeout must be shorter than interval', { hint: `samples must not overlap: e.g. timeout ${Math.max(1, Math.floor(interval * 0.6))}ms for interval ${interval}ms` });
  } else if (timeout === 0) {
    sink.add([...base, 'timeout'], 'timeout must be more than 0', { hint: 'e.g. 300ms' });
  }
  switch (p.kind) {
    case 'http': {
      checkUrl(p.url, p, [...base, 'url'], sink);
      const maxLatency = p.expect?.maxLatency;
      if (maxLatency !== undefined && durationMs(maxLatency) > timeout) {
        sink.add([...base, 'expect', 'maxLatency'], 'maxLatency is longer than the timeout, so it can never be exceeded', { severity: 'warning', hint: 'lower maxLatency or raise timeout' });
      }
      if (p.expect?.equals !== undefined && p.expect.jsonPath === undefined) {
        sink.add([...base, 'expect', 'equals'], '"equals" compares the value at jsonPath, but no jsonPath is set', { hint: 'add jsonPath: $.field' });
      }
      return;
    }
    case 'tcp':
      return checkAddress(p.address, p, [...base, 'address'], sink);
    case 'command': {
      const e = p.expect;
      if (e?.extract !== undefined && groupCount(e.extract) < 1) {
        sink.add([...base, 'expect', 'extract'], 'extract needs a capture group holding the number', { hint: 'e.g. "lag=(\\\\d+)"' });
      }
      if (e?.extract !== undefined && e.number === undefined) {
        sink.add([...base, 'expect', 'extract'], 'extract has no effect without number bounds', { severity: 'warning', hint: 'add number: { below: N } or remove extract' });
      }
      return checkBounds(e?.number, [...base, 'expect', 'number'], sink);
    }
    case 'gpu':
      return checkBounds(p.expect, [...base, 'expect'], sink);
    case 'prometheus':
      checkUrl(p.url, p, [...base, 'url'], sink);
      return checkBounds(p.expect, [...base, 'expect'], sink);
  }
}

function checkBounds(b: { above?: number | undefined; below?: number | undefined } | undefined, path: Path, sink: ProblemSink): void {
  if (!b) return;
  if (b.above === undefined && b.below === undefined) {
    sink.add(path, 'give "above", "below" or both', { hint: 'e.g. { above: 50 } is healthy when the value is over 50' });
  } else if (b.above !== undefined && b.below !== undefined && b.above >= b.below) {
    sink.add(path, `no value is above ${b.above} and below ${b.below}`, { hint: 'healthy means above < value < below' });
  }
}

/** Run the probe checks (stand-ins of a partial model are skipped). */
export function checkProbes(s: Scenario, sink: ProblemSink, pt: Partiality): void {
  s.probes.forEach((p, i) => {
    if (!pt.standIns.has(p)) checkProbe(p, i, sink);
  });
}
