/**
 * GPU reset (one-shot, high risk): every process on the GPU dies and its settings return to
 * defaults. rocm-smi `--gpureset -d N --autorespond y` (exactly one device: "One GPU must be
 * specified"; README: uses debugfs amdgpu_gpu_recover, "will not always work, depending on the
 * manner in which the GPU is hung"); amd-smi `reset -g N -G`; nvidia-smi `-i N -r` (refused while
 * any client holds the GPU, persistence mode included) (§1.1, §1.4, §2.1).
 * Verify checks the GPU answers its tool again after the reset. rocm-smi exits 0 even when the
 * reset fails ("Unable to reset GPU" is only logged), so the tool's status proves little.
 */
import { z } from 'zod';
import { sh } from '../shell/index.js';
import { ONE_SHOT_REVERT, anyToolSchema, gpuIndex, gpuScript, vendorGuard } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

const params = z.strictObject({
  tool: anyToolSchema.default('auto'),
  /** Exactly one GPU, always given explicitly: a reset of "all" is never a preset. */
  device: gpuIndex,
});
export type GpuResetParams = z.infer<typeof params>;

function build(p: GpuResetParams, ctx: FaultContext, purpose: 'inject' | 'verify') {
  const body =
    purpose === 'inject'
      ? sh`gd_say "resetting GPU $GD_DEVS with $GD_TOOL"
case $GD_TOOL in
  rocm-smi) rocm-smi --gpureset -d "$GD_DEVS" --autorespond y ;;
  amd-smi) amd-smi reset -g "$GD_DEVS" -G ;;
  nvidia-smi) nvidia-smi -i "$GD_DEVS" -r ;;
esac`
      : sh`case $GD_TOOL in
  rocm-smi) seen=$(rocm-smi -d "$GD_DEVS" --showid --json | gd_py cards) ;;
  amd-smi) seen=$(amd-smi list -g "$GD_DEVS" --json | gd_py gpus) ;;
  nvidia-smi) seen=$(nvidia-smi -i "$GD_DEVS" --query-gpu=index --format=csv,noheader,nounits) ;;
esac
case " $(echo $seen) " in *" $GD_DEVS "*) gd_say "GPU $GD_DEVS answers $GD_TOOL after the reset"; exit 0 ;; esac
gd_say "GPU $GD_DEVS does not answer $GD_TOOL"; exit 1`;
  return gpuScript({ ctx, tool: p.tool, supported: ['amd', 'nvidia'], purpose, device: p.device, body });
}

export const gpuReset: FaultModule<GpuResetParams> = {
  id: 'gpu-reset',
  title: 'GPU reset',
  category: 'gpu',
  risk: 'high',
  oneShot: true,
  caveat:
    'One-shot and not revertible: the reset kills every process on the GPU and restores default settings. It may fail on a hung GPU, and nvidia-smi refuses while any client (persistence mode included) holds the GPU.',
  params,
  presets: { low: {}, medium: {}, high: {} },
  requires: { tools: ['rocm-smi|amd-smi|nvidia-smi'], root: true },
  guard: (p, ctx) => vendorGuard(p.tool, ctx, ['amd', 'nvidia']),
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: () => ONE_SHOT_REVERT,
  observe: (p, ctx) => observeScript(ctx, p.tool, p.device),
};
