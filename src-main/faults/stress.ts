/**
 * Detached stress-ng runner shared by cpu-stress, memory-pressure and io-stress. stress-ng runs in
 * its own session (setsid, stdio redirected) so the SSH exec returns and the session's end cannot
 * kill it; `--timeout <maxDuration>s` is its own dead-man, independent of ours.
 */
import { sh, Shell } from '../shell/index.js';
import { processTag } from './ids.js';
import { script } from './shell-lib.js';
import type { FaultContext } from './types.js';

/** Half a second: long enough for stress-ng to reject bad arguments and exit, short enough to wait for. */
const SETTLE_NAPS = 5;

const pidFile = (ctx: FaultContext) => `${ctx.faultId}.pid`;

/** Start `stress-ng <args> --timeout <max>s` detached; prints `GAMEDAY pid=<pid>`. */
export function stressInject(ctx: FaultContext, args: string[]): Shell {
  const tag = processTag(ctx);
  return script(
    ['gd_rundir', 'gd_detach', 'gd_alive', 'gd_nap'],
    sh`gd_rundir ${ctx.runId} 1 || { echo 'no writable run directory' >&2; exit 5; }`,
    sh`gd_pf="$GD_RUN/"${pidFile(ctx)}`,
    sh`if gd_alive "$gd_pf" ${tag}; then echo "GAMEDAY pid=$(cat "$gd_pf") already=running"; exit 0; fi`,
    sh`gd_detach "$gd_pf" ${tag} stress-ng ${args} --timeout ${`${ctx.maxDurationSec}s`} || { echo 'stress-ng did not start' >&2; exit 1; }`,
    Shell.raw(`gd_i=0; while [ $gd_i -lt ${SETTLE_NAPS} ]; do gd_nap; gd_i=$((gd_i + 1)); done`),
    sh`gd_alive "$gd_pf" ${tag} || { echo 'stress-ng exited at once (bad arguments or not enough resources?)' >&2; exit 1; }`,
    Shell.raw('echo "GAMEDAY pid=$(cat "$gd_pf")"'),
  );
}

/** Exit 0 while our stress-ng is alive. */
export function stressVerify(ctx: FaultContext): Shell {
  return script(['gd_rundir', 'gd_alive'], sh`gd_rundir ${ctx.runId} 0 || exit 1`, sh`gd_alive "$GD_RUN/"${pidFile(ctx)} ${processTag(ctx)}`);
}

/** Idempotent: stops the whole process group (workers included); exit 0 when nothing is left. */
export function stressRevert(ctx: FaultContext): Shell {
  return script(['gd_rundir', 'gd_killpg'], sh`gd_rundir ${ctx.runId} 0 || exit 0`, sh`gd_killpg "$GD_RUN/"${pidFile(ctx)} ${processTag(ctx)}`, Shell.raw('exit 0'));
}
