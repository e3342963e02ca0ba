// gpu-sim-ctl: drives the simulated GPUs from lab scripts and tests (see ../bin/gpu-sim-ctl).
import { spawn } from 'node:child_process';
import { finish } from './cli.mjs';
import { resetState, withState } from './state.mjs';

/** Lifetime of a spawned stand-in process: longer than any test or drill (one day). */
const WORKLOAD_SLEEP_SEC = 86_400;
/** VRAM a stand-in process claims when --vram is not given: 1 GiB. */
const DEFAULT_VRAM = 1073741824;

function flag(argv, name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
}

export function main(argv) {
  const cmd = argv[0];
  if (cmd === 'status') return finish(0, `${JSON.stringify(withState((s) => s), null, 1)}\n`);
  if (cmd === 'reset') { resetState(); return finish(0, 'ok\n'); }
  const gpu = Number(flag(argv, '--gpu', 'x'));
  if (!Number.isInteger(gpu)) return finish(2, '', 'gpu-sim-ctl: --gpu N is required\n');
  if (cmd === 'spawn') {
    // Detached, own session, no stdio: the stand-in outlives this command and is reaped by init.
    // --ignore-term: the stand-in ignores SIGTERM (an ignored disposition survives exec), so only
    // SIGKILL ends it, like a workload stuck in a CUDA/HIP call.
    const cmd = argv.includes('--ignore-term') ? `trap '' TERM; exec sleep ${WORKLOAD_SLEEP_SEC}` : `exec sleep ${WORKLOAD_SLEEP_SEC}`;
    const child = spawn('/bin/sh', ['-c', cmd], { detached: true, stdio: 'ignore' });
    child.unref();
    const name = flag(argv, '--name', 'python3');
    const vram = Number(flag(argv, '--vram', DEFAULT_VRAM));
    const ok = withState((s) => {
      if (!s.gpus[gpu]) return false;
      s.gpus[gpu].processes.push({ pid: child.pid, name, vram });
      return true;
    });
    if (!ok) { process.kill(child.pid, 'SIGKILL'); return finish(1, '', `gpu-sim-ctl: no GPU ${gpu}\n`); }
    return finish(0, `${child.pid}\n`);
  }
  if (cmd === 'load') {
    const pct = Number(flag(argv, '--pct', 'x'));
    if (!(pct >= 0 && pct <= 100)) return finish(2, '', 'gpu-sim-ctl: --pct 0-100 is required\n');
    const ok = withState((s) => (s.gpus[gpu] ? ((s.gpus[gpu].load = pct), true) : false));
    return ok ? finish(0, 'ok\n') : finish(1, '', `gpu-sim-ctl: no GPU ${gpu}\n`);
  }
  return finish(2, '', 'usage: gpu-sim-ctl status|reset|spawn --gpu N [--name X] [--vram B]|load --gpu N --pct P\n');
}
