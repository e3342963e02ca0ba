/**
 * STOP's per-node batch: ONE node-side script that reverts every given fault of one node (in the
 * order given: newest first), disarms each lease, then reads the node's state once and prints one
 * verdict line per fault:
 *
 *   GAMEDAY fault=<id> lease=present|gone [fired=<time> fired_by=ttl|max] revert=ok|fail clean=yes|no [residue=<what>]
 *
 * and a closing `GAMEDAY stop=done faults=<n>` (a missing verdict means the script was cut short).
 * Faults with a `stop` snippet (stop-snippet.ts) do the least work there (one iptables-restore
 * transaction per chain fault, one iptables-save before and one after for the whole node); the
 * others run their own revert, then their verify, each in its own shell, as buildRevert does.
 * Guarantees kept from buildRevert: the verdict is read from the node's state after the revert,
 * what is left is named, and the lease, its watchdog and its systemd timer are disarmed.
 */
import { sh, Shell } from '../shell/index.js';
import { assertCtx, unitName } from './ids.js';
import { isOneShot } from './registry.js';
import { script, type LibFn } from './shell-lib.js';
import { parseStatusLines } from './status.js';
import type { StopSnippet } from './stop-snippet.js';
import type { FaultContext, FaultModule } from './types.js';

export interface BatchFault {
  module: FaultModule;
  params: unknown;
  ctx: FaultContext;
}

/** One fault's verdict from the node. */
export interface StopVerdict {
  faultId: string;
  lease: 'present' | 'gone';
  /** The watchdog's log time when it had already fired (ISO 8601), and why. */
  fired?: string;
  firedBy?: 'ttl' | 'max';
  revert: 'ok' | 'fail';
  clean: boolean;
  /** What is left when not clean (`chain`, `hook`, `process`, `effect` = the fault's verify still passes). */
  residue?: string;
}

/** The generic snippet: the module's own revert, then its verify (in effect = not clean). */
function generic(f: BatchFault): StopSnippet {
  const oneShot = isOneShot(f.module, f.params);
  return {
    lib: [],
    revert: (v) => sh`sh -c ${f.module.revert(f.params, f.ctx).text}; ${Shell.raw(v)}_rc=$?`,
    check: (v) =>
      oneShot
        ? // Nothing of a one-shot can be undone; clean means its revert (removing our traces) went through.
          Shell.raw(`if [ "$${v}_rc" = 0 ]; then ${v}_left=; else ${v}_left=revert-failed; fi`)
        : sh`if sh -c ${f.module.verify(f.params, f.ctx).text} >/dev/null 2>&1; then ${Shell.raw(v)}_left=effect; else ${Shell.raw(v)}_left=; fi`,
  };
}

function snippetOf(f: BatchFault): StopSnippet {
  return f.module.stop && !isOneShot(f.module, f.params) ? f.module.stop(f.params, f.ctx) : generic(f);
}

/**
 * Lease facts (read before the disarm) and the revert. The watchdog log is read only when it has
 * content: a log exists only once the watchdog fired, so the usual STOP forks nothing here.
 */
function revertPart(f: BatchFault, s: StopSnippet, v: string): Shell {
  const x = Shell.raw(v);
  const id = f.ctx.faultId;
  return sh`gd_rundir ${f.ctx.runId} 0
gd_l="$GD_RUN/"${`${id}.lease`}; gd_log="$GD_RUN/"${`${id}.revert.log`}; gd_wp="$GD_RUN/"${`${id}.watchdog.pid`}
if [ -e "$gd_l" ]; then ${x}_ls=present; else ${x}_ls=gone; fi
${x}_fired=; ${x}_fby=ttl
if [ -s "$gd_log" ]; then
  gd_fl=$(grep ' watchdog: ' "$gd_log" 2>/dev/null | tail -n 1)
  ${x}_fired=$(printf '%s\\n' "$gd_fl" | sed -n 's/^\\([0-9][0-9T:+-]*\\) watchdog: .*/\\1/p')
  case $gd_fl in *'hard maximum'*) ${x}_fby=max ;; esac
fi
${s.revert(v)}
${disarm(f.ctx)}`;
}

/**
 * The lease's watchdog is killed (only if its command line names this lease: no pid-reuse
 * accident) and the systemd timer stopped; the files go in one `rm` at the end of the script.
 */
