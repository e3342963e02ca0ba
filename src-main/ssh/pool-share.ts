/**
 * The warm pool for every command (like OpenSSH's ControlMaster): a live console or run shares its
 * open SSH connections on a unix socket in the workspace (`control/<id>.pool`, in the 0700 control
 * folder: only the same user reaches it), and `gameday exec` (and other one-shot commands) send
 * their fan-out there instead of opening connections of their own. The commands run through the
 * live pool, so they get its host-key checks (known_hosts per node spec, as sent by the client)
 * and its audit hooks. No live pool (no socket, a stale socket, a refused request) → the caller
 * opens its own, as before.
 *
 * Wire: one JSON line in ({@link SharedFanOutRequest}); JSON lines out: `{t:'n', nodes}` (the nodes
 * a selector chose), `{t:'o'|'e', n, d}` (a node's stdout/stderr bytes, base64) while it runs, then
 * `{t:'r', results}` and the end; or one of `{t:'s', message, hint}` (the selector is wrong: final)
 * and `{t:'x', error}` (refused or failed).
 *
 * A request carries either the connect specs (the client read the inventory) or the raw selector:
 * then the live process resolves it in its own inventory ({@link SharedSelector}), so the client
 * need not load the inventory, YAML and schema code at all (the cost of a one-shot CLI).
 * The `.pool` suffix keeps these sockets out of `gameday stop`'s `*.sock` scan.
 *
 * Two additive parts (older servers ignore them; older clients never send them): a later line
 * `{"t":"cancel"}` aborts the commands (the client's own abort, e.g. STOP while an inject runs:
 * the remote process group is killed as for a local exec); `info: true` adds each node's
 * connection facts (auth method, host-key status) to its result (`gameday inventory check`).
 */
import { setMaxListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Shell } from '../shell/index.js';
import type { SshPool } from './pool.js';
import type { ConnectSpec, ExecResult, SshErrorCode } from './types.js';

/** A request line longer than this is refused (a fan-out spec list for thousands of nodes fits). */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export interface SharedFanOutRequest {
  v: 1;
  cmd: 'fanout';
  /** The nodes, resolved by the client; or none, and {@link selector}. */
  specs?: ConnectSpec[];
  /** A selector for the live process to resolve in its inventory. */
  selector?: string;
  /** With a selector: the inventory file the client must use (absolute); absent = the live one's. */
  inventory?: string;
  command: string;
  timeoutMs?: number;
  sudo?: boolean;
  concurrency?: number;
  /** Add each node's connection facts to its result ({@link WireResult.conn}). */
  info?: boolean;
}

/** Selection in the live process: the specs, or why the selector is wrong (message, hint). */
export type SharedSelection = { ok: true; specs: ConnectSpec[] } | { ok: false; message: string; hint: string };

/** A live process's inventory, lent with its pool to resolve clients' selectors (inventory/shared-selection.ts). */
export interface SharedSelector {
  /** The inventory file, as the live process opened it. */
  inventory: string;
  resolve(selector: string): SharedSelection;
}

/** Refusals after which the client uses its own inventory (the live process's answer is not final). */
export const REFUSED = { bad: 'bad request', tooLarge: 'request too large', noInventory: 'no inventory', otherInventory: 'other inventory' } as const;

/** @internal the wire form of a FanOutResult. */
export interface WireResult {
  node: string;
  ok: boolean;
  result?: ExecResult;
  error?: { code: SshErrorCode; message: string; hint?: string; node?: string };
  /** With `info`: how the live pool's connection to the node authenticated and its host-key status. */
  conn?: { authMethod: string; hostKey: string };
}

function isRequest(x: unknown): x is SharedFanOutRequest {
  const r = x as Partial<SharedFanOutRequest> | null;
  return (
    !!r &&
    r.v === 1 &&
    r.cmd === 'fanout' &&
    typeof r.command === 'string' &&
    (r.specs === undefined) !== (r.selector === undefined) &&
    (r.selector === undefined || typeof r.selector === 'string') &&
    (r.inventory === undefined || typeof r.inventory === 'string') &&
    (r.specs === undefined ||
      (Array.isArray(r.specs) &&
        r.specs.every((s) => !!s && typeof s.name === 'string' && typeof s.host === 'string' && typeof s.user === 'string' && typeof s.port === 'number'))) &&
    (r.timeoutMs === undefined || (typeof r.timeoutMs === 'number' && r.timeoutMs > 0)) &&
    (r.concurrency === undefined || (Number.isInteger(r.concurrency) && r.concurrency > 0)) &&
    (r.sudo === undefined || typeof r.sudo === 'boolean') &&
    (r.info === undefined || typeof r.info === 'boolean')
  );
}

