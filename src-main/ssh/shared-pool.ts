/**
 * A pool that sends its commands through a live console's open connections when the
 * workspace has one (ssh/pool-share.ts, like OpenSSH's ControlMaster), and opens its own otherwise:
 * what `gameday inject`, `preflight` and `inventory check` use. Each exec is a one-node fan-out on
 * the live pool's socket; the live pool checks the host key against the known_hosts files of the
 * spec sent, as for `gameday exec`. This pool's own audit hooks wrap every exec, whichever way it went.
 *
 * Fallback rules (each exec decides again, so a console that went away is noticed at the next one):
 * - no socket, a stale one (removed), a refusal, a cancel before sending → the next live pool, then
 *   this pool's own connections (opened lazily, as before);
 * - accepted, then broken (the live process died mid-command) or no answer in time → this exec's
 *   failure (a DISCONNECTED SshError), never re-run elsewhere: the command may have run on the node;
 * - a host key the live pool does not know, where this pool may trust on first use → own connections
 *   (the handshake failed before anything was sent).
 * A request served from this pool's own socket (it lends what it has, `fanOut`) always runs on its
 * own connections: two clients lending to each other can never pass a command back and forth.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename } from 'node:path';
import { SshError } from './errors.js';
import { askPool, sharedPools, type SharedAnswer, type SharedResult } from './pool-share-client.js';
import { SshPool, type FanOutOptions, type FanOutResult, type PoolOptions } from './pool.js';
import type { Shell } from '../shell/index.js';
import type { ConnectSpec, ExecOptions, ExecResult } from './types.js';

/** The pools this one borrows: a console's (console-service.ts lends `console-<pid>`). */
const CONSOLE_POOL_PREFIX = 'console-';

/** Past the command's own timeout, how long a live pool may take to answer before the exec counts as broken. */
const ANSWER_GRACE_MS = 10_000;

export interface SharedPoolPlace {
  /** The workspace's control folder, where live pools listen (`<id>.pool`). */
  dir: string;
  /** This process's own id there (its own socket is never asked). */
  self?: string;
}

/** How an exec reached its node: through a live pool (its id) or this pool's own connections. */
export interface Routed {
  result: ExecResult;
  /** The connection's auth method and host-key status (asked with `info`). */
  conn?: SharedResult['conn'];
  via?: string;
  /** Epoch ms when the command left (after the handshake on own connections): clock offsets are measured from here. */
  sentAt: number;
}

/** An SshPool whose execs go through a live pool of the workspace when one accepts. Owns its own connections only. */
export class SharedPool extends SshPool {
  private readonly hooks: Pick<PoolOptions, 'beforeExec' | 'afterExec'>;
  private readonly lending = new AsyncLocalStorage<true>();
  private readonly tofu: boolean;
  /** The live pools (ids) that ran at least one command of this pool. */
  readonly usedShared = new Set<string>();
  /** Commands that ran on this pool's own connections. */
  ownExecs = 0;

  constructor(
    opts: PoolOptions,
    private readonly place: SharedPoolPlace,
  ) {
    // The audit hooks wrap both paths here; the connections of our own must not record twice.
    const { beforeExec, afterExec, ...rest } = opts;
    super(rest);
    this.hooks = { beforeExec, afterExec };
    this.tofu = Boolean(opts.trustOnFirstUse);
  }

  override async exec(spec: ConnectSpec, cmd: Shell, opts: ExecOptions = {}): Promise<ExecResult> {
    return (await this.execRouted(spec, cmd, opts)).result;
  }

  /** The same exec, saying which way it went; `info` adds the connection's facts (inventory check). */
  async execRouted(spec: ConnectSpec, cmd: Shell, opts: ExecOptions = {}, info = false): Promise<Routed> {
    const token = await this.hooks.beforeExec?.(spec, cmd, opts);
    let routed: Routed;
    try {
      routed = (await this.viaShared(spec, cmd, opts, info)) ?? (await this.viaOwn(spec, cmd, opts, info));
    } catch (err) {
      const e = err instanceof SshError ? err : new SshError('DISCONNECTED', `${spec.name}: ${(err as Error).message}`, undefined, spec.name);
      await this.hooks.afterExec?.(spec, cmd, { error: e, token });
      throw e;
    }
    // Outside the try: a hook that fails (the audit cannot be written) is its own error, never the node's.
    await this.hooks.afterExec?.(spec, cmd, { result: routed.result, token });
    return routed;
  }

