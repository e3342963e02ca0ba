#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, type-checks, builds, runs
# every vitest project, and ends with one plain line "N passed, N failed, N skipped" summing all.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
passed=0; failed=0; skipped=0
step() { # name, command…: a non-vitest check counts as one test
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed+1)); echo "   ok: $name"; else failed=$((failed+1)); echo "   FAILED: $name"; fi
}

bash test/tools/apt-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund || { echo "0 passed, 1 failed"; exit 1; }

step "typecheck (tsc -b)" npx tsc -b
step "lint: layers, index.ts ways in, no cycles (eslint.config.mjs)" npm run -s lint
step "CLI bundle (esbuild)" node resources/build-cli.mjs
step "electron-vite build (main, preload, renderer)" npx electron-vite build --logLevel warn
step "gameday --help runs" node resources/bin/gameday.mjs --help
step "electronegativity (Electron security checks)" node test/tools/electronegativity.mjs

vitest_counts() { # json file → "passed failed skipped"
  node -e '
    const fs = require("fs"); let p=0,f=0,s=0;
    try { const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      p = r.numPassedTests; f = r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
      s = (r.numPendingTests||0) + (r.numTodoTests||0);
      if (!r.numTotalTests && !r.success) f = Math.max(f, 1);
    } catch { f = 1 }
    console.log(p, f, s);' "$1"
}
for project in unit integration e2e; do
  echo "== vitest --project $project"
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile="test-results/vitest-$project.json"
  read -r p f s < <(vitest_counts "test-results/vitest-$project.json")
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
