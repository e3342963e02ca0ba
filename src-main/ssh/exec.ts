import { randomBytes } from 'node:crypto';
import { SshError } from './errors.js';
import type { ExecChannel, NodeConnection } from './connection.js';
import { describeSpec } from './connection.js';
import { shq, type Shell } from '../shell/index.js';
import type { ExecOptions, ExecResult } from './types.js';

/** Commands with no timeout of their own still get one: nothing the console sends may run forever. */
export const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
/** After the remote `timeout` sends TERM, it waits this long before KILL (`timeout -k`). */
const KILL_AFTER_SEC = 2;
/** Local backstop beyond the remote timeout: covers a dead link where the remote exit can never arrive. */
const LOCAL_GRACE_MS = 5_000;
/** Output kept per stream for the result (streaming callbacks still see everything). */
const MAX_CAPTURE_BYTES = 8 * 1024 * 1024;
/** Channel-open refusals retried after lowering the per-connection limit to what the server allows. */
const CHANNEL_RETRIES = 8;
/** What `sudo -n` prints when it would need to ask (sudo 1.8–1.9 wordings). */
const SUDO_REFUSED = /^sudo: (a password is required|a terminal is required|.*is not in the sudoers file|.*not allowed to execute|.*may not run sudo)/m;

/**
 * Wrap a command so the node itself bounds its lifetime: `timeout` runs it in its own process group
 * and kills the whole group (children too) at the deadline — closing an SSH channel does not kill a
 * remote process. The `gdexec=<id>` word becomes $0 of the inner shell so the group can also be
 * found and killed from a second exec on abort.
 *
 * The command text appears once: an SSH exec request is one packet, and RFC 4253 only promises
 * 35000-byte packets (OpenSSH takes 256 KB, ssh2's server — the simulated lab — no more than
 * 35000). Spelling the command out twice (timeout / no timeout) made a 17.5 KB fault script fail
 * there with "Unable to exec".
 */
export function wrapRemote(cmd: Shell, opts: { timeoutMs: number; sudo: boolean; execId: string }): string {
  const secs = Math.max(0.1, opts.timeoutMs / 1000).toFixed(3);
  const inner = ['/bin/sh', '-c', cmd.text, `gdexec=${opts.execId}`];
  const sudo = opts.sudo ? ['sudo', '-n', '--'] : [];
  const timed = ['timeout', '-k', String(KILL_AFTER_SEC), secs].map(shq).join(' ');
  // Nodes without coreutils' timeout (rare) still run the command; the local backstop still applies.
  return `if command -v timeout >/dev/null 2>&1; then set -- ${timed}; else set --; fi; exec "$@" ${[...sudo, ...inner].map(shq).join(' ')}`;
}

/** Kill the process group of an exec from a second channel. `[c]` keeps pkill's own shell from matching. */
export function killRemoteCommand(execId: string, sudo: boolean): string {
  const pat = `gdexe[c]=${execId}`;
  const pre = sudo ? 'sudo -n ' : '';
  return `${pre}pkill -TERM -f ${shq(pat)}; sleep 1; ${pre}pkill -KILL -f ${shq(pat)}; exit 0`;
}

