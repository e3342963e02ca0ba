#!/usr/bin/env bash
# `npm run bench`: benchmarks print figures and ratios from one run; they assert nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/tools/apt-deps.sh >/dev/null
# Always rebuilt: the CLI start-up and `gameday stop` figures must be of the code checked out.
node resources/build-cli.mjs
which=${1:-all}
if [ "$which" = all ] || [ "$which" = fanout ]; then npx tsx test/bench/fanout.ts; fi
# STOP, CLI start-up, fan-out and scaling against warm pdsh (ControlMaster), interleaved in one run.
if [ "$which" = all ] || [ "$which" = stop ]; then npx tsx test/bench/stop-warm.ts; fi
if [ "$which" = all ] || [ "$which" = simlab ]; then npx tsx test/bench/stop-simlab.ts; fi
if [ "$which" = all ] || [ "$which" = audit ]; then npx tsx test/bench/audit.ts; fi
if [ "$which" = all ] || [ "$which" = probes ]; then npx tsx test/bench/probes-cpu.ts; fi
if [ "$which" = all ] || [ "$which" = report ]; then [ -f test/bench/report.ts ] && npx tsx test/bench/report.ts; fi
if [ "$which" = all ] || [ "$which" = render ]; then npx electron-vite build --logLevel warn && npx tsx test/bench/render.ts; fi
