import { z } from 'zod';
import { sh, shq, Shell } from '../shell/index.js';
import { checked, processTag } from './ids.js';
import { exactlyOneTarget, ONE_TARGET, refuseProtected, selectPids, targetShape } from './process-target.js';
import { killSignal, seconds } from './schemas.js';
import { script } from './shell-lib.js';
import type { FaultContext, FaultModule } from './types.js';

const Params = z
  .strictObject({
    ...targetShape,
    signal: killSignal.default('KILL'),
    /** Kill again every N seconds (a crash loop); absent = kill once (one-shot, nothing to revert). */
    everySec: z.number().int().min(1, 'must be at least 1 s').max(3600, 'must be at most 3600 s').optional(),
    /** How long to keep killing in repeat mode; capped by the step's hard maximum duration. */
    durationSec: seconds.optional(),
  })
  .refine(exactlyOneTarget, ONE_TARGET);
export type ProcessKillParams = z.infer<typeof Params>;

/** process-kill is one-shot (no revert possible) exactly when it kills once. */
export function processKillIsOneShot(p: ProcessKillParams): boolean {
  return p.everySec === undefined;
}

const pidFile = (ctx: FaultContext) => `${ctx.faultId}.pid`;
const doneFile = (ctx: FaultContext) => `${ctx.faultId}.killed`;

/** One round: signal every matching process; sets gd_n to how many were signalled. */
function killRound(p: ProcessKillParams): Shell {
  return Shell.raw(
    `${selectPids(p).text}\ngd_n=0; for gd_x in $gd_pids; do kill -s ${shq(p.signal)} "$gd_x" 2>/dev/null && gd_n=$((gd_n + 1)); done`,
  );
}

function inject(p: ProcessKillParams, ctx: FaultContext): Shell {
  if (processKillIsOneShot(p)) {
    return script(
      ['gd_rundir', 'gd_pids_named'],
      killRound(p),
      Shell.raw('echo "GAMEDAY killed=$gd_n"'),
      Shell.raw('[ "$gd_n" -gt 0 ] || { echo "no matching process" >&2; exit 1; }'),
      sh`if gd_rundir ${ctx.runId} 1; then echo "$gd_n" > "$GD_RUN/"${doneFile(ctx)}; fi`,
    );
  }
  const duration = Math.min(p.durationSec ?? ctx.maxDurationSec, ctx.maxDurationSec);
  // The loop is its own small script, run detached; it excludes itself (an ancestor-aware matcher).
  const loop = script(
    ['gd_pids_named'],
    sh`gd_end=$(( $(date +%s) + ${duration} ))`,
    Shell.raw('while [ "$(date +%s)" -lt "$gd_end" ]; do'),
    killRound(p),
    sh`  sleep ${p.everySec ?? 1}`,
    Shell.raw('done'),
  );
  return script(
    ['gd_rundir', 'gd_detach', 'gd_alive'],
    sh`gd_rundir ${ctx.runId} 1 || { echo 'no writable run directory' >&2; exit 5; }`,
    sh`gd_pf="$GD_RUN/"${pidFile(ctx)}`,
    sh`if gd_alive "$gd_pf" ${processTag(ctx)}; then echo "GAMEDAY pid=$(cat "$gd_pf") already=running"; exit 0; fi`,
    sh`gd_detach "$gd_pf" ${processTag(ctx)} sh -c ${loop.text} || { echo 'kill loop did not start' >&2; exit 1; }`,
    Shell.raw('echo "GAMEDAY pid=$(cat "$gd_pf") loop=started"'),
  );
}

/** Process kill: send a signal once, or repeatedly every K seconds (detached loop, stopped by revert). */
export const processKill: FaultModule<ProcessKillParams> = {
  id: 'process-kill',
  title: 'Process kill',
  category: 'process',
  risk: 'high',
  caveat: 'A delivered kill cannot be undone: revert only stops a repeat loop; restarting the process is up to its supervisor.',
  params: Params,
  presets: { low: { signal: 'TERM' }, medium: { signal: 'KILL' }, high: { signal: 'KILL', everySec: 5 } },
  requires: { tools: ['setsid'], root: true },
  guard: (p) => refuseProtected(p),
  inject: checked(inject),
  // Once: "the kill was delivered" (recorded count). Repeat: the loop is running.
  verify: checked((p, ctx) =>
    processKillIsOneShot(p)
      ? script(['gd_rundir'], sh`gd_rundir ${ctx.runId} 0 && [ -s "$GD_RUN/"${doneFile(ctx)} ]`)
      : script(['gd_rundir', 'gd_alive'], sh`gd_rundir ${ctx.runId} 0 && gd_alive "$GD_RUN/"${pidFile(ctx)} ${processTag(ctx)}`),
  ),
  revert: checked((_p, ctx) =>
    script(['gd_rundir', 'gd_killpg'], sh`gd_rundir ${ctx.runId} 0 || exit 0`, sh`gd_killpg "$GD_RUN/"${pidFile(ctx)} ${processTag(ctx)}`, sh`rm -f "$GD_RUN/"${doneFile(ctx)}`, Shell.raw('exit 0')),
  ),
};
