#!/bin/sh
# gameday lease watchdog (POSIX sh; dash and busybox compatible).
# Usage: lease-watchdog.sh LEASE_FILE TTL_SECONDS REVERT_SCRIPT [MAX_SECONDS]
#
# The console renews (touches) LEASE_FILE every TTL/3 over SSH. When the lease stops changing for
# TTL seconds (console crashed, network partition, laptop asleep) this runs REVERT_SCRIPT once,
# logs to REVERT_SCRIPT's .log, removes the lease, revert and pid files, and exits. When the lease
# file disappears, a normal revert happened: exit quietly. MAX_SECONDS (optional, 0 = none) is a
# hard ceiling counted from start, renewals or not.
#
# Time is measured on the monotonic clock (/proc/uptime), and a renewal is any change of the
# lease's mtime, so a fault that moves the wall clock (clock-skew) cannot fire or starve the lease.
# It polls every second: TTL enforcement is then exact to about 1 s, and one `stat` per second is
# negligible load. (Fractional sleep is not POSIX, so 1 s is also the finest portable step.)
#
# Start it detached so the SSH exec returns and the session's end cannot kill it:
#   setsid sh lease-watchdog.sh LEASE TTL REVERT </dev/null >/dev/null 2>&1 &

lease=$1 ttl=$2 revert=$3 max=${4:-0}
case $ttl in ''|*[!0-9]*) echo "lease-watchdog: bad ttl" >&2; exit 2 ;; esac
case $max in ''|*[!0-9]*) echo "lease-watchdog: bad max" >&2; exit 2 ;; esac
pidfile=${lease%.lease}.watchdog.pid
log=${revert%.sh}.log
trap '' HUP
echo $$ > "$pidfile"

# Seconds since boot (monotonic); falls back to wall time where /proc/uptime is missing.
now() {
  if [ -r /proc/uptime ] && read -r up _ < /proc/uptime; then echo "${up%%.*}"; else date +%s; fi
}
# Lease mtime in seconds: GNU/busybox stat, else date -r.
mtime() {
  stat -c %Y "$1" 2>/dev/null || date -r "$1" +%s 2>/dev/null
}

start=$(now)
last=$(mtime "$lease")
changed=$start

while :; do
  if [ ! -e "$lease" ]; then
    rm -f "$pidfile"
    exit 0
  fi
  t=$(now)
  m=$(mtime "$lease")
  if [ -n "$m" ] && [ "$m" != "$last" ]; then
    last=$m
    changed=$t
  fi
  if [ $((t - changed)) -ge "$ttl" ] || { [ "$max" -gt 0 ] && [ $((t - start)) -ge "$max" ]; }; then
    if [ $((t - changed)) -ge "$ttl" ]; then why="lease not renewed for ${ttl}s"; else why="hard maximum ${max}s reached"; fi
    {
      echo "$(date '+%Y-%m-%dT%H:%M:%S%z') watchdog: $why; running $revert"
      if [ -f "$revert" ]; then sh "$revert"; echo "revert exit $?"; else echo "no revert script (already reverted)"; fi
    } >> "$log" 2>&1
    rm -f "$lease" "$revert" "$pidfile"
    exit 0
  fi
  sleep 1
done
