/**
 * The client side of the warm pool (ssh/pool-share.ts): send a fan-out to the live console or run
 * of the workspace, stream its output back, and tell the caller when to open its own connections.
 * Light on purpose: a one-shot CLI loads this, not the SSH, inventory or schema code.
 */
import { createConnection } from 'node:net';
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SshError } from './errors.js';
import { REFUSED, type SharedFanOutRequest, type WireResult } from './pool-share.js';
import type { FanOutResult } from './pool.js';

/** How long a client waits for the socket to accept before opening its own connections. */
const CONNECT_TIMEOUT_MS = 500;

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
  /** The nodes the live process selected (selector requests only), before any output. */
  onNodes?: (nodes: string[]) => void;
  onStdout?: (node: string, chunk: Buffer) => void;
  onStderr?: (node: string, chunk: Buffer) => void;
}

/** The live process resolved the selector and found it wrong: its answer is final (exit 3 in the CLI). */
export class SharedSelectorError extends Error {
  override readonly name = 'SharedSelectorError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** A node's result from a live pool, with its connection facts when the request asked (`info`). */
export type SharedResult = FanOutResult & { conn?: { authMethod: string; hostKey: string } };

/** A live pool's answer: the results; or it refused (the caller uses its own inventory); none = no live pool. */
export type SharedAnswer = { results: SharedResult[] } | { refused: string; inventory?: string } | undefined;

/**
 * Run a fan-out through the first live shared pool of `dir`. Resolves `undefined` when there is
 * none that accepts (stale sockets are removed): the caller then opens its own connections. Once
 * a pool has accepted the request, its answer is final (no second attempt: the command may have run).
 */
export async function fanOutShared(dir: string, req: Omit<SharedFanOutRequest, 'v' | 'cmd' | 'selector' | 'inventory'> & { specs: SharedFanOutRequest['specs'] }, h: SharedFanOutHandlers = {}): Promise<{ via: string; results: FanOutResult[] } | undefined> {
  for (const path of sharedPools(dir)) {
    const r = await askPool(path, { v: 1, cmd: 'fanout', ...req }, h);
    if (r && 'results' in r) return { via: path, results: r.results };
  }
  return undefined;
}

/**
 * The same with a raw selector, resolved by the live process in its own inventory. `inventory`
 * (absolute) is the one the caller must use: a live pool on another inventory refuses, and the
 * answer says which it has (`otherInventory`) so the caller can say why it opens its own.
 * A wrong selector rejects with {@link SharedSelectorError}.
 */
export async function fanOutSharedSelector(
  dir: string,
  req: Omit<SharedFanOutRequest, 'v' | 'cmd' | 'specs'> & { selector: string },
  h: SharedFanOutHandlers = {},
): Promise<{ via: string; results: FanOutResult[] } | { via: string; otherInventory: string } | undefined> {
  let other: { via: string; otherInventory: string } | undefined;
  for (const path of sharedPools(dir)) {
    const r = await askPool(path, { v: 1, cmd: 'fanout', ...req }, h);
    if (r && 'results' in r) return { via: path, results: r.results };
    if (r && r.refused === REFUSED.otherInventory) other ??= { via: path, otherInventory: r.inventory ?? '?' };
  }
  return other;
}

/**
 * One request to the live pool at `path`. Resolves `undefined` when nothing accepts there (a stale
 * socket is removed), a refusal when it did not run the request, else the results. Rejects once
 * accepted and then broken (the command may have run: never retry it elsewhere), or with
 * {@link SharedSelectorError}. `signal` cancels: the live pool aborts the commands (kills the remote
 * process groups) and this rejects.
 */
export function askPool(path: string, req: SharedFanOutRequest, h: SharedFanOutHandlers = {}, signal?: AbortSignal): Promise<SharedAnswer> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let connected = false;
    let cancelled = false;
    const onAbort = (): void => {
      cancelled = true;
      // Ask for the abort, then stop waiting: the answer of a cancelled command is not needed.
      if (connected && !c.destroyed) c.write('{"t":"cancel"}\n');
      setTimeout(() => c.destroy(), 1000).unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let buf = '';
    let results: SharedResult[] | undefined;
    let failure: { error?: string; inventory?: string } | undefined;
    let badSelector: SharedSelectorError | undefined;
    const timer = setTimeout(() => {
      if (!connected) c.destroy(new Error('connect timeout'));
    }, CONNECT_TIMEOUT_MS);
    c.setEncoding('utf8');
    c.on('connect', () => {
      clearTimeout(timer);
      // Cancelled before it was sent: nothing ran, so the caller may still go elsewhere.
      if (signal?.aborted) return void c.destroy();
      connected = true;
      c.write(`${JSON.stringify(req)}\n`);
    });
    c.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let m: { t: string; n?: string; d?: string; nodes?: string[]; results?: WireResult[]; error?: string; inventory?: string; message?: string; hint?: string };
        try {
          m = JSON.parse(line) as typeof m;
        } catch {
          continue; // not a line of ours: without an 'r' line the request ends as failed
        }
        if (m.t === 'o') h.onStdout?.(m.n ?? '', Buffer.from(m.d ?? '', 'base64'));
        else if (m.t === 'e') h.onStderr?.(m.n ?? '', Buffer.from(m.d ?? '', 'base64'));
        else if (m.t === 'n') h.onNodes?.(m.nodes ?? []);
        else if (m.t === 'r') results = (m.results ?? []).map((r) => ({ node: r.node, ok: r.ok, result: r.result, error: r.error && new SshError(r.error.code, r.error.message, r.error.hint, r.error.node), conn: r.conn }));
        else if (m.t === 's') badSelector = new SharedSelectorError(m.message ?? 'bad selector', m.hint ?? '');
        else if (m.t === 'x') failure = { error: m.error, inventory: m.inventory };
      }
    });
    c.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
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
      signal?.removeEventListener('abort', onAbort);
      if (!connected) return resolve(undefined);
      if (results) resolve({ results });
      else if (cancelled) reject(new Error('cancelled'));
      else if (badSelector) reject(badSelector);
      else if (failure?.error && (Object.values(REFUSED) as string[]).includes(failure.error)) resolve({ refused: failure.error, inventory: failure.inventory });
      else reject(new Error(`the live console's shared connections failed: ${failure?.error ?? 'the connection closed before an answer'}`));
    });
  });
}
