/**
 * The labs' one lock (src-main/lab/shared/lock.mjs): the simulated tools' state files, the GPU
 * simulators' state and the netns lab's host-wide planning step all take it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lock, LockBusy, lockSync, withLock } from '../../src-main/lab/shared/lock.mjs';

const LOCK_MJS = resolve(__dirname, '../../src-main/lab/shared/lock.mjs');
let tmp: string;
let path: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gd-lab-lock-'));
  path = join(tmp, 'x.lock');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const deadPid = (): number => spawnSync('true').pid!;
const quick = { timeoutMs: 150, staleMs: 60_000, retryMs: 5 };

describe('the labs\' lock', () => {
  it('one holder at a time: async holders never overlap, and the lock is gone after', async () => {
    const spans: Array<[number, number]> = [];
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withLock(path, { timeoutMs: 5_000, staleMs: 60_000 }, async () => {
          const t0 = performance.now();
          await new Promise((r) => setTimeout(r, 20));
          spans.push([t0, performance.now()]);
        }),
      ),
    );
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(existsSync(path)).toBe(false);
  });

  it('separate processes taking it blocking lose no update', async () => {
    const counter = join(tmp, 'n');
    writeFileSync(counter, '0');
    const script = `import { withLockSync } from ${JSON.stringify(LOCK_MJS)}; import { readFileSync, writeFileSync } from 'node:fs';
      for (let i = 0; i < 40; i++) withLockSync(process.argv[1], { timeoutMs: 20000, staleMs: 60000 }, () => writeFileSync(process.argv[2], String(Number(readFileSync(process.argv[2], 'utf8')) + 1)));`;
    const runs = Array.from({ length: 3 }, () => new Promise<number | null>((r) => spawn(process.execPath, ['--input-type=module', '-e', script, path, counter], { stdio: 'inherit' }).on('exit', r)));
    expect(await Promise.all(runs)).toEqual([0, 0, 0]);
    expect(readFileSync(counter, 'utf8')).toBe('120');
  });

  it('a busy lock ends in LockBusy naming it, after the wait the caller chose', async () => {
    const release = lockSync(path, quick);
    expect(() => lockSync(path, { ...quick, what: 'state lock' })).toThrow(`state lock ${path} is busy`);
    await expect(lock(path, quick)).rejects.toBeInstanceOf(LockBusy);
    release();
    lockSync(path, quick)();
  });

  it('a lock left by a killed holder is taken over once it is older than staleMs', () => {
    mkdirSync(path);
    expect(() => lockSync(path, quick)).toThrow(LockBusy);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(path, old, old);
    lockSync(path, quick)();
  });

  it('with owner: a lock whose holder process is gone is taken over at once; a live holder\'s is not', () => {
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), `${deadPid()}\n`);
    const release = lockSync(path, { ...quick, owner: true });
    expect(readFileSync(join(path, 'pid'), 'utf8').trim()).toBe(String(process.pid));
    expect(() => lockSync(path, { ...quick, owner: true })).toThrow(LockBusy);
    release();
  });

  it('without owner a dead pid means nothing (pids of sandboxed nodes live in another namespace)', () => {
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), `${deadPid()}\n`);
    expect(() => lockSync(path, quick)).toThrow(LockBusy);
  });

  it('the lock file of an older gameday at the same path still excludes', () => {
    writeFileSync(path, `${process.pid}\n`);
    expect(() => lockSync(path, { ...quick, owner: true })).toThrow(LockBusy);
  });
});
