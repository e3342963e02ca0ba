// Shared plumbing of the simulated-node tools: who this node is (from the environment the simulated
// SSH server gives every session), its static config, and JSON state files with a lock.
//
// State files live in $GAMEDAY_SIM_STATE (one folder per simulated node). Several tool calls can
// run at once (a revert from the watchdog while STOP reverts too), so every read-modify-write holds
// a lock directory (mkdir is atomic) and replaces the file by rename: a reader (the lab's HTTP
// model reads these on every request) sees the old or the new state, never half of one.
import { appendFileSync, closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockSync } from '../../../shared/lock.mjs';

/** Wait at most this long for a state lock: like `iptables -w 5`, far above any single call (~50 ms). */
const LOCK_TIMEOUT_MS = 10_000;
/** A lock older than this was left by a killed process (no call holds it this long). */
const LOCK_STALE_MS = 15_000;

/** The node this process belongs to; throws when not started by the simulated lab. */
export function nodeEnv() {
  const e = process.env;
  if (!e.GAMEDAY_SIM_STATE || !e.GAMEDAY_SIM_NODE || !e.GAMEDAY_SIM_ROOT) {
    throw new Error('not running on a simulated node (GAMEDAY_SIM_STATE/NODE/ROOT unset)');
  }
  return { state: e.GAMEDAY_SIM_STATE, token: e.GAMEDAY_SIM_NODE, root: e.GAMEDAY_SIM_ROOT, name: e.GAMEDAY_SIM_NAME || 'node', ip: e.GAMEDAY_SIM_IP || '127.0.0.1' };
}

/** Static per-node config written by the lab at start (node.json). */
export function nodeConfig(stateDir) {
  return readJson(stateDir, 'node', {});
}

/** State files are small; anything bigger was not written by a simulated tool. */
const STATE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Read `<name>.json`; `fallback` when missing or unreadable. Lock-free (files are replaced by rename).
 * The lab reads these files outside the node, and a node can put anything in its own state folder:
 * a symlink is not followed, and a FIFO, device or huge file is not read (it could hang or flood the
 * console), only a plain file of plausible size.
 */
export function readJson(stateDir, name, fallback) {
  try {
    const fd = openSync(join(stateDir, `${name}.json`), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size > STATE_MAX_BYTES) throw new Error('not a state file');
      return JSON.parse(readFileSync(fd, 'utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return typeof fallback === 'function' ? fallback() : structuredClone(fallback);
  }
}

function writeJson(stateDir, name, value) {
  const file = join(stateDir, `${name}.json`);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, file);
}

/** The lock of `<name>.json` (the labs' one lock, ../../../shared/lock.mjs); age alone marks it stale (see there). */
function lock(stateDir, name) {
  return lockSync(join(stateDir, `${name}.lock`), { timeoutMs: LOCK_TIMEOUT_MS, staleMs: LOCK_STALE_MS, what: 'state lock' });
}

/**
 * Run fn(state) under the lock. When fn returns without throwing and `save` is not false, the
 * (possibly mutated) state is written back. Returns fn's result.
 */
export function updateJson(stateDir, name, fallback, fn) {
  const unlock = lock(stateDir, name);
  try {
    const state = readJson(stateDir, name, fallback);
    const out = fn(state);
    if (!(out && out.save === false)) writeJson(stateDir, name, state);
    return out;
  } finally {
    unlock();
  }
}

/** The tool-call log stops growing past this size (a long game day's probes must not fill the node's disk). */
const CALL_LOG_MAX_BYTES = 1024 * 1024;

/**
 * Append `<tool> <exit code>` to the node's `tool-calls.log` (its state folder): which simulated
 * tools a node ran, for a test that checks which path a script took (STOP's iptables-restore
 * transaction or its fallback of single iptables calls). Best effort: a tool never fails for it.
 */
export function logToolCall(tool, code) {
  const state = process.env.GAMEDAY_SIM_STATE;
  if (!state) return;
  const file = join(state, 'tool-calls.log');
  try {
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (st && (!st.isFile() || st.size > CALL_LOG_MAX_BYTES)) return;
    appendFileSync(file, `${tool} ${code}\n`);
  } catch {
    /* a full or read-only disk: the log is not worth a failure */
  }
}

/** A tool's outcome: exit code with stdout/stderr text. */
export class Exit extends Error {
  constructor(code, stderr = '', stdout = '') {
    super(stderr);
    this.code = code;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

/** True while pid runs and is not a zombie. */
export function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const s = st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
    return s !== 'Z' && s !== 'X';
  } catch {
    return true; // no /proc (macOS): kill -0 said it exists
  }
}

/** State letter of pid (R S D T Z ...), '' when gone or unknown. */
export function pidState(pid) {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
}
