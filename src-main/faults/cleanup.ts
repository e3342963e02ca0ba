/**
 * Find (scanTraces) and remove (cleanupAll) every trace this tool can leave on a node, with no
 * database: everything we create is named or tagged from the run and fault ids (see ids.ts).
 * Output is one parseable line per finding (`TRACE kind=... `), action (`CLEANED kind=... ok=yes|no`),
 * live run left alone (`LIVE run=... renewed=N ttl=T`), leftover after a clean (`LEFT kind=...`), and
 * a last `SWEEP done=yes`; see parseTraces() in status.ts and the header of cleanup.sh.
 *
 * Kinds: watchdog, pending-revert, lease, run-dir, process (GAMEDAY_FAULT-tagged: stress-ng, kill
 * loops), iptables-hook, iptables-chain (IPv4 and IPv6, either iptables back-end), nft-table,
 * tc-root, systemd-unit, fill-file.
 * Cleaning order matters: watchdogs first (so none fires mid-cleanup), then the recorded revert
 * scripts (the most precise undo: they know clock offsets, paused pids, stopped units), then the
 * tag sweeps for whatever no revert script covered; then the whole scan again, changing nothing,
 * to report what is still there.
 *
 * A run with a lease renewed within its TTL belongs to a live console (perhaps another one on the
 * same node): none of its traces is touched unless `forceLive` is given.
 */
import { sh, Shell } from '../shell/index.js';
import { BadFaultContext, isRunId, TC_SIG } from './ids.js';
import { CLEANUP_SH } from './embedded-scripts.js';
import { script } from './shell-lib.js';

const BODY = CLEANUP_SH.replaceAll('SIG', TC_SIG);

export interface SweepOptions {
  /** Also sweep runs whose leases are still being renewed (another console's live run). */
  forceLive?: boolean;
}

function build(mode: 'scan' | 'clean', runId: string | undefined, o: SweepOptions): Shell {
  if (runId !== undefined && !isRunId(runId)) throw new BadFaultContext(`bad runId ${JSON.stringify(runId)}`);
  return script(['gd_ancestors', 'gd_pg_alive', 'gd_pstate', 'gd_nap'], sh`gd_mode=${mode}; gd_run=${runId ?? ''}; gd_force=${o.forceLive ? '1' : '0'}`, Shell.raw(BODY));
}

/** Read-only: list every trace (of one run, or of any run), and the live runs that would be left alone. */
export function scanTraces(runId?: string, o: SweepOptions = {}): Shell {
  return build('scan', runId, o);
}

/** Remove every trace (of one run, or of any run) not owned by a live run, then scan again for leftovers. */
export function cleanupAll(runId?: string, o: SweepOptions = {}): Shell {
  return build('clean', runId, o);
}
