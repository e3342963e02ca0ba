/**
 * STOP snippet for the stress-ng faults (cpu-stress, memory-pressure, io-stress): stop the process
 * group as stressRevert does, remembering its id first, so the check can look at the node's
 * /proc for any member still alive (the pid file alone is gone after a revert and proves nothing).
 */
import { sh, Shell } from '../shell/index.js';
import { processTag } from './ids.js';
import type { StopSnippet } from './stop-snippet.js';
import type { FaultContext } from './types.js';

/** Lean revert + check of the detached stress-ng of one fault. */
export function stressStop(ctx: FaultContext): StopSnippet {
  const tag = processTag(ctx);
  const pidFile = `${ctx.faultId}.pid`;
  return {
    lib: ['gd_rundir', 'gd_killpg'],
    revert: (v) => {
      const x = Shell.raw(v);
      // A group is remembered only if its leader is ours or gone (as gd_killpg decides), so a pid
      // reused by a stranger is neither killed nor reported as our residue.
      return sh`${x}_pg=; ${x}_rc=0
if gd_rundir ${ctx.runId} 0; then
  ${x}_pf="$GD_RUN/"${pidFile}
  { read -r ${x}_pg < "$${x}_pf"; } 2>/dev/null
  case $${x}_pg in ''|*[!0-9]*) ${x}_pg= ;; *) if gd_pstate_live "$${x}_pg" && ! gd_ours "$${x}_pg" ${tag}; then ${x}_pg=; fi ;; esac
  gd_killpg "$${x}_pf" ${tag}; ${x}_rc=$?
fi`;
    },
    check: (v) => {
      const x = Shell.raw(v);
      return sh`${x}_left=; if [ -n "$${x}_pg" ] && gd_pg_alive "$${x}_pg"; then ${x}_left=process; fi`;
    },
  };
}
