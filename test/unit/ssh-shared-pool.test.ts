/**
 * The fallback rules of SharedPool (ssh/shared-pool.ts), against an in-process ssh2 server that
 * counts the connections it accepts, with a real SshPool lent on a real unix socket (the live side)
 * or a hand-made socket that refuses or breaks. Observed from the server: how many SSH connections
 * were made, and whether a command ran (its marker file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharePool, SharedPool, SshError, SshPool, type ConnectSpec, type ExecOptions } from '../../src-main/ssh/index.js';
import { sh, Shell } from '../../src-main/shell/index.js';
import { isRunning, startTestServer, type TestServer } from '../helpers/ssh-server.js';

let srv: TestServer;
let root: string;
let n = 0;
const spec = (): ConnectSpec => ({ name: 'local', host: '127.0.0.1', port: srv.port, user: 'root', identityFiles: [srv.clientKeyFile], knownHostsFiles: [srv.knownHostsFile] });
const newDir = (): string => join(root, `ws${++n}`, 'control');

beforeAll(async () => {
  srv = await startTestServer();
  root = mkdtempSync(join(tmpdir(), 'gd-shpool-'));
});
afterAll(async () => {
  await srv.close();
  rmSync(root, { recursive: true, force: true });
});

/** A unix socket at `<dir>/<id>.pool` answering every connection with `serve`. */
async function fakeLive(dir: string, id: string, serve: (sock: import('node:net').Socket, line: string) => void): Promise<Server> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const s = createServer((sock) => {
    let buf = '';
    sock.on('error', () => undefined);
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\n')) serve(sock, buf.slice(0, buf.indexOf('\n')));
    });
  });
  await new Promise<void>((r) => s.listen(join(dir, `${id}.pool`), r));
  return s;
}

