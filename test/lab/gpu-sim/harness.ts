/**
 * Test harness for the GPU simulators: a private state directory per test, the simulators first on
 * PATH, and a runner that executes a fault's Shell with /bin/sh exactly as a node would.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shell } from '../../../src-main/shell/index.js';
import type { FaultContext } from '../../../src-main/faults/types.js';

export const SIM_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src-main/lab/gpu-sim/bin');
const ALL_TOOLS = ['rocm-smi', 'amd-smi', 'nvidia-smi', 'dcgmi', 'gpu-sim-ctl'];

let realPython: string | null | undefined;
/**
 * The python3 binary itself. Version-manager shims (pyenv) cost ~0.3 s per call, and the AMD scripts
 * call python3 once per reading, so tests link the real binary into the lab's PATH.
 */
function pythonBinary(): string | null {
  if (realPython === undefined) {
    try {
      realPython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || null;
    } catch {
      realPython = null;
    }
  }
  return realPython;
}

export interface Lab {
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** Run a fault command with /bin/sh -c; returns exit code and output. */
  run(cmd: Shell): { code: number; stdout: string; stderr: string };
  /** Run a simulator or gpu-sim-ctl directly; returns stdout (throws on non-zero exit). */
  tool(name: string, ...args: string[]): string;
  /** Remove the state directory (with the per-lab PATH directory inside it). */
  dispose(): void;
}

/**
 * A fresh simulated node. `only` limits which simulators are on PATH (to test tool fallback);
 * by default all of them are. No real GPU tool is installed on the test machine, so the rest of
 * PATH cannot shadow a simulator.
 */
export function makeLab(vendor: 'amd' | 'nvidia' | 'none', opts: { model?: string; only?: string[]; extraEnv?: NodeJS.ProcessEnv } = {}): Lab {
  const stateDir = mkdtempSync(join(tmpdir(), 'gd-gpu-sim-'));
  const bin = join(stateDir, 'bin');
  mkdirSync(bin);
  for (const t of opts.only ?? ALL_TOOLS) symlinkSync(join(SIM_BIN, t), join(bin, t));
  const py = pythonBinary();
  if (py) symlinkSync(py, join(bin, 'python3'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    GAMEDAY_LAB_STATE: stateDir,
    GAMEDAY_LAB_GPU: vendor,
    ...(opts.model ? { GAMEDAY_LAB_GPU_MODEL: opts.model } : {}),
    ...opts.extraEnv,
  };
  return {
    env,
    stateDir,
    run(cmd) {
      const r = spawnSync('/bin/sh', ['-c', cmd.text], { env, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    tool(name, ...args) {
      return execFileSync(join(SIM_BIN, name), args, { env, encoding: 'utf8' });
    },
    dispose() {
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Fault context for a simulated node; run ids are unique so /run/gameday entries never collide. */
export function labCtx(gpu: 'amd' | 'nvidia' | 'none', faultId = 'f1'): FaultContext {
  const runId = `t${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  return { runId, faultId, node: { name: 'sim01', host: '127.0.0.1', gpu }, leaseTtlSec: 30, maxDurationSec: 600 };
}

/** Remove what a test's faults left under the run directories. */
export function cleanRunDirs(ctx: FaultContext): void {
  for (const b of ['/run/gameday', '/tmp/gameday']) rmSync(join(b, ctx.runId), { recursive: true, force: true });
}

/**
 * The settings a fault may change, per GPU, as the simulator holds them. Read from the state file
 * directly (a reader never sees a half-written file: the simulators replace it by rename); a fresh
 * lab has no file yet, so ask gpu-sim-ctl once to create it.
 */
export function gpuSettings(lab: Lab): Array<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(join(lab.stateDir, 'gpu-state.json'), 'utf8');
  } catch {
    text = lab.tool('gpu-sim-ctl', 'status');
  }
  const st = JSON.parse(text) as { gpus: Array<Record<string, unknown>> };
  return st.gpus.map((g) => ({
    perfLevel: g.perfLevel, powerCapW: g.powerCapW, sclkMask: g.sclkMask, mclkMask: g.mclkMask,
    determinismMHz: g.determinismMHz, fanLevel: g.fanLevel, clockLock: g.clockLock,
  }));
}

/** Full simulator state (resetCount, processes, dcgm cache). */
export function simState(lab: Lab): { gpus: Array<Record<string, unknown> & { resetCount: number; processes: Array<{ pid: number }> }> } {
  return JSON.parse(lab.tool('gpu-sim-ctl', 'status')) as ReturnType<typeof simState>;
}
