#!/usr/bin/env bash
# The demo: the product's story in under two minutes. It builds the agent,
# boots a throwaway "VM" (Wine prefix on an Xorg dummy screen, the real
# libspice-server), installs the x64 MSI silently and, with the real client
# (spice-gtk), resizes three times, moves text and a PNG both ways, drops
# files, runs the status check and uninstalls. Every step checks its result;
# a table closes the story, and a folder keeps the logs and a screenshot of
# the guest screen after each resize.
#
#   scripts/demo.sh [--keep] [--no-build]
#     --keep      after the story leave the VM running (agent installed) and
#                 print the remote-viewer command; Ctrl+C stops everything
#     --no-build  skip bootstrap and build: take the binaries from the
#                 environment ctest gives (VDA_VDSERVICE, VDA_MSI_X64, ...)
#   DEMO_OUT=DIR      the folder for logs and screenshots (default
#                     build/demo-<timestamp>); kept after the demo
#   DEMO_STEPS="..."  only these steps (default: all, in story order)
#   DEMO_BREAK=resize|clipboard|file  break one feature through a user or
#                     policy setting (no product change): the demo must end
#                     non-zero and name the step
# Exit status: 0 when every step passed, 1 otherwise (the failing steps and
# their logs are named), 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

keep=0 build=1
for a in "$@"; do
  case "$a" in
    --keep) keep=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: scripts/demo.sh [--keep] [--no-build]" >&2; exit 2 ;;
  esac
done
ALL_STEPS="install resize text png file status uninstall"
DEMO_STEPS=${DEMO_STEPS:-$ALL_STEPS}
for s in $DEMO_STEPS; do
  grep -qw -- "$s" <<<"$ALL_STEPS" || { echo "demo: unknown step '$s' (steps: $ALL_STEPS)" >&2; exit 2; }
done
case "${DEMO_BREAK:-}" in
  "" | resize | clipboard | file) ;;
  *) echo "demo: DEMO_BREAK must be resize, clipboard or file" >&2; exit 2 ;;
esac

now() { echo "${EPOCHREALTIME/[.,]/}"; }
DEMO_OUT=${DEMO_OUT:-$root/build/demo-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$DEMO_OUT"
DEMO_OUT=$(cd "$DEMO_OUT" && pwd)
export DEMO_OUT

# ------------------------------------------------------------------ build
if [ "$build" = 1 ]; then
  t0=$(now)
  bash scripts/bootstrap.sh
  echo "== building (Windows x64, mingw-w64) and the MSI"
  cmake --preset win64 >"$DEMO_OUT/build.log" 2>&1 &&
    cmake --build --preset win64 >>"$DEMO_OUT/build.log" 2>&1 ||
    { tail -n 30 "$DEMO_OUT/build.log"; echo "demo: the build failed (log $DEMO_OUT/build.log)" >&2; exit 1; }
  build_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  export VDA_SOURCE_DIR=$root
  export VDA_RIG_HOST=$root/build/win64/_rig/spice-host
  export VDA_VDSERVICE=$root/build/win64/vdservice/vdservice.exe
  export VDA_VDAGENT=$root/build/win64/vdagent/vdagent.exe
  version=$(tr -d '[:space:]' <VERSION)
  export VDA_MSI_X64=$root/build/win64/installer/spice-agent-$version-x64.msi
  echo "   built in $build_s s (log $DEMO_OUT/build.log)"
fi
for v in VDA_SOURCE_DIR VDA_RIG_HOST VDA_VDSERVICE VDA_VDAGENT VDA_MSI_X64; do
  [ -n "${!v:-}" ] || { echo "demo --no-build: $v is not set (run through ctest, or drop --no-build)" >&2; exit 1; }
done
for f in "$VDA_RIG_HOST" "$VDA_VDSERVICE" "$VDA_VDAGENT" "$VDA_MSI_X64"; do
  [ -f "$f" ] || { echo "demo: $f is missing (build the win64 tree)" >&2; exit 1; }
done
tools="xclip xwd xsetroot"
[ "$keep" = 1 ] && tools="$tools remote-viewer"
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "demo: '$tool' missing: run scripts/bootstrap.sh" >&2; exit 1; }
done
DEMO_MSI=$VDA_MSI_X64
# The rig's state comes from this run only, never from the caller's
# environment (a test that runs the demo has a rig of its own).
unset RIG_TMP RIG_XORG_PID RIG_XORG_LOG RIG_PORT RIG_PTY RIG_LINK RIG_INJECT RIG_HOST_PID \
  RIG_HOST_N RIG_KEEP RIG_EXTRA_LOGS WINEPREFIX

