/**
 * Find (scanTraces) and remove (cleanupAll) every trace this tool can leave on a node, with no
 * database: everything we create is named or tagged from the run and fault ids (see ids.ts).
 * Output is one parseable line per finding (`TRACE kind=... `) or action (`CLEANED kind=... ok=yes|no`),
 * see parseTraces() in status.ts.
 *
 * Kinds: watchdog, pending-revert, lease, run-dir, process (GAMEDAY_FAULT-tagged: stress-ng, kill
 * loops), iptables-hook, iptables-chain, tc-root, systemd-unit, fill-file.
 * Cleaning order matters: watchdogs first (so none fires mid-cleanup), then the recorded revert
 * scripts (the most precise undo: they know clock offsets, paused pids, stopped units), then the
 * tag sweeps for whatever no revert script covered.
 */
import { sh, Shell } from '../ssh/quote.js';
import { BadFaultContext, isRunId, TC_SIG } from './ids.js';
import { CLEANUP_SH } from './embedded-scripts.js';
import { script } from './shell-lib.js';

const BODY = CLEANUP_SH.replaceAll('SIG', TC_SIG);

function build(mode: 'scan' | 'clean', runId?: string): Shell {
  if (runId !== undefined && !isRunId(runId)) throw new BadFaultContext(`bad runId ${JSON.stringify(runId)}`);
  return script([], sh`gd_mode=${mode}; gd_run=${runId ?? ''}`, Shell.raw(BODY));
}

/** Read-only: list every trace (of one run, or of any run). */
export function scanTraces(runId?: string): Shell {
  return build('scan', runId);
}

/** Remove every trace (of one run, or of any run), printing what was done. */
export function cleanupAll(runId?: string): Shell {
  return build('clean', runId);
}
