/**
 * Dead-man lease builders. `buildInject` produces ONE node-side script that arms the guards
 * before the fault exists: run dir -> watchdog script -> revert file -> lease -> watchdog started
 * (detached) -> optional systemd timer -> inject -> verify. If the console then disappears, the
 * watchdog reverts when the lease goes stale; the systemd timer (where PID 1 is systemd) reverts
 * at the hard maximum duration even if the watchdog itself was killed.
 *
 * Files in the run dir (/run/gameday/<runId>, else /tmp/gameday/<runId>), per fault id F:
 *   F.lease  F.revert.sh  F.revert.log  F.watchdog.pid  F.timer.sh   + lease-watchdog.sh (shared)
 */
import { sh, Shell } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { assertCtx, BadFaultContext, isFaultId, isRunId, unitName } from './ids.js';
import { LEASE_WATCHDOG_SH } from './embedded-scripts.js';
import { isOneShot } from './registry.js';
import { script } from './shell-lib.js';
import type { FaultContext, FaultModule } from './types.js';

export { parseStatus, parseStatusLines } from './status.js';

/** A guard refused the parameters; the engine should call `checkGuard` first, so reaching this is a bug. */
export class GuardRefused extends Error {
  readonly code = 'GUARD_REFUSED';
}

/** The module's guard verdict (null = allowed). */
export function checkGuard<P>(mod: FaultModule<P>, params: P, ctx: FaultContext): string | null {
  return mod.guard?.(params, ctx) ?? null;
}

/** Shell variables naming this fault's files; needs $GD_RUN. */
function paths(ctx: FaultContext): Shell {
  const f = ctx.faultId;
  return sh`gd_l="$GD_RUN/"${`${f}.lease`}; gd_r="$GD_RUN/"${`${f}.revert.sh`}; gd_log="$GD_RUN/"${`${f}.revert.log`}; gd_wp="$GD_RUN/"${`${f}.watchdog.pid`}; gd_t="$GD_RUN/"${`${f}.timer.sh`}; gd_w="$GD_RUN/lease-watchdog.sh"`;
}

/**
 * Disarm everything but the fault itself: lease (the watchdog exits when it is gone), systemd
 * timer, the watchdog process (only if its command line names our lease: no pid-reuse accidents).
 */
function disarm(ctx: FaultContext): Shell {
  const unit = unitName(ctx);
  return sh`rm -f "$gd_l"
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl stop ${`${unit}.timer`} >/dev/null 2>&1; systemctl reset-failed ${`${unit}.timer`} ${`${unit}.service`} >/dev/null 2>&1; fi
if [ -s "$gd_wp" ]; then gd_x=$(cat "$gd_wp"); case $gd_x in ''|*[!0-9]*) ;; *) if tr '\\000' ' ' < "/proc/$gd_x/cmdline" 2>/dev/null | grep -qF -- "$gd_l"; then kill "$gd_x" 2>/dev/null; fi ;; esac; fi
rm -f "$gd_r" "$gd_wp" "$gd_t"`;
}

/** Text of the revert file: the module's revert in its own shell, then the timer is stopped. */
function revertFile<P>(mod: FaultModule<P>, params: P, ctx: FaultContext): string {
  const unit = unitName(ctx);
  return sh`#!/bin/sh
# gameday revert for run ${ctx.runId} fault ${ctx.faultId} (${mod.id}); idempotent.
sh -c ${mod.revert(params, ctx).text}; gd_rc=$?
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl stop ${`${unit}.timer`} >/dev/null 2>&1; fi
exit $gd_rc`.text;
}

