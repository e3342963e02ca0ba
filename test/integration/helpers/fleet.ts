/**
 * The shared lab as the engine sees it: inventory -> FaultTargets, one SshPool, an AuditStore on a
 * temp file, and FaultManager/StopController factories. Tests use the real engine through this,
 * and observe effects with the probes in observe.ts (never through a fault's own verify).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../../src-main/audit/index.js';
import { FaultManager } from '../../../src-main/engine/fault-manager.js';
import { type FaultTarget } from '../../../src-main/faults/index.js';
import { StopController } from '../../../src-main/engine/stop-controller.js';
import { DEFAULT_POLICY, type SafetyPolicy } from '../../../src-main/faults/index.js';
import { loadInventory, selectNodes, toConnectSpec } from '../../../src-main/inventory/index.js';
import { SshPool, type ConnectSpec, type PoolOptions } from '../../../src-main/ssh/index.js';
import type { LabInfo, LabNode } from '../../../src-main/lab/index.js';

/** A run id that is valid on the node (faults/ids.ts RUN_ID) and recognisably a test's. */
export function testRunId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Resolve lab node names to FaultTargets through the real inventory loader. */
export function labTargets(lab: LabInfo, selector: string, over: Partial<ConnectSpec> = {}): FaultTarget[] {
  const inv = loadInventory(lab.inventoryPath);
  return selectNodes(inv, selector).map((node) => ({
    name: node.name,
    host: node.host,
    env: node.env,
    tags: node.tags,
    gpu: node.gpu,
    spec: { ...toConnectSpec(inv, node), ...over },
  }));
}

/** One target by name. */
export function labTarget(lab: LabInfo, name: string, over: Partial<ConnectSpec> = {}): FaultTarget {
  const [t] = labTargets(lab, name, over);
  if (!t) throw new Error(`lab has no node ${name}`);
  return t;
}

export function labNodeByName(lab: LabInfo, name: string): LabNode {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`lab has no node ${name}`);
  return n;
}

/** Everything one test file drives: pool, audit, run id, manager + STOP controller. */
export interface Fleet {
  lab: LabInfo;
  pool: SshPool;
  audit: AuditStore;
  auditPath: string;
  runId: string;
  faults: FaultManager;
  stopper: StopController;
  close(): Promise<void>;
}

/**
 * Open a pool, a temp audit (with the run row the fault rows reference) and a FaultManager with
 * the given lease TTL. `close()` stops renewal, disposes the pool and closes the audit.
 */
export function openFleet(lab: LabInfo, opts: { prefix: string; leaseTtlSec: number; policy?: Partial<SafetyPolicy>; pool?: PoolOptions }): Fleet {
  const dir = mkdtempSync(join(tmpdir(), 'gd-it-audit-'));
  const auditPath = join(dir, 'audit.sqlite');
  const audit = AuditStore.open(auditPath);
  const runId = testRunId(opts.prefix);
  audit.createRun({ id: runId, scenario: opts.prefix, title: opts.prefix, env: 'lab', commander: 'it' });
  const pool = new SshPool(opts.pool);
  const faults = new FaultManager(pool, audit, runId, opts.leaseTtlSec, { ...DEFAULT_POLICY, ...opts.policy });
  const stopper = new StopController(faults, audit);
  return {
    lab,
    pool,
    audit,
    auditPath,
    runId,
    faults,
    stopper,
    async close() {
      faults.dispose();
      await pool.dispose();
      audit.close();
      // The lab's nodes share the host's filesystem, so the run's log dir is removed from here.
      for (const base of ['/run/gameday', '/tmp/gameday']) rmSync(join(base, runId), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns true or `timeoutMs` passes; returns the elapsed ms, or null on timeout. */
export async function waitFor(fn: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<number | null> {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) return null;
    await sleep(everyMs);
  }
}
