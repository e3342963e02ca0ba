/**
 * STOP's standby shell: one shell opened ahead on a node where a fault is live, idle, waiting for
 * STOP's script on its stdin. STOP then starts no process before its first revert: no SSH session
 * to set up, no login shell, no `timeout`, no second shell (each of those is a fork and an exec,
 * and on a node the fault itself keeps busy every one waits for the CPU). The idle shell has
 * already raised its own priority (root only; elsewhere renice fails and is ignored), so the forks
 * STOP does make are not queued behind the load it is there to remove.
 *
 * Node side: the shell reads lines until a line equal to a random marker, then points its stdin at
 * /dev/null (nothing in the script can read the channel) and evals what it read. Its life is
 * bounded like any exec's (`timeout`, {@link STANDBY_LIFETIME_MS}), and it ends at once when the
 * channel or the connection closes (its read sees EOF). A standby is used once; the fault manager
 * asks for a new one with each inject and lease renewal while faults are live.
 */
import { randomBytes } from 'node:crypto';
import { Shell } from '../shell/index.js';
import type { NodeConnection, ExecChannel } from './connection.js';
import { readChannel, wrapRemote } from './exec.js';
import type { ExecOptions, ExecResult } from './types.js';

/** A standby is closed (and a new one opened on the next renewal) after this long. */
export const STANDBY_LIFETIME_MS = 60 * 60_000;

/**
 * The idle shell's program. `GD_STANDBY=1` tells the script it already runs at raised priority
 * (stop-batch.ts then skips its own renice, and a script that must not run raised lowers it).
 */
export function standbyBody(marker: string): string {
  return [
    'renice -20 -p $$ >/dev/null 2>&1',
    'gd_t=',
    'while IFS= read -r gd_l; do',
    `  if [ "$gd_l" = ${marker} ]; then exec </dev/null; GD_STANDBY=1; eval "$gd_t"; exit; fi`,
    '  gd_t="$gd_t$gd_l',
    '"',
    'done',
    'exit 0',
  ].join('\n');
}

/** One idle shell on one connection; `run` may be called once. */
export class StandbyShell {
  private used = false;
  private closed = false;

  private constructor(
    private readonly conn: NodeConnection,
    private readonly ch: ExecChannel,
    private readonly release: () => void,
    readonly sudo: boolean,
    private readonly marker: string,
    private readonly execId: string,
  ) {
    ch.on('close', () => this.end());
    conn.onClose(() => this.end());
  }

  /** Open a standby on `conn` (holds one of its session slots while open). */
  static async open(conn: NodeConnection, sudo: boolean): Promise<StandbyShell> {
    const release = await conn.sessions.acquire();
    try {
      const marker = `GD_STANDBY_GO_${randomBytes(12).toString('hex')}`;
      const execId = randomBytes(6).toString('hex');
      const ch = await conn.openExec(wrapRemote(Shell.raw(standbyBody(marker)), { timeoutMs: STANDBY_LIFETIME_MS, sudo, execId }));
      return new StandbyShell(conn, ch, release, sudo, marker, execId);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Ready for a script: open, not used. */
  get ready(): boolean {
    return !this.used && !this.closed && !this.conn.closed && this.ch.exitInfo.code === undefined && this.ch.writable && !this.ch.destroyed;
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  /**
   * Run `script` in the standby (once). The result is read as any exec's: exit status, output,
   * abort and the local backstop of `opts.timeoutMs`. For idempotent scripts only (STOP's): a
   * standby that died unseen just before (no output, a failed exit) is taken as not having run it
   * (see {@link standbyFailed}), and the caller runs the script again as an ordinary exec.
   */
  run(script: Shell, opts: ExecOptions & { timeoutMs: number }): Promise<ExecResult> {
    this.used = true;
    const started = performance.now();
    return readChannel(this.conn, this.ch, { ...opts, stdin: `${script.text}\n${this.marker}\n` }, { timeoutMs: opts.timeoutMs, sudo: this.sudo, execId: this.execId, started });
  }

  /** Close an idle standby (the node's shell sees EOF and exits). */
  dispose(): void {
    this.used = true;
    if (!this.closed) this.ch.end();
  }
}

/** The standby died before the script said anything: the script cannot be taken as run. */
export function standbyFailed(r: ExecResult): boolean {
  return r.code !== 0 && r.stdout === '' && !r.timedOut;
}
