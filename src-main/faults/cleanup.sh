#!/bin/sh
# Body of cleanupAll()/scanTraces() (src-main/faults/cleanup.ts). Expects gd_mode=scan|clean,
# gd_run=<runId or empty> and gd_force=0|1 to be set before it, and the shell-lib helpers
# gd_ancestors, gd_pg_alive, gd_pstate and gd_nap. SIG is replaced by ids.TC_SIG when embedded.
# Embedded as a constant by: node src-main/faults/embed.mjs
#
# Output, one line each (parseTraces in status.ts):
#   LIVE run=R fault=F renewed=N ttl=T   a lease renewed N s ago, within its TTL: a live run (another
#                                        console's), left alone entirely unless gd_force=1 (forced=yes)
#   TRACE kind=...                       scan: a trace found
#   CLEANED kind=... ok=yes|no           clean: a trace removed (ok=yes only when it is really gone)
#   LEFT kind=...                        clean: still there when the sweep is run again afterwards
#   SWEEP done=yes                       the last line; when it is missing the sweep died half-way
#
# Nothing here is matched by command-line text: our processes are found by the GAMEDAY_FAULT tag in
# their environment and the watchdogs by the pid files they write (or, for one that lost its pid
# file, by its exact argv: <sh> <base>/<run>/lease-watchdog.sh <base>/<run>/<id>.lease ...), and
# this script's own process and its ancestors (sudo, timeout, sshd) are never candidates.
gd_say() {
  case $gd_mode in clean) echo "CLEANED $*" ;; verify) echo "LEFT $*" ;; *) echo "TRACE $*" ;; esac
}
gd_clean() { [ "$gd_mode" = clean ]; }
gd_okno() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }
gd_mtime() { stat -c %Y "$1" 2>/dev/null || date -r "$1" +%s 2>/dev/null; }
gd_gone() { [ ! -d "/proc/$1" ] || [ "$(gd_pstate "$1")" = Z ]; }
# Exit 0 once pid $1 is gone (or a zombie), waiting up to 2 s.
gd_wait_gone() {
  gd_i=0; while ! gd_gone "$1" && [ $gd_i -lt 20 ]; do gd_nap; gd_i=$((gd_i + 1)); done
  gd_gone "$1"
}
# When pid $1 runs a lease watchdog, print "SCRIPT LEASE TTL": three whole, adjacent argv fields
# (<base>/<run>/lease-watchdog.sh <base>/<run>/<id>.lease <ttl>), wherever the interpreter put them
# (`sh FILE ...` or `sh -c TEXT FILE ...`). A field that merely contains these paths, like the
# script text in our own `sudo sh -c` ancestors, never matches.
gd_wd_argv() {
  tr '\000' '\n' < "/proc/$1/cmdline" 2>/dev/null | {
    gd_w1=; gd_w2=
    while IFS= read -r gd_w3; do
      case $gd_w1 in /run/gameday/*/lease-watchdog.sh|/tmp/gameday/*/lease-watchdog.sh)
        case $gd_w2 in "${gd_w1%/lease-watchdog.sh}"/*.lease) echo "$gd_w1 $gd_w2 $gd_w3"; exit 0 ;; esac ;;
      esac
      gd_w1=$gd_w2; gd_w2=$gd_w3
    done
    exit 1
  }
}
# Exit 0 when pid $1 is the watchdog of lease file $2 (run dir $3).
gd_is_wd() {
  gd_wa=$(gd_wd_argv "$1") || return 1
  case $gd_wa in "$3/lease-watchdog.sh $2 "*) return 0 ;; esac
  return 1
}
gd_is_live() { case $gd_live in *" $1 "*) return 0 ;; esac; return 1; }
# Live run owning a name built as <prefix><run>-<fault> (units, fill files, nft tables).
gd_live_prefix() {
  for gd_lr in $gd_live; do case $1 in "$2$gd_lr"-*) return 0 ;; esac; done
  return 1
}
gd_in_scope() { [ -z "$gd_run" ] || [ "$1" = "$gd_run" ]; }

# 0. Live runs: any lease of the run renewed within its TTL. The TTL is the lease file's content
# (written at inject), else the watchdog's argv, else the 30 s default.
gd_now=$(date +%s); gd_live=" "; gd_livef=" "; gd_livetc=" "
for gd_d in /run/gameday/* /tmp/gameday/*; do
  [ -d "$gd_d" ] && [ ! -L "$gd_d" ] || continue
  gd_r=${gd_d##*/}; gd_in_scope "$gd_r" || continue
  gd_islive=no
  for gd_f in "$gd_d"/*.lease; do
    [ -f "$gd_f" ] || continue
    gd_id=${gd_f##*/}; gd_id=${gd_id%.lease}
    gd_m=$(gd_mtime "$gd_f"); case $gd_m in ''|*[!0-9]*) continue ;; esac
    gd_ttl=; { read -r gd_ttl < "$gd_f"; } 2>/dev/null
    case $gd_ttl in *[!0-9]*) gd_ttl= ;; esac
    if [ -z "$gd_ttl" ]; then
      gd_p=$(cat "$gd_d/$gd_id.watchdog.pid" 2>/dev/null)
      case $gd_p in ''|*[!0-9]*) ;; *) gd_is_wd "$gd_p" "$gd_f" "$gd_d" && gd_ttl=${gd_wa##* } ;; esac
      case $gd_ttl in *[!0-9]*) gd_ttl= ;; esac
    fi
    [ -n "$gd_ttl" ] || gd_ttl=30
    gd_age=$((gd_now - gd_m))
    [ "$gd_age" -lt "$gd_ttl" ] || continue
    gd_islive=yes
    if [ "$gd_force" = 1 ]; then echo "LIVE run=$gd_r fault=$gd_id renewed=$gd_age ttl=$gd_ttl forced=yes"; else echo "LIVE run=$gd_r fault=$gd_id renewed=$gd_age ttl=$gd_ttl"; fi
  done
  [ $gd_islive = yes ] && [ "$gd_force" != 1 ] || continue
  gd_live="$gd_live$gd_r "
  for gd_f in "$gd_d"/*; do
    gd_id=${gd_f##*/}; gd_id=${gd_id%%.*}
    case $gd_id in ''|*[!a-z0-9-]*) ;; *) gd_livef="$gd_livef$gd_id " ;; esac
    case $gd_f in *.tc) read -r gd_dev gd_maj < "$gd_f" 2>/dev/null && gd_livetc="$gd_livetc$gd_dev:$gd_maj " ;; esac
  done