/** Reject with `timeout()` if `p` has not settled within `ms` (a late result is closed, not leaked). */
function withDeadline<T extends { close?: () => void }>(p: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  return Promise.race([
    p.then((v) => {
      if (expired) v.close?.();
      return v;
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(timeout());
      }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function needsSudo(conn: NodeConnection, requested: boolean | undefined): boolean {
  return Boolean(requested) && conn.spec.user !== 'root';
}

/** Run one command on an open connection. Resolves with the result (including non-zero exits and timeouts); rejects only with SshError. */
export async function execOn(conn: NodeConnection, cmd: Shell, opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const sudo = needsSudo(conn, opts.sudo);
  const execId = randomBytes(6).toString('hex');
  const remote = wrapRemote(cmd, { timeoutMs, sudo, execId });
  const node = conn.spec.name;
  let release = await conn.sessions.acquire();
  const started = performance.now();
  try {
    if (opts.signal?.aborted) throw new SshError('TIMEOUT', `command on ${node} was cancelled before it started`, undefined, node);
    let stream: Awaited<ReturnType<NodeConnection["openExec"]>>;
    for (let attempt = 0; ; attempt++) {
      try {
        // Bounded too: on a dead link the channel-open answer never comes, and waiting for the
        // keepalive to notice would hold lease renewals and STOP for tens of seconds.
        stream = await withDeadline(conn.openExec(remote), timeoutMs + LOCAL_GRACE_MS, () => new SshError('TIMEOUT', `${describeSpec(conn.spec)} did not open a channel within ${Math.round((timeoutMs + LOCAL_GRACE_MS) / 1000)} s`, 'the link may be dead', node));
        break;
      } catch (err) {
        // The server allows fewer sessions than we assumed (its MaxSessions is lower): learn its
        // real limit from how many channels we had open, and wait for one of ours to close.
        const others = conn.sessions.inUse - 1;
        if ((err as SshError).code !== 'CHANNEL' || others < 1 || attempt >= CHANNEL_RETRIES) throw err;
        conn.sessions.setLimit(others);
        // Idle standby shells give their sessions back (a server with MaxSessions 1 would
        // otherwise keep this command waiting for a slot a standby never frees).
        conn.sessionsShort();
        release();
        release = await conn.sessions.acquire();
      }
    }
    return await readChannel(conn, stream, opts, { timeoutMs, sudo, execId, started });
  } finally {
    release();
  }
}

/** What readChannel needs to know of the command on the channel. */
export interface ChannelRun {
  timeoutMs: number;
  sudo: boolean;
  /** The `gdexec=<id>` word of the remote process group (for the kill on abort). */
  execId: string;
  started: number;
}

/**
 * Read an open exec channel to its end: output (streamed and captured), exit status, abort (TERM,
 * then a pkill from a second channel), the local backstop and a connection lost mid-command.
 * Used by execOn and by the STOP standby shell (standby.ts), whose channel is opened ahead.
 */
export function readChannel(conn: NodeConnection, ch: ExecChannel, opts: ExecOptions, run: ChannelRun): Promise<ExecResult> {
  const { timeoutMs, sudo, execId, started } = run;
  const node = conn.spec.name;
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let aborted = false;
    let finished = false;
    const keep = (arr: Buffer[], len: number, b: Buffer) => {
      if (len < MAX_CAPTURE_BYTES) arr.push(b.subarray(0, MAX_CAPTURE_BYTES - len));
      return len + b.length;
    };
    ch.on('data', (b: Buffer) => {
      outLen = keep(out, outLen, b);
      opts.onStdout?.(b);
    });
    ch.stderr.on('data', (b: Buffer) => {
      errLen = keep(err, errLen, b);
      opts.onStderr?.(b);
    });
    const kill = () => {
      if (finished) return;
      aborted = true;
      try {
        ch.signal('TERM');
      } catch {
        /* channel already half-closed: the pkill below does the job */
      }
      void conn.openExec(killRemoteCommand(execId, sudo)).then(
        (k) => k.on('close', () => undefined).resume(),
        () => undefined,
      );
    };
    const onAbort = () => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) kill(); // aborted while the channel was opening: the event has already fired
    const backstop = setTimeout(() => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      ch.destroy();
      reject(new SshError('TIMEOUT', `no answer from ${describeSpec(conn.spec)} within ${Math.round((timeoutMs + LOCAL_GRACE_MS) / 1000)} s`, 'the link may be dead; the remote command is bounded by its own timeout', node));
    }, timeoutMs + KILL_AFTER_SEC * 1000 + LOCAL_GRACE_MS);
    const lost = conn.onClose((e) => {
      if (finished) return;
      finished = true;
      clearTimeout(backstop);
      reject(e ?? new SshError('DISCONNECTED', `connection to ${describeSpec(conn.spec)} closed during a command`, undefined, node));
    });
    ch.on('close', () => {
      if (finished) return;
      finished = true;
      clearTimeout(backstop);
      lost();
      opts.signal?.removeEventListener('abort', onAbort);
      const durationMs = performance.now() - started;
      const code = ch.exitInfo.code ?? null;
      const signal = ch.exitInfo.signal;
      const stderr = Buffer.concat(err).toString('utf8');
      if (sudo && code === 1 && SUDO_REFUSED.test(stderr)) {
        return reject(new SshError('SUDO_NEEDS_PASSWORD', `${conn.spec.user}@${conn.spec.host} cannot run commands as root without a password (sudo -n refused: ${stderr.trim().split('\n')[0]})`, `allow passwordless sudo for ${conn.spec.user} (NOPASSWD in /etc/sudoers.d) or connect as root`, node));
      }
      // GNU timeout exits 124 when it fired (137 when it had to KILL after -k).
      const timedOut = !aborted && (code === 124 || code === 137) && durationMs >= timeoutMs * 0.9;
      resolve({ node, code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr, durationMs, timedOut });
    });
    if (opts.stdin !== undefined) ch.write(opts.stdin);
    ch.end();
  });
}
