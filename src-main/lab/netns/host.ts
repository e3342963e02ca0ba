/**
 * Host-wide state shared by all labs: the lab users, the sudoers drop-in, and a lock so two labs
 * starting at once cannot pick the same subnet or race on useradd.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lock, LockBusy } from '../shared/lock.mjs';
import { run } from './exec.js';
import { NOSUDO_USER, SUDO_USER, SUDOERS_PATH, renderSudoers } from './files.js';
import { LabError } from './types.js';

/** The host-wide lab lock (the labs' one lock, ../shared/lock.mjs). */
const LOCK_PATH = join(tmpdir(), 'gameday-lab.lock');
/** A lock older than this is stale even if its pid was reused: planning a lab takes well under a second. */
const LOCK_STALE_MS = 60_000;
/** Give up waiting for the lock after this long (another lab's planning is sub-second). */
const LOCK_WAIT_MS = 30_000;
/** Poll interval while waiting for the lock. */
const LOCK_POLL_MS = 50;

/**
 * Run `fn` holding the host-wide lab lock. Every lab process runs in the host's PID namespace, so
 * the lock keeps its holder's pid and a crashed holder's lock is taken over at once.
 */
export async function withHostLock<T>(fn: () => Promise<T>): Promise<T> {
  let release: () => void;
  try {
    release = await lock(LOCK_PATH, { timeoutMs: LOCK_WAIT_MS, staleMs: LOCK_STALE_MS, retryMs: LOCK_POLL_MS, owner: true });
  } catch (err) {
    if (err instanceof LockBusy) throw new LabError('LOCKED', `another lab operation holds ${LOCK_PATH}`, 'wait, or remove it if no gameday lab process runs');
    throw err;
  }
  try {
    return await fn();
  } finally {
    release();
  }
}

async function userExists(user: string): Promise<boolean> {
  return (await run('id', ['-u', user], { allowFail: true })).code === 0;
}

/**
 * Create gdlab and gdnosudo if missing. Their password field is set to `*` (no password can match),
 * not useradd's `!`: with UsePAM no, OpenSSH treats a `!`-prefixed hash as a locked account and
 * refuses even key logins.
 */
export async function ensureUsers(): Promise<void> {
  for (const user of [SUDO_USER, NOSUDO_USER]) {
    if (!(await userExists(user))) await run('useradd', ['-m', '-s', '/bin/sh', user]);
    await run('usermod', ['-p', '*', user]);
  }
}

/** Write the sudoers drop-in, validated by visudo before it is moved into place. */
export async function installSudoers(repoDir: string): Promise<void> {
  // sudo skips files in sudoers.d whose name contains a dot, so the temp file is never read half-written.
  const tmp = `${SUDOERS_PATH}.${process.pid}.tmp`;
  writeFileSync(tmp, renderSudoers(repoDir), { mode: 0o440 });
  chmodSync(tmp, 0o440);
  try {
    await run('visudo', ['-cf', tmp]);
    renameSync(tmp, SUDOERS_PATH);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Remove the sudoers drop-in when no lab namespace (`gd-*`) is left on the host. */
export async function removeSudoersIfUnused(): Promise<void> {
  const list = await run('ip', ['netns', 'list'], { allowFail: true });
  const anyLab = list.stdout.split('\n').some((line) => line.startsWith('gd-'));
  if (!anyLab) rmSync(SUDOERS_PATH, { force: true });
}

/**
 * sshd refuses to start without its privilege-separation dir, which systemd's unit normally creates
 * (RuntimeDirectory=sshd); containers and CI without systemd lack it.
 */
export function ensurePrivsepDir(): void {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
}
