import type { ClientChannel } from 'ssh2';
import { EventEmitter } from 'node:events';
import { connectOnce, DEFAULT_MAX_SESSIONS, describeSpec, NodeConnection, specKey, type ConnectOptions } from './connection.js';
import { SshError } from './errors.js';
import { DEFAULT_EXEC_TIMEOUT_MS, execOn, needsSudo } from './exec.js';
import { StandbyShell } from './standby.js';
import type { Shell } from '../shell/index.js';
import { Semaphore } from './semaphore.js';
import type { ConnectSpec, ExecOptions, ExecResult, SecretPrompts } from './types.js';
import type { VerifyOutcome } from './host-verifier.js';

/**
 * Handshakes in flight at once, over all nodes. Key exchange costs CPU on a 2-core laptop too, and
 * OpenSSH's MaxStartups (10:30:100) starts dropping unauthenticated connections past 10 per sshd.
 */
export const DEFAULT_MAX_HANDSHAKES = 16;
/** Handshakes in flight to one sshd (below MaxStartups' 10, where random drops begin). */
export const DEFAULT_MAX_HANDSHAKES_PER_HOST = 8;
/** Transient set-up failures (reset/closed before handshake: MaxStartups drops) are retried this often. */
const CONNECT_RETRIES = 3;
/** First retry delay; doubles each time, with ±50 % jitter so a burst does not retry in lockstep. */
const RETRY_BASE_MS = 150;

export interface PoolOptions {
  prompts?: SecretPrompts;
  trustOnFirstUse?: boolean;
  maxSessionsPerNode?: number;
  maxConcurrentHandshakes?: number;
  maxHandshakesPerHost?: number;
  /** Audit hooks: called before a command is sent and after its outcome is known. */
  beforeExec?: (spec: ConnectSpec, cmd: Shell, opts: ExecOptions) => unknown;
  afterExec?: (spec: ConnectSpec, cmd: Shell, outcome: { result?: ExecResult; error?: SshError; token: unknown }) => unknown;
  onHostKey?: (spec: ConnectSpec, outcome: VerifyOutcome) => void;
}

export interface FanOutResult {
  node: string;
  ok: boolean;
  result?: ExecResult;
  error?: SshError;
}

export interface FanOutOptions extends Omit<ExecOptions, 'onStdout' | 'onStderr'> {
  /** Nodes in flight at once (connect + exec). */
  concurrency?: number;
  onStdout?: (node: string, chunk: Buffer) => void;
  onStderr?: (node: string, chunk: Buffer) => void;
  onProgress?: (p: { done: number; total: number; node: string; ok: boolean }) => void;
}

export interface PoolEvents {
  connect: [node: string, ms: number];
  disconnect: [node: string, reason?: SshError];
}

/**
 * One connection per node, reused across commands; jump hosts are shared connections too.
 * Owns every ssh2 client it makes: `dispose()` closes them all.
 */
/** A node's standby shell: being opened, or open. */
interface StandbySlot {
  opening?: Promise<void>;
  shell?: StandbyShell;
}

/** Below this many sessions per connection (the pool's cap, or what a refusal taught), no standby shells are kept. */
const MIN_SESSIONS_FOR_STANDBY = 4;

export class SshPool extends EventEmitter<PoolEvents> {
  private readonly conns = new Map<string, Promise<NodeConnection>>();
  private readonly handshakes: Semaphore;
  private readonly perHost = new Map<string, Semaphore>();
  private readonly connectOpts: ConnectOptions;
  /** STOP's standby shells, by connection and sudo (standby.ts). */
  private readonly standbys = new Map<string, StandbySlot>();
  private disposed = false;

  constructor(private readonly opts: PoolOptions = {}) {
    super();
    this.handshakes = new Semaphore(opts.maxConcurrentHandshakes ?? DEFAULT_MAX_HANDSHAKES);
    this.connectOpts = {
      prompts: opts.prompts ?? {},
      trustOnFirstUse: opts.trustOnFirstUse ?? false,
      maxSessions: opts.maxSessionsPerNode ?? DEFAULT_MAX_SESSIONS,
      onHostKey: opts.onHostKey,
    };
  }

