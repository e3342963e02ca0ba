/**
 * Kill the processes using a GPU (one-shot): TERM, a grace period, then KILL. No SMI tool kills
 * (§1.1 "rocm-smi has no kill flag"; §2.2 "No nvidia-smi kill flag is needed"); the tools only list:
 * - amd-smi `process -g N --json`: process_list[].process_info.pid (tried first under `auto`,
 *   because it answers per GPU);
 * - rocm-smi `--showpids --json`: "system" keys "PID<pid>" (print2DArray -> printSysLog). In JSON
 *   mode rocm-smi cannot say which GPU a PID uses, so with rocm-smi only `device: all` is allowed;
 * - nvidia-smi `-i N --query-compute-apps=pid --format=csv,noheader,nounits`.
 * The PIDs are recorded before any signal; verify checks that every recorded PID is gone. Revert
 * has nothing to undo: a supervisor restarting the workload is what the game day measures.
 */
import { z } from 'zod';
import { Shell, sh } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { ONE_SHOT_REVERT, anyToolSchema, deviceSchema, gpuScript, vendorGuard } from './gpu-common.js';
import { observeScript } from './gpu-observe.js';
import type { FaultContext, FaultModule } from './types.js';

/** Longest TERM grace: two minutes covers a checkpointing trainer; longer belongs to another fault. */
const MAX_GRACE_SEC = 120;

const params = z.strictObject({
  tool: anyToolSchema.default('auto'),
  device: deviceSchema.default(0),
  graceSec: z.number().int('whole seconds').min(0).max(MAX_GRACE_SEC, `at most ${MAX_GRACE_SEC} s`).default(10),
});
export type GpuKillProcessesParams = z.infer<typeof params>;

/**
 * Alive and not a zombie (an exited process its parent has not reaped no longer uses the GPU), and
 * — when a start time was recorded — still the same process: PIDs are reused, and a busy node can
 * hand a recorded PID to an unrelated process between inject and verify. The start time is field 22
 * of /proc/PID/stat (field 20 after the "(comm) " part, which may itself contain spaces).
 */
const ALIVE = Shell.raw(`gd_gpu_start() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 20; }
gd_gpu_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -n 's/^State:[[:space:]]*\\([A-Z]\\).*/\\1/p' "/proc/$1/status" 2>/dev/null)" != Z ] || return 1
  [ -z "\${2:-}" ] || [ "$(gd_gpu_start "$1")" = "$2" ]
}`);

function inject(p: GpuKillProcessesParams, ctx: FaultContext) {
  return gpuScript({ ctx, tool: p.tool, supported: ['amd', 'nvidia'], purpose: 'inject', device: p.device, amdPrefer: 'amd-smi', runDir: 'create', body: sh`grace=${p.graceSec}; all=${p.device === 'all' ? 1 : 0}
${ALIVE}
case $GD_TOOL in
  rocm-smi) [ "$all" = 1 ] || gd_die 'rocm-smi cannot map processes to one GPU in JSON mode: use device all, or amd-smi' ${EXIT.UNSUPPORTED}
    pids=$(rocm-smi --showpids --json | gd_py pids) ;;
  amd-smi) pids=$(for d in $GD_DEVS; do amd-smi process -g "$d" --json | gd_py pids; done) ;;
  nvidia-smi) pids=$(for d in $GD_DEVS; do nvidia-smi -i "$d" --query-compute-apps=pid --format=csv,noheader,nounits; done) ;;
esac
list=
for p in $pids; do
  case $p in ''|*[!0-9]*) continue ;; esac
  [ "$p" -gt 1 ] && [ "$p" -ne $$ ] || continue
  case " $list " in *" $p "*) ;; *) list="$list $p" ;; esac
done
: > "$GD_STATE" || gd_die "cannot record the PIDs in $GD_STATE"
for p in $list; do printf '%s %s\\n' "$p" "$(gd_gpu_start "$p")" >> "$GD_STATE"; done
[ -n "$list" ] || { gd_say "no processes on the selected GPUs"; exit 0; }
gd_say "TERM to GPU processes:$list"
kill -TERM $list 2>/dev/null
i=0
while [ "$i" -lt "$grace" ]; do
  left=; for p in $list; do gd_gpu_alive "$p" && left="$left $p"; done
  [ -z "$left" ] && break
  sleep 1; i=$((i + 1))
done
left=; for p in $list; do gd_gpu_alive "$p" && left="$left $p"; done
if [ -n "$left" ]; then gd_say "KILL to:$left"; kill -KILL $left 2>/dev/null; sleep 1; fi
exit 0` });
}

function verify(p: GpuKillProcessesParams, ctx: FaultContext) {
  return gpuScript({ ctx, tool: p.tool, supported: ['amd', 'nvidia'], purpose: 'verify', runDir: 'find', body: sh`${ALIVE}
[ -f "$GD_STATE" ] || { gd_say 'no record of GPU processes for this fault: not injected'; exit 1; }
left=
while read -r p st; do case $p in ''|*[!0-9]*) continue ;; esac; gd_gpu_alive "$p" "$st" && left="$left $p"; done < "$GD_STATE"
if [ -z "$left" ]; then gd_say 'every recorded GPU process is gone'; exit 0; fi
gd_say "still running:$left"; exit 1` });
}

export const gpuKillProcesses: FaultModule<GpuKillProcessesParams> = {
  id: 'gpu-kill-processes',
  title: 'Kill the processes using a GPU',
  category: 'gpu',
  risk: 'medium',
  oneShot: true,
  caveat: 'One-shot: killed processes stay dead until their supervisor restarts them; revert has nothing to undo. With rocm-smi only device "all" is possible.',
  params,
  presets: {
    low: { graceSec: 30 },
    medium: { graceSec: 10 },
    high: { graceSec: 0, device: 'all' },
  },
  requires: { tools: ['rocm-smi|amd-smi|nvidia-smi'], root: true },
  guard: (p, ctx) => {
    if (p.tool === 'rocm-smi' && p.device !== 'all') return 'rocm-smi cannot map processes to one GPU in JSON mode: use device all, or amd-smi';
    return vendorGuard(p.tool, ctx, ['amd', 'nvidia']);
  },
  inject,
  verify,
  revert: () => ONE_SHOT_REVERT,
  observe: (p, ctx) => observeScript(ctx, p.tool, p.device),
};
