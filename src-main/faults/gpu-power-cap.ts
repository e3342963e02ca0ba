/**
 * GPU power cap (brown-out): lower each GPU's board power limit so work slows down and clocks drop.
 * The cap in force before the fault is recorded on the node first (state file in the run directory,
 * named after the fault id), then the new cap is written:
 * - rocm-smi `-d N --setpoweroverdrive W --autorespond y` (integer watts; §1.1). Revert
 *   `--resetpoweroverdrive` (sets rsmi_dev_power_cap_default_get). rocm_smi.py range-checks the raw
 *   value, so on parts whose minimum cap is above 0 the reset (value 0) is refused with "Value
 *   cannot be less than"; revert then writes the recorded cap back with --setpoweroverdrive.
 * - amd-smi `set -g N -o W`; revert `set -g N -o <recorded>`, because `amd-smi reset -o` goes to
 *   the MAX capable cap, not the previous one (§1.4). Cap read from `static --limit --json`:
 *   limit.socket_power (current), limit.max_power, limit.min_power.
 * - nvidia-smi `-i N -pl W`; revert `-pl <power.default_limit>` read at revert time: nvidia-smi
 *   has no reset flag (§2.1). Caps read with --query-gpu=power.limit,power.default_limit,power.min_limit.
 * `percent` is of amd-smi's max_power, nvidia-smi's power.default_limit, and for rocm-smi of the cap
 * found before injecting ('Max Graphics Package Power (W)'; rocm-smi shows no default cap).
 * nvidia-smi caps are volatile without persistence mode: a driver unload silently reverts them, so
 * verify re-reads the cap rather than trusting inject.
 */
import { z } from 'zod';
import { Shell, sh } from '../shell/index.js';
import { anyToolSchema, deviceSchema, gpuScript, vendorGuard, type ScriptPurpose } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

/** Largest cap accepted: today's biggest accelerators draw 1000-1400 W; 2000 W only stops typos. */
const MAX_WATTS = 2000;
/** Below 10% of the reference cap no board accepts the value (minimum caps are a large fraction). */
const MIN_PERCENT = 10;

const params = z
  .strictObject({
    tool: anyToolSchema.default('auto'),
    device: deviceSchema.default(0),
    watts: z.number().int('watts must be whole').min(1).max(MAX_WATTS, `at most ${MAX_WATTS} W`).optional(),
    percent: z.number().int('percent must be whole').min(MIN_PERCENT, `at least ${MIN_PERCENT}%`).max(100).optional(),
  })
  // Presets supply `percent`; an explicit `watts` laid over a preset wins (see injectBody).
  .refine((p) => p.watts !== undefined || p.percent !== undefined, 'give watts or percent');
export type GpuPowerCapParams = z.infer<typeof params>;

/** gd_cap TOOL N: the cap in force now, in W. */
const READ_CAP = Shell.raw(`gd_cap() {
  case $1 in
    rocm-smi) rocm-smi -d "$2" --showmaxpower --json | gd_py rocm "$2" 'Max Graphics Package Power (W)' ;;
    amd-smi) amd-smi static -g "$2" --limit --json | gd_py amd "$2" limit.socket_power ;;
    nvidia-smi) nvidia-smi -i "$2" --query-gpu=power.limit --format=csv,noheader,nounits ;;
  esac
}`);

function injectBody(p: GpuPowerCapParams) {
  // MODE/AMOUNT: an absolute cap (wins when both are given), or a percentage of the reference cap
  // computed on the node.
  const mode = p.watts !== undefined ? 'watts' : 'percent';
  const amount = p.watts ?? p.percent ?? 0;
  return sh`mode=${mode}; amount=${amount}
: > "$GD_STATE.new" || gd_die "cannot write $GD_STATE.new"
for d in $GD_DEVS; do
  min=
  case $GD_TOOL in
    rocm-smi) cur=$(rocm-smi -d "$d" --showmaxpower --json | gd_py rocm "$d" 'Max Graphics Package Power (W)'); base=$cur ;;
    amd-smi) j=$(amd-smi static -g "$d" --limit --json)
      cur=$(printf '%s' "$j" | gd_py amd "$d" limit.socket_power)
      base=$(printf '%s' "$j" | gd_py amd "$d" limit.max_power)
      min=$(printf '%s' "$j" | gd_py amd "$d" limit.min_power) ;;
    nvidia-smi) q=$(nvidia-smi -i "$d" --query-gpu=power.limit,power.default_limit,power.min_limit --format=csv,noheader,nounits)
      set -f; set -- $(printf '%s' "$q" | tr ',' ' '); set +f
      cur=\${1:-}; base=\${2:-}; min=\${3:-} ;;
  esac
  # A second inject for the same fault keeps the first recorded original (not our own cap).
  old=; [ -f "$GD_STATE" ] && old=$(awk -v d="$d" '$1 == d { print $3 }' "$GD_STATE")
  orig=\${old:-$cur}
  gd_isnum "$orig" || gd_die "cannot read the power cap of GPU $d from $GD_TOOL"
  [ "$GD_TOOL" = rocm-smi ] && base=$orig
  if [ "$mode" = watts ]; then target=$amount
  else
    gd_isnum "$base" || gd_die "cannot read the reference cap of GPU $d from $GD_TOOL"
    target=$(awk -v b="$base" -v p="$amount" 'BEGIN { printf "%d\\n", b * p / 100 }')
    if gd_isnum "$min" && ! gd_le "$min" "$target"; then
      gd_say "GPU $d: $amount% is $target W, below the minimum $min W; using the minimum"; target=$(gd_int "$min")
      gd_le "$min" "$target" || target=$((target + 1))
    fi
  fi
  printf '%s %s %s %s\\n' "$d" "$GD_TOOL" "$orig" "$target" >> "$GD_STATE.new"
done
mv -f "$GD_STATE.new" "$GD_STATE" || gd_die "cannot record the original caps in $GD_STATE"
rc=0
while read -r d tool orig target <&3; do
  gd_say "GPU $d: power cap $orig W -> $target W ($tool)"
  case $tool in
    rocm-smi) rocm-smi -d "$d" --setpoweroverdrive "$target" --autorespond y || rc=1 ;;
    amd-smi) amd-smi set -g "$d" -o "$target" || rc=1 ;;
    nvidia-smi) nvidia-smi -i "$d" -pl "$target" || rc=1 ;;
  esac
done 3< "$GD_STATE"
exit $rc`;
}

