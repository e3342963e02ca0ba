/**
 * Where the simulated-node tools (src-main/lab/sim/tools) and the GPU simulators (src-main/lab/gpu-sim/bin)
 * are on disk. They are run as separate Node processes on each simulated command, so they must be
 * real files: found by walking up from this module (works from the sources, from the esbuild CLI
 * bundle in out/cli and from the Electron build in out/main), or given by environment variables
 * for packaged builds.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimLabError } from './types.js';

/** How many folders up to look for the repository layout (out/cli → repo is 2 levels). */
const MAX_UP = 6;

function findUp(rel: string): string | null {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i <= MAX_UP; i++) {
    const p = join(d, rel);
    if (existsSync(p)) return p;
    d = dirname(d);
  }
  return null;
}

/** Folder holding cli.mjs of the simulated tools. Env override: GAMEDAY_SIMLAB_TOOLS. */
export function toolsDir(): string {
  const env = process.env.GAMEDAY_SIMLAB_TOOLS;
  if (env && existsSync(join(env, 'cli.mjs'))) return env;
  const p = findUp(join('src-main', 'lab', 'sim', 'tools', 'cli.mjs'));
  if (!p) throw new SimLabError('NO_TOOLS', 'the simulated-node tools (src-main/lab/sim/tools) were not found next to this build', 'set GAMEDAY_SIMLAB_TOOLS to the folder holding cli.mjs');
  return dirname(p);
}

/** Folder of the GPU tool simulators (rocm-smi, amd-smi, nvidia-smi, dcgmi, gpu-sim-ctl). Env: GAMEDAY_GPU_SIM_BIN. */
export function gpuSimBin(): string | null {
  const env = process.env.GAMEDAY_GPU_SIM_BIN;
  if (env && existsSync(join(env, 'rocm-smi'))) return env;
  const p = findUp(join('src-main', 'lab', 'gpu-sim', 'bin', 'rocm-smi'));
  return p ? dirname(p) : null;
}

/** GPU model library of the simulators (for the lab's training-throughput metric). */
export function gpuModelLib(): string | null {
  const bin = gpuSimBin();
  const p = bin && join(bin, '..', 'lib', 'model.mjs');
  return p && existsSync(p) ? p : null;
}

/** The first of `names` found in the usual system folders (never the simulated bin/). */
export function systemBinary(...names: string[]): string | null {
  for (const n of names) for (const d of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin']) if (existsSync(join(d, n))) return join(d, n);
  return null;
}
