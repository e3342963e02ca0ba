/**
 * GPU readings (temperature, power, utilisation, VRAM, power cap) per GPU, for probes and fault
 * `observe`. One builder runs the tool the node has; parsers turn each tool's output into one
 * shape. Key names, with sources (REFERENCE-tools.md §1.2, §1.4, §2.2):
 * - rocm-smi --json: {"card0": {...}, "system": {...}}, every value a string. Temperature
 *   'Temperature (Sensor edge|junction) (C)' (edge reads N/A on some MI300 setups: use junction);
 *   power 'Average Graphics Package Power (W)' (MI100/RDNA) or 'Current Socket Graphics Package
 *   Power (W)' (MI300), "N/A (Secondary die)" on a secondary die; 'GPU use (%)';
 *   'VRAM Total Memory (B)' / 'VRAM Total Used Memory (B)'; cap 'Max Graphics Package Power (W)'.
 * - amd-smi metric --json: a list of {"gpu": N, ...} (newer releases: {"gpu_data": [...]}); values
 *   with units are {"value", "unit"}; temperature.edge/hotspot, power.socket_power,
 *   usage.gfx_activity, mem_usage.used_vram/total_vram in MB (bytes / 1024 / 1024).
 * - nvidia-smi --query-gpu with csv,noheader,nounits: bare numbers; unsupported fields print
 *   "[N/A]" or "[Not Supported]"; memory in MiB.
 */
import { Shell, sh } from '../shell/index.js';
import { gpuScript, type Device, type ToolParam } from './gpu-common.js';
import type { FaultContext } from './types.js';

/** One GPU's readings; null where the tool reports N/A or nothing. */
export interface GpuSample {
  gpu: number;
  tempC: number | null;
  powerW: number | null;
  utilPct: number | null;
  vramUsedB: number | null;
  vramTotalB: number | null;
  powerCapW?: number | null;
}

/** The --query-gpu fields observe asks for, in this order (names from `nvidia-smi --help-query-gpu`). */
export const NVIDIA_OBSERVE_FIELDS = ['index', 'temperature.gpu', 'power.draw', 'utilization.gpu', 'memory.used', 'memory.total', 'power.limit'] as const;
/** First line of observe output, naming the tool that wrote the rest. */
export const OBSERVE_MARKER = '#gameday-gpu-observe tool=';
const MIB = 1048576;

/** rocm-smi: the four readings from the brief plus -M (the current cap). */
export function rocmObserveArgs(device: Device): string[] {
  return ['rocm-smi', ...(device === 'all' ? [] : ['-d', String(device)]), '--showtemp', '--showpower', '--showuse', '--showmeminfo', 'vram', '--showmaxpower', '--json'];
}
export function amdObserveArgs(device: Device): string[] {
  return ['amd-smi', 'metric', ...(device === 'all' ? [] : ['-g', String(device)]), '-p', '-t', '-u', '-m', '--json'];
}
export function nvidiaObserveArgs(device: Device): string[] {
  return ['nvidia-smi', ...(device === 'all' ? [] : ['-i', String(device)]), `--query-gpu=${NVIDIA_OBSERVE_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

/** Node-side script: a marker line with the tool chosen, then that tool's readings. */
export function observeScript(ctx: FaultContext, tool: ToolParam, device: Device): Shell {
  return gpuScript({ ctx, tool, supported: ['amd', 'nvidia'], purpose: 'observe', body: sh`printf '%s%s\\n' ${OBSERVE_MARKER} "$GD_TOOL"
case $GD_TOOL in
  rocm-smi) ${Shell.argv(...rocmObserveArgs(device))} ;;
  amd-smi) ${Shell.argv(...amdObserveArgs(device))} ;;
  nvidia-smi) ${Shell.argv(...nvidiaObserveArgs(device))} ;;