  /** Number of live (or connecting) connections, jump hosts included. */
  get size(): number {
    return this.conns.size;
  }

  /** Get the node's open connection, or make one (through its jump chain). */
  connect(spec: ConnectSpec): Promise<NodeConnection> {
    if (this.disposed) return Promise.reject(new SshError('DISCONNECTED', 'the SSH pool is closed', undefined, spec.name));
    const key = specKey(spec);
    const existing = this.conns.get(key);
    if (existing) return existing;
    const p = this.establish(spec);
    this.conns.set(key, p);
    p.then(
      (c) => {
        c.onClose((reason) => {
          if (this.conns.get(key) === p) this.conns.delete(key);
          this.emit('disconnect', spec.name, reason);
        });
        if (c.closed && this.conns.get(key) === p) this.conns.delete(key);
      },
      () => {
        if (this.conns.get(key) === p) this.conns.delete(key);
      },
    );
    return p;
  }

  private async establish(spec: ConnectSpec): Promise<NodeConnection> {
    const t0 = performance.now();
    const jump = spec.jump ?? [];
    let via: NodeConnection | undefined;
    if (jump.length > 0) {
      const last = jump[jump.length - 1]!;
      via = await this.connect({ ...last, jump: jump.slice(0, -1) });
    }
    const hostKey = `${spec.host}:${spec.port}`;
    let host = this.perHost.get(hostKey);
    if (!host) {
      host = new Semaphore(this.opts.maxHandshakesPerHost ?? DEFAULT_MAX_HANDSHAKES_PER_HOST);
      this.perHost.set(hostKey, host);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const conn = await host.run(() => this.handshakes.run(() => connectOnce(spec, this.connectOpts, via)));
        this.emit('connect', spec.name, performance.now() - t0);
        return conn;
      } catch (err) {
        const e = err as SshError;
        const transient = e.code === 'DISCONNECTED' && !this.disposed;
        if (!transient || attempt >= CONNECT_RETRIES) throw e;
        const delay = RETRY_BASE_MS * 2 ** attempt * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /**
   * Run a command on one node. A dead pooled connection is replaced once (reconnect) before the
   * error is reported. Resolves with the result, including non-zero exits; rejects with SshError.
   */
  async exec(spec: ConnectSpec, cmd: Shell, opts: ExecOptions = {}): Promise<ExecResult> {
    // The intent is recorded (and committed) before the command leaves; its token links the outcome.
    const token = await this.opts.beforeExec?.(spec, cmd, opts);
    let result: ExecResult;
    try {
      let conn = await this.connect(spec);
      if (conn.closed) {
        this.conns.delete(specKey(spec));
        conn = await this.connect(spec);
      }
      // STOP's raised standby, or (for a shared fan-out) a warm shell; neither takes stdin.
      const useIt = (opts.standby === 'use' || opts.standby === 'warm') && opts.stdin === undefined;
      const standby = useIt ? this.takeStandby(conn, opts) : undefined;
      // A standby that died unseen (killed, its link cut) did not run the command: run it as usual.
      const ran = standby && (await standby.run(cmd, { ...opts, timeoutMs: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS }));
      if (ran?.started) result = { ...ran.result, via: 'standby' };
      else {
        if (conn.closed) conn = await this.connect(spec);
        result = await execOn(conn, cmd, opts);
      }
      if (opts.standby === 'keep' || opts.standby === 'warm') this.keepStandby(conn, opts);
    } catch (err) {
      const e = err instanceof SshError ? err : new SshError('DISCONNECTED', `${describeSpec(spec)}: ${(err as Error).message}`, undefined, spec.name);
      await this.opts.afterExec?.(spec, cmd, { error: e, token });
      throw e;
    }
    // Outside the try: a hook that fails (the audit cannot be written) is its own error, never the node's.
    await this.opts.afterExec?.(spec, cmd, { result, token });
    return result;
  }

  /** STOP's standbys (raised) and warm shells (`warm`, for the operator's commands) are kept apart. */
  private standbyKey(conn: NodeConnection, opts: ExecOptions): string {
    return `${specKey(conn.spec)}|${needsSudo(conn, opts.sudo) ? 'sudo' : ''}|${opts.standby === 'warm' ? 'warm' : 'stop'}`;
  }

  /** Make sure a standby shell is open (or opening) on `conn` for this sudo. Never throws or waits. */
  private keepStandby(conn: NodeConnection, opts: ExecOptions): void {
    const key = this.standbyKey(conn, opts);
    const slot = this.standbys.get(key);
    if (slot && (slot.opening || slot.shell?.ready)) return;
    // A server that refused a channel (its MaxSessions is low) gets no standby: it would hold a
    // session the node's commands need.
    if (this.disposed || conn.closed || conn.sessions.max < MIN_SESSIONS_FOR_STANDBY) return;
    const next: StandbySlot = {};
    next.opening = StandbyShell.open(conn, needsSudo(conn, opts.sudo), opts.standby !== 'warm').then(
      (shell) => {
        next.opening = undefined;
        if (this.disposed || this.standbys.get(key) !== next) shell.dispose();
        else next.shell = shell;
      },
      () => {
        next.opening = undefined;
        if (this.standbys.get(key) === next) this.standbys.delete(key);
      },
    );
    this.standbys.set(key, next);
  }

  /**
   * A ready standby of `conn` (removed: a standby runs one script), if there is one. Never waits
   * for one still opening: STOP must not hang on a channel a dead link never confirms.
   */
  private takeStandby(conn: NodeConnection, opts: ExecOptions): StandbyShell | undefined {
    const key = this.standbyKey(conn, opts);
    const shell = this.standbys.get(key)?.shell;
    if (!shell?.ready) return undefined;
    this.standbys.delete(key);
    return shell;
  }

  /**
   * An interactive shell on a node. It holds one of the node's session slots until the returned
   * channel closes, like any exec (so a human's shell can never starve STOP of channels beyond the cap).
   */
  async shell(spec: ConnectSpec, size: { cols: number; rows: number }): Promise<ClientChannel> {
    const conn = await this.connect(spec);
    const release = await conn.sessions.acquire();
    try {
      const ch = await conn.openShell(size.cols, size.rows);
      ch.on('close', release);
      return ch;
    } catch (e) {
      release();
      throw e;
    }
  }

  /** The same command on many nodes, bounded concurrency, per-node results in input order. */
  async fanOut(specs: ConnectSpec[], cmd: Shell | ((spec: ConnectSpec) => Shell), opts: FanOutOptions = {}): Promise<FanOutResult[]> {
    const limit = new Semaphore(opts.concurrency ?? 64);
    let done = 0;
    return Promise.all(
      specs.map((spec) =>
        limit.run(async (): Promise<FanOutResult> => {
          const command = typeof cmd === 'function' ? cmd(spec) : cmd;
          let r: FanOutResult;
          try {
            const result = await this.exec(spec, command, {
              ...opts,
              onStdout: opts.onStdout && ((b) => opts.onStdout!(spec.name, b)),
              onStderr: opts.onStderr && ((b) => opts.onStderr!(spec.name, b)),
            });
            r = { node: spec.name, ok: result.code === 0 && !result.timedOut, result };
          } catch (err) {
            r = { node: spec.name, ok: false, error: err as SshError };
          }
          done++;
          opts.onProgress?.({ done, total: specs.length, node: spec.name, ok: r.ok });
          return r;
        }),
      ),
    );
  }

  /** Drop one node's connection (the next exec reconnects). */
  async close(spec: ConnectSpec): Promise<void> {
    const p = this.conns.get(specKey(spec));
    this.conns.delete(specKey(spec));
    if (p) (await p.catch(() => undefined))?.dispose();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    // Ready ones close now; one still opening closes itself when it opens (disposed is set).
    for (const slot of this.standbys.values()) slot.shell?.dispose();
    this.standbys.clear();
    const all = [...this.conns.values()];
    this.conns.clear();
    const conns = await Promise.all(all.map((p) => p.catch(() => undefined)));
    // Children before parents, so a jump host is closed after the tunnels through it.
    for (const c of conns.reverse()) c?.dispose();
  }
}