/**
 * Share `pool` on `<dir>/<id>.pool` until `close()`. The live process owns the socket file.
 * `selector` (when it has an inventory) lets clients send a raw selector instead of specs.
 */
export function sharePool(pool: SshPool, dir: string, id: string, selector?: () => SharedSelector | undefined): { path: string; close(): void } {
  const path = join(dir, `${id}.pool`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(path)) unlinkSync(path);
  const server: Server = createServer((sock) => serve(pool, sock, selector));
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

function serve(pool: SshPool, sock: Socket, selector?: () => SharedSelector | undefined): void {
  let buf = '';
  let started = false;
  const abort = new AbortController();
  // One listener per node of the fan-out (a cancel reaches every exec): no cap to warn about.
  setMaxListeners(0, abort.signal);
  sock.setEncoding('utf8');
  sock.on('error', () => undefined);
  sock.on('data', (d: string) => {
    if (started) {
      // After the request only a cancel may come (small: anything longer is ignored).
      buf = (buf + d).slice(-256);
      if (buf.includes('{"t":"cancel"}')) abort.abort();
      return;
    }
    buf += d;
    if (buf.length > MAX_REQUEST_BYTES) return void sock.end(`${JSON.stringify({ t: 'x', error: REFUSED.tooLarge })}\n`);
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    started = true;
    let req: unknown;
    try {
      req = JSON.parse(buf.slice(0, nl));
    } catch {
      req = undefined;
    }
    buf = buf.slice(nl + 1);
    if (buf.includes('{"t":"cancel"}')) abort.abort();
    if (!isRequest(req)) return void sock.end(`${JSON.stringify({ t: 'x', error: REFUSED.bad })}\n`);
    const send = (o: unknown): void => {
      if (!sock.destroyed) sock.write(`${JSON.stringify(o)}\n`);
    };
    let specs = req.specs;
    if (req.selector !== undefined) {
      let sel: SharedSelector | undefined;
      try {
        sel = selector?.();
      } catch {
        sel = undefined; // an inventory that no longer loads: the client reads its own and says why
      }
      if (!sel) return void sock.end(`${JSON.stringify({ t: 'x', error: REFUSED.noInventory })}\n`);
      if (req.inventory !== undefined && !sameFile(req.inventory, sel.inventory)) return void sock.end(`${JSON.stringify({ t: 'x', error: REFUSED.otherInventory, inventory: sel.inventory })}\n`);
      const r = sel.resolve(req.selector);
      if (!r.ok) return void sock.end(`${JSON.stringify({ t: 's', message: r.message, hint: r.hint })}\n`);
      specs = r.specs;
      send({ t: 'n', nodes: specs.map((s) => s.name) });
    }
    const all = specs!;
    const info = req.info === true;
    void pool
      .fanOut(all, Shell.raw(req.command), {
        timeoutMs: req.timeoutMs,
        sudo: req.sudo,
        concurrency: req.concurrency,
        // The node's warm shell, opened after the previous shared command (ssh/standby.ts): no
        // session, login shell or `timeout` to start on the node before the command runs.
        standby: 'warm',
        signal: abort.signal,
        onStdout: (n, b) => send({ t: 'o', n, d: b.toString('base64') }),
        onStderr: (n, b) => send({ t: 'e', n, d: b.toString('base64') }),
      })
      .then((results) => Promise.all(results.map(async (r, i): Promise<WireResult> => ({ node: r.node, ok: r.ok, result: r.result, error: r.error?.toJSON(), conn: info && r.result ? await connFacts(pool, all[i]!) : undefined }))))
      .then(
        (results) => sock.end(`${JSON.stringify({ t: 'r', results })}\n`),
        (e: unknown) => sock.end(`${JSON.stringify({ t: 'x', error: (e as Error).message })}\n`),
      );
  });
}

/** The facts of the connection the command just ran on (connect() returns the open one). */
async function connFacts(pool: SshPool, spec: ConnectSpec): Promise<WireResult['conn']> {
  try {
    const c = await pool.connect(spec);
    return { authMethod: c.authMethod, hostKey: c.hostKey };
  } catch {
    return undefined;
  }
}

/** Whether two paths name the same file (symlinks and relative spellings resolved). */
function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}
