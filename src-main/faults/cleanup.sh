#!/bin/sh
# Body of cleanupAll()/scanTraces() (src-main/faults/cleanup.ts). Expects gd_mode=scan|clean and
# gd_run=<runId or empty> to be set before it. SIG is replaced by ids.TC_SIG when embedded.
# Embedded as a constant by: node src-main/faults/embed.mjs
gd_say() { if [ "$gd_mode" = clean ]; then echo "CLEANED $*"; else echo "TRACE $*"; fi; }
gd_okno() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }
gd_clean() { [ "$gd_mode" = clean ]; }
gd_fids=" "; gd_seen=" "
# 1. Run directories: watchdogs, pending reverts, leases.
for gd_d in /run/gameday/* /tmp/gameday/*; do
  [ -d "$gd_d" ] && [ ! -L "$gd_d" ] || continue
  gd_r=${gd_d##*/}
  [ -z "$gd_run" ] || [ "$gd_r" = "$gd_run" ] || continue
  gd_rdok=yes
  for gd_f in "$gd_d"/*.watchdog.pid; do
    [ -f "$gd_f" ] || continue
    gd_id=${gd_f##*/}; gd_id=${gd_id%.watchdog.pid}; gd_p=$(cat "$gd_f" 2>/dev/null)
    case $gd_p in ''|*[!0-9]*) continue ;; esac
    if tr '\000' ' ' < "/proc/$gd_p/cmdline" 2>/dev/null | grep -q lease-watchdog; then
      gd_seen="$gd_seen$gd_p "
      if gd_clean; then gd_say kind=watchdog run=$gd_r fault=$gd_id pid=$gd_p ok=$(gd_okno kill "$gd_p"); else gd_say kind=watchdog run=$gd_r fault=$gd_id pid=$gd_p; fi
    fi
    gd_clean && rm -f "$gd_f"
  done
  for gd_f in "$gd_d"/*.revert.sh; do
    [ -f "$gd_f" ] || continue
    gd_id=${gd_f##*/}; gd_id=${gd_id%.revert.sh}
    case $gd_id in ''|*[!a-z0-9-]*) continue ;; esac
    gd_fids="$gd_fids$gd_id "
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
# 2. Our processes: GAMEDAY_FAULT-tagged leaders (stress-ng, kill loops) and stray watchdogs.
for gd_e in /proc/[0-9]*; do
  gd_p=${gd_e#/proc/}; [ "$gd_p" != $$ ] || continue
  case $gd_seen in *" $gd_p "*) continue ;; esac
  gd_t=$(tr '\000' '\n' < "$gd_e/environ" 2>/dev/null | sed -n 's/^GAMEDAY_FAULT=//p' | head -n 1)
  gd_k=
  if [ -n "$gd_t" ]; then
    if [ -z "$gd_run" ] || [ "${gd_t%%:*}" = "$gd_run" ]; then gd_k=process; fi
  elif tr '\000' ' ' < "$gd_e/cmdline" 2>/dev/null | grep -q "lease-watchdog.sh /.*/gameday/$gd_run"; then
    gd_k=watchdog; gd_t=stray
  fi
  [ -n "$gd_k" ] || continue
  if gd_clean; then
    gd_g=$(sed 's/.*) //' "$gd_e/stat" 2>/dev/null | cut -d ' ' -f 3)
    if [ "$gd_k" = process ] && [ "$gd_g" = "$gd_p" ]; then kill -s TERM -- "-$gd_p" 2>/dev/null; sleep 1; kill -s KILL -- "-$gd_p" 2>/dev/null; else kill -TERM "$gd_p" 2>/dev/null; fi
    gd_say kind=$gd_k pid=$gd_p tag=$gd_t ok=yes
  else gd_say kind=$gd_k pid=$gd_p tag=$gd_t; fi
done
# 3. iptables: hooks tagged gameday:<run>:<fault>, then our GD-* chains.
if command -v iptables >/dev/null 2>&1; then
  for gd_h in INPUT OUTPUT FORWARD; do
    iptables -w 5 -S "$gd_h" 2>/dev/null | sed -n 's/^-A [A-Z]* -m comment --comment "\{0,1\}\(gameday:[A-Za-z0-9_.-]*:[a-z0-9-]*\)"\{0,1\} -j \(GD-[a-z0-9-]*\)$/\1 \2/p' |
    while read -r gd_t gd_c; do
      gd_r=${gd_t#gameday:}; gd_r=${gd_r%:*}
      [ -z "$gd_run" ] || [ "$gd_r" = "$gd_run" ] || continue
      if gd_clean; then gd_say kind=iptables-hook hook=$gd_h tag=$gd_t chain=$gd_c ok=$(gd_okno iptables -w 5 -D "$gd_h" -m comment --comment "$gd_t" -j "$gd_c"); else gd_say kind=iptables-hook hook=$gd_h tag=$gd_t chain=$gd_c; fi
    done
  done
  iptables -w 5 -S 2>/dev/null | sed -n 's/^-N \(GD-[a-z0-9-]*\)$/\1/p' | while read -r gd_c; do
    if [ -n "$gd_run" ]; then case $gd_fids in *" ${gd_c#GD-} "*) ;; *) continue ;; esac; fi
    if gd_clean; then iptables -w 5 -F "$gd_c" 2>/dev/null; gd_say kind=iptables-chain chain=$gd_c ok=$(gd_okno iptables -w 5 -X "$gd_c"); else gd_say kind=iptables-chain chain=$gd_c; fi
  done
fi
# 4. tc: any root HTB carrying our signature class <major>:SIG (whole-node scans only; a run scan uses markers).
if [ -z "$gd_run" ] && command -v tc >/dev/null 2>&1; then
  tc qdisc show 2>/dev/null | sed -n 's/^qdisc htb \([0-9a-f]*\): dev \([^ ]*\) root.*/\1 \2/p' | while read -r gd_maj gd_dev; do
    tc class show dev "$gd_dev" 2>/dev/null | grep -q "^class htb $gd_maj:SIG " || continue
    if gd_clean; then gd_say kind=tc-root dev=$gd_dev handle=$gd_maj: ok=$(gd_okno tc qdisc del dev "$gd_dev" root); else gd_say kind=tc-root dev=$gd_dev handle=$gd_maj:; fi
  done
fi
# 5. systemd transient units gameday-<run>-<fault>.{timer,service}.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl list-units --all --plain --no-legend "gameday-$gd_run*" 2>/dev/null | awk '{ print $1 }' | while read -r gd_u; do
    case $gd_u in gameday-*) ;; *) continue ;; esac
    if gd_clean; then gd_say kind=systemd-unit unit=$gd_u ok=$(gd_okno systemctl stop "$gd_u"); systemctl reset-failed "$gd_u" >/dev/null 2>&1; else gd_say kind=systemd-unit unit=$gd_u; fi
  done
fi
# 6. disk-fill ballast files at the top of each mounted filesystem.
df -P 2>/dev/null | awk 'NR > 1 { print $6 }' | while read -r gd_m; do
  for gd_f in "$gd_m"/.gameday-fill-"$gd_run"*; do
    [ -f "$gd_f" ] && [ ! -L "$gd_f" ] || continue
    if gd_clean; then gd_say kind=fill-file path=$gd_f ok=$(gd_okno rm -f "$gd_f"); else gd_say kind=fill-file path=$gd_f; fi
  done
done
exit 0
