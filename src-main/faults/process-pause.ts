import { z } from 'zod';
import { sh, Shell } from '../shell/index.js';
import { checked } from './ids.js';
import { exactlyOneTarget, ONE_TARGET, refuseProtected, selectPids, targetShape } from './process-target.js';
import { script } from './shell-lib.js';
import type { FaultContext, FaultModule } from './types.js';

const Params = z.strictObject(targetShape).refine(exactlyOneTarget, ONE_TARGET);
export type ProcessPauseParams = z.infer<typeof Params>;

/** PIDs we froze, one per line; revert resumes exactly these (never someone else's stopped jobs). */
const stateFile = (ctx: FaultContext) => `${ctx.faultId}.paused`;

function inject(p: ProcessPauseParams, ctx: FaultContext): Shell {
  return script(
    ['gd_rundir', 'gd_pids_named'],
    sh`gd_rundir ${ctx.runId} 1 || { echo 'no writable run directory' >&2; exit 5; }`,
    sh`gd_sf="$GD_RUN/"${stateFile(ctx)}`,
    selectPids(p),
    Shell.raw('[ -n "$gd_pids" ] || { echo "no matching process" >&2; exit 1; }'),
    // Record before stopping: a crash in between still leaves revert a list to resume.
    Shell.raw('for gd_x in $gd_pids; do echo "$gd_x"; done >> "$gd_sf"'),
    Shell.raw('gd_n=0; for gd_x in $gd_pids; do kill -STOP "$gd_x" 2>/dev/null && gd_n=$((gd_n + 1)); done'),
    Shell.raw('echo "GAMEDAY paused=$gd_n"; [ "$gd_n" -gt 0 ]'),
  );
}

/** Process pause: SIGSTOP (state T) until revert sends SIGCONT. */
export const processPause: FaultModule<ProcessPauseParams> = {
  id: 'process-pause',
  title: 'Process pause (freeze)',
  category: 'process',
  risk: 'medium',
  caveat: 'Only processes running at inject time are frozen; ones started later are not.',
  params: Params,
  presets: { low: {}, medium: {}, high: {} },
  requires: { tools: [], root: true },
  guard: (p) => refuseProtected(p),
  inject: checked(inject),
  verify: checked((_p, ctx) =>
    script(
      ['gd_rundir', 'gd_pstate'],
      sh`gd_rundir ${ctx.runId} 0 && [ -s "$GD_RUN/"${stateFile(ctx)} ] || exit 1`,
      sh`while IFS= read -r gd_x; do [ "$(gd_pstate "$gd_x")" = T ] && exit 0; done < "$GD_RUN/"${stateFile(ctx)}`,
      Shell.raw('exit 1'),
    ),
  ),
  revert: checked((_p, ctx) =>
    script(
      ['gd_rundir'],
      sh`gd_rundir ${ctx.runId} 0 || exit 0`,
      sh`gd_sf="$GD_RUN/"${stateFile(ctx)}`,
      Shell.raw('[ -f "$gd_sf" ] || exit 0'),
      Shell.raw('while IFS= read -r gd_x; do case $gd_x in ""|*[!0-9]*) continue ;; esac; kill -CONT "$gd_x" 2>/dev/null; done < "$gd_sf"'),
      Shell.raw('rm -f "$gd_sf"; exit 0'),
    ),
  ),
  observe: checked((_p, ctx) =>
    script(['gd_rundir', 'gd_pstate'], sh`gd_rundir ${ctx.runId} 0 && [ -f "$GD_RUN/"${stateFile(ctx)} ] || exit 0`, sh`while IFS= read -r gd_x; do echo "$gd_x $(gd_pstate "$gd_x")"; done < "$GD_RUN/"${stateFile(ctx)}`),
  ),
};
