// One revertAndVerify: the fault manager (STOP, revert steps, duration timers, failed injects) and
// the reconcile after a dead console send the same revert with the same timeout, and read "clean"
// the same way (before: 30 s vs 60 s, and reconcile looked for a clean=oneshot no script prints).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditStore } from '../../src-main/audit/index.js';
import { reconcileFaults } from '../../src-main/console/index.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { REVERT_TIMEOUT_MS } from '../../src-main/engine/revert.js';
import type { FaultTarget } from '../../src-main/faults/target.js';
import { SshPool, type ConnectSpec, type ExecOptions } from '../../src-main/ssh/index.js';
import type { Shell } from '../../src-main/shell/index.js';

const spec: ConnectSpec = { name: 'n1', host: '127.0.0.1', port: 22, user: 'root' } as ConnectSpec;
const target: FaultTarget = { name: 'n1', host: '127.0.0.1', env: 'lab', tags: [], gpu: 'none', spec };

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A pool whose exec answers like a node would, recording every revert it was asked to send. */
function fakePool(revertStdout: (faultId: string) => string): { pool: SshPool; reverts: Array<{ text: string; opts: ExecOptions }> } {
  const pool = new SshPool();
  cleanups.push(() => pool.dispose());
  const reverts: Array<{ text: string; opts: ExecOptions }> = [];
  vi.spyOn(pool, 'exec').mockImplementation(async (_s: ConnectSpec, cmd: Shell, opts: ExecOptions = {}) => {
    const id = /fault="?([A-Za-z0-9._-]+)/.exec(cmd.text)?.[1] ?? '?';
    // An inject script carries its revert too (for the node's watchdog); a revert never says inject=.
    if (!cmd.text.includes('inject=')) {
      reverts.push({ text: cmd.text, opts });
      return { code: 0, stdout: revertStdout(id), stderr: '', durationMs: 1 } as Awaited<ReturnType<SshPool['exec']>>;
    }
    return { code: 0, stdout: `GAMEDAY fault=${id} inject=ok verify=ok lease=armed\n`, stderr: '', durationMs: 1 } as Awaited<ReturnType<SshPool['exec']>>;
  });
  return { pool, reverts };
}

function audit(): AuditStore {
  const dir = mkdtempSync(join(tmpdir(), 'gd-revert-'));
  const a = AuditStore.open(join(dir, 'audit.db'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => a.close());
  return a;
}

describe('revertAndVerify is the one revert', () => {
  it('the fault manager and reconcile send it with one timeout', async () => {
    const a = audit();
    a.createRun({ id: 'run-1' });
    const { pool, reverts } = fakePool((id) => `GAMEDAY fault=${id} lease=present\nGAMEDAY fault=${id} revert=ok clean=yes\n`);
    const fm = new FaultManager(pool, a, 'run-1', 30);
    cleanups.push(() => fm.dispose());
    const [out] = await fm.inject({ kind: 'network-loss', intensity: 'low', targets: [target] });
    expect(out).toMatchObject({ ok: true });
    const f = await fm.revert(out!.faultId);
    expect(f.state).toBe('reverted');

    // The same fault as a dead console would have left it in the audit.
    a.setFaultState(out!.faultId, 'active');
    const row = a.openFaults('run-1').find((r) => r.id === out!.faultId);
    expect(row).toBeDefined();
    const [rec] = await reconcileFaults(a, pool, [row!], new Map([['n1', { spec, host: '127.0.0.1', gpu: 'none' as const }]]), { forceLive: true });
    expect(rec?.outcome).toBe('reverted');

    expect(reverts).toHaveLength(2);
    expect(reverts.map((r) => r.opts.timeoutMs)).toEqual([REVERT_TIMEOUT_MS, REVERT_TIMEOUT_MS]);
  });

  it('a node that still sees the fault after the revert is residue on both paths', async () => {
    const a = audit();
    a.createRun({ id: 'run-2' });
    const { pool } = fakePool((id) => `GAMEDAY fault=${id} lease=present\nGAMEDAY fault=${id} revert=ok clean=no\n`);
    const fm = new FaultManager(pool, a, 'run-2', 30);
    cleanups.push(() => fm.dispose());
    const [out] = await fm.inject({ kind: 'network-loss', intensity: 'low', targets: [target] });
    expect((await fm.revert(out!.faultId)).state).toBe('residue');
    a.setFaultState(out!.faultId, 'active');
    const row = a.openFaults('run-2').find((r) => r.id === out!.faultId)!;
    const [rec] = await reconcileFaults(a, pool, [row], new Map([['n1', { spec, host: '127.0.0.1', gpu: 'none' as const }]]), { forceLive: true });
    expect(rec?.outcome).toBe('residue');
  });
});
