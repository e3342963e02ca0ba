#!/usr/bin/env bash
# `npm start`: the console on a built-in lab, ready for a demo game day.
#   npm start                 the embedded SIMULATED lab: no root, no nodes, offline; real SSH into
#                             simulated nodes, shown as SIMULATED everywhere
#   sudo npm start -- --netns a network-namespace lab of real nodes (sshd, iptables, tc, stress-ng)
# The UI opens in the Electron window where Electron's binary is installed, otherwise in the browser
# through the loopback bridge (the URL, with its access token, is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
gd() { node resources/bin/gameday.mjs "$@"; }
[ -f out/renderer/index.html ] || npx electron-vite build --logLevel warn
[ -f out/cli/gameday.mjs ] || node resources/build-cli.mjs
open_flag=()
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then open_flag=(--open); fi

if [ "${1:-}" != "--netns" ]; then
  exec node resources/bin/gameday.mjs console --sim "${open_flag[@]}"
fi
if [ "$(id -u)" != 0 ]; then
  echo "The network-namespace lab needs root: run 'sudo npm start -- --netns' (or plain 'npm start' for the simulated lab)."
  exit 1
fi
bash test/tools/apt-deps.sh >/dev/null
inv=$(ls /tmp/gameday-labs/*/inventory.yaml 2>/dev/null | head -n 1 || true)
if [ -z "$inv" ]; then
  gd lab up --nodes 6 --bastion --inner 1
  inv=$(ls /tmp/gameday-labs/*/inventory.yaml | head -n 1)
fi
gd --inventory "$inv" inventory check || true
exec node resources/bin/gameday.mjs console --inventory "$inv" "${open_flag[@]}"
