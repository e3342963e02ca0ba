/**
 * A stand-in "console" process for dead-man tests: injects faults on some lab nodes through the
 * real FaultManager (leases renewed every TTL/3 while it lives), prints `READY <outcomes JSON>`,
 * then idles until it is killed. Tests kill it with SIGKILL, so nothing it does on exit matters.
 *
 *   node --import tsx test/integration/helpers/console-child.ts '<json ChildConfig>'
 */
import { AuditStore } from '../../../src-main/audit/index.js';
import { DEFAULT_POLICY } from '../../../src-main/faults/index.js';
import { FaultManager } from '../../../src-main/engine/fault-manager.js';
import { SshPool } from '../../../src-main/ssh/index.js';
import { readLab } from '../../../src-main/lab/index.js';
import { labTargets } from './fleet.js';

export interface ChildConfig {
  /** lab.json of the lab to use. */
  labJson: string;
  runId: string;
  /** Faults to inject, in order; `selector` is an inventory selector, e.g. "node01,node02". */
  injects: Array<{ kind: string; params: Record<string, unknown>; selector: string }>;
  leaseTtlSec: number;
  maxDurationSec: number;
  /** Audit file to record the run in (e.g. a workspace's audit.sqlite); none when absent. */
  auditPath?: string;
  /** Inventory to resolve `selector` in, instead of the lab's (e.g. an isolated node's). */
  inventoryPath?: string;
}

/** The process idles this long at most (a safety net if a test forgets to kill it): 10 minutes. */
const MAX_LIFE_MS = 600_000;

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const lab = { ...readLab(cfg.labJson), ...(cfg.inventoryPath ? { inventoryPath: cfg.inventoryPath } : {}) };
  const audit = cfg.auditPath ? AuditStore.open(cfg.auditPath) : undefined;
  audit?.createRun({ id: cfg.runId, scenario: 'console-child', title: 'console-child', env: 'lab', commander: 'it' });
  const pool = new SshPool();
  const faults = new FaultManager(pool, audit, cfg.runId, cfg.leaseTtlSec, { ...DEFAULT_POLICY, commander: 'it' });
  const out = [];
  for (const i of cfg.injects) out.push(...(await faults.inject({ kind: i.kind, params: i.params, targets: labTargets(lab, i.selector), maxDurationSec: cfg.maxDurationSec, approver: 'second-person' })));
  process.stdout.write(`READY ${JSON.stringify(out)}\n`);
  setTimeout(() => process.exit(3), MAX_LIFE_MS);
}

main().catch((e: unknown) => {
  process.stderr.write(`console-child: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(2);
});
