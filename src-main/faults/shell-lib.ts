/**
 * Node-side POSIX sh helper functions (dash/busybox compatible), prepended to fault scripts that
 * need them. This is trusted constant text: it never contains a parameter; parameters reach these
 * functions only as quoted arguments. Each script carries only the helpers it uses, so the audit
 * trail stays readable.
 */
import { Shell } from '../shell/index.js';

const FUNCS = {
  /** Short pause: fractional sleep is not POSIX, so fall back to a whole second. */
  gd_nap: `gd_nap() { sleep 0.1 2>/dev/null || sleep 1; }`,

  /** Node-side refusal (exit 3) and "not possible here" (exit 4), see script-exit.ts. */
  gd_refuse: `gd_refuse() { echo "GAMEDAY refused=$1"; printf 'refused: %s\\n' "$2" >&2; exit 3; }
gd_unsupported() { echo "GAMEDAY unsupported=$1"; printf '%s\\n' "$2" >&2; exit 4; }`,

  /** iptables, waiting up to 5 s for the xtables lock instead of failing when docker/kube-proxy hold it. */
  gd_ipt: `gd_ipt() { iptables -w 5 "$@"; }`,

  /**
   * Run directory for lease/state files: /run (tmpfs, root-only, gone at reboot like the faults
   * themselves), else /tmp. $2=1 creates it. In /tmp we insist the dir and its parent are real
   * directories we own (no symlink planted by another user), mode 0700.
   */
  gd_rundir: `gd_rundir() {
  for gd_b in /run/gameday /tmp/gameday; do
    gd_d=$gd_b/$1
    if [ "$2" = 1 ]; then (umask 077; mkdir -p "$gd_d") 2>/dev/null || continue; fi
    if [ -d "$gd_d" ] && [ ! -L "$gd_b" ] && [ ! -L "$gd_d" ] && [ -O "$gd_b" ] && [ -O "$gd_d" ] && [ -w "$gd_d" ]; then GD_RUN=$gd_d; return 0; fi
  done
  GD_RUN=/run/gameday/$1; return 1
}`,

  /**
   * The SSH management flow: $SSH_CONNECTION ("client_ip client_port server_ip server_port"), or
   * the same variable in the nearest ancestor's environment, because sudo's env_reset drops it.
   * Sets GD_MIP GD_MCPORT GD_MSPORT; GD_MV6=1 for an IPv6 client (our IPv4 chains never touch it).
   */
  gd_mgmt: `gd_mgmt() {
  gd_sc=\${SSH_CONNECTION:-}; gd_p=$$
  while [ -z "$gd_sc" ] && [ "$gd_p" -gt 1 ] 2>/dev/null; do
    gd_p=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$gd_p/status" 2>/dev/null)
    [ -n "$gd_p" ] || break
    gd_sc=$(tr '\\000' '\\n' < "/proc/$gd_p/environ" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p' | head -n 1)
  done
  [ -n "$gd_sc" ] || return 1
  set -f; set -- $gd_sc; set +f
  [ $# -eq 4 ] || return 1
  GD_MIP=\${1#::ffff:}; GD_MCPORT=$2; GD_MSPORT=$4
  case $GD_MCPORT$GD_MSPORT in ''|*[!0-9]*) return 1 ;; esac
  case $GD_MIP in
    *[!0-9.]*) case $GD_MIP in *[!0-9A-Fa-f:.]*|'') return 1 ;; esac; GD_MV6=1 ;;
    ?*) GD_MV6=0 ;;
    *) return 1 ;;
  esac
}`,

  /** Exit 0 when IPv4 $1 lies inside IPv4 address/CIDR $2 (awk doubles are exact up to 2^53). */
  gd_in_cidr: `gd_in_cidr() {
  awk -v ip="$1" -v c="$2" 'function n(a,  p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
    BEGIN { split(c, q, "/"); b = (q[2] == "") ? 32 : q[2] + 0; m = 2 ^ (32 - b); exit !(int(n(ip) / m) == int(n(q[1]) / m)) }'
}`,

  /** Our pid ($$) and all its ancestors as " p1 p2 ... ", so process matching never hits this script's own chain. */
  gd_ancestors: `gd_ancestors() {
  gd_a=$$; gd_anc=" $$ "
  while [ "$gd_a" -gt 1 ] 2>/dev/null; do
    gd_a=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$gd_a/status" 2>/dev/null); [ -n "$gd_a" ] || break
    gd_anc="$gd_anc$gd_a "
  done
}`,

  /** PIDs whose /proc/<pid>/comm equals $1, minus this script and its ancestors (read builtin: no fork per process). */
  gd_pids_named: `gd_pids_named() {
  gd_ancestors
  for gd_d in /proc/[0-9]*; do
    gd_c=; { IFS= read -r gd_c < "$gd_d/comm"; } 2>/dev/null
    [ "$gd_c" = "$1" ] || continue
    gd_q=\${gd_d#/proc/}
    case $gd_anc in *" $gd_q "*) continue ;; esac
    echo "$gd_q"
  done
}`,

  /** Process state letter of pid $1 (R S D T ...), empty when gone. Field 3 of /proc/<pid>/stat, after "(comm) ". */
  gd_pstate: `gd_pstate() {
  gd_s=; { IFS= read -r gd_s < "/proc/$1/stat"; } 2>/dev/null
  gd_s=\${gd_s##*") "}; printf '%s' "\${gd_s%% *}"
}`,

  /**
   * Exit 0 when pid $1 carries GAMEDAY_FAULT=$2 in its environment (guards against pid reuse).
   * One process where grep knows -z (NUL-separated entries); exit 2 (no -z, or no such file)
   * falls back to the pipe.
   */
  gd_ours: `gd_ours() {
  grep -qzxF "GAMEDAY_FAULT=$2" "/proc/$1/environ" 2>/dev/null; gd_or=$?
  [ $gd_or -le 1 ] && return $gd_or
  tr '\\000' '\\n' < "/proc/$1/environ" 2>/dev/null | grep -qxF "GAMEDAY_FAULT=$2"
}`,

  /**
   * Start argv ($3...) detached: new session (setsid), all stdio redirected so the SSH exec returns,
   * tagged with GAMEDAY_FAULT=$2. The child writes its own pid to $1 before exec, so the pid is
   * right even when setsid has to fork. Waits up to 5 s (50 naps) for the pid file.
   */
  gd_detach: `gd_detach() {
  gd_pf=$1; gd_tag=$2; shift 2
  rm -f "$gd_pf"
  GAMEDAY_FAULT=$gd_tag setsid sh -c 'echo $$ > "$0"; exec "$@"' "$gd_pf" "$@" </dev/null >/dev/null 2>&1 &
  gd_i=0; while [ ! -s "$gd_pf" ] && [ $gd_i -lt 50 ]; do gd_nap; gd_i=$((gd_i + 1)); done
  [ -s "$gd_pf" ]
}`,

  /** Exit 0 when the process in pid file $1 is alive and ours (tag $2). */
  gd_alive: `gd_alive() {
  [ -s "$1" ] || return 1
  gd_pid=$(cat "$1"); case $gd_pid in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$gd_pid" 2>/dev/null && gd_ours "$gd_pid" "$2"
}`,

  /**
   * Exit 0 while process group $1 has a member that is not a zombie. (kill -0 also succeeds for
   * zombies, and where PID 1 does not reap orphans, e.g. some containers, they linger.)
   */
  gd_pg_alive: `gd_pg_alive() {
  # pgrep (one C process) lists the group's members; the shell loop below reads every /proc entry
  # byte by byte, which costs seconds where /proc is crowded (STOP runs this on every node at once).
  # Exit 0/1 = matched/none; anything else (busybox without -g) falls back to the loop.
  gd_pl=$(pgrep -g "$1" 2>/dev/null); gd_pr=$?
  if [ $gd_pr -le 1 ]; then
    for gd_e in $gd_pl; do
      gd_s=; { IFS= read -r gd_s < "/proc/$gd_e/stat"; } 2>/dev/null
      [ -n "$gd_s" ] || continue
      gd_s=\${gd_s##*") "}; [ "\${gd_s%% *}" != Z ] && return 0
    done
    return 1
  fi
  for gd_e in /proc/[0-9]*; do
    gd_s=; { IFS= read -r gd_s < "$gd_e/stat"; } 2>/dev/null
    gd_s=\${gd_s##*") "}; gd_st=\${gd_s%% *}; gd_s=\${gd_s#* }; gd_s=\${gd_s#* }
    [ "\${gd_s%% *}" = "$1" ] && [ "$gd_st" != Z ] && return 0
  done
  return 1
}`,

  /**
   * Stop the process group led by the pid in file $1 (tag $2): TERM, wait up to 5 s, then KILL.
   * When the leader is gone but group members remain they are still ours: a pgid is not reused
   * while its group has members. Idempotent: no file or no group is success.
   * (`kill -s SIG -- -PGID` is the POSIX spelling; dash rejects `kill -TERM -- -PGID`.)
   */
  gd_killpg: `gd_killpg() {
  [ -s "$1" ] || { rm -f "$1"; return 0; }
  gd_pid=$(cat "$1"); case $gd_pid in ''|*[!0-9]*) rm -f "$1"; return 0 ;; esac
  if gd_pstate_live "$gd_pid" && ! gd_ours "$gd_pid" "$2"; then rm -f "$1"; return 0; fi
  kill -s TERM -- "-$gd_pid" 2>/dev/null
  gd_i=0; while gd_pg_alive "$gd_pid" && [ $gd_i -lt 50 ]; do gd_nap; gd_i=$((gd_i + 1)); done
  gd_pg_alive "$gd_pid" && kill -s KILL -- "-$gd_pid" 2>/dev/null
  rm -f "$1"; return 0
}
# Alive and not a zombie; read in this shell (no subshell: STOP runs this on every node of a busy fleet).
gd_pstate_live() {
  gd_s=; { IFS= read -r gd_s < "/proc/$1/stat"; } 2>/dev/null
  gd_s=\${gd_s##*") "}; [ -n "$gd_s" ] && [ "\${gd_s%% *}" != Z ]
}`,

  /**
   * Exit 0 once process group $1 has no live member, waiting up to about 2 s in 20 ms naps (STOP's
   * check after a KILL: the members die as soon as the kernel schedules them). 1 = still alive.
   * `kill -s 0` (a builtin; dash refuses `kill -0 -- -PGID`) failing means the group has no
   * member at all, not even a zombie: gone. Otherwise the members are listed once (pgrep walks
   * every process of the node; fifty nodes' checks doing that each nap took the CPU the dying
   * processes needed) and then watched through their own /proc entries, read by the shell. A
   * KILLed process forks no more, so the list stays complete. (Only after our own KILL of the
   * group: its members are ours, and kill cannot fail for want of permission.)
   */
  gd_pg_wait_gone: `gd_pg_wait_gone() {
  kill -s 0 -- "-$1" 2>/dev/null || return 0
  gd_i=0
  gd_pl=$(pgrep -g "$1" 2>/dev/null)
  if [ $? -gt 1 ]; then
    # No pgrep -g (some busybox builds): the /proc walk each nap.
    while gd_pg_alive "$1"; do
      gd_i=$((gd_i + 1)); [ $gd_i -gt 100 ] && return 1
      sleep 0.02 2>/dev/null || { sleep 1; gd_i=$((gd_i + 49)); }
    done
    return 0
  fi
  while :; do
    gd_a=
    for gd_e in $gd_pl; do
      gd_s=; { IFS= read -r gd_s < "/proc/$gd_e/stat"; } 2>/dev/null
      [ -n "$gd_s" ] || continue
      gd_s=\${gd_s##*") "}; [ "\${gd_s%% *}" != Z ] && gd_a="$gd_a $gd_e"
    done
    gd_pl=$gd_a
    [ -z "$gd_pl" ] && return 0
    gd_i=$((gd_i + 1)); [ $gd_i -gt 100 ] && return 1
    sleep 0.02 2>/dev/null || { sleep 1; gd_i=$((gd_i + 49)); }
  done
}`,
} as const;

export type LibFn = keyof typeof FUNCS;

/** Helpers that call other helpers. */
const DEPS: Partial<Record<LibFn, LibFn[]>> = {
  gd_pids_named: ['gd_ancestors'],
  gd_detach: ['gd_nap'],
  gd_alive: ['gd_ours'],
  gd_killpg: ['gd_ours', 'gd_nap', 'gd_pg_alive'],
  gd_pg_wait_gone: ['gd_pg_alive'],
};

function closure(names: LibFn[]): LibFn[] {
  const out: LibFn[] = [];
  const visit = (n: LibFn): void => {
    if (out.includes(n)) return;
    (DEPS[n] ?? []).forEach(visit);
    out.push(n);
  };
  names.forEach(visit);
  return out;
}

/** A standalone node-side script: the named helpers (and what they call), then the body. */
export function script(lib: LibFn[], ...body: Shell[]): Shell {
  const text = [...closure(lib).map((n) => FUNCS[n]), ...body.map((b) => b.text)].join('\n');
  return Shell.raw(text);
}

/** Join lines of already-safe Shell into one block. */
export function lines(...parts: Shell[]): Shell {
  return Shell.raw(parts.map((p) => p.text).join('\n'));
}
