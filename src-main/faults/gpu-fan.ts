/**
 * GPU fan (AMD): force a fixed fan duty so the GPU runs hot and throttles. rocm-smi
 * `-d N --setfan NN%` (level 0-255 or NN% = NN/100*255), revert `--resetfans` ("Reset fans to
 * automatic (driver) control"); amd-smi `set -g N -f NN%`, revert `reset -g N -f` (§1.1, §1.4).
 * Read back: rocm-smi -f JSON 'Fan speed (%)'; amd-smi metric -f fan.usage. Neither tool says
 * whether the fan is under manual or driver control, so verify compares the duty with the target.
 * nvidia-smi has no fan control (that needs nvidia-settings and an X server): AMD only.
 */
import { z } from 'zod';
import { Shell, sh } from '../shell/index.js';
import { amdToolSchema, deviceSchema, gpuScript, vendorGuard, type ScriptPurpose } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

/** Below ~10% duty many fans stall outright; the point is heat, not a stopped fan. */
const MIN_FAN_PCT = 10;
/** Percent -> 0-255 level -> percent loses up to one point each way; allow 2. */
const FAN_TOL_PCT = 2;

const params = z.strictObject({
  tool: amdToolSchema.default('auto'),
  device: deviceSchema.default(0),
  percent: z.number().int('percent must be whole').min(MIN_FAN_PCT, `at least ${MIN_FAN_PCT}%`).max(100).default(40),
});
export type GpuFanParams = z.infer<typeof params>;

const READ = Shell.raw(`gd_fan() {
  case $GD_TOOL in
    rocm-smi) pct=$(rocm-smi -d "$d" --showfan --json | gd_py rocm "$d" 'Fan speed (%)') ;;
    amd-smi) pct=$(amd-smi metric -g "$d" -f --json | gd_py amd "$d" fan.usage) ;;
  esac
}`);

function build(p: GpuFanParams, ctx: FaultContext, purpose: Exclude<ScriptPurpose, 'observe'>) {
  const bodies = {
    inject: Shell.raw(`for d in $GD_DEVS; do
  case $GD_TOOL in
    rocm-smi) rocm-smi -d "$d" --setfan "$want%" --autorespond y || rc=1 ;;
    amd-smi) amd-smi set -g "$d" -f "$want%" || rc=1 ;;
  esac
done`),
    verify: Shell.raw(`for d in $GD_DEVS; do
  gd_fan
  if gd_isnum "$pct" && gd_near "$pct" "$want" "$tol"; then gd_say "GPU $d fan at $pct%: in effect"
  else gd_say "GPU $d fan at \${pct:-unreadable}%, not $want%"; rc=1; fi
done`),
    revert: Shell.raw(`for d in $GD_DEVS; do
  case $GD_TOOL in
    rocm-smi) rocm-smi -d "$d" --resetfans --autorespond y >/dev/null || rc=1 ;;
    amd-smi) amd-smi reset -g "$d" -f >/dev/null || rc=1 ;;
  esac
  gd_fan; gd_say "GPU $d fan back under driver control (now \${pct:-unreadable}%)"
done`),
  };
  return gpuScript({ ctx, tool: p.tool, supported: ['amd'], purpose, device: p.device, body: sh`want=${p.percent}; tol=${FAN_TOL_PCT}; rc=0
${READ}
${bodies[purpose]}
exit $rc` });
}

export const gpuFan: FaultModule<GpuFanParams> = {
  id: 'gpu-fan',
  title: 'GPU fan held at a fixed low duty (AMD)',
  category: 'gpu',
  risk: 'medium',
  caveat: 'The GPU protects itself by throttling (and at worst a thermal shutdown); no tool reports manual vs driver fan control, so verify compares the duty with the target.',
  params,
  presets: {
    low: { percent: 60 },
    medium: { percent: 40 },
    high: { percent: 20, device: 'all' },
  },
  requires: { tools: ['rocm-smi|amd-smi'], root: true, gpu: 'amd' },
  guard: (p, ctx) => vendorGuard(p.tool, ctx, ['amd']),
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: (p, ctx) => build(p, ctx, 'revert'),
  observe: (p, ctx) => observeScript(ctx, p.tool, p.device),
};
