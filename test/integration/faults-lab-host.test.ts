/**
 * Host and process faults on the netns lab through the real engine, observed from the host's /proc
 * and statfs (the lab's nodes share the host kernel, pid namespace and filesystem; only networking
 * is per node), never through the fault's own verify. Each effect must be gone after revert.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { run } from '../../src-main/lab/netns/exec.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { sh } from '../../src-main/shell/index.js';
import { labTarget, labTargets, openFleet, sleep, waitFor, type Fleet } from './helpers/fleet.js';
import { APPROVER, injectOk, revertLive, revertOk } from './helpers/inject.js';
import { faultGroup, netnsOf, nodePath, procState, residue, sshdPid, taggedProcs } from './helpers/observe.js';
import { anonPages, cpuSeconds, memAvailable, rssBytes, usedShare, wcharBytes } from './helpers/procfs.js';

let lab: LabInfo;
let fleet: Fleet;
/**
 * A 64 MiB tmpfs mounted inside node02's own mount namespace (the node's sshd got a private one
 * from `ip netns exec`), at a path under the lab dir: disk-fill and io-stress never touch a real
 * disk. The host reads it through /proc/<sshd>/root (`onNode`).
 */
let mnt: string;
let onNode: string;
const TMPFS_BYTES = 64 * 2 ** 20;
const started: number[] = [];
const copies: string[] = [];

/** Start a long sleep on node02 (over SSH) under a name of our own (`sleep` itself is protected). */
async function startSleeper(name: string): Promise<number> {
  const bin = join(lab.dir, name);
  copyFileSync('/bin/sleep', bin);
  copies.push(bin);
  const r = await fleet.pool.exec(labTarget(lab, 'node02').spec, sh`setsid ${bin} 300 </dev/null >/dev/null 2>&1 & echo $!`);
  const pid = Number(r.stdout.trim());
  expect(pid).toBeGreaterThan(1);
  started.push(pid);
  expect(await waitFor(() => procState(pid) === 'S', 5000, 50)).not.toBeNull();
  return pid;
}

const gone = (pid: number) => {
  const st = procState(pid);
  return st === null || st === 'Z'; // PID 1 here may not reap orphans: a zombie is dead too
};

beforeAll(async () => {
  lab = getTestLab();
  fleet = openFleet(lab, { prefix: 'ithost', leaseTtlSec: 6 });
  mnt = join(lab.dir, `gd-tmpfs-${randomBytes(3).toString('hex')}`);
  mkdirSync(mnt);
  await run('nsenter', ['-t', String(sshdPid(lab, 'node02')), '-m', 'mount', '-t', 'tmpfs', '-o', 'size=64m,mode=1777', 'gdtest', mnt]);
  onNode = nodePath(lab, 'node02', mnt);
  // Safety: never point disk-fill at anything but our small tmpfs.
  expect(usedShare(onNode).totalBytes).toBe(TMPFS_BYTES);
});

afterEach(async () => {
  await revertLive(fleet);
});

afterAll(async () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await fleet.stopper.stop('test file done', 'it');
  expect(await residue(lab, 'node02', fleet.runId)).toEqual([]);
  await fleet.close();
  await run('nsenter', ['-t', String(sshdPid(lab, 'node02')), '-m', 'umount', '-l', mnt], { allowFail: true });
  rmSync(mnt, { recursive: true, force: true });
  for (const f of copies) rmSync(f, { force: true });
});

describe('cpu-stress', () => {
  /** 60 % of one CPU for 2 s is 1.2 CPU-s; 0.3 s is the floor a busy 2-core machine still clears. */
  it('burns CPU in stress-ng processes in the node\'s namespace; none remain after revert', async () => {
    const [o] = await injectOk(fleet, 'cpu-stress', { workers: 1, loadPercent: 60 }, 'node02');
    const procs = faultGroup(fleet.runId, o!.faultId);
    expect(procs.length).toBeGreaterThanOrEqual(2); // stress-ng parent + one worker
    expect(procs.every((p) => p.comm.startsWith('stress-ng') && p.netns === netnsOf(lab, 'node02'))).toBe(true);
    const pids = procs.map((p) => p.pid);
    const c0 = cpuSeconds(pids);
    await sleep(2000);
    const burnt = cpuSeconds(pids) - c0;
    console.log(`[cpu-stress] ${procs.length} processes, ${burnt.toFixed(2)} CPU-s in 2 s`);
    expect(burnt).toBeGreaterThan(0.3);
    await revertOk(fleet, [o!]);
    expect(faultGroup(fleet.runId, o!.faultId)).toEqual([]);
    expect(pids.every(gone)).toBe(true);
  });
});