  /** Serves requests lent on this process's own socket: always on its own connections. */
  override fanOut(specs: ConnectSpec[], cmd: Shell | ((spec: ConnectSpec) => Shell), opts: FanOutOptions = {}): Promise<FanOutResult[]> {
    return this.lending.run(true, () => super.fanOut(specs, cmd, opts));
  }

  private async viaOwn(spec: ConnectSpec, cmd: Shell, opts: ExecOptions, info: boolean): Promise<Routed> {
    this.ownExecs++;
    const c = info ? await this.connect(spec) : undefined;
    const sentAt = Date.now();
    const result = await super.exec(spec, cmd, opts);
    return { result, conn: c && { authMethod: c.authMethod, hostKey: c.hostKey }, sentAt };
  }

  /** Through the first live pool that accepts; undefined when none does (then own connections). */
  private async viaShared(spec: ConnectSpec, cmd: Shell, opts: ExecOptions, info: boolean): Promise<Routed | undefined> {
    // stdin is not on the wire; a lent request must not travel on (see the file's comment).
    if (this.lending.getStore() || opts.stdin !== undefined || opts.signal?.aborted) return undefined;
    for (const path of sharedPools(this.place.dir)) {
      const id = basename(path, '.pool');
      // Only a console's pool: it outlives the command. Another inject or run ends when its own
      // fault does, and a renewal, revert or STOP sent through it would be cut with it (six
      // injects started together lent to each other, and the first to finish took the others'
      // reverts down: faults left to their leases). `gameday exec`, one-shot, still uses any.
      if (id === this.place.self || !id.startsWith(CONSOLE_POOL_PREFIX)) continue;
      const late = new AbortController();
      const timer = opts.timeoutMs ? setTimeout(() => late.abort(), opts.timeoutMs + ANSWER_GRACE_MS) : undefined;
      const signal = opts.signal ? AbortSignal.any([opts.signal, late.signal]) : late.signal;
      let a: SharedAnswer;
      const sentAt = Date.now();
      try {
        const req = { v: 1 as const, cmd: 'fanout' as const, specs: [spec], command: cmd.text, timeoutMs: opts.timeoutMs, sudo: opts.sudo, info: info || undefined };
        a = await askPool(path, req, { onStdout: (_n, b) => opts.onStdout?.(b), onStderr: (_n, b) => opts.onStderr?.(b) }, signal);
      } catch (e) {
        // Accepted, then broken: the command may have run there. This exec failed; the next one
        // finds the socket dead (removed) and opens connections of our own.
        const why = opts.signal?.aborted ? 'cancelled' : late.signal.aborted ? `no answer within ${Math.round((opts.timeoutMs! + ANSWER_GRACE_MS) / 1000)} s` : (e as Error).message;
        throw new SshError(opts.signal?.aborted ? 'TIMEOUT' : 'DISCONNECTED', `${spec.name}: ${why} (through the open connections of ${id})`, 'the command may or may not have run on the node; the next command opens connections of our own if the live process is gone', spec.name);
      } finally {
        clearTimeout(timer);
      }
      if (!a || !('results' in a)) continue; // nobody there, or refused: it did not run
      const r = a.results[0];
      if (r?.error?.code === 'HOSTKEY_UNKNOWN' && this.tofu) return undefined;
      if (r?.error) throw r.error;
      if (!r?.result) throw new SshError('DISCONNECTED', `${spec.name}: the live pool ${id} answered without a result`, undefined, spec.name);
      this.usedShared.add(id);
      return { result: r.result, conn: r.conn, via: id, sentAt };
    }
    return undefined;
  }
}