/** Inject with lease; prints `GAMEDAY ... inject=ok|fail verify=ok|fail`; exit 0 only when both are ok. */
export function buildInject<P>(mod: FaultModule<P>, params: P, ctx: FaultContext): Shell {
  assertCtx(ctx);
  const refusal = checkGuard(mod, params, ctx);
  if (refusal) throw new GuardRefused(refusal);
  const f = ctx.faultId;
  const inject = mod.inject(params, ctx).text;
  const verify = mod.verify(params, ctx).text;
  const tail = sh`sh -c ${inject}; gd_rc=$?
if [ $gd_rc -ne 0 ]; then
  echo "GAMEDAY fault="${f}" inject=fail code=$gd_rc"
  ${Shell.raw(isOneShot(mod, params) ? ':' : 'sh "$gd_r" >> "$gd_log" 2>&1; echo "GAMEDAY fault=' + f + ' reverted_after_failure=yes"')}
  ${isOneShot(mod, params) ? Shell.raw(':') : disarm(ctx)}
  exit $gd_rc
fi
if sh -c ${verify} >/dev/null 2>&1; then echo "GAMEDAY fault="${f}" inject=ok verify=ok"; exit 0; fi
echo "GAMEDAY fault="${f}" inject=ok verify=fail"; exit ${EXIT.VERIFY_FAILED}`;
  if (isOneShot(mod, params)) {
    return script(['gd_rundir'], sh`echo "GAMEDAY fault="${f}" lease=none oneshot=yes"`, tail);
  }
  const unit = unitName(ctx);
  const ttl = ctx.leaseTtlSec;
  const max = ctx.maxDurationSec;
  if (!Number.isInteger(ttl) || ttl < 1 || !Number.isInteger(max) || max < 1) {
    throw new BadFaultContext('leaseTtlSec and maxDurationSec must be whole seconds >= 1');
  }
  return script(
    ['gd_rundir', 'gd_nap'],
    sh`gd_rundir ${ctx.runId} 1 || { echo "GAMEDAY fault="${f}" inject=fail error=no_run_dir"; exit ${EXIT.NO_RUN_DIR}; }`,
    paths(ctx),
    sh`gd_fail() { rm -f "$gd_l" "$gd_r" "$gd_t"; echo "GAMEDAY fault="${f}" inject=fail error=$1"; exit 1; }`,
    // Written to a temp name then renamed: a watchdog of another fault may be reading the old copy.
    sh`printf '%s' ${LEASE_WATCHDOG_SH} > "$gd_w.$$" && mv -f "$gd_w.$$" "$gd_w" || gd_fail watchdog_install`,
    sh`printf '%s\\n' ${revertFile(mod, params, ctx)} > "$gd_r" || gd_fail revert_file`,
    sh`printf '%s\\n' '[ -f "$1" ] && sh "$1" >> "$2" 2>&1; rm -f "$1" "$3" "$0"' > "$gd_t" || gd_fail timer_file`,
    // The lease holds its TTL: a whole-node cleanup tells a live run (renewed within it) from a dead one.
    sh`printf '%s\\n' ${ttl} > "$gd_l" || gd_fail lease`,
    Shell.raw('rm -f "$gd_wp"'),
    sh`setsid sh "$gd_w" "$gd_l" ${ttl} "$gd_r" ${max} </dev/null >/dev/null 2>&1 &`,
    // Up to 5 s (50 x 0.1 s) for the watchdog to write its pid: nothing is injected without it.
    Shell.raw('gd_i=0; while [ ! -s "$gd_wp" ] && [ $gd_i -lt 50 ]; do gd_nap; gd_i=$((gd_i + 1)); done'),
    Shell.raw('[ -s "$gd_wp" ] || gd_fail watchdog_not_started'),
    Shell.raw('gd_timer=none'),
    // Second guard, only where PID 1 is systemd (the sd_booted() test). AccuracySec=1s: the default
    // is a minute of slack. The unit runs a fixed file path: no $ or % for systemd to expand.
    sh`if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  if systemd-run --quiet --collect --unit=${unit} --on-active=${`${max}s`} --timer-property=AccuracySec=1s /bin/sh "$gd_t" "$gd_r" "$gd_log" "$gd_l" >/dev/null 2>&1; then gd_timer=armed; else gd_timer=failed; fi
fi`,
    sh`echo "GAMEDAY fault="${f}" lease=$gd_l watchdog_pid=$(cat "$gd_wp") timer=$gd_timer ttl="${ttl}" max="${max}`,
    tail,
  );
}

/**
 * What the node's lease did, read before a revert disarms it: `lease=present|gone`, and when the
 * watchdog fired, `fired=<its log time, ISO 8601 with offset>` and `fired_by=ttl|max`. A fault whose
 * watchdog fired was reverted by the node, not by us: its active window ended then.
 */
const LEASE_FACTS = `if [ -e "$gd_l" ]; then gd_ls=present; else gd_ls=gone; fi
gd_fl=$(grep ' watchdog: ' "$gd_log" 2>/dev/null | tail -n 1)
gd_fired=$(printf '%s\n' "$gd_fl" | sed -n 's/^\\([0-9][0-9T:+-]*\\) watchdog: .*/\\1/p')
case $gd_fl in *'hard maximum'*) gd_fby=max ;; *) gd_fby=ttl ;; esac`;

/**
 * Guard for a revert sent by someone other than the fault's own console (cleanup after a crash):
 * when the lease was renewed within its TTL the run is alive, perhaps in another console, and
 * nothing is touched. Prints `live=yes renewed=<s ago> ttl=<s>` and exits 0.
 */
