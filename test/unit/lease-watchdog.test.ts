/**
 * The node-side watchdog script on its own (no root, no network): fires after TTL without
 * renewal, stays quiet while renewed, exits silently when the lease is removed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = join(process.cwd(), 'resources/lease-watchdog.sh');
const dir = mkdtempSync(join(tmpdir(), 'gd-wd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(name: string) {
  const lease = join(dir, `${name}.lease`);
  const revert = join(dir, `${name}.revert.sh`);
  const marker = join(dir, `${name}.reverted`);
  writeFileSync(lease, '');
  writeFileSync(revert, `echo reverted > '${marker}'\n`);
  return { lease, revert, marker, pidFile: join(dir, `${name}.watchdog.pid`), log: join(dir, `${name}.revert.log`) };
}

/** Start the watchdog under dash exactly as lease.ts does (own session, stdio detached). */
function start(lease: string, ttl: number, revert: string, max = 0) {
  const child = spawn('setsid', ['sh', SCRIPT, lease, String(ttl), revert, String(max)], { stdio: 'ignore' });
  return new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lease-watchdog.sh', () => {
  it('is valid POSIX sh (dash -n)', () => {
    expect(spawnSync('dash', ['-n', SCRIPT]).status).toBe(0);
  });

  it('reverts once the lease is stale, then removes its files', async () => {
    const f = setup('stale');
    const t0 = Date.now();
    const exit = start(f.lease, 2, f.revert);
    await sleep(500);
    expect(existsSync(f.pidFile)).toBe(true);
    expect(await exit).toBe(0);
    const elapsed = (Date.now() - t0) / 1000;
    // TTL 2 s, 1 s polling and 1 s mtime/uptime granularity: 2 s <= fire < 4.5 s.
    expect(elapsed).toBeGreaterThanOrEqual(1.9);
    expect(elapsed).toBeLessThan(4.5);
    expect(readFileSync(f.marker, 'utf8')).toBe('reverted\n');
    expect(readFileSync(f.log, 'utf8')).toMatch(/lease not renewed for 2s/);
    for (const p of [f.lease, f.revert, f.pidFile]) expect(existsSync(p), p).toBe(false);
  });

  it('stays quiet while renewed, and exits silently when the lease is removed', async () => {
    const f = setup('renewed');
    const exit = start(f.lease, 2, f.revert);
    for (let i = 0; i < 8; i++) {
      await sleep(500);
      const now = new Date(Date.now() + (i + 1) * 1000); // any mtime change counts as a renewal
      utimesSync(f.lease, now, now);
    }
    expect(existsSync(f.marker)).toBe(false);
    rmSync(f.lease);
    expect(await exit).toBe(0);
    expect(existsSync(f.marker)).toBe(false);
    expect(existsSync(f.pidFile)).toBe(false);
  });

  it('honours the hard maximum even while renewed', async () => {
    const f = setup('max');
    const exit = start(f.lease, 30, f.revert, 2);
    const timer = setInterval(() => { const t = new Date(); try { utimesSync(f.lease, t, t); } catch { /* consumed */ } }, 300);
    expect(await exit).toBe(0);
    clearInterval(timer);
    expect(readFileSync(f.log, 'utf8')).toMatch(/hard maximum 2s/);
    expect(existsSync(f.marker)).toBe(true);
  });

  it('refuses a non-numeric ttl', async () => {
    const f = setup('bad');
    expect(await start(f.lease, 'x' as unknown as number, f.revert)).toBe(2);
  });
});
