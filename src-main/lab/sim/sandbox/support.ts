/**
 * Can this machine confine simulated nodes? bubblewrap (`bwrap`, Debian package `bubblewrap`) with
 * unprivileged user namespaces, on Linux. A console running as root additionally needs util-linux's
 * unshare/nsenter/setpriv: the nodes then run as `nobody`, never as root (see stage.ts).
 *
 * Where this says no, the lab still runs: fault scripts run unconfined (as before, with the
 * node-confined kill/pkill), and interactive shells on simulated nodes are refused with a plain
 * message (ssh-node.ts).
 */
import { readFileSync } from 'node:fs';
import { systemBinary } from '../resources.js';

/** Who the nodes run as on the host when the console is root. */
export interface DropTo {
  uid: number;
  gid: number;
  unshare: string;
  nsenter: string;
  setpriv: string;
}

export type SandboxSupport = { ok: true; bwrap: string; drop: DropTo | null } | { ok: false; reason: string; hint: string };

/** The Debian/Ubuntu nobody and nogroup ids, used when /etc/passwd has no nobody entry. */
const NOBODY = 65_534;

/** nobody's uid and primary gid from /etc/passwd. */
export function nobody(passwd = '/etc/passwd'): { uid: number; gid: number } {
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === 'nobody' && f.length >= 4) {
        const uid = Number(f[2]);
        const gid = Number(f[3]);
        if (Number.isInteger(uid) && uid > 0 && Number.isInteger(gid) && gid > 0) return { uid, gid };
      }
    }
  } catch {
    /* no passwd: the usual ids */
  }
  return { uid: NOBODY, gid: NOBODY };
}

const INSTALL = 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)';

/**
 * What the machine offers. `GAMEDAY_SIM_SANDBOX=off` turns confinement off on purpose (to show or
 * test the fallback); anything else means "use it where possible".
 */
export function sandboxSupport(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): SandboxSupport {
  if (env.GAMEDAY_SIM_SANDBOX === 'off') return { ok: false, reason: 'confinement is turned off (GAMEDAY_SIM_SANDBOX=off)', hint: 'unset GAMEDAY_SIM_SANDBOX' };
  if (process.platform !== 'linux') return { ok: false, reason: `simulated nodes can be confined only on Linux (bubblewrap); this is ${process.platform}`, hint: 'run the console on Linux for simulated shells' };
  const bwrap = systemBinary('bwrap');
  if (!bwrap) return { ok: false, reason: 'bubblewrap (bwrap) is not installed', hint: INSTALL };
  if (uid !== 0) return { ok: true, bwrap, drop: null };
  const unshare = systemBinary('unshare');
  const nsenter = systemBinary('nsenter');
  const setpriv = systemBinary('setpriv');
  if (!unshare || !nsenter || !setpriv) return { ok: false, reason: 'running as root needs unshare, nsenter and setpriv (util-linux) to drop the nodes to nobody', hint: 'install util-linux, or run the console as an ordinary user' };
  return { ok: true, bwrap, drop: { ...nobody(), unshare, nsenter, setpriv } };
}
