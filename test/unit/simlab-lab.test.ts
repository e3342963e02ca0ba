/**
 * The simulated lab end to end, no root needed: startSimLab, then the console's own code path —
 * inventory → ConnectSpec → SshPool (host keys checked against the written known_hosts) →
 * FaultManager (dead-man leases) → effects seen by plain HTTP clients on the nodes' :8080.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { type FaultTarget } from '../../src-main/faults/index.js';
import { getFault } from '../../src-main/faults/index.js';
import { loadInventory, toConnectSpec } from '../../src-main/inventory/index.js';
import { runPreflight } from '../../src-main/preflight/preflight.js';
import { startSimLab } from '../../src-main/lab/index.js';
import type { SimLab } from '../../src-main/lab/sim/types.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { isRunning } from '../helpers/ssh-server.js';

let dir: string;
let lab: SimLab;
let pool: SshPool;
const managers: FaultManager[] = [];

function target(name: string): FaultTarget {
  const inv = loadInventory(lab.inventoryPath);
  const n = inv.nodes.find((x) => x.name === name)!;
  return { name, host: n.host, env: 'lab', tags: n.tags, gpu: n.gpu, spec: toConnectSpec(inv, n) };
}

/** One /health probe the way the runbooks do it: 400 ms timeout; returns the status or the failure. */
async function health(name: string, timeoutMs = 400): Promise<string> {
  const n = lab.nodes.find((x) => x.name === name)!;
  try {
    const r = await fetch(`http://${n.host}:${n.httpPort}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return String(r.status);
  } catch (e) {
    return (e as Error).name === 'TimeoutError' ? 'timeout' : 'refused';
  }
}

/** Poll until `ok()` or the deadline; returns ms waited, or null. */
async function waitFor(ok: () => Promise<boolean>, ms: number, every = 250): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await ok()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, every));
  }
  return null;
}

function manager(runId: string, ttl: number): FaultManager {
  const fm = new FaultManager(pool, undefined, runId, ttl);
  managers.push(fm);
  return fm;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-simlab-lab-'));
  lab = await startSimLab({ dir, seed: 7 });
  pool = new SshPool();
}, 60_000);

afterAll(async () => {
  for (const m of managers) m.dispose();
  await pool?.dispose();
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the simulated lab', () => {
  it('writes an inventory the console loads, reached over SSH with verified host keys', async () => {
    const inv = loadInventory(lab.inventoryPath);
    expect(inv.nodes.map((n) => n.name)).toEqual(['node01', 'node02', 'node03', 'node04', 'node05', 'bastion']);
    for (const n of inv.nodes) expect(n.tags).toContain('simulated');
    expect(inv.nodes.find((n) => n.name === 'node04')!.gpu).toBe('amd');
    const res = await pool.fanOut(inv.nodes.map((n) => toConnectSpec(inv, n)), Shell.raw('hostname; id -u'));
    expect(res.map((r) => r.result?.stdout)).toEqual(inv.nodes.map((n) => `${n.name}\n0\n`));
    // Every node has its own loopback address and answers on :8080 like the runbooks expect.
    expect(new Set(lab.nodes.map((n) => n.host)).size).toBe(lab.nodes.length);
    expect(await Promise.all(lab.nodes.map((n) => health(n.name, 2000)))).toEqual(lab.nodes.map(() => '200'));
  });

  it('preflight sees simulated root, tools, GPUs and the kernel feature node05 lacks', async () => {
    const rep = await runPreflight(pool, [
      { target: target('node01'), module: getFault('cpu-stress') },
      { target: target('node04'), module: getFault('gpu-power-cap') },
      { target: target('node05'), module: getFault('network-latency') },
    ]);
    const cell = (n: string) => rep.cells.find((c) => c.node === n)!;
    expect(cell('node01').ok).toBe(true);
    expect(cell('node04').ok).toBe(true);
    expect(rep.nodes.find((n) => n.node === 'node04')!.gpus.amd).toBe(2);
    expect(cell('node05').ok).toBe(false);
    expect(cell('node05').checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['kernel:sch_netem']);
  }, 30_000);

  it('a partition of the db node (through SshPool + FaultManager) makes its /health fail; STOP heals it', async () => {
    const fm = manager('simlab-part', 30);
    expect(await health('node03')).toBe('200');
    const [out] = await fm.inject({ kind: 'network-partition', intensity: 'medium', approver: 'dee', targets: [target('node03')] });
    expect(out).toMatchObject({ ok: true, state: 'active' });
    expect(await waitFor(async () => (await health('node03')) === 'timeout', 3000)).not.toBeNull();
    // The management path survives the partition, even for a brand-new connection.
    await pool.close(target('node03').spec);
    expect((await pool.exec(target('node03').spec, Shell.raw('iptables -S | grep -c DROP'))).stdout.trim()).toBe('1');
    for (const f of fm.live()) await fm.revertOne(f);
    expect([...fm.faults.values()].map((f) => f.state)).toEqual(['reverted']);
    // Replication catches up for a few seconds (503), then the replica is healthy again.
    expect(await waitFor(async () => (await health('node03')) === '200', 10_000)).not.toBeNull();
  }, 40_000);

  it('reverts of one fault asked for at once (inject timer, revert step, STOP) are joined: one revert command, one result', async () => {
    const fm = manager('simlab-join', 30);
    const [out] = await fm.inject({ kind: 'port-block', params: { port: 8080, mode: 'reject' }, targets: [target('node02')] });
    expect(out).toMatchObject({ ok: true, state: 'active' });
    const f = fm.live()[0]!;
    const sent: string[] = [];
    const exec = pool.exec.bind(pool);
    const spy = vi.spyOn(pool, 'exec').mockImplementation((spec, cmd, o) => {
      sent.push(cmd.text);
      return exec(spec, cmd, o);
    });
    try {
      const first = fm.revertOne(f);
      const second = fm.revertOne(f);
      expect(second).toBe(first);
      await Promise.all([first, second]);
    } finally {
      spy.mockRestore();
    }
    expect(f.state).toBe('reverted');
    expect(sent.filter((t) => t.includes('revert=$gd_rv')).length).toBe(1);
    // Once done, a later revert runs again (and finds nothing left).
    await fm.revertOne(f);
    expect(f.state).toBe('reverted');
  }, 30_000);

  it('a lease that is not renewed reverts by itself within TTL + slack', async () => {
    const fm = manager('simlab-lease', 3);
    const [out] = await fm.inject({ kind: 'port-block', params: { port: 8080, mode: 'reject' }, targets: [target('node02')] });
    expect(out?.ok).toBe(true);
    expect(await health('node02')).toBe('refused');
    fm.stopRenewal(); // the console "dies": nobody renews any more
    const t0 = Date.now();
    // TTL 3 s + the watchdog's 1 s poll + 1 s of mtime granularity + the revert itself on a busy machine.
    const healed = await waitFor(async () => (await health('node02')) === '200', 12_000);
    expect(healed).not.toBeNull();
    expect(Date.now() - t0).toBeGreaterThan(1500);
    // The hook goes first (the service answers again), then the chain: wait for the whole revert.
    const clean = async () => (await pool.exec(target('node02').spec, Shell.raw('iptables -S'))).stdout === '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n';
    expect(await waitFor(clean, 8000)).not.toBeNull();
    const log = readFileSync(join(lab.nodes.find((n) => n.name === 'node02')!.rootDir, 'run/gameday/simlab-lease', `${out!.faultId}.revert.log`), 'utf8');
    expect(log).toMatch(/lease not renewed for 3s/);
  }, 30_000);

  it('a killed service refuses connections until its supervisor restarts it', async () => {
    const fm = manager('simlab-kill', 30);
    const [out] = await fm.inject({ kind: 'process-kill', params: { name: 'api-server', signal: 'KILL' }, approver: 'dee', targets: [target('node01')] });
    expect(out?.ok).toBe(true);
    expect(await health('node01')).toBe('refused');
    // Restart=always with a seeded 2-5 s delay.
    expect(await waitFor(async () => (await health('node01')) === '200', 8000)).toBeGreaterThan(1000);
  }, 30_000);

  it('restarting the lab in the same folder keeps host keys (known_hosts stays valid) and reaps a crashed run\'s leftovers', async () => {
    const keys = readFileSync(lab.knownHostsPath, 'utf8').split('\n').map((l) => l.split(' ').slice(1).join(' '));
    await pool.dispose();
    await lab.close();
    // A process a crashed earlier run of this lab left behind (its environment names a node folder).
    const base = realpathSync(dir);
    const leftover = spawn('sleep', ['300'], { env: { ...process.env, GAMEDAY_SIM_ROOT: `${base}/nodes/node01/root` }, stdio: 'ignore', detached: true });
    await new Promise((r) => setTimeout(r, 100));
    lab = await startSimLab({ dir, seed: 7 });
    expect(isRunning(leftover.pid!)).toBe(false);
    pool = new SshPool();
    expect(readFileSync(lab.knownHostsPath, 'utf8').split('\n').map((l) => l.split(' ').slice(1).join(' '))).toEqual(keys);
    expect((await pool.exec(target('node01').spec, Shell.raw('hostname'))).stdout).toBe('node01\n');
  }, 30_000);
});
