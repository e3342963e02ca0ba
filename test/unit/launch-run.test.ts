// One launcher: the CLI `run`, the CLI `inject` and the console all wire a run through
// engine/launch.ts (pool with audited execs, fault manager, STOP, control socket, signals). Before,
// the same wiring was written in cli/commands/run.ts, cli/fault-session.ts and console-service.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditStore } from '../../src-main/audit/index.js';
import { FaultRefused, launchRun, sendStop, type InjectPlan } from '../../src-main/engine/index.js';
import type { FaultTarget } from '../../src-main/faults/index.js';
import { SshPool, type ConnectSpec } from '../../src-main/ssh/index.js';
import type { Shell } from '../../src-main/shell/index.js';

const ROOT = join(__dirname, '../../src-main');
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const node = (name: string): FaultTarget => ({ name, host: '127.0.0.1', env: 'lab', tags: [], gpu: 'none', spec: { name, host: '127.0.0.1', port: 22, user: 'root' } as ConnectSpec });

/** A pool whose exec answers like a healthy node: inject ok with its lease, revert ok and clean. */
function fakePool(): { pool: SshPool; sent: string[] } {
  const pool = new SshPool();
  cleanups.push(() => pool.dispose());
  const sent: string[] = [];
  vi.spyOn(pool, 'exec').mockImplementation(async (_s: ConnectSpec, cmd: Shell) => {
    sent.push(cmd.text);
    const id = /fault="?([A-Za-z0-9._-]+)/.exec(cmd.text)?.[1] ?? '?';
    const stdout = cmd.text.includes('inject=') ? `GAMEDAY fault=${id} inject=ok verify=ok lease=armed\n` : `GAMEDAY fault=${id} lease=present\nGAMEDAY fault=${id} revert=ok clean=yes\n`;
    return { code: 0, stdout, stderr: '', durationMs: 1 } as Awaited<ReturnType<SshPool['exec']>>;
  });
  return { pool, sent };
}

function workspace(): { audit: AuditStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gd-launch-'));
  const audit = AuditStore.open(join(dir, 'audit.db'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => audit.close());
  return { audit, dir };
}

const plan = (over: Partial<InjectPlan> = {}): InjectPlan => ({ kind: 'inject', title: 'adhoc network-loss', fault: { kind: 'network-loss', intensity: 'low', params: {} }, targets: [node('n1')], holdMs: 200, leaseTtlSec: 30, policy: { maxNodesPerFault: 5, protected: [], allowProd: false, commander: 'alice' }, ...over });

describe('launchRun is the one launcher', () => {
  it('no adapter assembles a run itself: the session, fault manager, STOP and control socket are built only in engine/', () => {
    const files = readdirSync(ROOT, { recursive: true }).map(String).filter((p) => p.endsWith('.ts') && !p.startsWith('engine/'));
    const wiring = files.filter((p) => /new (RunSession|FaultManager|StopController)\(|listenControl\(/.test(readFileSync(join(ROOT, p), 'utf8')));
    expect(wiring).toEqual([]);
    for (const caller of ['cli/commands/run.ts', 'cli/commands/inject.ts', 'console/console-service.ts']) expect(readFileSync(join(ROOT, caller), 'utf8')).toMatch(/launchRun\(/);
  });

  it('an inject plan injects, holds and reverts, and the run is on record from start to end', async () => {
    const { audit } = workspace();
    const { pool, sent } = fakePool();
    const run = launchRun(plan(), { audit, runId: 'adhoc-1', commander: 'alice', pool });
    expect(audit.runs().find((r) => r.id === 'adhoc-1')).toMatchObject({ title: 'adhoc network-loss', status: expect.any(String) });
    const ticks: number[] = [];
    const r = await run.start({ holding: (left) => ticks.push(left) });
    expect(r.outcomes).toMatchObject([{ node: 'n1', ok: true }]);
    expect(r).toMatchObject({ held: true, interrupted: false, status: 'completed' });
    expect(r.report.clean).toBe(true);
    expect(ticks.length).toBeGreaterThan(0);
    expect(sent.filter((t) => t.includes('inject=')).length).toBe(1);
    expect(sent.filter((t) => !t.includes('inject=')).length).toBeGreaterThanOrEqual(1);
    await run.close(r.status);
    expect(audit.runs().find((r) => r.id === 'adhoc-1')?.status).toBe('completed');
    // The caller's pool is the caller's: the launcher does not dispose it.
    expect(run.pool).toBe(pool);
  });

  it('`gameday stop` through the workspace control socket ends the hold at once', async () => {
    const { audit, dir } = workspace();
    const { pool } = fakePool();
    const run = launchRun(plan({ holdMs: 60_000 }), { audit, runId: 'adhoc-2', commander: 'alice', pool, controlDir: dir });
    const started = run.start();
    await vi.waitFor(() => expect(run.faults.live().length).toBe(1));
    const [answer] = await sendStop(dir, { cmd: 'stop', reason: 'from another terminal', actor: 'bob' });
    expect(answer?.report?.reason).toBe('from another terminal');
    const r = await started;
    expect(r).toMatchObject({ interrupted: true, status: 'stopped' });
    await run.close(r.status);
    expect(readdirSync(dir).filter((f) => f.endsWith('.sock'))).toEqual([]);
  });

  it('a refused inject is recorded (fault.refused) and thrown; nothing is sent', async () => {
    const { audit } = workspace();
    const { pool, sent } = fakePool();
    const run = launchRun(plan({ targets: [node('n1'), node('n2')], policy: { maxNodesPerFault: 1, protected: [], allowProd: false, commander: 'alice' } }), { audit, runId: 'adhoc-3', commander: 'alice', pool });
    await expect(run.start()).rejects.toBeInstanceOf(FaultRefused);
    await run.close('failed');
    expect(audit.events({ runId: 'adhoc-3', kind: 'fault.refused' })).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it('params resolved at load are the ones injected: the fault manager does not resolve them again', async () => {
    const { audit } = workspace();
    const { pool, sent } = fakePool();
    const faults = await import('../../src-main/faults/index.js');
    const resolved = faults.resolveParams(faults.getFault('network-loss'), { intensity: 'low', params: { percent: 37 } });
    // The request's own intensity would give 5 %: only the plan's resolved params can put 37 % on the node.
    const run = launchRun(plan({ holdMs: 10, fault: { kind: 'network-loss', intensity: 'low', params: {}, resolved } }), { audit, runId: 'adhoc-4', commander: 'alice', pool });
    const r = await run.start();
    await run.close(r.status);
    const inject = sent.find((t) => t.includes('inject='))!;
    expect(inject).toMatch(/--probability'? '?0\.3700/);
    expect(inject).not.toMatch(/--probability'? '?0\.0500/);
  });
});