esac` });
}

/** A number from a tool value: numbers pass, strings are parsed ("53.0", "36 W"), N/A is null. */
function num(v: unknown): number | null {
  if (v && typeof v === 'object' && 'value' in v) v = (v as { value: unknown }).value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(v);
  return m ? Number(m[1]) : null;
}

function parseJson(text: string): unknown {
  try {
    return text.trim() ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Parse `rocm-smi ... --json`. Keys that are not cardN (system, junk) are skipped. */
export function parseRocmSmiJson(text: string): GpuSample[] {
  const doc = obj(parseJson(text));
  const out: GpuSample[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const m = /^card(\d+)$/.exec(key);
    if (!m) continue;
    const c = obj(value);
    out.push({
      gpu: Number(m[1]),
      tempC: num(c['Temperature (Sensor edge) (C)']) ?? num(c['Temperature (Sensor junction) (C)']),
      powerW: num(c['Average Graphics Package Power (W)']) ?? num(c['Current Socket Graphics Package Power (W)']),
      utilPct: num(c['GPU use (%)']),
      vramUsedB: num(c['VRAM Total Used Memory (B)']),
      vramTotalB: num(c['VRAM Total Memory (B)']),
      powerCapW: num(c['Max Graphics Package Power (W)']),
    });
  }
  return out.sort((a, b) => a.gpu - b.gpu);
}

/** Bytes from an amd-smi memory value: {"value": 6, "unit": "MB"} (MB = MiB here), or a bare MB number. */
function bytes(v: unknown): number | null {
  const n = num(v);
  if (n === null) return null;
  const unit = String(obj(v).unit ?? 'MB').toUpperCase();
  const scale: Record<string, number> = { B: 1, KB: 1024, MB: MIB, GB: MIB * 1024 };
  return n * (scale[unit] ?? MIB);
}

/** Parse `amd-smi metric ... --json` (list, {"gpu_data": [...]}, or one object). */
export function parseAmdSmiMetricJson(text: string): GpuSample[] {
  let doc = parseJson(text);
  if (!Array.isArray(doc) && Array.isArray(obj(doc).gpu_data)) doc = obj(doc).gpu_data;
  const items = Array.isArray(doc) ? doc : doc ? [doc] : [];
  const out: GpuSample[] = [];
  for (const it of items) {
    const x = obj(it);
    if (typeof x.gpu !== 'number') continue;
    const t = obj(x.temperature);
    const mem = obj(x.mem_usage);
    out.push({
      gpu: x.gpu,
      tempC: num(t.edge) ?? num(t.hotspot),
      powerW: num(obj(x.power).socket_power),
      utilPct: num(obj(x.usage).gfx_activity),
      vramUsedB: bytes(mem.used_vram),
      vramTotalB: bytes(mem.total_vram),
    });
  }
  return out.sort((a, b) => a.gpu - b.gpu);
}

/** Parse nvidia-smi CSV (noheader, nounits) for NVIDIA_OBSERVE_FIELDS, in that order. */
export function parseNvidiaSmiCsv(text: string): GpuSample[] {
  const out: GpuSample[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    if (f.length < NVIDIA_OBSERVE_FIELDS.length) continue;
    const v = (i: number): number | null => (/^\[?N\/A\]?$|^\[Not Supported\]$|^\[Unknown Error\]$/.test(f[i] ?? '') ? null : num(f[i]));
    const gpu = v(0);
    if (gpu === null) continue;
    const used = v(4);
    const total = v(5);
    out.push({
      gpu, tempC: v(1), powerW: v(2), utilPct: v(3),
      vramUsedB: used === null ? null : used * MIB, vramTotalB: total === null ? null : total * MIB, powerCapW: v(6),
    });
  }
  return out;
}

/** Parse what observeScript printed: the marker names the tool, the rest is its output. */
export function parseObserveOutput(stdout: string): { tool: 'rocm-smi' | 'amd-smi' | 'nvidia-smi' | null; gpus: GpuSample[] } {
  const i = stdout.indexOf(OBSERVE_MARKER);
  if (i < 0) return { tool: null, gpus: [] };
  const nl = stdout.indexOf('\n', i);
  const tool = stdout.slice(i + OBSERVE_MARKER.length, nl < 0 ? undefined : nl).trim();
  const rest = nl < 0 ? '' : stdout.slice(nl + 1);
  if (tool === 'rocm-smi') return { tool, gpus: parseRocmSmiJson(rest) };
  if (tool === 'amd-smi') return { tool, gpus: parseAmdSmiMetricJson(rest) };
  if (tool === 'nvidia-smi') return { tool, gpus: parseNvidiaSmiCsv(rest) };
  return { tool: null, gpus: [] };
}
