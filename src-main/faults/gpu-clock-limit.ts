/**
 * GPU clock limit: hold the graphics clock down so kernels run slower.
 * - AMD, perf determinism (default): rocm-smi `-d N --setperfdeterminism SCLK`, revert
 *   `--resetperfdeterminism`; amd-smi `set -g N -d SCLKMAX`, revert `reset -g N -d` (§1.1, §1.4).
 *   Verified by the perf level reading "determinism" plus the current sclk at or below the limit.
 * - AMD, level mask (sclkLevels/mclkLevels, rocm-smi only): `--setsclk L...` / `--setmclk L...`
 *   (the tool switches the perf level to manual itself), revert `--resetclocks`. amd-smi of this
 *   release has no level-mask flag, so that combination is refused on the node (exit 4).
 * - NVIDIA (this is also "gpu-nvidia-clock-lock"): `nvidia-smi -i N -lgc MIN,MAX`, revert `-rgc`
 *   (§2.1, Volta+). No query field reports the lock itself, so verify checks clocks.sm lies in
 *   [MIN, MAX]; by default MIN = MAX (a fixed clock), which an idle or a free-running GPU rarely sits at.
 */
import { z } from 'zod';
import { Shell, sh } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { anyToolSchema, deviceSchema, gpuScript, vendorGuard, type ScriptPurpose } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

/** Clock bounds accepted: no datacenter GPU runs below 100 MHz or above 5 GHz. */
const MIN_MHZ = 100;
const MAX_MHZ = 5000;
/** Readings may exceed a clock limit by one DPM/V-F step (NVIDIA bins are ~7.5-15 MHz): allow 30 MHz. */
export const CLOCK_TOL_MHZ = 30;
const mhz = z.number().int('MHz must be whole').min(MIN_MHZ).max(MAX_MHZ, `at most ${MAX_MHZ} MHz`);
/** DPM level indices; rocm_smi.py setClocks rejects levels above 63 (bitmask width). */
const levels = z.array(z.number().int().min(0).max(63)).min(1).max(16);

const params = z
  .strictObject({
    tool: anyToolSchema.default('auto'),
    device: deviceSchema.default(0),
    maxMHz: mhz.optional(),
    minMHz: mhz.optional(),
    sclkLevels: levels.optional(),
    mclkLevels: levels.optional(),
  })
  .refine((p) => p.maxMHz !== undefined || p.sclkLevels !== undefined || p.mclkLevels !== undefined, 'give maxMHz, or sclkLevels/mclkLevels (rocm-smi)')
  .refine((p) => p.minMHz === undefined || p.maxMHz === undefined || p.minMHz <= p.maxMHz, 'minMHz must not exceed maxMHz');
export type GpuClockLimitParams = z.infer<typeof params>;

const useLevels = (p: GpuClockLimitParams): boolean => p.sclkLevels !== undefined || p.mclkLevels !== undefined;

/** Reads $lvl (perf level, lower case) and $clk (current graphics clock, MHz) for GPU $d. */
const READ = Shell.raw(`gd_read() {
  case $GD_TOOL in
    rocm-smi) j=$(rocm-smi -d "$d" --showperflevel --showclocks --json)
      lvl=$(printf '%s' "$j" | gd_py rocm "$d" 'Performance Level')
      clk=$(printf '%s' "$j" | gd_py rocm "$d" 'sclk clock speed:' | tr -dc '0-9')
      slv=$(printf '%s' "$j" | gd_py rocm "$d" 'sclk clock level:')
      mlv=$(printf '%s' "$j" | gd_py rocm "$d" 'mclk clock level:') ;;
    amd-smi) j=$(amd-smi metric -g "$d" -l -c --json)
      lvl=$(printf '%s' "$j" | gd_py amd "$d" perf_level | sed 's/^AMDSMI_DEV_PERF_LEVEL_//')
      clk=$(printf '%s' "$j" | gd_py amd "$d" clock.gfx_0.clk); slv=; mlv= ;;
    nvidia-smi) lvl=; slv=; mlv=; clk=$(nvidia-smi -i "$d" --query-gpu=clocks.sm --format=csv,noheader,nounits) ;;
  esac
  lvl=$(printf '%s' "$lvl" | tr 'A-Z' 'a-z')
}`);