source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
source "$VDA_SOURCE_DIR/tests/e2e/msi-lib.sh"
source "$VDA_SOURCE_DIR/scripts/demo-steps.sh"
source "$VDA_SOURCE_DIR/scripts/demo-report.sh"

# ------------------------------------------------------------------ the VM
demo_exit() {
  local rc=$?
  trap - EXIT INT TERM
  demo_collect_logs
  rig_cleanup
  echo "demo folder (logs, screenshots): $DEMO_OUT"
  exit "$rc"
}
trap demo_exit EXIT
trap 'exit 130' INT TERM

echo "== booting the VM: Xorg (dummy driver) as the guest screen, a fresh Wine prefix, spice-server"
t0=$(now)
E2E_WITH_X=1 e2e_start_rig >>"$DEMO_OUT/setup.log" 2>&1 ||
  { echo "demo: the VM did not boot (log $DEMO_OUT/setup.log)" >&2; exit 1; }
for m in "${DEMO_MODES[@]}"; do rig_add_mode "$m"; done
# something to see on the guest screen: a plaid root window
xsetroot -mod 7 5 -fg '#d03010' -bg '#1040c0'
e2e_xfer_downloads # never let the agent write into the real $HOME (a fresh prefix links it)
setup_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
echo "   up in $setup_s s: guest screen $DISPLAY ($(rig_screen_size)), spice-server 127.0.0.1:$RIG_PORT"

case "${DEMO_BREAK:-}" in
  resize)
    echo "== DEMO_BREAK=resize: HKCU\\Software\\SPICE Agent\\FollowClientWindow=0 (the agent answers ERROR)"
    wine reg add 'HKCU\Software\SPICE Agent' /v FollowClientWindow /t REG_DWORD /d 0 /f \
      >>"$DEMO_OUT/setup.log" 2>&1 ;;
  clipboard)
    echo "== DEMO_BREAK=clipboard: HKLM\\SOFTWARE\\SPICE Agent\\ClipboardEnabled=0"
    wine reg add 'HKLM\SOFTWARE\SPICE Agent' /v ClipboardEnabled /t REG_DWORD /d 0 /f \
      >>"$DEMO_OUT/setup.log" 2>&1 ;;
  file)
    echo "== DEMO_BREAK=file: policy HKLM\\SOFTWARE\\Policies\\SPICE Agent\\FileTransferEnabled=0"
    wine reg add 'HKLM\SOFTWARE\Policies\SPICE Agent' /v FileTransferEnabled /t REG_DWORD /d 0 /f \
      >>"$DEMO_OUT/setup.log" 2>&1 ;;
esac

# ------------------------------------------------------------------ the story
if [ "$keep" = 1 ]; then
  DEMO_STEPS=$(tr ' ' '\n' <<<"$DEMO_STEPS" | grep -vx uninstall | tr '\n' ' ')
fi
t_story=$(now)
n=0
for s in $DEMO_STEPS; do
  n=$((n + 1))
  demo_run_step "$n" "$s"
done
story_s=$(awk -v a="$t_story" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
[ "$keep" = 1 ] && demo_skip_row uninstall "left installed for --keep"
demo_table "$story_s" "${build_s:-}" "$setup_s"
rc=0
demo_failed_steps || rc=1

if [ "$keep" = 1 ]; then
  demo_keep_wait "$rc"
fi
exit "$rc"
