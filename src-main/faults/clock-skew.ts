import { z } from 'zod';
import { sh, Shell } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { checked } from './ids.js';
import { script } from './shell-lib.js';
import type { FaultContext, FaultModule } from './types.js';

/** A day either way covers certificate-expiry and token drills; more is a typo. */
const MAX_OFFSET = 86_400;
/** verify tolerance in seconds: date and /proc/uptime are read a moment apart, each with 1 s resolution. */
const TOLERANCE = 2;

const Params = z.strictObject({
  /** Seconds to move the wall clock (negative = into the past). At least 3 so verify can tell it apart. */
  offsetSec: z
    .number()
    .int('must be whole seconds')
    .min(-MAX_OFFSET, `must be within ±${MAX_OFFSET} s`)
    .max(MAX_OFFSET, `must be within ±${MAX_OFFSET} s`)
    .refine((v) => Math.abs(v) > TOLERANCE, `must be more than ${TOLERANCE} s away from 0`),
});
export type ClockSkewParams = z.infer<typeof Params>;

/**
 * State: "offset wall_before uptime_before boot_id". The revert sets the clock back to
 * now - offset as measured on the monotonic clock (wall_before + uptime elapsed), which equals
 * now - offset when nothing else touched the clock and stays right when something did. After a
 * reboot (different boot id) the state is meaningless and is dropped.
 */
const state = (ctx: FaultContext) => `${ctx.faultId}.clock`;
const UPTIME = `gd_up=; read -r gd_up _ < /proc/uptime; gd_up=\${gd_up%%.*}`;
const BOOT = 'gd_boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)';
/** Time daemons that would fight (or instantly undo) our offset. comm names are cut at 15 chars. */
const NTP_UNITS = ['chrony', 'chronyd', 'ntp', 'ntpd', 'ntpsec', 'systemd-timesyncd', 'openntpd'];
const NTP_PROCS = ['chronyd', 'ntpd', 'systemd-timesyn', 'openntpd'];
/** CAP_SYS_TIME is capability bit 25 (linux/capability.h). */
const CAP_SYS_TIME_BIT = 25;

function inject(p: ClockSkewParams, ctx: FaultContext): Shell {
  return script(
    ['gd_refuse', 'gd_rundir', 'gd_pids_named'],
    sh`if command -v systemctl >/dev/null 2>&1; then for gd_u in ${NTP_UNITS}; do systemctl is-active --quiet "$gd_u" 2>/dev/null && gd_unsupported ntp_active "time sync ($gd_u) is active; it would undo the skew"; done; fi`,
    sh`for gd_n in ${NTP_PROCS}; do [ -n "$(gd_pids_named "$gd_n")" ] && gd_unsupported ntp_active "time daemon $gd_n is running; it would undo the skew"; done`,
    Shell.raw(`gd_cap=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status); [ -n "$gd_cap" ] && [ $(( (0x$gd_cap >> ${CAP_SYS_TIME_BIT}) & 1 )) = 1 ] || gd_unsupported no_cap_sys_time "no CAP_SYS_TIME: cannot set the clock (container?)"`),
    sh`gd_rundir ${ctx.runId} 1 || { echo 'no writable run directory' >&2; exit ${EXIT.NO_RUN_DIR}; }`,
    sh`gd_sf="$GD_RUN/"${state(ctx)}`,
    Shell.raw('if [ -f "$gd_sf" ]; then echo "GAMEDAY already=skewed"; exit 0; fi'),
    Shell.raw(UPTIME),
    Shell.raw(BOOT),
    Shell.raw('gd_w=$(date +%s)'),
    // State first: a crash right after `date -s` still leaves revert the numbers it needs.
    sh`echo ${p.offsetSec} "$gd_w" "$gd_up" "$gd_boot" > "$gd_sf" || exit 1`,
    sh`date -s "@$((gd_w + ${p.offsetSec}))" >/dev/null || { rm -f "$gd_sf"; exit 1; }`,
    sh`echo "GAMEDAY clock_offset="${p.offsetSec}`,
  );
}

/** Reads the state; sets gd_skew to (wall now) - (wall expected from the monotonic clock). */
function readSkew(ctx: FaultContext): Shell {
  return sh`gd_rundir ${ctx.runId} 0 && [ -f "$GD_RUN/"${state(ctx)} ] || exit 1
read -r gd_off gd_w0 gd_u0 gd_b0 < "$GD_RUN/"${state(ctx)} || exit 1
${Shell.raw(UPTIME)}; ${Shell.raw(BOOT)}
case $gd_off$gd_w0$gd_u0 in *[!0-9-]*|'') exit 1 ;; esac
gd_expect=$((gd_w0 + gd_up - gd_u0)); gd_skew=$(( $(date +%s) - gd_expect ))`;
}

/** Clock skew: move the wall clock by an offset (only where no time daemon runs and CAP_SYS_TIME is held). */
export const clockSkew: FaultModule<ClockSkewParams> = {
  id: 'clock-skew',
  title: 'Clock skew',
  category: 'host',
  risk: 'high',
  caveat: `Refused (exit ${EXIT.UNSUPPORTED}) when NTP/chrony/timesyncd runs or CAP_SYS_TIME is missing; affects every process on the node, TLS and tokens included.`,
  params: Params,
  presets: { low: { offsetSec: 30 }, medium: { offsetSec: 600 }, high: { offsetSec: 86_400 } },
  requires: { tools: ['date'], root: true },
  inject: checked(inject),
  verify: checked((p, ctx) =>
    script(['gd_rundir'], readSkew(ctx), sh`gd_d=$((gd_skew - ${p.offsetSec})); [ "$gd_b0" = "$gd_boot" ] && [ $gd_d -le ${TOLERANCE} ] && [ $gd_d -ge -${TOLERANCE} ]`),
  ),
  revert: checked((_p, ctx) =>
    script(
      ['gd_rundir'],
      sh`gd_rundir ${ctx.runId} 0 && [ -f "$GD_RUN/"${state(ctx)} ] || exit 0`,
      Shell.raw(`( ${readSkew(ctx).text}
[ "$gd_b0" = "$gd_boot" ] || exit 0
date -s "@$gd_expect" >/dev/null ) || exit 1`),
      sh`rm -f "$GD_RUN/"${state(ctx)}; exit 0`,
    ),
  ),
  observe: checked(() => Shell.raw('date +%s')),
};
