import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { SshPool, SshError } from '../../src-main/ssh/index.js';
import { Shell, sh } from '../../src-main/shell/index.js';
import type { ConnectSpec } from '../../src-main/ssh/index.js';
import { isRunning, startTestServer, type TestServer } from '../helpers/ssh-server.js';

let srv: TestServer;
let pool: SshPool;

/** A spec for `server` (the file's shared server unless another is given). */
function spec(over: Partial<ConnectSpec> = {}, server: TestServer = srv): ConnectSpec {
  return {
    name: 'local',
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    identityFiles: [server.clientKeyFile],
    knownHostsFiles: [server.knownHostsFile],
    ...over,
  };
}

beforeAll(async () => {
  srv = await startTestServer({ maxSessions: 3 });
});
afterAll(async () => {
  await srv.close();
});
afterEach(async () => {
  await pool?.dispose();
});

describe('SshPool against an in-process ssh2 server', () => {
  it('runs a command, streams output and returns the exit code', async () => {
    pool = new SshPool();
    const chunks: string[] = [];
    const r = await pool.exec(spec(), sh`printf %s ${'a b'}; echo err >&2; exit 3`, { onStdout: (b) => chunks.push(b.toString()) });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('a b');
    expect(r.stderr.trim()).toBe('err');
    expect(chunks.join('')).toBe('a b');
  });

  it('passes stdin', async () => {
    pool = new SshPool();
    const r = await pool.exec(spec(), Shell.raw('wc -c'), { stdin: 'hello' });
    expect(r.stdout.trim()).toBe('5');
  });

  it('reuses one connection for many commands', async () => {
    pool = new SshPool();
    const before = srv.stats.connections;
    await Promise.all(Array.from({ length: 10 }, () => pool.exec(spec(), Shell.raw('true'))));
    expect(srv.stats.connections - before).toBe(1);
  });

  it('queues channels beyond maxSessionsPerNode instead of failing', async () => {
    pool = new SshPool({ maxSessionsPerNode: 3 });
    srv.stats.maxConcurrentSessions = 0;
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.exec(spec(), sh`sleep 0.2; echo ${i}`)));
    expect(rs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(srv.stats.maxConcurrentSessions).toBeLessThanOrEqual(3);
  });

  it('kills the remote process group when the timeout fires', async () => {
    pool = new SshPool();
    const marker = `gd-timeout-${process.pid}-${Date.now()}`;
    const r = await pool.exec(spec(), sh`sleep 30 & echo $! > ${join(srv.dir, marker)}; wait`, { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    const pid = Number(readFileSync(join(srv.dir, marker), 'utf8'));
    await new Promise((res) => setTimeout(res, 300));
    expect(isRunning(pid)).toBe(false); // the background child is gone too
  });

  it('kills the remote command on abort', async () => {
    pool = new SshPool();
    const ac = new AbortController();
    const pidFile = join(srv.dir, `abort-${Date.now()}`);
    const p = pool.exec(spec(), sh`echo $$ > ${pidFile}; sleep 30`, { signal: ac.signal });
    await new Promise((res) => setTimeout(res, 400));
    ac.abort();
    const r = await p;
    expect(r.code).not.toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(pid)).toBe(false);
  });

  it('refuses an unknown host key unless trust-on-first-use, then records it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-kh-'));
    const kh = join(dir, 'known_hosts');
    pool = new SshPool();
    const err = await pool.exec(spec({ knownHostsFiles: [kh] }), Shell.raw('true')).catch((e) => e);
    expect(err).toBeInstanceOf(SshError);
    expect(err.code).toBe('HOSTKEY_UNKNOWN');
    expect(err.message).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    expect(existsSync(kh)).toBe(false);
    await pool.dispose();
    pool = new SshPool({ trustOnFirstUse: true });
    const r = await pool.exec(spec({ knownHostsFiles: [kh] }), Shell.raw('echo ok'));
    expect(r.stdout.trim()).toBe('ok');
    expect(readFileSync(kh, 'utf8')).toContain(srv.hostKeyPub.split(' ')[1]);
  });

  it('refuses a changed host key and shows both fingerprints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-kh-'));
    const kh = join(dir, 'known_hosts');
    const other = ssh2.utils.generateKeyPairSync('ed25519');
    writeFileSync(kh, `[127.0.0.1]:${srv.port} ${other.public.trim()}\n`);
    pool = new SshPool({ trustOnFirstUse: true });
    const err = await pool.exec(spec({ knownHostsFiles: [kh] }), Shell.raw('true')).catch((e) => e);
    expect(err.code).toBe('HOSTKEY_CHANGED');
    expect(err.message.match(/SHA256:/g)?.length).toBe(2);
    expect(readFileSync(kh, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('says which auth methods were tried when the key is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-key-'));
    const wrong = ssh2.utils.generateKeyPairSync('ed25519');
    const f = join(dir, 'id_wrong');
    writeFileSync(f, wrong.private, { mode: 0o600 });
    pool = new SshPool();
    const err = await pool.exec(spec({ identityFiles: [f] }), Shell.raw('true')).catch((e) => e);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain(`publickey ${f}`);
    expect(err.message).toContain('server allows: publickey');
  });

  it('asks for a passphrase through the callback for an encrypted key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-key-'));
    const f = join(dir, 'id_enc');
    // Re-encrypt the accepted key with a passphrase using OpenSSH's own tool.
    writeFileSync(f, readFileSync(srv.clientKeyFile), { mode: 0o600 });
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-p', '-q', '-N', 'sesame', '-f', f]);
    const asked: string[] = [];
    pool = new SshPool({ prompts: { passphrase: async (file) => (asked.push(file), 'sesame') } });
    const r = await pool.exec(spec({ identityFiles: [f] }), Shell.raw('echo in'));
    expect(r.stdout.trim()).toBe('in');
    expect(asked).toEqual([f]);
  });

  it('gives a typed REFUSED error for a closed port, without a stack in the message', async () => {
    pool = new SshPool();
    const err = await pool.exec(spec({ port: 1 }), Shell.raw('true')).catch((e) => e);
    expect(err.code).toBe('REFUSED');
    expect(err.toPlain()).not.toMatch(/at .*\.js/);
  });

  it('fans out with bounded concurrency and per-node results', async () => {
    pool = new SshPool();
    const specs = Array.from({ length: 6 }, (_, i) => spec({ name: `n${i}` }));
    specs.push(spec({ name: 'dead', port: 1 }));
    const progress: number[] = [];
    const rs = await pool.fanOut(specs, (s) => sh`echo ${s.name}`, { concurrency: 3, onProgress: (p) => progress.push(p.done) });
    expect(rs.map((r) => r.node)).toEqual([...specs.map((s) => s.name)]);
    expect(rs.slice(0, 6).every((r) => r.ok && r.result!.stdout.trim() === r.node)).toBe(true);
    expect(rs[6]!.ok).toBe(false);
    expect(rs[6]!.error!.code).toBe('REFUSED');
    expect(progress).toHaveLength(7);
  });

  it('bounds handshakes in flight', async () => {
    const slow = await startTestServer({ authDelayMs: 150 });
    try {
      pool = new SshPool({ maxConcurrentHandshakes: 2 });
      // distinct users make distinct pooled connections to the same server
      const specs = Array.from({ length: 6 }, (_, i) => ({
        name: `u${i}`, host: '127.0.0.1', port: slow.port, user: `user${i}`, identityFiles: [slow.clientKeyFile], knownHostsFiles: [slow.knownHostsFile],
      }));
      const rs = await pool.fanOut(specs, Shell.raw('true'));
      expect(rs.every((r) => r.ok)).toBe(true);
      expect(slow.stats.handshakesInFlightMax).toBeLessThanOrEqual(2);
    } finally {
      await pool.dispose();
      await slow.close();
    }
  });
});

