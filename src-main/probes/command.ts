/**
 * Command probe: run the scenario author's command over SSH on the series' node, then check the exit
 * code (default 0), a stdout regex, and a number parsed from stdout against below/above.
 * value = that number (first number in stdout, or group 1 of `extract`), null when there is none.
 */
import type { SshPool } from '../ssh/index.js';
import { Shell } from '../shell/index.js';
import { nowMs } from './clock.js';
import { timeoutMessage } from './net-errors.js';
import { checkBounds, compileRegex, EXCERPT_CHARS, failed, sampleAt, type Probe } from './probe.js';
import { fillCommand } from './template.js';
import type { CommandProbeSpec, ProbeTarget, Sample } from './types.js';

/** Signed decimals with optional exponent: "12", "-3.5", "1e-3", ".5". */
const FIRST_NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

/** The number in `text`: group 1 of `extract` when given (else its whole match), or the first number. */
export function extractNumber(text: string, extract?: RegExp): number | null {
  let raw: string | undefined;
  if (extract) {
    const m = extract.exec(text);
    raw = m ? (m[1] ?? m[0]) : undefined;
    // The group may hold "lag=4.2s"-like text; take the number inside it.
    if (raw !== undefined) raw = FIRST_NUMBER.exec(raw)?.[0];
  } else {
    raw = FIRST_NUMBER.exec(text)?.[0];
  }
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** The subset of SshPool a command probe needs (tests may pass a fake). */
export type ProbeSsh = Pick<SshPool, 'exec'>;

export function createCommandProbe(spec: CommandProbeSpec, ssh: ProbeSsh): Probe {
  const matchRe = compileRegex(spec.expect?.match, `probe ${spec.id} match`);
  const extractRe = compileRegex(spec.expect?.extract, `probe ${spec.id} extract`);
  const wantExit = spec.expect?.exitCode ?? 0;

  async function run(target: ProbeTarget, signal: AbortSignal): Promise<Sample> {
    const t = nowMs();
    const conn = target.node?.ssh;
    if (!conn) return failed(spec.id, target, t, `probe ${spec.id}: series ${target.series} has no SSH node to run on`, 0);
    let text: string;
    try {
      text = fillCommand(spec.command, target.node);
    } catch (e) {
      return failed(spec.id, target, t, (e as Error).message, 0);
    }
    try {
      // The remote timeout kills the command's process group on the node; the signal covers the
      // connect phase and any overrun.
      const r = await ssh.exec(conn, Shell.raw(text), { timeoutMs: spec.timeoutMs, signal });
      const latencyMs = nowMs() - t;
      if (r.timedOut || signal.aborted) return failed(spec.id, target, t, timeoutMessage(spec.timeoutMs), latencyMs);
      const value = extractNumber(r.stdout, extractRe);
      let problem: string | null = null;
      if (r.code !== wantExit) problem = `exit ${r.code ?? `signal ${r.signal}`}, expected ${wantExit}${r.stderr ? `: ${r.stderr.trim().slice(0, EXCERPT_CHARS)}` : ''}`;
      else if (matchRe && !matchRe.test(r.stdout)) problem = `stdout does not match /${matchRe.source}/`;
      else problem = checkBounds(value, spec.expect?.number);
      return sampleAt(spec.id, target, t, { value, healthy: problem === null, latencyMs, ...(problem ? { error: problem } : {}) });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (signal.aborted) return failed(spec.id, target, t, timeoutMessage(spec.timeoutMs));
      return failed(spec.id, target, t, `SSH ${err.code ?? 'error'}: ${err.message ?? String(e)}`);
    }
  }
  return { id: spec.id, run, dispose: () => undefined };
}