describe('SharedPool: through a live pool when one accepts, else its own connections', () => {
  it('goes through the live pool: no connection of its own, the live one reused, its own audit hooks called, connection facts on request', async () => {
    const dir = newDir();
    const live = new SshPool();
    const share = sharePool(live, dir, 'console-1');
    const hooks: string[] = [];
    const pool = new SharedPool({ beforeExec: (_s, c) => void hooks.push(`before ${c.text}`), afterExec: (_s, c, o) => void hooks.push(`after ${c.text} ${o.result?.code ?? o.error?.code}`) }, { dir, self: 'adhoc-1' });
    try {
      const before = srv.stats.connections;
      const out: string[] = [];
      const a = await pool.exec(spec(), sh`echo one; exit 3`, { onStdout: (b) => out.push(b.toString()) });
      const b = await pool.execRouted(spec(), Shell.raw('echo two'), {}, true);
      expect([a.code, a.stdout, b.result.stdout]).toEqual([3, 'one\n', 'two\n']);
      expect(out.join('')).toBe('one\n');
      expect(b.via).toBe('console-1');
      expect(b.conn?.hostKey).toBe('match');
      expect(b.conn?.authMethod).toMatch(/publickey/);
      // The server saw one connection: the live pool's, opened once and reused.
      expect(srv.stats.connections - before).toBe(1);
      expect(pool.size).toBe(0);
      expect(live.size).toBe(1);
      expect([...pool.usedShared, pool.ownExecs]).toEqual(['console-1', 0]);
      expect(hooks).toEqual(['before echo one; exit 3', 'after echo one; exit 3 3', 'before echo two', 'after echo two 0']);
    } finally {
      share.close();
      await pool.dispose();
      await live.dispose();
    }
  });

  it('no socket, a stale one (removed) or its own socket only: its own connection, as before', async () => {
    const dir = newDir();
    const pool = new SharedPool({}, { dir, self: 'adhoc-2' });
    const own = sharePool(pool, dir, 'adhoc-2');
    // A socket file nobody listens on, as a killed console leaves it (a process that exits without closing).
    const stalePath = join(dir, 'console-999.pool');
    expect(spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stalePath)}, () => process.exit(0))`]).status).toBe(0);
    expect(existsSync(join(dir, 'console-999.pool'))).toBe(true);
    try {
      const before = srv.stats.connections;
      const r = await pool.exec(spec(), Shell.raw('echo mine'));
      expect(r.stdout).toBe('mine\n');
      expect(srv.stats.connections - before).toBe(1);
      expect(pool.size).toBe(1);
      expect([pool.usedShared.size, pool.ownExecs]).toEqual([0, 1]);
      expect(existsSync(join(dir, 'console-999.pool'))).toBe(false);
    } finally {
      own.close();
      await pool.dispose();
    }
  });

  it('a refusal (the command did not run there): its own connection', async () => {
    const dir = newDir();
    const fake = await fakeLive(dir, 'console-2', (sock) => sock.end(`${JSON.stringify({ t: 'x', error: 'bad request' })}\n`));
    const pool = new SharedPool({}, { dir });
    try {
      const r = await pool.exec(spec(), Shell.raw('echo after-refusal'));
      expect(r.stdout).toBe('after-refusal\n');
      expect([pool.usedShared.size, pool.ownExecs]).toEqual([0, 1]);
    } finally {
      fake.close();
      await pool.dispose();
    }
  });

  it('accepted, then the live process goes away: that exec fails (never re-run on another path); the next one uses its own connection', async () => {
    const dir = newDir();
    const marker = join(srv.dir, `rerun-${Date.now()}`);
    // Accepts the request, then dies without an answer (as a console killed with -9 mid-command).
    const fake = await fakeLive(dir, 'console-3', (sock) => sock.destroy());
    const audited: string[] = [];
    const pool = new SharedPool({ afterExec: (_s, _c, o) => void audited.push(o.error?.code ?? 'ok') }, { dir });
    try {
      const err = (await pool.exec(spec(), sh`echo ran >> ${marker}`).catch((e: unknown) => e)) as SshError;
      expect(err).toBeInstanceOf(SshError);
      expect(err.code).toBe('DISCONNECTED');
      expect(err.message).toMatch(/through the open connections of console-3/);
      // Not re-run on our own connections: the marker was never written.
      expect(existsSync(marker)).toBe(false);
      expect(pool.ownExecs).toBe(0);
      // The live process is gone for good: its socket refuses, so the next exec opens our own.
      await new Promise<void>((r) => fake.close(() => r()));
      const r = await pool.exec(spec(), sh`echo ran >> ${marker}`);
      expect(r.code).toBe(0);
      expect(readFileSync(marker, 'utf8')).toBe('ran\n');
      expect(audited).toEqual(['DISCONNECTED', 'ok']);
    } finally {
      await pool.dispose();
    }
  });

  it('two clients lending to each other never pass a command back and forth: a lent request runs on the lender\'s own connections', async () => {
    const dir = newDir();
    const a = new SharedPool({}, { dir, self: 'console-a' });
    const b = new SharedPool({}, { dir, self: 'console-b' });
    const sa = sharePool(a, dir, 'console-a');
    const sb = sharePool(b, dir, 'console-b');
    try {
      const r = await a.exec(spec(), Shell.raw('echo ping'), { timeoutMs: 5000 });
      expect(r.stdout).toBe('ping\n');
      expect([...a.usedShared, a.ownExecs, a.size]).toEqual(['console-b', 0, 0]);
      expect([b.usedShared.size, b.ownExecs, b.size]).toEqual([0, 1, 1]);
    } finally {
      sa.close();
      sb.close();
      await a.dispose();
      await b.dispose();
    }
  });

  it("an inject's or run's pool is never borrowed (it ends with its own fault): own connections, however many lend", async () => {
    const dir = newDir();
    const other = new SshPool();
    const lent = [sharePool(other, dir, 'adhoc-other'), sharePool(other, dir, 'run-other')];
    const pool = new SharedPool({}, { dir, self: 'adhoc-me' });
    try {
      const r = await pool.exec(spec(), Shell.raw('echo own'), { timeoutMs: 5000 });
      expect(r.stdout).toBe('own\n');
      expect([pool.usedShared.size, pool.ownExecs, other.size]).toEqual([0, 1, 0]);
    } finally {
      for (const l of lent) l.close();
      await pool.dispose();
      await other.dispose();
    }
  });

  it('an abort (STOP) reaches the live pool: the remote command is killed there', async () => {
    const dir = newDir();
    const live = new SshPool();
    const share = sharePool(live, dir, 'console-4');
    const pool = new SharedPool({}, { dir });
    const pidFile = join(srv.dir, `shared-abort-${Date.now()}`);
    try {
      const ac = new AbortController();
      const o: ExecOptions = { signal: ac.signal };
      const p = pool.exec(spec(), sh`echo $$ > ${pidFile}; sleep 30`, o).then(
        (r) => `exit ${r.code}`,
        (e: SshError) => e.code,
      );
      for (let i = 0; i < 50 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      const outcome = await p;
      expect(outcome).not.toBe('exit 0');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      for (let i = 0; i < 30 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 100));
      expect(isRunning(pid)).toBe(false);
      expect(pool.size).toBe(0);
    } finally {
      share.close();
      await pool.dispose();
      await live.dispose();
    }
  });
});
