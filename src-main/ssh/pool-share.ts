/**
 * The warm pool for every command (like OpenSSH's ControlMaster): a live console or run shares its
 * open SSH connections on a unix socket in the workspace (`control/<id>.pool`, in the 0700 control
 * folder: only the same user reaches it), and `gameday exec` (and other one-shot commands) send
 * their fan-out there instead of opening connections of their own. The commands run through the
 * live pool, so they get its host-key checks (known_hosts per node spec, as sent by the client)
 * and its audit hooks. No live pool (no socket, a stale socket, a refused request) → the caller
 * opens its own, as before.
 *
 * Wire: one JSON line in ({@link SharedFanOutRequest}); JSON lines out: `{t:'o'|'e', n, d}` (a
 * node's stdout/stderr bytes, base64) while it runs, then `{t:'r', results}` and the end.
 * The `.pool` suffix keeps these sockets out of `gameday stop`'s `*.sock` scan.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SshError } from './errors.js';
import { Shell } from '../shell/index.js';
import type { FanOutResult, SshPool } from './pool.js';
import type { ConnectSpec, ExecResult, SshErrorCode } from './types.js';

/** A request line longer than this is refused (a fan-out spec list for thousands of nodes fits). */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** How long a client waits for the socket to accept before opening its own connections. */
const CONNECT_TIMEOUT_MS = 500;

export interface SharedFanOutRequest {
  v: 1;
  cmd: 'fanout';
  specs: ConnectSpec[];
  command: string;
  timeoutMs?: number;
  sudo?: boolean;
  concurrency?: number;
}

interface WireResult {
  node: string;
  ok: boolean;
  result?: ExecResult;
  error?: { code: SshErrorCode; message: string; hint?: string; node?: string };
}

function isRequest(x: unknown): x is SharedFanOutRequest {
  const r = x as Partial<SharedFanOutRequest> | null;
  return (
    !!r &&
    r.v === 1 &&
    r.cmd === 'fanout' &&
    typeof r.command === 'string' &&
    Array.isArray(r.specs) &&
    r.specs.every((s) => !!s && typeof s.name === 'string' && typeof s.host === 'string' && typeof s.user === 'string' && typeof s.port === 'number') &&
    (r.timeoutMs === undefined || (typeof r.timeoutMs === 'number' && r.timeoutMs > 0)) &&
    (r.concurrency === undefined || (Number.isInteger(r.concurrency) && r.concurrency > 0)) &&
    (r.sudo === undefined || typeof r.sudo === 'boolean')
  );
}

/** Share `pool` on `<dir>/<id>.pool` until `close()`. The live process owns the socket file. */
export function sharePool(pool: SshPool, dir: string, id: string): { path: string; close(): void } {
  const path = join(dir, `${id}.pool`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(path)) unlinkSync(path);
  const server: Server = createServer((sock) => serve(pool, sock));
  // Sharing is an optimisation: a path too long for a unix socket, or any listen error, only
  // means other commands open their own connections.
  server.on('error', () => undefined);
  server.listen(path);
  server.unref();
  return {
    path,
    close() {
      server.close();
      if (existsSync(path)) unlinkSync(path);
    },
  };
}

function serve(pool: SshPool, sock: Socket): void {
  let buf = '';
  let started = false;
  sock.setEncoding('utf8');
  sock.on('error', () => undefined);
  sock.on('data', (d: string) => {
    if (started) return;
    buf += d;
    if (buf.length > MAX_REQUEST_BYTES) return void sock.end(`${JSON.stringify({ t: 'x', error: 'request too large' })}\n`);
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    started = true;
    let req: unknown;
    try {
      req = JSON.parse(buf.slice(0, nl));
    } catch {
      req = undefined;
    }
    if (!isRequest(req)) return void sock.end(`${JSON.stringify({ t: 'x', error: 'bad request' })}\n`);
    const send = (o: unknown): void => {
      if (!sock.destroyed) sock.write(`${JSON.stringify(o)}\n`);
    };
    void pool
      .fanOut(req.specs, Shell.raw(req.command), {
        timeoutMs: req.timeoutMs,
        sudo: req.sudo,
        concurrency: req.concurrency,
        onStdout: (n, b) => send({ t: 'o', n, d: b.toString('base64') }),
        onStderr: (n, b) => send({ t: 'e', n, d: b.toString('base64') }),
      })
      .then(
        (results) => sock.end(`${JSON.stringify({ t: 'r', results: results.map((r): WireResult => ({ node: r.node, ok: r.ok, result: r.result, error: r.error?.toJSON() })) })}\n`),
        (e: unknown) => sock.end(`${JSON.stringify({ t: 'x', error: (e as Error).message })}\n`),
      );
  });
}

/** The shared pools of the workspace's control folder, newest first. */
export function sharedPools(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pool'))
    .sort()
    .reverse()
    .map((f) => join(dir, f));
}

export interface SharedFanOutHandlers {
  onStdout?: (node: string, chunk: Buffer) => void;
  onStderr?: (node: string, chunk: Buffer) => void;
}

/**
 * Run a fan-out through the first live shared pool of `dir`. Resolves `undefined` when there is
 * none that accepts (stale sockets are removed): the caller then opens its own connections. Once
 * a pool has accepted the request, its answer is final (no second attempt: the command may have run).
 */
export async function fanOutShared(dir: string, req: Omit<SharedFanOutRequest, 'v' | 'cmd'>, h: SharedFanOutHandlers = {}): Promise<{ via: string; results: FanOutResult[] } | undefined> {
  for (const path of sharedPools(dir)) {
    const r = await tryOne(path, { v: 1, cmd: 'fanout', ...req }, h);
    if (r) return { via: path, results: r };
  }
  return undefined;
}

function tryOne(path: string, req: SharedFanOutRequest, h: SharedFanOutHandlers): Promise<FanOutResult[] | undefined> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let connected = false;
    let buf = '';
    let results: FanOutResult[] | undefined;
    let failure: string | undefined;
    const timer = setTimeout(() => {
      if (!connected) c.destroy(new Error('connect timeout'));
    }, CONNECT_TIMEOUT_MS);
    c.setEncoding('utf8');
    c.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      c.write(`${JSON.stringify(req)}\n`);
    });
    c.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = JSON.parse(line) as { t: string; n?: string; d?: string; results?: WireResult[]; error?: string };
        if (m.t === 'o') h.onStdout?.(m.n ?? '', Buffer.from(m.d ?? '', 'base64'));
        else if (m.t === 'e') h.onStderr?.(m.n ?? '', Buffer.from(m.d ?? '', 'base64'));
        else if (m.t === 'r') results = (m.results ?? []).map((r) => ({ node: r.node, ok: r.ok, result: r.result, error: r.error && new SshError(r.error.code, r.error.message, r.error.hint, r.error.node) }));
        else if (m.t === 'x') failure = m.error;
      }
    });
    c.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (connected) return;
      // Nobody listens: a socket left by a process that died. Remove it and try the next.
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      }
      resolve(undefined);
    });
    c.on('close', () => {
      clearTimeout(timer);
      if (!connected) return;
      if (results) resolve(results);
      else if (failure === 'bad request' || failure === 'request too large') resolve(undefined);
      else reject(new Error(`the live console's shared connections failed: ${failure ?? 'the connection closed before an answer'}`));
    });
  });
}