describe('standby shells and a server with few sessions', () => {
  it('a server with MaxSessions 1: the standby gives its session back when a command is refused a channel, and none is kept after', async () => {
    const one = await startTestServer({ maxSessions: 1 });
    const p = new SshPool();
    const s = spec({ name: 'one' }, one);
    try {
      // The inject-like command opens a standby (it takes the server's only session).
      await p.exec(s, Shell.raw('true'), { standby: 'keep' });
      await new Promise((r) => setTimeout(r, 300));
      // A renewal-like command: refused a channel, the standby lets go, the command runs.
      const r = await p.exec(s, Shell.raw('echo ok'), { standby: 'keep', timeoutMs: 10_000 });
      expect(r.stdout.trim()).toBe('ok');
      // Learned: no standby any more on this connection, so the next command is not refused.
      const again = await p.exec(s, Shell.raw('echo again'), { timeoutMs: 10_000 });
      expect(again.stdout.trim()).toBe('again');
      expect(one.stats.maxConcurrentSessions).toBe(1);
    } finally {
      await p.dispose();
      await one.close();
    }
  });
});

describe('a standby whose channel never opens', () => {
  it('STOP does not wait for it: the script runs as an ordinary exec, and the pool closes', async () => {
    // Session 1: the inject-like command. Session 2: the standby, never answered. Then normal.
    const srv2 = await startTestServer({ ignoreSession: (n) => n === 2 });
    const p = new SshPool();
    const s = spec({ name: 'hang' }, srv2);
    try {
      await p.exec(s, Shell.raw('true'), { standby: 'keep' });
      const r = await p.exec(s, Shell.raw('echo stopped'), { standby: 'use', timeoutMs: 10_000 });
      expect(r.stdout.trim()).toBe('stopped');
      expect(r.via).toBeUndefined();
    } finally {
      await p.dispose();
      await srv2.close();
    }
  });
});

describe('a warm shell whose connection drops mid-command', () => {
  it('the command that had started is not run again elsewhere: the exec fails, the node ran it once', async () => {
    const p = new SshPool();
    const s = spec({ name: 'warm-drop' });
    const file = join(mkdtempSync(join(tmpdir(), 'gd-warm-drop-')), 'ran');
    try {
      await p.exec(s, Shell.raw('true'), { standby: 'warm' });
      await new Promise((r) => setTimeout(r, 500));
      const conn = await p.connect(s);
      const run = p.exec(s, Shell.raw(`echo ran >> ${file}; sleep 3`), { standby: 'warm', timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 800));
      conn.client.end();
      await expect(run).rejects.toMatchObject({ code: 'DISCONNECTED' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(readFileSync(file, 'utf8')).toBe('ran\n');
    } finally {
      await p.dispose();
    }
  });
});