function build(p: GpuClockLimitParams, ctx: FaultContext, purpose: Exclude<ScriptPurpose, 'observe'>) {
  const max = p.maxMHz ?? MAX_MHZ;
  const min = p.minMHz ?? max;
  const method = useLevels(p) ? 'levels' : 'determinism';
  const sclk = p.sclkLevels ?? [];
  const mclk = p.mclkLevels ?? [];
  const head = sh`method=${method}; max=${max}; min=${min}; tol=${CLOCK_TOL_MHZ}; sclk=${sclk.join(' ')}; mclk=${mclk.join(' ')}
${READ}
[ "$GD_TOOL" = amd-smi ] && [ "$method" = levels ] && gd_die 'amd-smi has no clock level mask: use maxMHz (perf determinism) or rocm-smi' ${EXIT.UNSUPPORTED}
rc=0`;
  let loop: Shell;
  if (purpose === 'inject') {
    loop = sh`for d in $GD_DEVS; do
  case $GD_TOOL:$method in
    rocm-smi:determinism) rocm-smi -d "$d" --setperfdeterminism "$max" --autorespond y || rc=1 ;;
    rocm-smi:levels) if [ -n "$sclk" ]; then rocm-smi -d "$d" --setsclk ${sclk} --autorespond y || rc=1; fi
      if [ -n "$mclk" ]; then rocm-smi -d "$d" --setmclk ${mclk} --autorespond y || rc=1; fi ;;
    amd-smi:*) amd-smi set -g "$d" -d "$max" || rc=1 ;;
    nvidia-smi:*) nvidia-smi -i "$d" -lgc "$min,$max" || rc=1 ;;
  esac
done`;
  } else if (purpose === 'verify') {
    loop = Shell.raw(`for d in $GD_DEVS; do
  gd_read; ok=1
  case $GD_TOOL:$method in
    nvidia-smi:*) gd_isnum "$clk" && gd_le "$((min - tol))" "$clk" && gd_le "$clk" "$((max + tol))" || ok=0 ;;
    *:determinism) [ "$lvl" = determinism ] && gd_isnum "$clk" && gd_le "$clk" "$((max + tol))" || ok=0 ;;
    *:levels) [ "$lvl" = manual ] || ok=0
      if [ -n "$sclk" ]; then case " $sclk " in *" $slv "*) ;; *) ok=0 ;; esac; fi
      if [ -n "$mclk" ]; then case " $mclk " in *" $mlv "*) ;; *) ok=0 ;; esac; fi ;;
  esac
  if [ "$ok" = 1 ]; then gd_say "GPU $d clock \${clk:-?} MHz, level \${lvl:-n/a}: limit in effect"
  else gd_say "GPU $d clock \${clk:-unreadable} MHz, level \${lvl:-n/a}: limit not in effect"; rc=1; fi
done`);
  } else {
    loop = Shell.raw(`for d in $GD_DEVS; do
  case $GD_TOOL:$method in
    rocm-smi:determinism) rocm-smi -d "$d" --resetperfdeterminism --autorespond y >/dev/null || rc=1 ;;
    rocm-smi:levels) rocm-smi -d "$d" --resetclocks --autorespond y >/dev/null || rc=1 ;;
    amd-smi:*) amd-smi reset -g "$d" -d >/dev/null || rc=1 ;;
    nvidia-smi:*) nvidia-smi -i "$d" -rgc >/dev/null || rc=1 ;;
  esac
  gd_read
  if [ "$GD_TOOL" != nvidia-smi ] && [ "$lvl" != auto ]; then gd_say "GPU $d perf level still \${lvl:-unreadable}"; rc=1
  else gd_say "GPU $d clock limit removed (clock now \${clk:-?} MHz)"; fi
done`);
  }
  return gpuScript({ ctx, tool: p.tool, supported: ['amd', 'nvidia'], purpose, device: p.device, body: sh`${head}
${loop}
exit $rc` });
}

export const gpuClockLimit: FaultModule<GpuClockLimitParams> = {
  id: 'gpu-clock-limit',
  title: 'GPU clock limited',
  category: 'gpu',
  risk: 'medium',
  caveat: 'On NVIDIA the lock is verified from the SM clock reading (no query reports the lock itself); -lgc needs Volta or newer.',
  params,
  presets: {
    low: { maxMHz: 1200 },
    medium: { maxMHz: 900 },
    high: { maxMHz: 600, device: 'all' },
  },
  requires: { tools: ['rocm-smi|amd-smi|nvidia-smi'], root: true },
  guard: (p, ctx) => {
    if (useLevels(p) && (p.tool === 'nvidia-smi' || ctx.node.gpu === 'nvidia')) return 'sclkLevels/mclkLevels are AMD (rocm-smi) DPM levels; on NVIDIA give maxMHz (and minMHz)';
    if (useLevels(p) && p.tool === 'amd-smi') return 'amd-smi has no clock level mask; use rocm-smi or maxMHz';
    return vendorGuard(p.tool, ctx, ['amd', 'nvidia']);
  },
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: (p, ctx) => build(p, ctx, 'revert'),
  observe: (p, ctx) => observeScript(ctx, p.tool, p.device),
};
