/**
 * STOP's standby shell: one shell opened ahead on a node where a fault is live, idle, waiting for
 * STOP's script on its stdin. STOP then starts no process before its first revert: no SSH session
 * to set up, no login shell, no `timeout`, no second shell (each of those is a fork and an exec,
 * and on a node the fault itself keeps busy every one waits for the CPU). The idle shell has
 * already raised its own priority (root only; elsewhere renice fails and is ignored), so the forks
 * STOP does make are not queued behind the load it is there to remove. The same shell, not raised,
 * serves as a warm shell for the operator's commands sent through a live console's shared pool:
 * used once, then replaced in the background.
 *
 * Node side: the shell reads lines until the random marker's line (it carries the timeout), then
 * says so on stderr ({@link STARTED}), points its stdin at /dev/null (nothing in the script can read the channel) and evals what it read. Its life is
 * bounded like any exec's (`timeout`, {@link STANDBY_LIFETIME_MS}), and it ends at once when the
 * channel or the connection closes (its read sees EOF). A standby is used once; the fault manager
 * asks for a new one with each inject and lease renewal while faults are live.
 */
import { randomBytes } from 'node:crypto';
import { Shell } from '../shell/index.js';
import type { NodeConnection, ExecChannel } from './connection.js';
import { readChannel, wrapRemote } from './exec.js';
import type { SshError } from './errors.js';
import type { ExecOptions, ExecResult } from './types.js';

/** A standby whose channel is not open after this long is given up (its session slot released). */
const OPEN_TIMEOUT_MS = 10_000;

/** A standby is closed (and a new one opened on the next renewal) after this long. */
export const STANDBY_LIFETIME_MS = 60 * 60_000;

/** The first bytes the standby writes on stderr once it has the script: proof that it runs it. */
export const STARTED = 'GD_STANDBY_RUN\n';

/**
 * The idle shell's program. `raise`: STOP's standby, at the highest priority while it waits
 * (`GD_STANDBY=1` tells STOP's script so: stop-batch.ts then skips its own renice, and a script
 * that must not run raised lowers it). Without: a warm shell for the operator's own commands.
 * The marker line carries the command's timeout in seconds: a watchdog in the background then
 * sends SIGALRM to the shell's process group at the deadline, which `timeout` (whose group it is)
 * takes as its own expiry: TERM, KILL after its grace, exit 124, as for any exec.
 */
export function standbyBody(marker: string, raise: boolean): string {
  return [
    raise ? 'renice -20 -p $$ >/dev/null 2>&1' : ':',
    'gd_t=',
    'while IFS= read -r gd_l; do',
    '  case $gd_l in',
    `    "${marker} "*)`,
    "      exec </dev/null; printf 'GD_STANDBY_RUN\\n' >&2",
    '      GD_STANDBY=1; gd_T=${gd_l##* }',
    '      case $gd_T in ""|*[!0-9]*) ;; *) if [ "$gd_T" -gt 0 ]; then',
    '        ( sleep "$gd_T"; kill -s ALRM 0 ) </dev/null >/dev/null 2>&1 &',
    '        gd_w=$!; trap \'kill "$gd_w" 2>/dev/null\' EXIT',
    '      fi ;; esac',
    '      eval "$gd_t"',
    '      exit ;;',
    '  esac',
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
    const off = conn.onSessionsShort(() => !this.used && this.dispose());
    ch.on('close', off);
  }

  /** Open a standby on `conn` (holds one of its session slots while open). */
  static async open(conn: NodeConnection, sudo: boolean, raise: boolean): Promise<StandbyShell> {
    const release = await conn.sessions.acquire();
    try {
      const marker = `GD_STANDBY_GO_${randomBytes(12).toString('hex')}`;
      const execId = randomBytes(6).toString('hex');
      const opening = conn.openExec(wrapRemote(Shell.raw(standbyBody(marker, raise)), { timeoutMs: STANDBY_LIFETIME_MS, sudo, execId }));
      // Bounded: on a dead link the channel-open answer never comes, and the slot must come back.
      let timer: NodeJS.Timeout | undefined;
      const ch = await Promise.race([
        opening,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            opening.then((late) => (late.resume(), late.end()), () => undefined);
            reject(new Error('the standby channel did not open in time'));
          }, OPEN_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
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
   * abort and the local backstop of `opts.timeoutMs`; the node bounds it by the same timeout (the
   * watchdog of {@link standbyBody}). `started` is false when the standby died before it had the
   * script (its first stderr bytes are not {@link STARTED}): then the script did not run, and the
   * caller may run it as an ordinary exec. Those bytes are not part of the result or the stream.
   */
  async run(script: Shell, opts: ExecOptions & { timeoutMs: number }): Promise<{ result: ExecResult; started: true } | { started: false }> {
    this.used = true;
    const started = performance.now();
    let head: Buffer | undefined = Buffer.alloc(0);
    let ran = false;
    const onStderr = (b: Buffer): void => {
      if (!head) return opts.onStderr?.(b);
      head = Buffer.concat([head, b]);
      if (head.length < STARTED.length && STARTED.startsWith(head.toString('latin1'))) return;
      const rest = head;
      head = undefined;
      ran = rest.subarray(0, STARTED.length).toString('latin1') === STARTED;
      const tail = ran ? rest.subarray(STARTED.length) : rest;
      if (tail.length) opts.onStderr?.(tail);
    };
    const T = Math.max(1, Math.ceil(opts.timeoutMs / 1000));
    let result: ExecResult;
    try {
      result = await readChannel(this.conn, this.ch, { ...opts, onStderr, stdin: `${script.text}\n${this.marker} ${T}\n` }, { timeoutMs: opts.timeoutMs, sudo: this.sudo, execId: this.execId, started });
    } catch (e) {
      // Once it started, the command's failure is the command's (never run twice); no answer in
      // time is the node's answer (a second try would double STOP's wait).
      if (ran || (e as SshError).code === 'TIMEOUT') throw e;
      return { started: false };
    }
    if (!ran) return { started: false };
    return { result: { ...result, stderr: result.stderr.startsWith(STARTED) ? result.stderr.slice(STARTED.length) : result.stderr }, started: true };
  }

  /** Close an idle standby (the node's shell sees EOF and exits). */
  dispose(): void {
    this.used = true;
    if (this.closed) return;
    // EOF to the node's shell; and read (discard) the channel, or ssh2 never emits its close and
    // the session slot would never be given back.
    this.ch.resume();
    this.ch.end();
  }
}

