import { tryResolveParams } from '../../faults/index.js';
import type { Intensity } from '../../faults/index.js';
import { FaultRefused } from '../../engine/index.js';
import { DEFAULT_POLICY } from '../../faults/index.js';
import { isoSeconds } from '../../engine/index.js';
import { describeLeaseNotice } from '../../engine/index.js';
import { parseDuration } from '../../api/index.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { lookupFault } from '../fault-lookup.js';
import { FaultSession, printAuditEnd, printStopReport, stopExitCode, toTargets, type SessionOpts } from '../fault-session.js';

export interface InjectOpts extends SessionOpts {
  intensity?: string;
  param?: string[];
  paramsJson?: string;
  duration?: string;
  leaseTtl?: string;
  approver?: string;
  allowProd?: boolean;
  maxNodes?: string;
  protect?: string[];
}

/** `--param k=v`: the value is JSON when it parses (numbers, arrays, booleans), else a string. */
export function parseParams(pairs: string[] = [], json?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (json) {
    try {
      Object.assign(out, JSON.parse(json) as Record<string, unknown>);
    } catch (e) {
      throw new CliError(`--params-json is not valid JSON: ${(e as Error).message}`);
    }
  }
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new CliError(`--param must look like name=value, got "${p}"`);
    const raw = p.slice(eq + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    out[p.slice(0, eq)] = v;
  }
  return out;
}

/**
 * `gameday inject FAULT SELECTOR`: inject one fault with its dead-man lease on the selected nodes,
 * hold it for --duration while renewing the leases, then revert and verify. Ctrl-C, SIGTERM or
 * `gameday stop` from another terminal stop it at once.
 */
export async function injectCommand(kind: string, selector: string, o: InjectOpts): Promise<number> {
  const mod = lookupFault(kind);
  const intensity = o.intensity as Intensity | undefined;
  if (intensity && !['low', 'medium', 'high'].includes(intensity)) throw new CliError(`--intensity must be low, medium or high, got "${intensity}"`);
  const params = parseParams(o.param, o.paramsJson);
  const resolved = tryResolveParams(mod, { intensity, params });
  if (!resolved.ok) throw new CliError(`bad parameters for ${kind}:\n  ${resolved.issues.join('\n  ')}`);
  const holdMs = parseDuration(o.duration ?? '60s');
  const ttlSec = Math.max(3, Math.round(parseDuration(o.leaseTtl ?? '30s') / 1000));
  const maxNodes = o.maxNodes ? Number(o.maxNodes) : DEFAULT_POLICY.maxNodesPerFault;
  if (!Number.isInteger(maxNodes) || maxNodes < 1) throw new CliError(`--max-nodes must be a whole number ≥ 1, got "${o.maxNodes}"`);

  const s = new FaultSession(o, {
    title: `adhoc ${kind}`,
    leaseTtlSec: ttlSec,
    runPrefix: 'adhoc',
    policy: { maxNodesPerFault: maxNodes, protected: o.protect ?? [], allowProd: Boolean(o.allowProd), commander: o.commander ?? process.env.USER ?? 'commander' },
  });
  let status = 'failed';
  let code: number = EXIT.FAILED;
  // Lease trouble is told the moment it is known (on a terminal, below the "holding…" line).
  s.faults.on('lease', (n) => process.stdout.write(`${process.stdout.isTTY ? '\n' : ''}${n.kind === 'restored' ? c.green('✓') : c.yellow('!')} ${describeLeaseNotice(n)}\n`));
  try {
    const targets = toTargets(s.loaded.select(selector));
    process.stdout.write(`${c.bold(kind)} on ${targets.map((t) => t.name).join(', ')} — lease ${ttlSec}s, hold ${Math.round(holdMs / 1000)}s (run ${s.runId})\n`);
    if (mod.oneShot) process.stdout.write(`${c.yellow('one-shot:')} this fault cannot be reverted${mod.caveat ? ` — ${mod.caveat}` : ''}\n`);
    let outcomes;
    try {
      outcomes = await s.faults.inject({ kind, intensity, params, targets, approver: o.approver, maxDurationSec: Math.ceil(holdMs / 1000) + 60, label: kind }, s.stopper.signal);
    } catch (e) {
      if (e instanceof FaultRefused) {
        s.audit.append({ runId: s.runId, kind: 'fault.refused', data: { kind, reasons: e.reasons } });
        throw new CliError(`refused:\n  ${e.reasons.join('\n  ')}`, EXIT.INVALID_INPUT);
      }
      throw e;
    }
    for (const r of outcomes) process.stdout.write(`  ${r.node.padEnd(12)} ${r.ok ? c.green('active ✓') : c.red(`${r.state} ✗`)} ${r.message ?? ''}\n`);
    // Nothing left to hold once every fault has ended (the nodes' leases reverted them).
    const held = () => [...s.faults.faults.values()].some((f) => f.state !== 'reverted' && f.state !== 'failed' && f.state !== 'residue');
    if (outcomes.some((r) => r.ok) && !mod.oneShot) {
      const until = Date.now() + holdMs;
      while (Date.now() < until && !s.stopper.stopped && held()) {
        await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
        if (process.stdout.isTTY) process.stdout.write(`\r  holding… ${Math.max(0, Math.ceil((until - Date.now()) / 1000))}s left (Ctrl-C to stop now) `);
      }
      if (process.stdout.isTTY) process.stdout.write('\n');
    }
    // Stopped before the hold ran out: Ctrl-C, SIGTERM or `gameday stop` pressed STOP.
    const interrupted = s.stopper.stopped;
    const leasesEnded = !held() && [...s.faults.faults.values()].some((f) => f.leaseExpiredAt !== undefined);
    const report = await s.stopper.stop(leasesEnded ? "every fault ended (the nodes' leases reverted them)" : 'hold time elapsed', 'cli');
    printStopReport(report);
    // A fault the node's lease reverted before the hold ran out: the hold did not happen as asked.
    const lapsed = [...s.faults.faults.values()].filter((f) => f.leaseExpiredAt !== undefined);
    for (const f of lapsed) {
      const inEffect = f.injectedAt === undefined ? '' : ` was in effect ${Math.round((f.leaseExpiredAt! - f.injectedAt) / 1000)} s of the planned ${Math.round(holdMs / 1000)} s:`;
      process.stdout.write(`${c.red('✗')} inconclusive: ${f.kind} on ${f.target.name}${inEffect} the node's lease reverted it at ≈${isoSeconds(f.leaseExpiredAt!)} (seen at reconnect)\n`);
    }
    const ok = outcomes.every((r) => r.ok) && !lapsed.length;
    status = !report.clean ? 'failed' : interrupted ? 'stopped' : ok ? 'completed' : 'failed';
    code = stopExitCode(report) ?? (!report.clean ? EXIT.FAILED : interrupted ? EXIT.STOPPED : ok ? EXIT.OK : EXIT.FAILED);
  } finally {
    if (!s.stopper.stopped) await s.stopper.stop('command ended', 'cli');
    const end = await s.close(status);
    printAuditEnd(end);
    // Records of this run still outside the audit: the run is not fully on record.
    if (end.pending && (code === EXIT.OK || code === EXIT.FAILED)) code = EXIT.STOPPED;
  }
  return code;
}
