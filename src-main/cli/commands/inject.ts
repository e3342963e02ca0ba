import { tryResolveParams } from '../../faults/index.js';
import type { Intensity } from '../../faults/index.js';
import { FaultRefused, launchRun } from '../../engine/index.js';
import type { FaultTarget } from '../../faults/index.js';
import { DEFAULT_POLICY } from '../../faults/index.js';
import { isoSeconds } from '../../engine/index.js';
import { describeLeaseNotice } from '../../engine/index.js';
import { parseDuration } from '../../api/index.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { lookupFault } from '../fault-lookup.js';
import { sayRoute, workspacePool } from '../new-pool.js';
import { closeRunAudit, openRunAudit, printAuditEnd, printStopReport, stopExitCode, toTargets, type SessionOpts } from '../fault-session.js';

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

  const { loaded, audit, runId, commander, deps } = openRunAudit(o, 'adhoc');
  // A bad selector still ends as a recorded (failed) ad-hoc run, as it always has: the run is
  // launched first and the selector's error thrown inside it.
  let targets: FaultTarget[] = [];
  let badSelector: unknown;
  try {
    targets = toTargets(loaded.select(selector));
  } catch (e) {
    badSelector = e;
  }
  const s = launchRun(
    { kind: 'inject', title: `adhoc ${kind}`, fault: { kind, intensity, params, resolved: resolved.params, approver: o.approver }, targets, holdMs, leaseTtlSec: ttlSec, inventoryFile: loaded.file, policy: { maxNodesPerFault: maxNodes, protected: o.protect ?? [], allowProd: Boolean(o.allowProd), commander } },
    // Through a live console's or run's open connections when one is there (the run lends its own pool as `runId`).
    { ...deps, audit, runId, commander, poolOptions: loaded.poolOptions(), newPool: (p) => workspacePool(p, o.workspace, runId) },
  );
  let status = 'failed';
  let code: number = EXIT.FAILED;
  // Lease trouble is told the moment it is known (on a terminal, below the "holding…" line).
  s.faults.on('lease', (n) => process.stdout.write(`${process.stdout.isTTY ? '\n' : ''}${n.kind === 'restored' ? c.green('✓') : c.yellow('!')} ${describeLeaseNotice(n)}\n`));
  try {
    if (badSelector) throw badSelector;
    process.stdout.write(`${c.bold(kind)} on ${targets.map((t) => t.name).join(', ')} — lease ${ttlSec}s, hold ${Math.round(holdMs / 1000)}s (run ${runId})\n`);
    if (mod.oneShot) process.stdout.write(`${c.yellow('one-shot:')} this fault cannot be reverted${mod.caveat ? ` — ${mod.caveat}` : ''}\n`);
    let r;
    try {
      r = await s.start({
        injected: (outcomes) => {
          for (const x of outcomes) process.stdout.write(`  ${x.node.padEnd(12)} ${x.ok ? c.green('active ✓') : c.red(`${x.state} ✗`)} ${x.message ?? ''}\n`);
        },
        holding: (leftMs) => {
          if (process.stdout.isTTY) process.stdout.write(`\r  holding… ${Math.ceil(leftMs / 1000)}s left (Ctrl-C to stop now) `);
        },
      });
    } catch (e) {
      if (e instanceof FaultRefused) throw new CliError(`refused:\n  ${e.reasons.join('\n  ')}`, EXIT.INVALID_INPUT);
      throw e;
    }
    if (r.held && process.stdout.isTTY) process.stdout.write('\n');
    printStopReport(r.report);
    for (const f of r.lapsed) {
      const inEffect = f.injectedAt === undefined ? '' : ` was in effect ${Math.round((f.leaseExpiredAt! - f.injectedAt) / 1000)} s of the planned ${Math.round(holdMs / 1000)} s:`;
      process.stdout.write(`${c.red('✗')} inconclusive: ${f.kind} on ${f.target.name}${inEffect} the node's lease reverted it at ≈${isoSeconds(f.leaseExpiredAt!)} (seen at reconnect)\n`);
    }
    status = r.status;
    code = stopExitCode(r.report) ?? (r.status === 'completed' ? EXIT.OK : r.status === 'stopped' ? EXIT.STOPPED : EXIT.FAILED);
  } finally {
    if (!s.stopper.stopped) await s.stopper.stop('command ended', 'cli');
    sayRoute(s.pool, o.json);
    await s.close(status);
    const end = closeRunAudit(audit, runId);
    printAuditEnd(end);
    // Records of this run still outside the audit: the run is not fully on record.
    if (end.pending && (code === EXIT.OK || code === EXIT.FAILED)) code = EXIT.STOPPED;
  }
  return code;
}
