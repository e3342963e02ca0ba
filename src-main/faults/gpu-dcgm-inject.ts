/**
 * DCGM field injection (NVIDIA): `dcgmi test --inject --gpuid N -f FIELD -v VALUE` (§2.3; dcgmi-test
 * reference). --gpuid is always given: without it dcgmi defaults to GPU ID 1. Default field 230 is
 * DCGM_FI_DEV_XID_ERRORS (value = the XID, e.g. 79 "fell off the bus"); 202 is the PCIe replay
 * counter. Verify reads the field back with `dcgmi dmon -i N -e FIELD -c 1`; revert injects the
 * healthy value (e.g. -f 230 -v 0), as the DCGM docs suggest, and reads it back.
 */
import { z } from 'zod';
import { sh } from '../shell/index.js';
import { gpuIndex, gpuScript, vendorGuard, type ScriptPurpose } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

/** DCGM field ids are 16-bit (dcgm_fields.h); values here are 32-bit integers. */
const fieldId = z.number().int().min(1).max(65535);
const int32 = z.number().int().min(-2147483648).max(2147483647);

const params = z.strictObject({
  device: gpuIndex.default(0),
  field: fieldId.default(230),
  value: int32,
  healthyValue: int32.default(0),
});
export type GpuDcgmInjectParams = z.infer<typeof params>;

function build(p: GpuDcgmInjectParams, ctx: FaultContext, purpose: Exclude<ScriptPurpose, 'observe'>) {
  const value = purpose === 'revert' ? p.healthyValue : p.value;
  const read = sh`gd_field() { dcgmi dmon -i "$dev" -e "$fld" -c 1 | awk -v d="$dev" '$1 == "GPU" && $2 == d { v = $3 } END { print v }'; }`;
  const body =
    purpose === 'verify'
      ? sh`v=$(gd_field)
if [ "$v" = "$val" ]; then gd_say "GPU $dev field $fld reads $v in DCGM: in effect"; exit 0; fi
gd_say "GPU $dev field $fld reads \${v:-nothing} in DCGM, not $val"; exit 1`
      : sh`out=$(dcgmi test --inject --gpuid "$dev" -f "$fld" -v "$val" 2>&1); rc=$?
printf '%s\\n' "$out"
case $out in *'Successfully injected'*) ;; *) [ "$rc" -eq 0 ] && rc=1 ;; esac
[ "$rc" -eq 0 ] || exit "$rc"
v=$(gd_field)
[ "$v" = "$val" ] || { gd_say "field $fld reads \${v:-nothing} after injecting $val"; exit 1; }
exit 0`;
  return gpuScript({ ctx, tool: 'none', supported: ['nvidia'], purpose, body: sh`dev=${p.device}; fld=${p.field}; val=${value}
gd_have dcgmi || gd_die 'dcgmi is not on PATH (DCGM, nv-hostengine)' 4
${read}
${body}` });
}

export const gpuDcgmInject: FaultModule<GpuDcgmInjectParams> = {
  id: 'gpu-dcgm-inject',
  title: 'DCGM error injection (XID etc., NVIDIA)',
  category: 'gpu',
  risk: 'low',
  caveat:
    "Only reaches DCGM's cache: nvidia-smi/NVML never see it; values expire. Only DCGM clients (dcgm-exporter, dcgmi health/policy) react, and dcgmi diag ignores errors from before it started.",
  params,
  presets: {
    low: { field: 230, value: 63 },
    medium: { field: 230, value: 48 },
    high: { field: 230, value: 79 },
  },
  requires: { tools: ['dcgmi'], root: false, gpu: 'nvidia' },
  guard: (_p, ctx) => vendorGuard('none', ctx, ['nvidia']),
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: (p, ctx) => build(p, ctx, 'revert'),
  observe: (p, ctx) => observeScript(ctx, 'nvidia-smi', p.device),
};
