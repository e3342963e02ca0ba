import { z } from 'zod';
import { sh, Shell } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { checked } from './ids.js';
import { unit } from './schemas.js';
import { script } from './shell-lib.js';
import type { FaultContext, FaultModule } from './types.js';

/** Units whose loss cuts the console off or breaks the node; our own units are off limits too. */
const PROTECTED = /^(ssh|sshd|openssh-server|dbus|dbus-broker|systemd-.*|init|networking|network|NetworkManager|wpa_supplicant|gameday-.*)(\.service|\.socket)?$/;

const Params = z.strictObject({ unit: unit });
export type ServiceStopParams = z.infer<typeof Params>;

/** Marker: present while we hold the unit stopped; revert starts the unit only when it exists. */
const marker = (ctx: FaultContext) => `${ctx.faultId}.stopped`;

/** systemd present and running as PID 1 (the sd_booted() test). */
const HAS_SYSTEMD = 'command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]';

function inject(p: ServiceStopParams, ctx: FaultContext): Shell {
  return script(
    ['gd_refuse', 'gd_rundir'],
    Shell.raw(`if ! { ${HAS_SYSTEMD}; }; then gd_unsupported no_systemd "service faults not supported here: no systemd"; fi`),
    sh`systemctl is-active --quiet ${p.unit} || gd_refuse not_active ${`unit ${p.unit} is not active; nothing to stop`}`,
    sh`gd_rundir ${ctx.runId} 1 || { echo 'no writable run directory' >&2; exit ${EXIT.NO_RUN_DIR}; }`,
    // Marker before the stop: a crash in between still leaves revert knowing to start it again.
    sh`echo ${p.unit} > "$GD_RUN/"${marker(ctx)}`,
    sh`systemctl stop ${p.unit} || exit 1`,
    sh`echo "GAMEDAY unit="${p.unit}" stopped=yes"`,
  );
}

/** Service stop: `systemctl stop` now, `systemctl start` on revert. */
export const serviceStop: FaultModule<ServiceStopParams> = {
  id: 'service-stop',
  title: 'Service stop',
  category: 'process',
  risk: 'high',
  caveat: `Needs systemd; exits ${EXIT.UNSUPPORTED} ("not supported here") elsewhere. Refuses units that are not active and SSH/systemd/network units.`,
  params: Params,
  presets: { low: {}, medium: {}, high: {} },
  requires: { tools: ['systemctl'], root: true, systemd: true },
  guard: (p) => (PROTECTED.test(p.unit) ? `unit ${p.unit} is protected (management path or core system service)` : null),
  inject: checked(inject),
  verify: checked((p) => Shell.raw(`{ ${HAS_SYSTEMD}; } && ! ${sh`systemctl is-active --quiet ${p.unit}`.text}`)),
  revert: checked((p, ctx) =>
    script(
      ['gd_rundir'],
      Shell.raw(`{ ${HAS_SYSTEMD}; } || exit 0`),
      sh`gd_rundir ${ctx.runId} 0 && [ -f "$GD_RUN/"${marker(ctx)} ] || exit 0`,
      sh`systemctl start ${p.unit} || exit 1`,
      sh`rm -f "$GD_RUN/"${marker(ctx)}`,
    ),
  ),
  observe: checked((p) => sh`systemctl is-active ${p.unit} 2>/dev/null || true`),
};
