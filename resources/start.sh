#!/usr/bin/env bash
# `npm start`: bring up the built-in lab (network-namespace SSH nodes; needs root) if none is up,
# then show the fleet as the console sees it. The desktop/browser console replaces this once the UI lands.
set -euo pipefail
cd "$(dirname "$0")/.."
gd() { node resources/bin/gameday.mjs "$@"; }
if [ "$(id -u)" != 0 ]; then
  echo "The built-in lab is made of network namespaces and needs root: run 'sudo npm start'."
  echo "Or point the console at your own nodes: gameday --inventory my-inventory.yaml inventory check"
  exit 1
fi
bash test/tools/apt-deps.sh >/dev/null
if ! gd lab status --json | grep -q '"id"'; then
  gd lab up --nodes 6 --bastion --inner 1
fi
gd inventory check
echo
echo "Next:  npx gameday exec all uptime        (run a command on every lab node)"
echo "       npx gameday inventory show tag:gpu  (select nodes by tag, group, env or glob)"
echo "       npx gameday lab down                (remove the lab)"
