/**
 * STOP snippet for the stress-ng faults (cpu-stress, memory-pressure, io-stress): stop the process
 * group, remembering its id first, so the check can look at the node's /proc for any member still
 * alive (the pid file alone is gone after a revert and proves nothing).
 *
 * `kill` (cpu-stress, memory-pressure): SIGKILL at once. Their workers hold only CPU time and
 * anonymous memory, which the kernel takes back, so a graceful exit buys nothing; and on a node the
 * fault itself keeps busy, a TERM that stress-ng answers by signalling and reaping its workers took
 * most of STOP's time. The check then waits (bounded, ~2 s) for the group to be gone.
 * `term` (io-stress): TERM with gd_killpg's grace, so stress-ng removes its --hdd files itself.
 */
import { sh, Shell } from '../shell/index.js';
import { processTag } from './ids.js';
import type { StopSnippet } from './stop-snippet.js';
import type { FaultContext } from './types.js';

/** Lean revert + check of the detached stress-ng of one fault. */
export function stressStop(ctx: FaultContext, how: 'kill' | 'term'): StopSnippet {
  const tag = processTag(ctx);
  const pidFile = `${ctx.faultId}.pid`;
  return {
    lib: how === 'kill' ? ['gd_rundir', 'gd_ours', 'gd_killpg', 'gd_pg_wait_gone'] : ['gd_rundir', 'gd_killpg'],
    revert: (v) => {
      const x = Shell.raw(v);
      // A group is remembered only if its leader is ours or gone (as gd_killpg decides), so a pid
      // reused by a stranger is neither killed nor reported as our residue.
      const head = sh`${x}_pg=; ${x}_rc=0
if gd_rundir ${ctx.runId} 0; then
  ${x}_pf="$GD_RUN/"${pidFile}
  { read -r ${x}_pg < "$${x}_pf"; } 2>/dev/null
  case $${x}_pg in ''|*[!0-9]*) ${x}_pg= ;; *) if gd_pstate_live "$${x}_pg" && ! gd_ours "$${x}_pg" ${tag}; then ${x}_pg=; fi ;; esac`;
      return how === 'kill'
        ? sh`${head}
  [ -n "$${x}_pg" ] && kill -s KILL -- "-$${x}_pg" 2>/dev/null
  gd_rm="$gd_rm $${x}_pf"
fi`
        : sh`${head}
  gd_killpg "$${x}_pf" ${tag}; ${x}_rc=$?
fi`;
    },
    check: (v) => {
      const x = Shell.raw(v);
      return how === 'kill'
        ? sh`${x}_left=; if [ -n "$${x}_pg" ] && ! gd_pg_wait_gone "$${x}_pg"; then ${x}_left=process; fi`
        : sh`${x}_left=; if [ -n "$${x}_pg" ] && gd_pg_alive "$${x}_pg"; then ${x}_left=process; fi`;
    },
  };
}
