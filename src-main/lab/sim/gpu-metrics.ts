/**
 * Reads a simulated GPU node's GPUs the way the GPU simulators see them (../gpu-sim: state file
 * gpu-state.json + the model's physics), for the lab's /metrics and /health. Loaded lazily; a build
 * without the simulators simply reports no GPUs.
 */
import { pathToFileURL } from 'node:url';
import { readJson } from './tools/lib/env.mjs';
import { gpuModelLib } from './resources.js';

interface GpuSettings {
  index: number;
  processes: Array<{ pid: number }>;
}
interface GpuReading {
  powerW: number;
  sclkMHz: number;
  throttled: boolean;
  utilPct: number;
  edgeC: number;
}
interface GpuModelLib {
  MODELS: Record<string, { sclkLevels: number[]; defaultCapW: number }>;
  metrics(model: string, g: GpuSettings): GpuReading;
}

export interface GpuSample extends GpuReading {
  index: number;
  maxMHz: number;
  capW: number;
  jobs: number;
}

let lib: GpuModelLib | null | undefined;

/** Load the simulators' model once (null when they are not shipped with this build). */
export async function loadGpuModel(): Promise<void> {
  if (lib !== undefined) return;
  const p = gpuModelLib();
  lib = p ? ((await import(pathToFileURL(p).href)) as GpuModelLib) : null;
}

/** Current readings of every simulated GPU of a node (empty before its first simulator call or without the lib). */
export function readGpus(stateDir: string): GpuSample[] {
  if (!lib) return [];
  const st = readJson<{ model?: string; gpus?: Array<GpuSettings & { powerCapW: number }> } | null>(stateDir, 'gpu-state', null);
  if (!st?.model || !st.gpus) return [];
  const m = lib.MODELS[st.model];
  if (!m) return [];
  return st.gpus.map((g) => ({ ...lib!.metrics(st.model!, g), index: g.index, maxMHz: m.sclkLevels[m.sclkLevels.length - 1]!, capW: g.powerCapW, jobs: g.processes.length }));
}

/** Samples per second a training job gets from one GPU at full clock (a plausible ResNet-50-ish figure). */
export const SAMPLES_PER_GPU = 1200;

/** Training throughput: proportional to the clock each busy GPU can hold under its cap. */
export function trainingThroughput(gpus: GpuSample[]): number {
  return gpus.reduce((sum, g) => sum + (g.jobs > 0 ? (SAMPLES_PER_GPU * g.sclkMHz) / g.maxMHz : 0), 0);
}