describe('memory-pressure', () => {
  /**
   * 4 % of MemAvailable (about 0.9 GB on this 24 GB machine) held by stress-ng --vm-keep. RSS of the
   * tagged processes must reach half of it, and so must the kernel's AnonPages (other test runs on
   * the machine move it by a few hundred MB at most); after the revert AnonPages is back within a third.
   */
  it('holds memory (RSS and AnonPages up) and gives it back after revert', async () => {
    const before = memAvailable();
    const anonBefore = anonPages();
    const expected = before * 0.04;
    const [o] = await injectOk(fleet, 'memory-pressure', { percent: 4, workers: 1 }, 'node02');
    const pids = () => faultGroup(fleet.runId, o!.faultId).map((p) => p.pid);
    const reached = await waitFor(() => rssBytes(pids()) > expected * 0.5, 15_000);
    const during = memAvailable();
    console.log(`[memory-pressure] expected ${(expected / 2 ** 20).toFixed(0)} MiB; RSS ${(rssBytes(pids()) / 2 ** 20).toFixed(0)} MiB after ${reached} ms; MemAvailable ${(before / 2 ** 20).toFixed(0)} -> ${(during / 2 ** 20).toFixed(0)} MiB`);
    expect(reached).not.toBeNull();
    // Held, as the kernel counts it: anonymous memory up by at least half of it. (MemAvailable is
    // logged, not asserted: on this VM freed pages return to it late, so during a run it fell by
    // as little as 286 MiB while the workers held 822 MiB.)
    expect(anonPages() - anonBefore).toBeGreaterThan(expected * 0.5);
    await revertOk(fleet, [o!]);
    expect(pids()).toEqual([]);
    // Given back, on the same count (AnonPages falls as the holders exit). MemAvailable took more
    // than 10 s to come back in two of three runs here while AnonPages was already back.
    expect(await waitFor(() => anonPages() < anonBefore + expected / 3, 10_000)).not.toBeNull();
  });
});

describe('io-stress', () => {
  it('writes through stress-ng --hdd under the given path; stops and leaves no files after revert', async () => {
    const [o] = await injectOk(fleet, 'io-stress', { mode: 'hdd', workers: 1, path: mnt, hddMb: 4 }, 'node02');
    const pids = faultGroup(fleet.runId, o!.faultId).map((p) => p.pid);
    const w0 = wcharBytes(pids);
    await sleep(1500);
    const wrote = wcharBytes(pids) - w0;
    console.log(`[io-stress] ${(wrote / 2 ** 20).toFixed(1)} MiB written in 1.5 s`);
    // 1 MiB in 1.5 s is far below what a tmpfs writer does even on a busy machine.
    expect(wrote).toBeGreaterThan(2 ** 20);
    await revertOk(fleet, [o!]);
    expect(faultGroup(fleet.runId, o!.faultId)).toEqual([]);
    expect(readdirSync(onNode)).toEqual([]);
  });
});

