// The one lock of the labs (plain Node ESM, no dependencies: it runs on the host and, mounted
// read-only, inside sandboxed simulated nodes). Used for the simulated tools' state files
// (sim/tools/lib/env.mjs), the GPU simulators' state (gpu-sim/lib/state.mjs) and the netns lab's
// host-wide planning step (netns/host.ts).
//
// A lock is a directory: mkdir is atomic on POSIX filesystems, so exactly one caller creates it.
// The owner removes it when done. A holder that was killed leaves it behind, so a lock older than
// `staleMs` is taken over; with `owner: true` the holder's pid is kept inside and a lock whose
// holder is gone is taken over at once. Pids only mean something in one PID namespace: state locks,
// shared by sandboxed nodes and the lab, use the age rule alone.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Back-off between attempts unless the caller says otherwise: far below a simulated call (~50 ms). */
const RETRY_MS = 5;

/** Someone else held the lock for longer than the caller would wait. */
export class LockBusy extends Error {
  constructor(path, what) {
    super(`${what} ${path} is busy`);
    this.name = 'LockBusy';
    this.code = 'LOCK_BUSY';
    this.path = path;
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function stale(path, o) {
  try {
    if (Date.now() - statSync(path).mtimeMs > o.staleMs) return true;
    if (!o.owner) return false;
    const pid = Number(readFileSync(join(path, 'pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid);
  } catch {
    return false; // released meanwhile, or its owner has not written its pid yet: try again
  }
}

/** One attempt: the release function, or null when someone else holds it (a stale lock is cleared for the next try). */
function attempt(path, o) {
  try {
    mkdirSync(path);
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    if (stale(path, o)) rmSync(path, { recursive: true, force: true });
    return null;
  }
  if (o.owner) writeFileSync(join(path, 'pid'), `${process.pid}\n`);
  return () => rmSync(path, { recursive: true, force: true });
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Take the lock at `path`, blocking (for short CLI processes); returns the function that releases it. */
export function lockSync(path, o) {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const release = attempt(path, o);
    if (release) return release;
    if (Date.now() > deadline) throw new LockBusy(path, o.what ?? 'lock');
    sleepSync(o.retryMs ?? RETRY_MS);
  }
}

/** Take the lock at `path` without blocking the event loop; resolves to the function that releases it. */
export async function lock(path, o) {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const release = attempt(path, o);
    if (release) return release;
    if (Date.now() > deadline) throw new LockBusy(path, o.what ?? 'lock');
    await new Promise((r) => setTimeout(r, o.retryMs ?? RETRY_MS));
  }
}

/** Run `fn` holding the lock (blocking variant). */
export function withLockSync(path, o, fn) {
  const release = lockSync(path, o);
  try {
    return fn();
  } finally {
    release();
  }
}

/** Run async `fn` holding the lock. */
export async function withLock(path, o, fn) {
  const release = await lock(path, o);
  try {
    return await fn();
  } finally {
    release();
  }
}
