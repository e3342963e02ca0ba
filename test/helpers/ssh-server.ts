/**
 * An in-process ssh2 Server on 127.0.0.1:0 for quick unit tests of the real client code. Commands
 * run for real in /bin/sh on this machine (no canned answers), so quoting, timeouts and process
 * kills are exercised end to end. Integration tests use real OpenSSH in the netns lab instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;

export interface TestServer {
  port: number;
  hostKeyPub: string; // "ssh-ed25519 AAAA…"
  dir: string;
  clientKeyFile: string;
  knownHostsFile: string;
  /** Max concurrent sessions observed per connection. */
  stats: { maxConcurrentSessions: number; connections: number; handshakesInFlightMax: number; authMethods: string[] };
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Refuse session channels beyond this many open at once (like OpenSSH MaxSessions). */
  maxSessions?: number;
  /** Accept passwords equal to this. */
  password?: string;
  /** Delay before accepting auth, to hold handshakes in flight. */
  authDelayMs?: number;
  /** Leave the n-th session channel (1-based, per connection) unanswered, as over a dead link. */
  ignoreSession?: (n: number) => boolean;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-ssh-'));
  const host = goodKeyPair();
  const client = goodKeyPair();
  const clientKeyFile = join(dir, 'id_ed25519');
  writeFileSync(clientKeyFile, client.private, { mode: 0o600 });
  const allowed = utils.parseKey(client.public);
  if (allowed instanceof Error) throw allowed;
  const stats = { maxConcurrentSessions: 0, connections: 0, handshakesInFlightMax: 0, authMethods: [] as string[] };
  let inFlight = 0;
  const children = new Set<ChildProcess>();
  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    stats.connections++;
    inFlight++;
    stats.handshakesInFlightMax = Math.max(stats.handshakesInFlightMax, inFlight);
    let authed = false;
    let open = 0;
    conn.on('authentication', (ctx) => {
      stats.authMethods.push(ctx.method);
      const finish = (ok: boolean) => (ok ? ctx.accept() : ctx.reject(opts.password ? ['publickey', 'password'] : ['publickey']));
      const decide = () => {
        if (ctx.method === 'publickey') {
          const pk = allowed as { getPublicSSH(): Buffer; verify(d: Buffer, s: Buffer, h?: string): boolean };
          if (ctx.key.algo !== 'ssh-ed25519' || !ctx.key.data.equals(pk.getPublicSSH())) return finish(false);
          if (!ctx.signature) return ctx.accept(); // key probe
          return finish(pk.verify(ctx.blob!, ctx.signature, ctx.hashAlgo));
        }
        if (ctx.method === 'password' && opts.password) return finish(ctx.password === opts.password);
        finish(false);
      };
      if (opts.authDelayMs) setTimeout(decide, opts.authDelayMs);
      else decide();
    });
    conn.on('ready', () => {
      authed = true;
      inFlight--;
      let sessions = 0;
      conn.on('session', (accept, reject) => {
        if (opts.ignoreSession?.(++sessions)) return;
        if (opts.maxSessions && open >= opts.maxSessions) return reject();
        open++;
        stats.maxConcurrentSessions = Math.max(stats.maxConcurrentSessions, open);
        const session = accept();
        session.on('close', () => open--);
        session.on('exec', (acc, _rej, info) => {
          const ch = acc();
          const child = spawn('/bin/sh', ['-c', info.command], { stdio: ['pipe', 'pipe', 'pipe'] });
          children.add(child);
          child.stdout.pipe(ch, { end: false });
          child.stderr.pipe(ch.stderr);
          ch.pipe(child.stdin);
          child.on('close', (code, sig) => {
            children.delete(child);
            if (sig) ch.exit(sig.replace(/^SIG/, ''));
            else ch.exit(code ?? 0);
            ch.end();
          });
          ch.on('signal' as never, () => undefined);
        });
      });
    });
    conn.on('close', () => {
      if (!authed) inFlight--;
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const knownHostsFile = join(dir, 'known_hosts');
  const hostKeyPub = host.public.trim();
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKeyPub}\n`);
  return {
    port,
    hostKeyPub,
    dir,
    clientKeyFile,
    knownHostsFile,
    stats,
    close: () =>
      new Promise<void>((r) => {
        for (const c of children) c.kill('SIGKILL');
        server.close(() => r());
      }),
  };
}

/** True while a process runs (a zombie waiting to be reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * ssh2's generateKeyPairSync('ed25519') yields, about once in 256 tries, a key its own parseKey
 * rejects ("Malformed OpenSSH public key", mscdex/ssh2#1513). Test keys are regenerated until both
 * halves parse, so that upstream bug cannot make a test flaky.
 */
function goodKeyPair(): { private: string; public: string } {
  for (;;) {
    const k = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(k.private) instanceof Error) && !(utils.parseKey(k.public) instanceof Error)) return k;
  }
}
