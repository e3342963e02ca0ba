// Shared state for the GPU tool simulators (rocm-smi, amd-smi, nvidia-smi, dcgmi, gpu-sim-ctl).
//
// One JSON file per simulated node, in the directory named by GAMEDAY_LAB_STATE. Several tool
// calls can run at once (the console fans out over SSH), so every read-modify-write holds the labs'
// one lock (a directory: mkdir is atomic on POSIX filesystems) and the file is replaced by rename, never
// rewritten in place: a reader sees the old or the new state, never half of one.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockSync } from '../../shared/lock.mjs';
import { defaultGpus } from './model.mjs';

/** State directory: GAMEDAY_LAB_STATE, or a fixed path under /tmp so a bare call still works. */
export function stateDir() {
  const dir = process.env.GAMEDAY_LAB_STATE || '/tmp/gameday-lab-state';
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Simulated vendor of this node's GPUs: amd | nvidia | none (GAMEDAY_LAB_GPU; default none). */
export function labVendor() {
  const v = process.env.GAMEDAY_LAB_GPU || 'none';
  return v === 'amd' || v === 'nvidia' ? v : 'none';
}

/** GPU model to imitate: mi100 (default for amd), mi300x, or a100 (default for nvidia). */
export function labModel(vendor) {
  const m = process.env.GAMEDAY_LAB_GPU_MODEL;
  if (vendor === 'amd') return m === 'mi300x' ? 'mi300x' : 'mi100';
  return 'a100';
}

/** How long to wait for the lock before giving up: far above any single simulated call (~50 ms). */
const LOCK_TIMEOUT_MS = 10_000;
/** A lock older than this was left by a killed process (no call holds it this long). */
const LOCK_STALE_MS = 15_000;

/** The state file's lock (the labs' one lock, ../../shared/lock.mjs); age alone marks it stale (see there). */
function lock(dir) {
  return lockSync(join(dir, 'state.lock'), { timeoutMs: LOCK_TIMEOUT_MS, staleMs: LOCK_STALE_MS, what: 'simulator state lock' });
}

function freshState(vendor) {
  const model = labModel(vendor);
  return { version: 1, vendor, model, gpus: vendor === 'none' ? [] : defaultGpus(model), dcgm: [] };
}

function readState(file, vendor) {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    // A state written for another vendor/model (the env changed) starts over.
    if (s.version === 1 && s.vendor === vendor && s.model === labModel(vendor)) return s;
  } catch {
    /* missing or unreadable: start fresh */
  }
  return freshState(vendor);
}

/**
 * Run `fn(state)` under the lock; when it returns without throwing, the (possibly mutated) state
 * is saved atomically. Returns fn's result.
 */
export function withState(fn) {
  const dir = stateDir();
  const file = join(dir, 'gpu-state.json');
  const unlock = lock(dir);
  try {
    const state = readState(file, labVendor());
    pruneDeadProcesses(state);
    const out = fn(state);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 1));
    renameSync(tmp, file);
    return out;
  } finally {
    unlock();
  }
}

/** Forget the state (gpu-sim-ctl reset). */
export function resetState() {
  return withState((s) => {
    const f = freshState(labVendor());
    Object.assign(s, f);
    return s;
  });
}

/** True while `pid` runs and is not a zombie (an exited child nobody reaped yet is gone for us). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (after the parenthesised command name) is the state letter; Z = zombie, X = dead.
    const state = st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/** GPU "processes" are real PIDs the lab started; the ones that exited leave the table. */
function pruneDeadProcesses(state) {
  for (const g of state.gpus) g.processes = (g.processes || []).filter((p) => pidAlive(p.pid));
}