done
gd_ancestors

gd_sweep() {
gd_fids=" "; gd_seen=" "
# 1. Run directories: watchdogs (by pid file), pending reverts, leases, tc markers.
for gd_d in /run/gameday/* /tmp/gameday/*; do
  [ -d "$gd_d" ] && [ ! -L "$gd_d" ] || continue
  gd_r=${gd_d##*/}; gd_in_scope "$gd_r" || continue
  gd_is_live "$gd_r" && continue
  gd_rdok=yes
  for gd_f in "$gd_d"/*.watchdog.pid; do
    [ -f "$gd_f" ] || continue
    gd_id=${gd_f##*/}; gd_id=${gd_id%.watchdog.pid}; gd_p=$(cat "$gd_f" 2>/dev/null)
    case $gd_p in ''|*[!0-9]*) gd_clean && rm -f "$gd_f"; continue ;; esac
    if gd_is_wd "$gd_p" "$gd_d/$gd_id.lease" "$gd_d"; then
      gd_seen="$gd_seen$gd_p "
      if gd_clean; then kill "$gd_p" 2>/dev/null; gd_say kind=watchdog run=$gd_r fault=$gd_id pid=$gd_p ok=$(gd_okno gd_wait_gone "$gd_p"); else gd_say kind=watchdog run=$gd_r fault=$gd_id pid=$gd_p; fi
    fi
    gd_clean && rm -f "$gd_f"
  done
  for gd_f in "$gd_d"/*.revert.sh; do
    [ -f "$gd_f" ] || continue
    gd_id=${gd_f##*/}; gd_id=${gd_id%.revert.sh}
    case $gd_id in ''|*[!a-z0-9-]*) continue ;; esac
    if gd_clean; then
      if sh "$gd_f" >> "$gd_d/$gd_id.revert.log" 2>&1; then rm -f "$gd_f" "$gd_d/$gd_id.lease"; gd_say kind=pending-revert run=$gd_r fault=$gd_id ok=yes
      else gd_rdok=no; gd_say kind=pending-revert run=$gd_r fault=$gd_id ok=no log=$gd_d/$gd_id.revert.log; fi
    else gd_say kind=pending-revert run=$gd_r fault=$gd_id file=$gd_f; fi
  done
  for gd_f in "$gd_d"/*.lease; do
    [ -f "$gd_f" ] || continue
    gd_id=${gd_f##*/}; gd_id=${gd_id%.lease}
    if gd_clean; then gd_say kind=lease run=$gd_r fault=$gd_id ok=$(gd_okno rm -f "$gd_f"); else gd_say kind=lease run=$gd_r fault=$gd_id; fi
  done
  for gd_f in "$gd_d"/*; do [ -e "$gd_f" ] || continue; gd_id=${gd_f##*/}; gd_id=${gd_id%%.*}; case $gd_id in ''|*[!a-z0-9-]*) ;; *) gd_fids="$gd_fids$gd_id " ;; esac; done
  # tc markers "dev major" written by shaping faults.
  for gd_f in "$gd_d"/*.tc; do
    [ -f "$gd_f" ] || continue
    read -r gd_dev gd_maj < "$gd_f" || continue
    if tc qdisc show dev "$gd_dev" root 2>/dev/null | grep -q "^qdisc htb $gd_maj: "; then
      if gd_clean; then gd_say kind=tc-root dev=$gd_dev handle=$gd_maj: ok=$(gd_okno tc qdisc del dev "$gd_dev" root); else gd_say kind=tc-root dev=$gd_dev handle=$gd_maj:; fi
    fi
  done
  if gd_clean; then
    if [ $gd_rdok = yes ]; then gd_say kind=run-dir run=$gd_r ok=$(gd_okno rm -rf "$gd_d"); else gd_say kind=run-dir run=$gd_r ok=no reason=revert_failed_kept_for_inspection; fi
  else gd_say kind=run-dir run=$gd_r path=$gd_d; fi
done
# 2. Our processes: GAMEDAY_FAULT-tagged leaders (stress-ng, kill loops), and watchdogs that lost
# their pid file. Never this script or its ancestors.
for gd_e in /proc/[0-9]*; do
  gd_p=${gd_e#/proc/}
  case $gd_anc$gd_seen in *" $gd_p "*) continue ;; esac
  gd_t=$(tr '\000' '\n' < "$gd_e/environ" 2>/dev/null | sed -n 's/^GAMEDAY_FAULT=//p' | head -n 1)
  if [ -n "$gd_t" ]; then
    gd_k=process; gd_r=${gd_t%%:*}
  else
    gd_c=; { IFS= read -r gd_c < "$gd_e/comm"; } 2>/dev/null
    case $gd_c in sh|dash|ash|bash|busybox) ;; *) continue ;; esac
    gd_wa=$(gd_wd_argv "$gd_p") || continue
    gd_d=${gd_wa%%/lease-watchdog.sh *}; gd_r=${gd_d##*/}
    gd_k=watchdog; gd_t=stray
  fi
  gd_in_scope "$gd_r" || continue
  gd_is_live "$gd_r" && continue
  if gd_clean; then
    gd_g=$(sed 's/.*) //' "$gd_e/stat" 2>/dev/null | cut -d ' ' -f 3)
    if [ "$gd_k" = process ] && [ "$gd_g" = "$gd_p" ]; then
      kill -s TERM -- "-$gd_p" 2>/dev/null
      gd_i=0; while gd_pg_alive "$gd_p" && [ $gd_i -lt 50 ]; do gd_nap; gd_i=$((gd_i + 1)); done
      gd_pg_alive "$gd_p" && kill -s KILL -- "-$gd_p" 2>/dev/null
      gd_i=0; while gd_pg_alive "$gd_p" && [ $gd_i -lt 20 ]; do gd_nap; gd_i=$((gd_i + 1)); done
      if gd_pg_alive "$gd_p"; then gd_ok=no; else gd_ok=yes; fi
    else kill -TERM "$gd_p" 2>/dev/null; gd_ok=$(gd_okno gd_wait_gone "$gd_p"); fi
    gd_say kind=$gd_k pid=$gd_p tag=$gd_t ok=$gd_ok
  else gd_say kind=$gd_k pid=$gd_p tag=$gd_t; fi