const VERIFY_BODY = sh`[ -f "$GD_STATE" ] || { gd_say 'no recorded power cap for this fault: not injected'; exit 1; }
rc=0
while read -r d tool orig target <&3; do
  cur=$(gd_cap "$tool" "$d")
  if gd_isnum "$cur" && gd_near "$cur" "$target" 0.5; then gd_say "GPU $d power cap $cur W: in effect"
  else gd_say "GPU $d power cap \${cur:-unreadable} W, expected $target W"; rc=1; fi
done 3< "$GD_STATE"
exit $rc`;

const REVERT_BODY = sh`[ -f "$GD_STATE" ] || { gd_say 'no recorded power cap for this fault: nothing to revert'; exit 0; }
rc=0
while read -r d tool orig target <&3; do
  case $d in ''|*[!0-9]*) continue ;; esac
  want=$orig
  case $tool in
    rocm-smi) rocm-smi -d "$d" --resetpoweroverdrive --autorespond y >/dev/null
      cur=$(gd_cap rocm-smi "$d")
      if gd_isnum "$cur" && gd_near "$cur" "$target" 0.5 && ! gd_near "$orig" "$target" 0.5; then
        gd_say "GPU $d: --resetpoweroverdrive left the cap at $cur W; writing back the recorded $orig W"
        rocm-smi -d "$d" --setpoweroverdrive "$(gd_int "$orig")" --autorespond y >/dev/null
      fi
      want= ;;
    amd-smi) amd-smi set -g "$d" -o "$(gd_int "$orig")" >/dev/null ;;
    nvidia-smi) def=$(nvidia-smi -i "$d" --query-gpu=power.default_limit --format=csv,noheader,nounits)
      gd_isnum "$def" || def=$orig
      nvidia-smi -i "$d" -pl "$def" >/dev/null; want=$def ;;
  esac
  cur=$(gd_cap "$tool" "$d")
  if ! gd_isnum "$cur"; then gd_say "GPU $d: cannot read the cap back"; rc=1
  elif [ -n "$want" ] && ! gd_near "$cur" "$want" 0.5; then gd_say "GPU $d: cap is $cur W, expected $want W"; rc=1
  elif [ -z "$want" ] && gd_near "$cur" "$target" 0.5 && ! gd_near "$orig" "$target" 0.5; then gd_say "GPU $d: cap still $cur W"; rc=1
  else gd_say "GPU $d: power cap back to $cur W"; fi
done 3< "$GD_STATE"
[ "$rc" -eq 0 ] && rm -f "$GD_STATE"
exit $rc`;

function build(p: GpuPowerCapParams, ctx: FaultContext, purpose: Exclude<ScriptPurpose, 'observe'>) {
  const base = { ctx, tool: p.tool, supported: ['amd' as const, 'nvidia' as const], purpose };
  if (purpose === 'inject') return gpuScript({ ...base, device: p.device, runDir: 'create', body: injectBody(p) });
  return gpuScript({ ...base, runDir: 'find', body: sh`${READ_CAP}
${purpose === 'verify' ? VERIFY_BODY : REVERT_BODY}` });
}

export const gpuPowerCap: FaultModule<GpuPowerCapParams> = {
  id: 'gpu-power-cap',
  title: 'GPU power cap lowered (brown-out)',
  category: 'gpu',
  risk: 'medium',
  caveat:
    'Revert restores the cap recorded before the fault with amd-smi, the default limit with nvidia-smi and the default cap with rocm-smi (--resetpoweroverdrive), which differs from the recorded one only if someone had changed it. nvidia-smi caps also revert by themselves when the driver unloads (persistence mode off).',
  params,
  presets: {
    low: { percent: 80 },
    medium: { percent: 60 },
    high: { percent: 40, device: 'all' },
  },
  requires: { tools: ['rocm-smi|amd-smi|nvidia-smi'], root: true },
  guard: (p, ctx) => vendorGuard(p.tool, ctx, ['amd', 'nvidia']),
  inject: (p, ctx) => build(p, ctx, 'inject'),
  verify: (p, ctx) => build(p, ctx, 'verify'),
  revert: (p, ctx) => build(p, ctx, 'revert'),
  observe: (p, ctx) => observeScript(ctx, p.tool, p.device),
};