describe('disk-fill (64 MiB tmpfs)', () => {
  it('refuses when the default 500 MB floor leaves no room, writing nothing', async () => {
    const [o] = await fleet.faults.inject({ kind: 'disk-fill', params: { path: mnt, targetPercent: 60 }, targets: labTargets(lab, 'node02'), maxDurationSec: 60 });
    expect(o).toMatchObject({ ok: false, state: 'failed' });
    expect(o!.message).toMatch(/floor/);
    expect(usedShare(onNode).used).toBeLessThan(0.01);
    expect(readdirSync(onNode)).toEqual([]);
  });

  it('fills to the target use as df sees it from the host, and empties on revert', async () => {
    const out = await injectOk(fleet, 'disk-fill', { path: mnt, targetPercent: 60, keepFreeMb: 4, keepFreePercent: 5 }, 'node02');
    const u = usedShare(onNode);
    console.log(`[disk-fill] used ${(u.used * 100).toFixed(1)}% of ${(u.totalBytes / 2 ** 20).toFixed(0)} MiB`);
    // Target 60 %: sizes are whole KiB/MiB, so within a couple of points.
    expect(u.used).toBeGreaterThan(0.57);
    expect(u.used).toBeLessThan(0.63);
    await revertOk(fleet, out);
    expect(usedShare(onNode).used).toBeLessThan(0.01);
  });

  it('stops at the free-space floor when the target is above it', async () => {
    const out = await injectOk(fleet, 'disk-fill', { path: mnt, targetPercent: 95, keepFreeMb: 0, keepFreePercent: 25 }, 'node02');
    const u = usedShare(onNode);
    console.log(`[disk-fill floor] used ${(u.used * 100).toFixed(1)}%, free ${(u.free * 100).toFixed(1)}%`);
    expect(u.free).toBeGreaterThanOrEqual(0.245); // the 25 % floor holds (0.5 point for rounding)
    expect(u.used).toBeGreaterThan(0.7); // and it did fill up to it
    await revertOk(fleet, out);
    expect(usedShare(onNode).used).toBeLessThan(0.01);
  });
});

describe('process-pause', () => {
  it('freezes the named process (state T) and only it; resumes it on revert', async () => {
    const name = `gdz${randomBytes(3).toString('hex')}`;
    const target = await startSleeper(name);
    const bystander = await startSleeper(`gdy${randomBytes(3).toString('hex')}`);
    const out = await injectOk(fleet, 'process-pause', { name }, 'node02');
    expect(procState(target)).toBe('T');
    expect(procState(bystander)).toBe('S');
    await revertOk(fleet, out);
    expect(await waitFor(() => procState(target) === 'S', 3000, 50)).not.toBeNull();
  });
});

describe('process-kill', () => {
  it('once, by pid: the process is gone', async () => {
    const pid = await startSleeper(`gdk${randomBytes(3).toString('hex')}`);
    const out = await injectOk(fleet, 'process-kill', { pid, signal: 'TERM' }, 'node02');
    expect(await waitFor(() => gone(pid), 3000, 50)).not.toBeNull();
    await revertOk(fleet, out);
  });

  it('every second, by name: new instances die until revert, then survive', async () => {
    const name = `gdr${randomBytes(3).toString('hex')}`;
    const a = await startSleeper(name);
    const out = await injectOk(fleet, 'process-kill', { name, signal: 'KILL', everySec: 1, durationSec: 60 }, 'node02');
    // everySec 1: a kill round at least every ~1 s; 5 s allows for a loaded machine.
    expect(await waitFor(() => gone(a), 5000, 100)).not.toBeNull();
    const b = await startSleeper(name).catch(() => -1); // may die before startSleeper sees it asleep
    if (b > 0) expect(await waitFor(() => gone(b), 5000, 100)).not.toBeNull();
    expect(taggedProcs(fleet.runId, out[0]!.faultId).length).toBeGreaterThan(0); // the loop itself
    await revertOk(fleet, out);
    expect(taggedProcs(fleet.runId, out[0]!.faultId)).toEqual([]);
    const c = await startSleeper(name);
    await sleep(2500);
    expect(procState(c)).toBe('S');
  });
});

describe('service-stop (no systemd in the lab)', () => {
  it('fails as "not supported" and leaves nothing behind', async () => {
    const [o] = await fleet.faults.inject({ kind: 'service-stop', params: { unit: 'cron.service' }, targets: labTargets(lab, 'node02'), approver: APPROVER, maxDurationSec: 60 });
    expect(o).toMatchObject({ ok: false, state: 'failed' });
    expect(o!.message).toMatch(/not supported/);
    expect(await residue(lab, 'node02', fleet.runId)).toEqual([]);
    const left = await fleet.pool.exec(labTarget(lab, 'node02').spec, sh`ls /run/gameday/${fleet.runId}/ 2>/dev/null | grep -F -- ${o!.faultId} || true`);
    expect(left.stdout.trim().split('\n').filter((f) => f && !f.endsWith('.revert.log'))).toEqual([]);
  });
});
