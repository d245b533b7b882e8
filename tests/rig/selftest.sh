#!/bin/bash
# selftest.sh - prove the host-side rig end to end with the null agent (no
# Windows product needed): spice-host + null_agent.py + spice_client.py.
#
#   tests/rig/selftest.sh [--with-wine] [--keep]
#     --with-wine  also start Xorg (dummy) and a fresh Wine prefix through rig.sh
#                  and put the port link inside that prefix (timings printed)
#     --keep       keep the temp dir
#   RIG_HOST_BIN=path/to/spice-host   use a prebuilt host (else built in the temp dir)
#
# Exit 0 only if every step passed. On failure the logs are printed.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=rig.sh
source "$HERE/rig.sh"

WITH_WINE=0
for a in "$@"; do
    case $a in
        --with-wine) WITH_WINE=1 ;;
        --keep) export RIG_KEEP=1 ;;
        *) echo "usage: $0 [--with-wine] [--keep]" >&2; exit 2 ;;
    esac
done

FAILED=0
# shellcheck disable=SC2317  # invoked by trap
on_exit() {
    local rc=$?
    trap '' PIPE
    [ "$FAILED" -ne 0 ] && rc=1
    if [ "$rc" -ne 0 ]; then
        echo "selftest: FAILED" >&2
        rig_dump_logs
    fi
    rig_cleanup
    [ -n "${RIG_KEEP:-}" ] && echo "selftest: kept $RIG_TMP" >&2
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 1' INT TERM HUP PIPE

step() { echo "selftest: $*" >&2; }
fail() { echo "selftest: FAIL: $*" >&2; FAILED=1; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

T_ALL=$(now)
rig_tmpdir >/dev/null || fail "tmpdir"
export RIG_EXTRA_LOGS="$RIG_TMP/null_agent.log $RIG_TMP/null_agent.err"

step "building spice-host"
T=$(now); rig_build_host || fail "build"; step "  spice-host: $RIG_HOST_BIN ($(elapsed "$T") s)"

if [ "$WITH_WINE" = 1 ]; then
    T=$(now); rig_start_xorg || fail "Xorg"; step "  Xorg $DISPLAY up in $(elapsed "$T") s"
    rig_add_mode 1287x803 && xrandr --output DUMMY0 --mode 1287x803 &&
        [ "$(rig_screen_size)" = 1287x803 ] || fail "xrandr mode switch"
    T=$(now); rig_new_prefix || fail "wineboot"; step "  prefix in $(elapsed "$T") s"
else
    RIG_LINK="$RIG_TMP/prefix/dosdevices/global/com.redhat.spice.0"
fi

start_agent() {
    "$RIG_PY" "$HERE/null_agent.py" "$RIG_LINK" --reconnect --grab-text "from the null agent" \
        --quiet-data >>"$RIG_TMP/null_agent.log" 2>>"$RIG_TMP/null_agent.err" &
    AGENT_PID=$!
    rig_track "$AGENT_PID" null_agent
}

# wait until the null agent logged a line matching PATTERN (python regex) after line N
agent_logged() {
    rig_wait_for "tail -n +$(($1 + 1)) '$RIG_TMP/null_agent.log' | grep -Eq '$2'" "${3:-10}" \
        "null agent log: $2"
}
agent_lines() { wc -l < "$RIG_TMP/null_agent.log"; }

# ---------------------------------------------------------------- round 1
step "starting spice-host"
T=$(now); rig_start_host || fail "spice-host"
[ -L "$RIG_LINK" ] && [ "$(readlink "$RIG_LINK")" = "$RIG_PTY" ] || fail "link $RIG_LINK -> $RIG_PTY"
step "  READY port $RIG_PORT pty $RIG_PTY ($(elapsed "$T") s)"

: > "$RIG_TMP/null_agent.log"
start_agent
rig_wait_agent attached 15 || fail "AGENT attached"

check_session() {
    local out L
    T=$(now)
    out=$(rig_client caps) || fail "caps: $out"
    echo "$out" | rig_json 'j["agent_connected"] and 5 in j["caps"] and 1 in j["caps"]' >/dev/null ||
        fail "caps: $out"
    step "  caps ok ($(elapsed "$T") s): $(echo "$out" | rig_json 'j["caps"]')"

    L=$(agent_lines)
    out=$(rig_client monitors --size 1287x803+0+0) || fail "monitors: $out"
    echo "$out" | rig_json 'j["reply"]["success"] and j["reply"]["type"] == 2' >/dev/null ||
        fail "monitors reply: $out"
    agent_logged "$L" '"MONITORS_CONFIG".*"width": 1287, "height": 803' || fail "agent saw monitors"
    step "  monitors ok (REPLY seen by the client)"
}
check_session

L=$(agent_lines)
out=$(rig_client clip-to-guest --text "hello from the client") || fail "clip-to-guest: $out"
agent_logged "$L" '"ev": "clipboard".*"text": "hello from the client"' || fail "agent got text"
step "  clipboard client -> guest ok"

out=$(rig_client clip-from-guest) || fail "clip-from-guest: $out"
[ "$(echo "$out" | rig_json 'j["text"]')" = "from the null agent" ] || fail "clip-from-guest: $out"
step "  clipboard guest -> client ok"

head -c 300000 /dev/urandom > "$RIG_TMP/xfer.bin"
L=$(agent_lines)
out=$(rig_client file-copy "$RIG_TMP/xfer.bin") || fail "file-copy: $out"
agent_logged "$L" '"ev": "file_done".*"size": 300000' || fail "agent got the file"
step "  file transfer ok"

L=$(agent_lines)
rig_inject_mouse 300 200 2 || fail "inject"
agent_logged "$L" '"MOUSE_STATE".*"x": 300, "y": 200, "buttons": 2' || fail "agent got MOUSE_STATE"
step "  raw MOUSE_STATE injection ok"

# ---------------------------------------------------------------- host restart
step "restarting spice-host on port $RIG_PORT"
rig_stop_host
agent_logged 0 '"ev": "closed"' 10 || fail "agent saw the port close"
T=$(now); rig_start_host || fail "spice-host restart"
rig_wait_agent attached 15 || fail "AGENT attached after restart"
step "  agent re-attached in $(elapsed "$T") s"
check_session

# ---------------------------------------------------------------- policy options
step "restarting spice-host with --no-copy-paste --no-file-xfer"
rig_stop_host
T=$(now); rig_start_host --no-copy-paste --no-file-xfer || fail "spice-host restart 2"
rig_wait_agent attached 15 || fail "AGENT attached after restart 2"
out=$(rig_client caps) || fail "caps: $out"
echo "$out" | rig_json '13 in j["caps"] and 5 not in j["caps"]' >/dev/null ||
    fail "server should strip clipboard caps and add FILE_XFER_DISABLED: $out"
step "  caps with policies: $(echo "$out" | rig_json 'j["caps"]')"

# the guest closing the port is seen as AGENT detached
rig_kill_pid "$AGENT_PID" 5
rig_wait_agent detached 10 || fail "AGENT detached"
step "  guest close -> AGENT detached ok"

if [ "$WITH_WINE" = 1 ]; then
    step "Wine path: wine_probe.exe opens \\\\.\\Global\\com.redhat.spice.0"
    command -v x86_64-w64-mingw32-gcc >/dev/null || fail "x86_64-w64-mingw32-gcc missing"
    x86_64-w64-mingw32-gcc -std=c17 -Wall -Wextra -Werror -O2 -o "$RIG_TMP/wine_probe.exe" \
        "$HERE/wine_probe.c" || fail "building wine_probe.exe"
    rig_stop_host
    rig_start_host || fail "spice-host for wine"
    RIG_EXTRA_LOGS="$RIG_EXTRA_LOGS $RIG_TMP/wine_probe.out"
    T=$(now)
    wine "$RIG_TMP/wine_probe.exe" 1287 >"$RIG_TMP/wine_probe.out" 2>>"$RIG_WINE_LOG" &
    rig_track $! wine_probe
    rig_wait_agent attached 60 || fail "wine_probe did not open the port"
    step "  Wine opened the port in $(elapsed "$T") s"
    out=$(rig_client monitors --size 1287x803) || fail "monitors via wine: $out"
    echo "$out" | rig_json 'j["reply"]["success"] and 2 in j["caps"]' >/dev/null ||
        fail "monitors via wine: $out"
    rig_wait_agent detached 30 || fail "wine_probe closing the port -> AGENT detached"
    grep -q "monitors config 1287x803" "$RIG_TMP/wine_probe.out" || fail "probe output"
    step "  Wine: caps, MONITORS_CONFIG -> REPLY, close -> detached ok ($(elapsed "$T") s)"
fi

step "PASS (total $(elapsed "$T_ALL") s)"
exit 0
