// The simulated-node tools by name (no side effects: gameday's bundle imports it for the names).
// cli.mjs is the program every tool wrapper execs.
import { Exit } from './lib/env.mjs';
import { dateMain, ddMain, dfMain, fallocateMain, hostnameMain, idMain, ipMain, nftMain, refuseMain, setsidMain, unshareMain } from './lib/host.mjs';
import { iptablesMain } from './lib/iptables.mjs';
import { iptablesRestoreMain } from './lib/iptables-restore.mjs';
import { iptablesSaveMain } from './lib/iptables-save.mjs';
import { killMain, pmatchMain, stressRecordMain } from './lib/procs.mjs';
import { systemctlMain, systemdRunMain } from './lib/systemd.mjs';
import { tcMain } from './lib/tc.mjs';

/** Tools present on a simulated node that refuse to run: they would change the real machine. */
export const REFUSED = ['sysctl', 'modprobe', 'insmod', 'rmmod', 'mount', 'umount', 'reboot', 'shutdown', 'poweroff', 'halt', 'hwclock', 'timedatectl', 'ifconfig', 'route', 'ethtool', 'ebtables', 'arptables', 'conntrack', 'swapoff', 'swapon', 'chronyc', 'tcpkill', 'iptables-legacy', 'iptables-nft', 'xtables-nft-multi', 'xtables-legacy-multi'];

const TOOLS = {
  iptables: (a) => iptablesMain(a, 4),
  ip6tables: (a) => iptablesMain(a, 6),
  'iptables-save': (a) => iptablesSaveMain(a, 4),
  'ip6tables-save': (a) => iptablesSaveMain(a, 6),
  'iptables-restore': (a) => iptablesRestoreMain(a, 4),
  'ip6tables-restore': (a) => iptablesRestoreMain(a, 6),
  tc: tcMain,
  ip: ipMain,
  nft: nftMain,
  systemctl: systemctlMain,
  'systemd-run': systemdRunMain,
  df: dfMain,
  fallocate: fallocateMain,
  dd: ddMain,
  unshare: unshareMain,
  id: idMain,
  hostname: hostnameMain,
  date: dateMain,
  kill: killMain,
  pkill: (a) => pmatchMain('pkill', a),
  pgrep: (a) => pmatchMain('pgrep', a),
  killall: (a) => pmatchMain('killall', a),
  'stress-ng-record': stressRecordMain,
  setsid: setsidMain,
};

/**
 * Tool names the lab installs wrappers for. stress-ng has its own wrapper around stress-ng-record;
 * setsid is installed only where the host has none (macOS).
 */
export const TOOL_NAMES = Object.keys(TOOLS).filter((t) => t !== 'stress-ng-record' && t !== 'setsid');

export function run(tool, argv) {
  const fn = TOOLS[tool] ?? (REFUSED.includes(tool) ? () => refuseMain(tool) : null);
  if (!fn) return { code: 127, stdout: '', stderr: `${tool}: not a simulated tool\n` };
  try {
    return { code: 0, stdout: fn(argv) ?? '', stderr: '' };
  } catch (e) {
    if (e instanceof Exit) return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    return { code: 70, stdout: '', stderr: `${tool}: simulator error: ${e?.message ?? e}\n` };
  }
}