done
# 3. Packet filters: hooks tagged gameday:<run>:<fault>, then our GD-* chains, in IPv4 and IPv6 and
# in both iptables back-ends where both exist (a rule added through iptables-legacy is invisible to
# iptables-nft and the other way round).
# Listing never loads a module or creates a table: IPv6 and the other back-end are only read where
# their tables already exist (/proc/net/ip*_tables_names for legacy, `nft list tables` for nft).
# (/proc files have size 0: read them, `test -s` says nothing.)
gd_nt=$(nft list tables 2>/dev/null)
gd_l4=$(cat /proc/net/ip_tables_names 2>/dev/null); gd_l6=$(cat /proc/net/ip6_tables_names 2>/dev/null)
gd_tools=iptables
case $(iptables -V 2>/dev/null) in
  *nf_tables*)
    gd_tools="$gd_tools ip6tables"
    [ -n "$gd_l4" ] && gd_tools="$gd_tools iptables-legacy"
    [ -n "$gd_l6" ] && gd_tools="$gd_tools ip6tables-legacy" ;;
  *)
    [ -n "$gd_l6" ] && gd_tools="$gd_tools ip6tables"
    case $gd_nt in *"table ip filter"*) gd_tools="$gd_tools iptables-nft" ;; esac
    case $gd_nt in *"table ip6 filter"*) gd_tools="$gd_tools ip6tables-nft" ;; esac ;;
