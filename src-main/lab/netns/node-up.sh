#!/usr/bin/env bash
# Bring up one netns lab node whose namespace and eth0 already exist (netns-lab.ts created them).
# netns-lab.ts runs one copy per node concurrently; everything comes in through the environment:
#   GD_NS        namespace                    GD_IP       node address (a /24)
#   GD_NAME      node name                    GD_DIR      node folder (sshd_config already written)
#   GD_NODE_BIN  node executable              GD_HTTP_SVC path of http-service.mjs
#   GD_WAIT_S    seconds to wait for sshd and the HTTP service to listen
# Exits non-zero with a one-line reason on stderr when the node does not come up.
set -euo pipefail
: "${GD_NS:?}" "${GD_NAME:?}" "${GD_IP:?}" "${GD_DIR:?}" "${GD_NODE_BIN:?}" "${GD_HTTP_SVC:?}" "${GD_WAIT_S:?}"

# Addressing: only the connected /24, no default route, so nothing from the node can leave the lab.
ip -n "$GD_NS" -batch - <<EOF
link set lo up
addr add $GD_IP/24 dev eth0
link set eth0 up
EOF
# A new namespace starts with forwarding off; set it anyway so the bastion can never route.
ip netns exec "$GD_NS" sysctl -qw net.ipv4.ip_forward=0

ssh-keygen -q -t ed25519 -N '' -C "gameday-lab $GD_NAME" -f "$GD_DIR/ssh_host_ed25519_key"

# Both daemons run in the foreground of their own session (setsid: a Ctrl-C in the terminal that
# started the lab does not reach them) as background jobs of this script, so their pids are known
# here and the wait below can fail fast when one dies instead of timing out. In a non-interactive
# shell a background job is no process-group leader, so setsid execs in place and $! is the daemon.
# sshd -D still writes its PidFile; -E keeps its log in the node folder (no syslog needed).
# `ip netns exec` also gives the node its own mount namespace (a slave of the host's): sshd
# mounts a small private tmpfs at the node's data directory first, so every session on the node
# sees its own 64 MB "data disk" there — disk-fill runbooks fill that, never the host's disk.
ip netns exec "$GD_NS" setsid sh -c 'mount -t tmpfs -o size=64m,mode=1777 gdlab-data /var/lib/gameday-lab/data && exec /usr/sbin/sshd -D -f "$1/sshd_config" -E "$1/sshd.log"' \
  sshd "$GD_DIR" </dev/null >>"$GD_DIR/sshd.log" 2>&1 &
sshd_pid=$!
ip netns exec "$GD_NS" setsid "$GD_NODE_BIN" "$GD_HTTP_SVC" --host "$GD_IP" --port 8080 --node "$GD_NAME" \
  --pid-file "$GD_DIR/http.pid" </dev/null >>"$GD_DIR/http.log" 2>&1 &
http_pid=$!

# Poll until both listen. The probe runs inside the node's namespace because inner nodes are
# unreachable from the host. `:` with a /dev/tcp redirection connects without forking.
ip netns exec "$GD_NS" bash -c '
  ip=$1; wait_s=$2; name=$3; dir=$4
  deadline=$((SECONDS + wait_s))
  for spec in "22 $5 sshd" "8080 $6 http"; do
    read -r port pid what <<<"$spec"
    until : 2>/dev/null 3<>"/dev/tcp/$ip/$port"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "$name: $what exited: $(tail -n 3 "$dir/$what.log" 2>/dev/null | tr "\n" " ")" >&2
        exit 1
      fi
      if (( SECONDS >= deadline )); then
        echo "$name: nothing listening on $ip:$port after ${wait_s}s" >&2
        exit 1
      fi
      sleep 0.05
    done
  done
' probe "$GD_IP" "$GD_WAIT_S" "$GD_NAME" "$GD_DIR" "$sshd_pid" "$http_pid"
