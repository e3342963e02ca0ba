/**
 * Where the simulated-node tools (src-main/lab/sim/tools) and the GPU simulators
 * (src-main/lab/gpu-sim/bin) are on disk. They are run as separate Node processes on each simulated
 * command, so they must be real files: found from the package root (../assets.ts), which works from
 * the sources, from the esbuild CLI bundle in out/cli and from the Electron build in out/main.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { labAsset } from '../assets.js';
import { SimLabError } from './types.js';

/** Folder holding cli.mjs of the simulated tools. */
export function toolsDir(): string {
  const dir = labAsset('sim', 'tools');
  if (!existsSync(join(dir, 'cli.mjs'))) throw new SimLabError('NO_TOOLS', `the simulated-node tools were not found (${dir})`, 'reinstall gameday-console: src-main/lab/sim/tools is part of the package');
  return dir;
}

/** The labs' shared plain-Node modules (the lock the tools and the GPU simulators import). */
export function sharedDir(): string {
  return labAsset('shared');
}

/** Folder of the GPU tool simulators (rocm-smi, amd-smi, nvidia-smi, dcgmi, gpu-sim-ctl), or null when not shipped. */
export function gpuSimBin(): string | null {
  const bin = labAsset('gpu-sim', 'bin');
  return existsSync(join(bin, 'rocm-smi')) ? bin : null;
}

/** GPU model library of the simulators (for the lab's training-throughput metric). */
export function gpuModelLib(): string | null {
  const bin = gpuSimBin();
  const p = bin && join(dirname(bin), 'lib', 'model.mjs');
  return p && existsSync(p) ? p : null;
}

/** The first of `names` found in the usual system folders (never the simulated bin/). */
export function systemBinary(...names: string[]): string | null {
  for (const n of names) for (const d of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin']) if (existsSync(join(d, n))) return join(d, n);
  return null;
}