esac
for gd_x in $gd_tools; do
  command -v "$gd_x" >/dev/null 2>&1 || continue
  gd_rules=$("$gd_x" -w 5 -S 2>/dev/null) || continue
  while read -r gd_h gd_t gd_c; do
    case $gd_h in INPUT|OUTPUT|FORWARD) ;; *) continue ;; esac
    gd_r=${gd_t#gameday:}; gd_r=${gd_r%:*}; gd_f=${gd_t##*:}
    gd_in_scope "$gd_r" || continue
    gd_fids="$gd_fids$gd_f "
    gd_is_live "$gd_r" && continue
    if gd_clean; then gd_say kind=iptables-hook tool=$gd_x hook=$gd_h tag=$gd_t chain=$gd_c ok=$(gd_okno "$gd_x" -w 5 -D "$gd_h" -m comment --comment "$gd_t" -j "$gd_c"); else gd_say kind=iptables-hook tool=$gd_x hook=$gd_h tag=$gd_t chain=$gd_c; fi
  done <<GD_EOF
$(printf '%s\n' "$gd_rules" | sed -n 's/^-A \([A-Z]*\) -m comment --comment "\{0,1\}\(gameday:[A-Za-z0-9_.-]*:[a-z0-9-]*\)"\{0,1\} -j \(GD-[a-z0-9-]*\)$/\1 \2 \3/p')
GD_EOF
  while read -r gd_c; do
    [ -n "$gd_c" ] || continue
    case $gd_livef in *" ${gd_c#GD-} "*) continue ;; esac
    if [ -n "$gd_run" ]; then case $gd_fids in *" ${gd_c#GD-} "*) ;; *) continue ;; esac; fi
    if gd_clean; then "$gd_x" -w 5 -F "$gd_c" 2>/dev/null; gd_say kind=iptables-chain tool=$gd_x chain=$gd_c ok=$(gd_okno "$gd_x" -w 5 -X "$gd_c"); else gd_say kind=iptables-chain tool=$gd_x chain=$gd_c; fi
  done <<GD_EOF
