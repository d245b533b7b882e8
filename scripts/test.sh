#!/usr/bin/env bash
# Runs every test: installs dependencies, then for each build (native core
# under ASan+UBSan with fuzzers, Windows x64 under Wine with end-to-end tests
# through the real SPICE server and client, Windows x86 static checks)
# configures, builds and runs ctest. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh || { echo "test: bootstrap failed" >&2; exit 1; }

presets=(native win64 win32)
[ -n "${VDA_PRESETS:-}" ] && read -r -a presets <<<"$VDA_PRESETS"

total_pass=0
total_fail=0
failed_steps=()
mkdir -p build
for p in "${presets[@]}"; do
  echo "=== $p: configure + build"
  if ! cmake --preset "$p" >"build/$p-configure.log" 2>&1; then
    cat "build/$p-configure.log"; failed_steps+=("$p:configure"); total_fail=$((total_fail + 1)); continue
  fi
  if ! cmake --build --preset "$p" >"build/$p-build.log" 2>&1; then
    tail -n 80 "build/$p-build.log"; failed_steps+=("$p:build"); total_fail=$((total_fail + 1)); continue
  fi
  echo "=== $p: ctest"
  ctest --preset "$p" 2>&1 | tee "build/$p-ctest.log"
  rc=${PIPESTATUS[0]}
  summary=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "build/$p-ctest.log" | tail -n 1)
  if [[ $summary =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    f=${BASH_REMATCH[1]}; n=${BASH_REMATCH[2]}
    total_pass=$((total_pass + n - f)); total_fail=$((total_fail + f))
  fi
  if [ "$rc" -ne 0 ]; then
    failed_steps+=("$p:ctest")
    [ -z "$summary" ] && total_fail=$((total_fail + 1))
  fi
done

if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "test: FAILED steps: ${failed_steps[*]}"
fi
echo "all suites: $total_pass passed, $total_fail failed"
[ ${#failed_steps[@]} -eq 0 ]
