#!/usr/bin/env bash
# PNG encoder settings side by side (issue: clipboard): the agent's own DIB ->
# PNG encoder (bench/windows/png_settings.exe) under Wine on two 3840x2160
# screenshots, every setting of its grid against the stored floor. Writes the
# "png" section of docs/BENCHMARKS.md (bench/png_bench.py says how the setting
# is chosen).
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
md=${1:-$VDA_SOURCE_DIR/docs/BENCHMARKS.md}
exe=${VDA_PNG_SETTINGS:-$VDA_BUILD_DIR/bench/windows/png_settings.exe}
[ -f "$exe" ] || { echo "png_bench: $exe missing: build the win64 tree" >&2; exit 1; }
command -v wine >/dev/null || { echo "png_bench: wine missing: run scripts/bootstrap.sh" >&2; exit 1; }
py=(/usr/bin/python3 "$VDA_SOURCE_DIR/bench/png_bench.py")

trap 'rc=$?; rig_cleanup; exit $rc' EXIT
rig_tmpdir >/dev/null
rig_new_prefix || { echo "png_bench: cannot make a Wine prefix" >&2; exit 1; }
w=$RIG_TMP/png
mkdir -p "$w"
"${py[@]}" gen "$w"
out=$RIG_TMP/png.jsonl
# Z: is the whole Linux tree in a fresh prefix
if ! wine "$exe" --runs "${BENCH_RUNS:-3}" "Z:${w//\//\\}\\shot.bmp" "Z:${w//\//\\}\\detail.bmp" \
    >"$out" 2>"$RIG_TMP/png.err"; then
  cat "$RIG_TMP/png.err" >&2
  echo "png_bench: png_settings.exe failed" >&2
  exit 1
fi
dsc=$(ls "$VDA_BUILD_DIR"/_deps/libpng/dl/libpng1.6_*.dsc 2>/dev/null | head -1)
VDA_LIBPNG_VERSION=$(basename "${dsc:-libpng1.6_1.6.dsc}" .dsc)
VDA_LIBPNG_VERSION=${VDA_LIBPNG_VERSION#libpng1.6_}
export VDA_LIBPNG_VERSION
"${py[@]}" report "$out" "$md"