function liveGuard(ctx: FaultContext): Shell {
  return sh`if [ -f "$gd_l" ]; then
  gd_m=$(stat -c %Y "$gd_l" 2>/dev/null || date -r "$gd_l" +%s 2>/dev/null); gd_tl=; { read -r gd_tl < "$gd_l"; } 2>/dev/null
  case $gd_tl in ''|*[!0-9]*) gd_tl=${ctx.leaseTtlSec} ;; esac
  case $gd_m in ''|*[!0-9]*) ;; *) gd_age=$(($(date +%s) - gd_m)); if [ "$gd_age" -lt "$gd_tl" ]; then echo "GAMEDAY fault="${ctx.faultId}" live=yes renewed=$gd_age ttl=$gd_tl"; exit 0; fi ;; esac
fi`;
}

export interface RevertOptions {
  /** Leave the fault alone when its lease is still being renewed (see liveGuard). */
  unlessLive?: boolean;
}

/**
 * Revert, disarm the lease and timer, then verify-clean: prints `GAMEDAY revert=ok|fail clean=yes|no`
 * after a line of lease facts (`lease=present|gone [fired=<time> fired_by=ttl|max]`).
 */
export function buildRevert<P>(mod: FaultModule<P>, params: P, ctx: FaultContext, o: RevertOptions = {}): Shell {
  assertCtx(ctx);
  const f = ctx.faultId;
  const oneShot = isOneShot(mod, params);
  return script(
    ['gd_rundir'],
    sh`gd_rundir ${ctx.runId} 0`,
    paths(ctx),
    o.unlessLive ? liveGuard(ctx) : Shell.raw(':'),
    Shell.raw(LEASE_FACTS),
    sh`echo "GAMEDAY fault="${f}" lease=$gd_ls\${gd_fired:+ fired=$gd_fired fired_by=$gd_fby}"`,
    sh`sh -c ${mod.revert(params, ctx).text}; gd_rc=$?`,
    disarm(ctx),
    Shell.raw('if [ $gd_rc -eq 0 ]; then gd_rv=ok; else gd_rv=fail; fi'),
    oneShot
      ? // Nothing of a one-shot can be undone; "clean" means none of our traces (loop, state) remain.
        sh`if [ $gd_rc -eq 0 ]; then gd_clean=yes; else gd_clean=no; fi
echo "GAMEDAY fault="${f}" revert=$gd_rv clean=$gd_clean oneshot=yes"; exit $gd_rc`
      : sh`if sh -c ${mod.verify(params, ctx).text} >/dev/null 2>&1; then gd_clean=no; else gd_clean=yes; fi
echo "GAMEDAY fault="${f}" revert=$gd_rv clean=$gd_clean"
[ $gd_clean = yes ]`,
  );
}

/**
 * Renew (touch) the leases of a run in one exec: the given fault ids, or every lease of the run.
 * `touch -c` never recreates a lease a watchdog already consumed. Prints one line per lease
 * (`GAMEDAY lease=<id> renewed=yes|no watchdog=alive|dead`); exits non-zero if any is missing.
 */
export function buildRenew(runId: string, faultIds?: string[]): Shell {
  if (!isRunId(runId)) throw new BadFaultContext(`bad runId ${JSON.stringify(runId)}`);
  const bad = (faultIds ?? []).find((id) => !isFaultId(id));
  if (bad !== undefined) throw new BadFaultContext(`bad faultId ${JSON.stringify(bad)}`);
  const one = `gd_id=\${gd_l##*/}; gd_id=\${gd_id%.lease}; gd_wd=dead
    if touch -c "$gd_l" 2>/dev/null && [ -f "$gd_l" ]; then
      gd_x=$(cat "\${gd_l%.lease}.watchdog.pid" 2>/dev/null); case $gd_x in ''|*[!0-9]*) ;; *) kill -0 "$gd_x" 2>/dev/null && gd_wd=alive ;; esac
      echo "GAMEDAY lease=$gd_id renewed=yes watchdog=$gd_wd"; gd_n=$((gd_n + 1))
    else echo "GAMEDAY lease=$gd_id renewed=no"; gd_bad=1; fi`;
  const body =
    faultIds === undefined
      ? sh`for gd_l in /run/gameday/${runId}/*.lease /tmp/gameday/${runId}/*.lease; do
  [ -f "$gd_l" ] || continue  # an unmatched glob stays literal
  ${Shell.raw(one)}
done`
      : sh`for gd_f in ${faultIds}; do
  gd_l=/run/gameday/${runId}/$gd_f.lease; [ -f "$gd_l" ] || gd_l=/tmp/gameday/${runId}/$gd_f.lease
  ${Shell.raw(one)}
done`;
  return script([], Shell.raw('gd_n=0; gd_bad=0'), body, Shell.raw('echo "GAMEDAY renewed=$gd_n"; exit $gd_bad'));
}
