/**
 * GPU performance level (AMD): pin the DPM level to low (slowest clocks), high (fastest, hotter) or
 * manual. rocm-smi `--setperflevel LEVEL` writes sysfs power_dpm_force_performance_level; valid
 * levels are the validLevels list in rocm_smi.py setPerformanceLevel (auto low high manual). amd-smi
 * `set -g N -l LEVEL` takes the AmdSmiDevPerfLevel names upper-cased. Sources: REFERENCE-tools.md §1.1,
 * §1.4. NVIDIA has no performance-level switch; its clock analogue is gpu-clock-limit (-lgc).
 */
import { z } from 'zod';
import { Shell, sh } from '../shell/index.js';
import { amdToolSchema, deviceSchema, gpuScript, vendorGuard } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

const params = z.strictObject({
  tool: amdToolSchema.default('auto'),
  device: deviceSchema.default(0),
  level: z.enum(['low', 'high', 'manual']).default('low'),
});
export type GpuPerfLevelParams = z.infer<typeof params>;

/**
 * Reads each GPU's level into $v, normalised to lower case without amd-smi's enum prefix:
 * rocm-smi -p JSON key "Performance Level" (e.g. "auto"); amd-smi metric -l key "perf_level"
 * (e.g. "AMDSMI_DEV_PERF_LEVEL_AUTO", from amdsmi_get_gpu_perf_level).
 */
const READ_LEVEL = Shell.raw(`case $GD_TOOL in
    rocm-smi) v=$(rocm-smi -d "$d" --showperflevel --json | gd_py rocm "$d" 'Performance Level') ;;
    amd-smi) v=$(amd-smi metric -g "$d" -l --json | gd_py amd "$d" perf_level) ;;
  esac
  v=$(printf '%s' "$v" | sed 's/^AMDSMI_DEV_PERF_LEVEL_//' | tr 'A-Z' 'a-z')`);

function build(p: GpuPerfLevelParams, ctx: FaultContext, purpose: 'inject' | 'verify' | 'revert') {
  const base = { ctx, tool: p.tool, supported: ['amd' as const], purpose, device: p.device };
  if (purpose === 'inject') {
    return gpuScript({ ...base, body: sh`rc=0
for d in $GD_DEVS; do
  case $GD_TOOL in
    rocm-smi) rocm-smi -d "$d" --setperflevel ${p.level} --autorespond y || rc=1 ;;
    amd-smi) amd-smi set -g "$d" -l ${p.level.toUpperCase()} || rc=1 ;;
  esac
done
exit $rc` });
  }
  if (purpose === 'verify') {
    return gpuScript({ ...base, body: sh`rc=0; want=${p.level}
for d in $GD_DEVS; do
  ${READ_LEVEL}
  if [ "$v" = "$want" ]; then gd_say "GPU $d performance level is $v: in effect"
  else gd_say "GPU $d performance level is \${v:-unreadable}, not $want"; rc=1; fi
done
exit $rc` });
  }
  // Revert: back to auto (rocm-smi --setperflevel auto / amd-smi set -l AUTO), then read it back.
  return gpuScript({ ...base, body: sh`rc=0
for d in $GD_DEVS; do
  case $GD_TOOL in
    rocm-smi) rocm-smi -d "$d" --setperflevel auto --autorespond y >/dev/null ;;
    amd-smi) amd-smi set -g "$d" -l AUTO >/dev/null ;;
  esac
  ${READ_LEVEL}
  if [ "$v" = auto ]; then gd_say "GPU $d performance level back to auto"; else gd_say "GPU $d performance level still \${v:-unreadable}"; rc=1; fi
done
exit $rc` });
}

export const gpuPerfLevel: FaultModule<GpuPerfLevelParams> = {
  id: 'gpu-perf-level',
  title: 'GPU performance level pinned (AMD)',
  category: 'gpu',
  risk: 'medium',
  params,
  presets: {
    low: { level: 'high' },
    medium: { level: 'low' },
    high: { level: 'low', device: 'all' },
  },
  requires: { tools: ['rocm-smi|amd-smi'], root: true, gpu: 'amd' },
  guard: (p, ctx) => vendorGuard(p.tool, ctx, ['amd']),
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: (p, ctx) => build(p, ctx, 'revert'),
  observe: (p, ctx) => observeScript(ctx, p.tool, p.device),
};
