import type { ExecResult } from '../../ssh/index.js';
import { parseTraces, sweepCompleted, type TraceLine } from '../../faults/index.js';
import { c } from '../output.js';

/** One node's sweep, judged: what to print, and whether anything keeps the node from being clean. */
export interface NodeSweep {
  node: string;
  lines: string[];
  /** Failed removals, traces still there afterwards, live runs left alone, a sweep that died: all make the exit 1. */
  problems: number;
  /** Live runs seen (run id → seconds since the latest renewal, lease TTL, forced or not). */
  live: Map<string, { renewed: number; ttl: number; forced: boolean }>;
}

const fields = (t: TraceLine) =>
  Object.entries(t.fields)
    .filter(([k]) => k !== 'ok')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** Live runs by run id, keeping the most recent renewal of each. */
function liveRuns(lines: TraceLine[]): NodeSweep['live'] {
  const out: NodeSweep['live'] = new Map();
  for (const t of lines.filter((x) => x.verb === 'LIVE')) {
    const run = t.fields.run ?? '?';
    const renewed = Number(t.fields.renewed ?? NaN);
    const prev = out.get(run);
    if (!prev || renewed < prev.renewed) out.set(run, { renewed, ttl: Number(t.fields.ttl ?? NaN), forced: t.fields.forced === 'yes' });
  }
  return out;
}

/**
 * Judge one node's `scanTraces`/`cleanupAll` output. A dry run only lists; a clean counts every
 * removal that failed, every trace the second pass still found (LEFT), every live run it had to
 * leave alone, and a sweep that never reached its last line (killed, timed out).
 */
export function judgeSweep(node: string, r: ExecResult, dryRun: boolean, approver?: string): NodeSweep {
  const traces = parseTraces(r.stdout);
  const live = liveRuns(traces);
  const out: string[] = [];
  let problems = 0;
  const pad = node.padEnd(12);
  for (const [run, l] of live) {
    const what = `live, run ${run}, renewed ${l.renewed} s ago (lease ${l.ttl} s)`;
    if (l.forced) out.push(`  ${pad} ${c.red(`${what}: ${dryRun ? 'would be removed' : 'removed'} anyway (--force-live, approved by ${approver ?? '?'})`)}`);
    else {
      out.push(`  ${pad} ${c.yellow(`${what}: left alone`)} ${c.dim('(another console holds it; --force-live --approver NAME to remove it)')}`);
      if (!dryRun) problems++;
    }
  }
  for (const t of traces) {
    if (t.verb === 'TRACE') out.push(`  ${pad} ${c.yellow('found')} ${fields(t)}`);
    else if (t.verb === 'CLEANED') {
      const ok = t.fields.ok === 'yes';
      if (!ok) problems++;
      out.push(`  ${pad} ${ok ? c.green('removed') : c.red('FAILED')} ${fields(t)}`);
    } else if (t.verb === 'LEFT') {
      problems++;
      out.push(`  ${pad} ${c.red('still there')} ${fields(t)}`);
    }
  }
  if (!sweepCompleted(r.stdout)) {
    problems++;
    const why = r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal ?? '?'}`;
    out.push(`  ${pad} ${c.red(`sweep did not finish (${why})`)}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}` : ''}`);
  } else if (!dryRun) {
    const removed = traces.filter((t) => t.verb === 'CLEANED').length;
    out.push(problems === 0 ? `  ${pad} ${c.green(`verified clean${removed ? ` (${removed} trace(s) removed, none left)` : ' (no traces)'}`)}` : `  ${pad} ${c.red(`not clean: ${problems} problem(s)`)}`);
  } else if (traces.filter((t) => t.verb === 'TRACE').length === 0 && live.size === 0) out.push(`  ${pad} ${c.green('no traces')}`);
  return { node, lines: out, problems, live };
}
