/**
 * RAS error injection (AMD, destructive, one-shot): write
 * `inject <block> <error> <sub-block> <address> <value> <mask>` to the amdgpu debugfs file
 * /sys/kernel/debug/dri/N/ras/ras_ctrl (docs.kernel.org/gpu/amdgpu/ras.html; §1.3). rocm-smi
 * --rasinject is not used: its setRas() writes the file *path* instead of the command (§1.1 "Bug to
 * avoid"). Needs root, debugfs mounted and a RAS-capable (Instinct) board; DRM minor N is taken to
 * be the GPU index. Verify reads /sys/class/drm/cardN/device/ras/<block>_err_count ("ue: X" /
 * "ce: Y") and checks the count rose past the value recorded before the write.
 * GAMEDAY_LAB_SYSROOT, when set in the node's environment, prefixes both paths: the lab's fake
 * sysfs. Nothing sets it on real nodes.
 */
import { z } from 'zod';
import { sh } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { ONE_SHOT_REVERT, gpuIndex, gpuScript, vendorGuard } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

/** Kernel ras_block_string names (§1.3). */
export const RAS_BLOCKS = ['umc', 'sdma', 'gfx', 'mmhub', 'athub', 'pcie_bif', 'hdp', 'xgmi_wafl', 'df', 'smn', 'sem', 'mp0', 'mp1', 'fuse'] as const;
/** Hex (0x...) or decimal, at most 64 bits: the kernel parses these with kstrtou64-style helpers. */
const u64 = z.string().regex(/^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/, 'must be a hex (0x...) or decimal number of at most 64 bits');

const params = z.strictObject({
  device: gpuIndex,
  block: z.enum(RAS_BLOCKS),
  error: z.enum(['ue', 'ce']),
  subBlock: z.number().int().min(0).max(255).default(0),
  address: u64.default('0x0'),
  value: u64.default('0x0'),
  mask: u64.default('0x0'),
});
export type GpuRasInjectParams = z.infer<typeof params>;

function build(p: GpuRasInjectParams, ctx: FaultContext, purpose: 'inject' | 'verify') {
  const head = sh`dev=${p.device}; blk=${p.block}; typ=${p.error}
R=\${GAMEDAY_LAB_SYSROOT:-}
ctl="$R/sys/kernel/debug/dri/$dev/ras/ras_ctrl"
cnt="$R/sys/class/drm/card$dev/device/ras/\${blk}_err_count"
gd_count() { sed -n "s/^$typ:[[:space:]]*//p" "$cnt" 2>/dev/null | head -n 1; }`;
  const body =
    purpose === 'inject'
      ? sh`[ -e "$ctl" ] || gd_die "no $ctl: needs debugfs (mount -t debugfs none /sys/kernel/debug) and a RAS-capable amdgpu board" ${EXIT.UNSUPPORTED}
before=$(gd_count); gd_isnum "$before" || before=0
printf '%s\\n' "$before" > "$GD_STATE" || gd_die "cannot record the error count in $GD_STATE"
gd_say "writing to $ctl: inject $blk $typ ..."
printf 'inject %s %s %s %s %s %s\\n' "$blk" "$typ" ${p.subBlock} ${p.address} ${p.value} ${p.mask} > "$ctl" || gd_die 'the kernel refused the injection (ras_ctrl write failed)'
exit 0`
      : sh`[ -f "$GD_STATE" ] || { gd_say 'no recorded error count for this fault: not injected'; exit 1; }
read -r before < "$GD_STATE"
now=$(gd_count)
gd_isnum "$now" || { gd_say "cannot read $cnt"; exit 1; }
if [ "$now" -gt "\${before:-0}" ]; then gd_say "$blk $typ errors: $before -> $now: injected error counted"; exit 0; fi
gd_say "$blk $typ errors still $now: the injection has not been counted"; exit 1`;
  return gpuScript({ ctx, tool: 'none', supported: ['amd'], purpose, runDir: purpose === 'inject' ? 'create' : 'find', body: sh`${head}
${body}` });
}

export const gpuRasInject: FaultModule<GpuRasInjectParams> = {
  id: 'gpu-ras-inject',
  title: 'GPU RAS error injection (AMD, destructive)',
  category: 'gpu',
  risk: 'high',
  oneShot: true,
  caveat:
    'Destructive and not revertible: an injected uncorrectable error can reset the GPU and retire memory pages, and retired pages persist in the board EEPROM across reboots. Needs debugfs and an unsecured RAS-capable board.',
  params,
  presets: {
    low: { block: 'umc', error: 'ce' },
    medium: { block: 'gfx', error: 'ce' },
    high: { block: 'umc', error: 'ue' },
  },
  requires: { tools: [], root: true, gpu: 'amd', kernel: ['debugfs'] },
  guard: (_p, ctx) => vendorGuard('none', ctx, ['amd']),
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: () => ONE_SHOT_REVERT,
  observe: (p, ctx) => observeScript(ctx, 'auto', p.device),
};
