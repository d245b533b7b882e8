#!/usr/bin/env bash
# Creates a fresh Wine prefix for the Windows unit tests (removing an old one).
set -euo pipefail
prefix=${1:?prefix dir}
command -v wineboot >/dev/null || { echo "make-prefix: wineboot missing: run scripts/bootstrap.sh" >&2; exit 1; }
WINEPREFIX=$prefix wineserver -k 2>/dev/null || true
rm -rf "$prefix"
WINEPREFIX=$prefix timeout 240 wineboot -i
WINEPREFIX=$prefix timeout 60 wineserver -w
test -d "$prefix/drive_c/windows" || { echo "make-prefix: $prefix was not created" >&2; exit 1; }
echo "make-prefix: $prefix ready"