function disarm(ctx: FaultContext): Shell {
  const unit = unitName(ctx);
  return sh`if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl stop ${`${unit}.timer`} >/dev/null 2>&1; systemctl reset-failed ${`${unit}.timer`} ${`${unit}.service`} >/dev/null 2>&1; fi
gd_x=; { read -r gd_x < "$gd_wp"; } 2>/dev/null
case $gd_x in ''|*[!0-9]*) ;; *) if grep -qaF -- "$gd_l" "/proc/$gd_x/cmdline" 2>/dev/null; then kill "$gd_x" 2>/dev/null; fi ;; esac
gd_rm="$gd_rm $gd_l $GD_RUN/"${`${ctx.faultId}.revert.sh`}" $gd_wp $GD_RUN/"${`${ctx.faultId}.timer.sh`}`;
}

function verdictPart(f: BatchFault, s: StopSnippet, v: string): Shell {
  const x = Shell.raw(v);
  return sh`${s.check(v)}
if [ "$${x}_rc" = 0 ]; then ${x}_rv=ok; else ${x}_rv=fail; fi
if [ -z "$${x}_left" ]; then ${x}_cl=yes; else ${x}_cl=no; fi
echo "GAMEDAY fault="${f.ctx.faultId}" lease=$${x}_ls\${${x}_fired:+ fired=$${x}_fired fired_by=$${x}_fby} revert=$${x}_rv clean=$${x}_cl\${${x}_left:+ residue=$${x}_left}"`;
}

/**
 * The script's priority. Every fault lean (its own stop snippet: kills and rule transactions,
 * nothing that starts a process that outlives the script) → it raises its own priority first, so
 * its few forks are not queued behind the very load it is there to remove (a cpu-stress fault's
 * workers). Root only (lowering nice needs CAP_SYS_NICE); elsewhere renice fails and is ignored.
 * A generic revert may start a service, which would inherit the priority: no renice then, and in
 * STOP's standby shell (ssh/standby.ts, GD_STANDBY=1), whose priority is raised while it waits,
 * the script first lowers it back. (Positional priorities: absolute in util-linux and busybox.)
 */
export function stopPrelude(lean: boolean): Shell {
  return Shell.raw(lean ? '[ -n "${GD_STANDBY:-}" ] || renice -20 -p $$ >/dev/null 2>&1' : '[ -z "${GD_STANDBY:-}" ] || renice 0 -p $$ >/dev/null 2>&1');
}

/** The node's STOP script for `faults` (all on one node, in revert order: newest first). */
export function buildNodeStop(faults: BatchFault[]): Shell {
  faults.forEach((f) => assertCtx(f.ctx));
  const snippets = faults.map(snippetOf);
  const vars = faults.map((_, i) => `gd_s${i}`);
  const ipt = snippets.some((s) => s.readsIptables);
  const lib = [...new Set<LibFn>(['gd_rundir', ...snippets.flatMap((s) => s.lib)])];
  return script(
    lib,
    Shell.raw('gd_rm='),
    stopPrelude(faults.every((f) => f.module.stop && !isOneShot(f.module, f.params))),
    ipt
      ? Shell.raw('GD_IPT_OK=0; if command -v iptables-save >/dev/null 2>&1 && command -v iptables-restore >/dev/null 2>&1 && GD_IPT0=$(iptables-save -t filter 2>/dev/null); then GD_IPT_OK=1; fi')
      : Shell.raw(':'),
    ...faults.map((f, i) => revertPart(f, snippets[i]!, vars[i]!)),
    // Word splitting of $gd_rm is intended: the paths are built from validated ids only.
    Shell.raw('[ -n "$gd_rm" ] && rm -f $gd_rm'),
    ipt ? Shell.raw('if [ "$GD_IPT_OK" = 1 ]; then GD_IPT1=$(iptables-save -t filter 2>/dev/null) || GD_IPT_OK=0; fi') : Shell.raw(':'),
    ...faults.map((f, i) => verdictPart(f, snippets[i]!, vars[i]!)),
    // pid: the shell that ran it (a test compares it with STOP's standby shell seen from outside).
    Shell.raw(`echo "GAMEDAY stop=done faults=${faults.length} pid=$$"`),
  );
}

/** The verdicts of a node's STOP script, by fault id (a fault absent from the map was cut short). */
export function parseNodeStop(stdout: string): Map<string, StopVerdict> {
  const out = new Map<string, StopVerdict>();
  for (const r of parseStatusLines(stdout)) {
    if (!r.fault || !r.revert || !r.clean) continue;
    out.set(r.fault, {
      faultId: r.fault,
      lease: r.lease === 'present' ? 'present' : 'gone',
      fired: r.fired,
      firedBy: r.fired_by === 'max' ? 'max' : r.fired ? 'ttl' : undefined,
      revert: r.revert === 'ok' ? 'ok' : 'fail',
      clean: r.clean === 'yes',
      residue: r.residue,
    });
  }
  return out;
}
