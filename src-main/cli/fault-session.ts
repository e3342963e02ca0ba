import { AuditStore, auditExecHooks } from '../audit/index.js';
import { FaultManager, type FaultTarget } from '../engine/fault-manager.js';
import { StopController, type StopReport } from '../engine/stop-controller.js';
import { listenControl } from '../engine/control-socket.js';
import type { BlastPolicy } from '../engine/blast-radius.js';
import type { InventoryNode } from '../inventory/index.js';
import { SshPool, type ConnectSpec } from '../ssh/index.js';
import { load, type GlobalOpts, type Loaded } from './context.js';
import { auditFile, controlDir, newRunId, workspaceDir } from './workspace.js';
import { c } from './output.js';

export function toTargets(sel: Array<{ node: InventoryNode; spec: ConnectSpec }>): FaultTarget[] {
  return sel.map(({ node, spec }) => ({ name: node.name, host: node.host, env: node.env, tags: node.tags, gpu: node.gpu, spec }));
}

export interface SessionOpts extends GlobalOpts {
  workspace?: string;
  commander?: string;
}

/**
 * Everything one fault-driving CLI command owns: inventory, audit, pool (every exec audited),
 * fault manager, the STOP controller wired to SIGINT/SIGTERM and to `gameday stop` over the
 * workspace control socket. `close()` releases it all.
 */
export class FaultSession {
  readonly runId: string;
  readonly loaded: Loaded;
  readonly audit: AuditStore;
  readonly pool: SshPool;
  readonly faults: FaultManager;
  readonly stopper: StopController;
  private readonly control: { close(): void };
  private readonly onSignal: (sig: NodeJS.Signals) => void;

  constructor(opts: SessionOpts, p: { title: string; leaseTtlSec: number; policy: BlastPolicy; runPrefix?: string }) {
    this.loaded = load(opts);
    const ws = workspaceDir(opts.workspace);
    this.audit = AuditStore.open(auditFile(ws));
    this.runId = newRunId(p.runPrefix);
    const actor = opts.commander ?? process.env.USER ?? 'commander';
    this.audit.createRun({ id: this.runId, scenario: p.title, title: p.title, env: 'adhoc', commander: actor, meta: { inventory: this.loaded.file } });
    this.pool = new SshPool({ ...this.loaded.poolOptions(), ...auditExecHooks(this.audit, { runId: this.runId, actor }) });
    this.faults = new FaultManager(this.pool, this.audit, this.runId, p.leaseTtlSec, p.policy);
    this.stopper = new StopController(this.faults, this.audit);
    this.control = listenControl(controlDir(ws), this.runId, async (req) => (req.cmd === 'stop' ? this.stopper.stop(req.reason ?? 'gameday stop', req.actor ?? 'cli') : { runId: this.runId, faults: this.faults.live().map((f) => ({ id: f.id, node: f.target.name, kind: f.kind, state: f.state })) }));
    this.onSignal = (sig) => {
      process.stderr.write(`\n${c.red('STOP')} (${sig}): reverting every fault…\n`);
      void this.stopper.stop(`${sig} received`, actor);
    };
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  async close(status: string): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    this.control.close();
    this.faults.dispose();
    await this.pool.dispose();
    this.audit.endRun(this.runId, status);
    this.audit.close();
  }
}

/** Print a STOP report as the per-node list the console shows. */
export function printStopReport(r: StopReport): void {
  process.stdout.write(`${c.bold('STOP')} ${r.reason} — ${r.nodes.length} node(s) in ${(r.durationMs / 1000).toFixed(2)} s\n`);
  for (const n of r.nodes) {
    const mark = n.status === 'reverted' || n.status === 'nothing' ? c.green('reverted ✓') : n.status === 'residue' ? c.red('residue ✗') : c.yellow(`unreachable (lease expires at ${n.leaseExpiresAt})`);
    process.stdout.write(`  ${n.node.padEnd(12)} ${mark}  ${n.faults.map((f) => `${f.kind}:${f.state}`).join(', ')}\n`);
    // A fault the node's lease reverted says so: "reverted" alone would read as our revert, on time.
    for (const f of n.faults) if (f.detail && (f.state !== 'reverted' || f.detail.startsWith("reverted by the node's lease"))) process.stdout.write(`    ${c.dim(f.detail)}\n`);
  }
  process.stdout.write(r.clean ? `${c.green('✓ every node verified clean')}\n` : `${c.red('✗ not every node is verified clean')}\n`);
}