$(printf '%s\n' "$gd_rules" | sed -n 's/^-N \(GD-[a-z0-9-]*\)$/\1/p')
GD_EOF
done
# 3b. nftables tables of our own (gameday-<run>-...), in any family.
if command -v nft >/dev/null 2>&1; then
  while read -r gd_fam gd_tab; do
    case $gd_tab in gameday-*) ;; *) continue ;; esac
    if [ -n "$gd_run" ]; then case $gd_tab in "gameday-$gd_run"|"gameday-$gd_run"-*) ;; *) continue ;; esac; fi
    gd_live_prefix "$gd_tab-" gameday- && continue
    if gd_clean; then gd_say kind=nft-table family=$gd_fam table=$gd_tab ok=$(gd_okno nft delete table "$gd_fam" "$gd_tab"); else gd_say kind=nft-table family=$gd_fam table=$gd_tab; fi
  done <<GD_EOF
$(printf '%s\n' "$gd_nt" | sed -n 's/^table \([a-z0-9]*\) \([A-Za-z0-9_.-]*\)$/\1 \2/p')
GD_EOF
fi
# 4. tc: any root HTB carrying our signature class <major>:SIG (whole-node scans only; a run scan uses markers).
if [ -z "$gd_run" ] && command -v tc >/dev/null 2>&1; then
  while read -r gd_maj gd_dev; do
    [ -n "$gd_dev" ] || continue
    case $gd_livetc in *" $gd_dev:$gd_maj "*) continue ;; esac
    tc class show dev "$gd_dev" 2>/dev/null | grep -q "^class htb $gd_maj:SIG " || continue
    if gd_clean; then gd_say kind=tc-root dev=$gd_dev handle=$gd_maj: ok=$(gd_okno tc qdisc del dev "$gd_dev" root); else gd_say kind=tc-root dev=$gd_dev handle=$gd_maj:; fi
  done <<GD_EOF
$(tc qdisc show 2>/dev/null | sed -n 's/^qdisc htb \([0-9a-f]*\): dev \([^ ]*\) root.*/\1 \2/p')
GD_EOF
fi
# 5. systemd transient units gameday-<run>-<fault>.{timer,service}.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  while read -r gd_u; do
    case $gd_u in gameday-*) ;; *) continue ;; esac
    gd_live_prefix "$gd_u" gameday- && continue
    if gd_clean; then
      systemctl stop "$gd_u" >/dev/null 2>&1; systemctl reset-failed "$gd_u" >/dev/null 2>&1
      if systemctl is-active --quiet "$gd_u" 2>/dev/null; then gd_ok=no; else gd_ok=yes; fi
      gd_say kind=systemd-unit unit=$gd_u ok=$gd_ok
    else gd_say kind=systemd-unit unit=$gd_u; fi
  done <<GD_EOF
$(systemctl list-units --all --plain --no-legend "gameday-$gd_run*" 2>/dev/null | awk '{ print $1 }')
GD_EOF
fi
# 6. disk-fill ballast files at the top of each mounted filesystem.
while read -r gd_m; do
  for gd_f in "$gd_m"/.gameday-fill-"$gd_run"*; do
    [ -f "$gd_f" ] && [ ! -L "$gd_f" ] || continue
    gd_live_prefix "${gd_f##*/}" .gameday-fill- && continue
    if gd_clean; then gd_say kind=fill-file path=$gd_f ok=$(gd_okno rm -f "$gd_f"); else gd_say kind=fill-file path=$gd_f; fi
  done
done <<GD_EOF
$(df -P 2>/dev/null | awk 'NR > 1 { print $6 }' | sort -u)
GD_EOF
}

gd_sweep
# After a clean, sweep again without touching anything: whatever is still found is left over.
if gd_clean; then gd_mode=verify; sleep 1; gd_sweep; fi
echo "SWEEP done=yes"
exit 0
