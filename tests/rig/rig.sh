# shellcheck shell=bash
# rig.sh - bash helpers for end-to-end tests of the agent (source it; defines
# functions and a few RIG_* variables, starts nothing when sourced).
#
# Typical test:
#   source tests/rig/rig.sh
#   trap 'rc=$?; [ $rc -ne 0 ] && rig_dump_logs; rig_stop_all; exit $rc' EXIT
#   rig_tmpdir                      # sets RIG_TMP (call directly, not in $(...))
#   rig_start_xorg                  # exports DISPLAY (free display number, or pass one)
#   rig_new_prefix                  # exports WINEPREFIX (fresh, in RIG_TMP)
#   rig_start_host                  # exports RIG_PORT RIG_PTY RIG_LINK RIG_INJECT
#   wine "$WINEPREFIX/drive_c/.../vdservice.exe" ... &  rig_track $! wine-service
#   rig_wait_agent attached 60
#   rig_client caps
#   rig_client monitors --size 1287x803
#   rig_client input move:300,200 click:left   # inputs channel (display needed)
#   rig_screen_matches after-resize            # client's display == X screen
#   rig_inject_mouse 300 200 0                 # bare port (--no-display)
#
# Variables (set before calling, all optional):
#   RIG_HOST_BIN    spice-host binary (default: built into $RIG_TMP/host-build)
#   RIG_PY          Python with gi (default /usr/bin/python3)
#   RIG_XORG_TIMEOUT (20) RIG_WINEBOOT_TIMEOUT (180) RIG_HOST_TIMEOUT (15)
#   RIG_CLIENT_TIMEOUT (30, per spice_client operation)
#   RIG_EXTRA_LOGS  space-separated files rig_dump_logs also prints
#   RIG_LOG_LINES   lines per log in rig_dump_logs (default 60)
#   (spice-host offers $DISPLAY as a SPICE display when it is set: call
#   rig_start_xorg first, or pass --no-display to rig_start_host)
#   RIG_KEEP=1      rig_cleanup keeps RIG_TMP
# Every wait is bounded; everything started is tracked by PID and stopped by
# rig_stop_all (never by process name).

RIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${RIG_PY:=/usr/bin/python3}"
if [ -z "${RIG_PIDS+set}" ]; then RIG_PIDS=(); RIG_PID_NAMES=(); fi

rig_log() { echo "rig: $*" >&2; }

# rig_wait_for CMD TIMEOUT_SECONDS [WHAT] - eval CMD every 0.1 s until it
# succeeds; returns 1 (and says so on stderr) after TIMEOUT_SECONDS.
rig_wait_for() {
    local cmd=$1 timeout=$2 what=${3:-$1} now end
    now=${EPOCHREALTIME/[.,]/}
    end=$((now + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000000 }')))
    while :; do
        if eval "$cmd" >/dev/null 2>&1; then
            return 0
        fi
        now=${EPOCHREALTIME/[.,]/}
        if [ "$now" -ge "$end" ]; then
            rig_log "timed out after ${timeout}s waiting for: $what"
            return 1
        fi
        sleep 0.1
    done
}

# rig_alive PID - true while PID runs (a zombie counts as gone).
rig_alive() {
    local st
    st=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null | awk '{print $1}') || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# rig_tmpdir - create RIG_TMP once (mktemp under ${TMPDIR:-/tmp}) and print it.
rig_tmpdir() {
    if [ -z "${RIG_TMP:-}" ] || [ ! -d "$RIG_TMP" ]; then
        RIG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rig.XXXXXX") || return 1
        export RIG_TMP
    fi
    echo "$RIG_TMP"
}

# rig_track PID NAME - remember a process so rig_stop_all stops it.
rig_track() {
    RIG_PIDS+=("$1")
    RIG_PID_NAMES+=("$2")
}

# rig_kill_pid PID [TIMEOUT] - TERM, wait, then KILL; only that PID.
rig_kill_pid() {
    local pid=$1 timeout=${2:-5}
    if rig_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null
        if ! rig_wait_for "! rig_alive $pid" "$timeout" "pid $pid to exit" 2>/dev/null; then
            rig_log "pid $pid ignored SIGTERM for ${timeout}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null
            rig_wait_for "! rig_alive $pid" 5 "pid $pid to die" || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- Xorg
rig_write_xorg_conf() {
    cat > "$1" <<'EOF'
Section "ServerFlags"
    Option "AutoAddDevices" "false"
    Option "AutoAddGPU" "false"
    Option "DontVTSwitch" "true"
EndSection
Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 256000
EndSection
Section "Monitor"
    Identifier "mon"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "mon"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Virtual 5120 3200
    EndSubSection
EndSection
EOF
}

# rig_start_xorg [DISPLAYNUM] - Xorg + dummy driver; exports DISPLAY, RIG_XORG_PID,
# RIG_XORG_LOG. Without DISPLAYNUM, uses the first free number from 50.
rig_start_xorg() {
    rig_tmpdir >/dev/null || return 1
    local n=${1:-} conf="$RIG_TMP/xorg-dummy.conf"
    rig_write_xorg_conf "$conf"
    if [ -z "$n" ]; then
        n=50
        while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
            n=$((n + 1))
            [ "$n" -lt 200 ] || { rig_log "no free X display"; return 1; }
        done
    fi
    RIG_XORG_LOG="$RIG_TMP/xorg.$n.log"
    # As root an absolute -config path is accepted (Xorg only restricts it
    # for non-root users, who need a path relative to /etc/X11).
    Xorg ":$n" -noreset -nolisten tcp -config "$conf" -logfile "$RIG_XORG_LOG" \
        >"$RIG_TMP/xorg.$n.out" 2>&1 &
    RIG_XORG_PID=$!
    rig_track "$RIG_XORG_PID" "Xorg :$n"
    export DISPLAY=":$n" RIG_XORG_PID RIG_XORG_LOG
    if ! rig_wait_for "rig_alive $RIG_XORG_PID && DISPLAY=:$n xrandr" \
            "${RIG_XORG_TIMEOUT:-20}" "Xorg :$n to answer xrandr"; then
        tail -n 20 "$RIG_TMP/xorg.$n.out" >&2
        return 1
    fi
    rig_log "Xorg :$n up (pid $RIG_XORG_PID)"
}

# rig_add_mode WxH - add a mode to the dummy output (the test plays display driver).
rig_add_mode() {
    local w=${1%x*} h=${1#*x}
    xrandr --newmode "${w}x${h}" 60 "$w" $((w + 1)) $((w + 2)) $((w + 3)) \
        "$h" $((h + 1)) $((h + 2)) $((h + 3)) 2>/dev/null || true
    xrandr --addmode DUMMY0 "${w}x${h}"
}

# rig_screen_size - print the current X screen size as WxH.
rig_screen_size() {
    xrandr | sed -n 's/.* current \([0-9]*\) x \([0-9]*\),.*/\1x\2/p'
}

# ---------------------------------------------------------------- Wine
# rig_new_prefix - fresh WINEPREFIX in RIG_TMP; exports WINEPREFIX, WINEDEBUG,
# WINEDLLOVERRIDES, RIG_WINE_LOG.
# One failed boot is retried in a fresh folder: CI once saw `wineboot -i` end
# within a second with "could not load kernel32.dll, status c0000135" on a
# new prefix and never again, and the next test's prefix booted fine. The
# failed attempt is logged with what it left behind, so a pattern would show.
rig_new_prefix() {
    rig_tmpdir >/dev/null || return 1
    export WINEPREFIX="$RIG_TMP/prefix"
    export WINEDEBUG="${WINEDEBUG:--all}"
    export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
    RIG_WINE_LOG="$RIG_TMP/wine.log"
    export RIG_WINE_LOG
    RIG_PREFIX_CREATED=1
    local t=${RIG_WINEBOOT_TIMEOUT:-180} attempt rc sys
    for attempt in 1 2; do
        rc=0
        timeout "$t" wineboot -i >>"$RIG_WINE_LOG" 2>&1 </dev/null || rc=$?
        sys="$WINEPREFIX/drive_c/windows/system32"
        if [ "$rc" = 0 ] && [ -f "$sys/kernel32.dll" ]; then
            break
        fi
        rig_log "wineboot -i failed (attempt $attempt, exit $rc; timeout ${t}s;" \
            "$(find "$sys" -maxdepth 1 -type f 2>/dev/null | wc -l) files in system32;" \
            "$(df -Pk "$RIG_TMP" | awk 'NR==2 {print int($4/1024)}') MiB free in $RIG_TMP)"
        timeout 30 wineserver -k >/dev/null 2>&1 || true
        timeout 30 wineserver -w >/dev/null 2>&1 || true
        [ "$attempt" = 2 ] && return 1
        mv "$WINEPREFIX" "$RIG_TMP/prefix.failed" 2>/dev/null || rm -rf "$WINEPREFIX"
        echo "----- rig: wineboot attempt 1 failed; attempt 2 in a fresh folder -----" >>"$RIG_WINE_LOG"
    done
    # (no `wineserver -w` after a good boot: it only waits out the server's
    # ~5 s linger; the next wine command reuses the running wineserver)
    mkdir -p "$WINEPREFIX/dosdevices/global"
    rig_log "prefix ready: $WINEPREFIX"
}

# ---------------------------------------------------------------- SPICE host
rig_build_host() {
    if [ -n "${RIG_HOST_BIN:-}" ] && [ -x "$RIG_HOST_BIN" ]; then
        return 0
    fi
    rig_tmpdir >/dev/null || return 1
    local b="$RIG_TMP/host-build"
    if ! { cmake -S "$RIG_DIR" -B "$b" && cmake --build "$b"; } >"$RIG_TMP/host-build.log" 2>&1; then
        rig_log "building spice-host failed:"; tail -n 30 "$RIG_TMP/host-build.log" >&2
        return 1
    fi
    RIG_HOST_BIN="$b/spice-host"
    export RIG_HOST_BIN
}

# rig_start_host [spice-host options...] - start spice-host with --link into
# WINEPREFIX (or RIG_LINK if set) and --inject; reuses RIG_PORT when set
# (restart on the same port), else picks a free port. Exports RIG_PORT, RIG_PTY,
# RIG_LINK, RIG_INJECT, RIG_HOST_PID, RIG_HOST_LOG, RIG_HOST_OUT.
# Display: the host offers the Xorg that rig_start_xorg started (--x-display
# $DISPLAY) and none otherwise (--no-display), so a stray $DISPLAY in the
# caller's environment never decides; pass --no-display to go without anyway.
rig_start_host() {
    rig_tmpdir >/dev/null || return 1
    rig_build_host || return 1
    if [ -z "${RIG_LINK:-}" ]; then
        if [ -z "${WINEPREFIX:-}" ]; then
            rig_log "rig_start_host: set WINEPREFIX (rig_new_prefix) or RIG_LINK"
            return 1
        fi
        RIG_LINK="$WINEPREFIX/dosdevices/global/com.redhat.spice.0"
    fi
    RIG_INJECT="$RIG_TMP/inject.sock"
    local display_opt=(--no-display)
    if [ -n "${RIG_XORG_PID:-}" ] && rig_alive "$RIG_XORG_PID" && [ -n "${DISPLAY:-}" ]; then
        display_opt=(--x-display "$DISPLAY")
    fi
    RIG_HOST_N=$(( ${RIG_HOST_N:-0} + 1 ))
    RIG_HOST_OUT="$RIG_TMP/host.$RIG_HOST_N.out"
    RIG_HOST_LOG="$RIG_TMP/host.$RIG_HOST_N.log"
    "$RIG_HOST_BIN" --port "${RIG_PORT:-0}" --link "$RIG_LINK" --inject "$RIG_INJECT" \
        "${display_opt[@]}" "$@" \
        >"$RIG_HOST_OUT" 2>"$RIG_HOST_LOG" &
    RIG_HOST_PID=$!
    rig_track "$RIG_HOST_PID" spice-host
    if ! rig_wait_for "grep -q '^READY ' '$RIG_HOST_OUT' || ! rig_alive $RIG_HOST_PID" \
            "${RIG_HOST_TIMEOUT:-15}" "spice-host READY" ||
       ! grep -q '^READY ' "$RIG_HOST_OUT"; then
        rig_log "spice-host did not start:"; tail -n 20 "$RIG_HOST_LOG" >&2
        return 1
    fi
    local ready
    ready=$(grep -m1 '^READY ' "$RIG_HOST_OUT")
    RIG_PORT=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$ready")
    RIG_PTY=$(sed -n 's/.*pty=\([^ ]*\).*/\1/p' <<<"$ready")
    export RIG_PORT RIG_PTY RIG_LINK RIG_INJECT RIG_HOST_PID RIG_HOST_LOG RIG_HOST_OUT
    rig_log "spice-host pid $RIG_HOST_PID port $RIG_PORT pty $RIG_PTY"
}

# rig_stop_host - stop the current spice-host (by PID).
rig_stop_host() {
    [ -n "${RIG_HOST_PID:-}" ] && rig_kill_pid "$RIG_HOST_PID" 10
}

# rig_agent_state - print the last AGENT state of the current host (attached/detached/none).
rig_agent_state() {
    local s
    s=$(grep '^AGENT ' "$RIG_HOST_OUT" 2>/dev/null | tail -n 1 | cut -d' ' -f2)
    echo "${s:-none}"
}

# rig_wait_agent attached|detached [TIMEOUT] - wait for the guest to open/close the port.
rig_wait_agent() {
    rig_wait_for "[ \"\$(rig_agent_state)\" = $1 ]" "${2:-60}" "agent port $1"
}

# ---------------------------------------------------------------- client
# rig_client COMMAND ARGS... - run spice_client.py against RIG_PORT; JSON on stdout.
rig_client() {
    "$RIG_PY" "$RIG_DIR/spice_client.py" --port "$RIG_PORT" \
        --timeout "${RIG_CLIENT_TIMEOUT:-30}" --debug-log "$RIG_TMP/spice-gtk.log" "$@" \
        2>>"$RIG_TMP/client.log"
}

# rig_inject_mouse X Y [BUTTONS] [DISPLAY_ID] - MOUSE_STATE on port 2 straight onto the pty.
rig_inject_mouse() {
    "$RIG_PY" "$RIG_DIR/spice_client.py" inject-mouse --socket "$RIG_INJECT" \
        --x "$1" --y "$2" --buttons "${3:-0}" --display "${4:-0}" >/dev/null \
        2>>"$RIG_TMP/client.log"
}

# rig_display_size - print the host's current display surface size (WxH) from
# its DISPLAY lines, or "none".
rig_display_size() {
    local s
    s=$(grep '^DISPLAY ' "$RIG_HOST_OUT" 2>/dev/null | tail -n 1 | cut -d' ' -f2)
    echo "${s:-none}"
}

# rig_screen_matches NAME [TRIES] - the client's display (PNG) against the X
# screen (xwd -root), pixel for pixel; files $RIG_TMP/NAME.png and NAME.xwd,
# comparison JSON on stdout. Retries (default 3) in case the screen changed
# between the two pictures.
rig_screen_matches() {
    local name=$1 tries=${2:-3} i res
    command -v xwd >/dev/null || { rig_log "xwd missing: run scripts/bootstrap.sh (x11-apps)"; return 1; }
    for ((i = 1; i <= tries; i++)); do
        rig_client screenshot --out "$RIG_TMP/$name.png" >/dev/null || return 1
        xwd -root -silent -out "$RIG_TMP/$name.xwd" || return 1
        if res=$("$RIG_PY" "$RIG_DIR/spice_display.py" compare "$RIG_TMP/$name.xwd" \
                "$RIG_TMP/$name.png"); then
            echo "$res"
            return 0
        fi
        rig_log "screenshot $name try $i differs: $res"
    done
    echo "$res"
    return 1
}

# rig_json FILTER - read JSON on stdin, print FILTER evaluated as Python on it as `j`
# (e.g. rig_client caps | rig_json 'j["caps"]'); exit 1 if it is false/None.
rig_json() {
    "$RIG_PY" -c 'import json,sys
j = json.loads(sys.stdin.read().strip().splitlines()[-1])
v = eval(sys.argv[1])
print(json.dumps(v) if not isinstance(v, str) else v)
sys.exit(0 if v not in (None, False) else 1)' "$1"
}

# ---------------------------------------------------------------- teardown
# rig_stop_all - stop everything started here (by PID), wineserver -k for our
# prefix, Xorg last.
rig_stop_all() {
    local i pid xorg=""
    for ((i = ${#RIG_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${RIG_PIDS[$i]}
        if [ "$pid" = "${RIG_XORG_PID:-}" ]; then xorg=$pid; continue; fi
        rig_kill_pid "$pid" 5
    done
    if [ -n "${RIG_PREFIX_CREATED:-}" ] && [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
        WINEPREFIX="$WINEPREFIX" timeout 30 wineserver -k >/dev/null 2>&1 || true
        WINEPREFIX="$WINEPREFIX" timeout 30 wineserver -w >/dev/null 2>&1 || true
    fi
    [ -n "$xorg" ] && rig_kill_pid "$xorg" 10
    RIG_PIDS=()
    RIG_PID_NAMES=()
}

# rig_cleanup - rig_stop_all, then remove RIG_TMP unless RIG_KEEP=1.
rig_cleanup() {
    rig_stop_all
    if [ -n "${RIG_TMP:-}" ] && [ -z "${RIG_KEEP:-}" ]; then
        rm -rf "$RIG_TMP"
    fi
}

# rig_dump_logs - tails of the host, Xorg, wine and client logs and RIG_EXTRA_LOGS.
rig_dump_logs() {
    local n=${RIG_LOG_LINES:-60} f
    local files=()
    if [ -n "${RIG_TMP:-}" ]; then
        for f in "$RIG_TMP"/host.*.out "$RIG_TMP"/host.*.log "${RIG_XORG_LOG:-}" \
                 "$RIG_TMP"/xorg.*.out "${RIG_WINE_LOG:-}" "$RIG_TMP/client.log" \
                 "$RIG_TMP/spice-gtk.log"; do
            [ -n "$f" ] && [ -f "$f" ] && files+=("$f")
        done
    fi
    for f in ${RIG_EXTRA_LOGS:-}; do
        files+=("$f")
    done
    for f in "${files[@]}"; do
        echo "===== $f (last $n lines) =====" >&2
        if [ -f "$f" ]; then tail -n "$n" "$f" >&2; else echo "(missing)" >&2; fi
    done
    if [ "${#RIG_PIDS[@]}" -gt 0 ]; then
        echo "===== tracked processes =====" >&2
        local i
        for ((i = 0; i < ${#RIG_PIDS[@]}; i++)); do
            if rig_alive "${RIG_PIDS[$i]}"; then
                echo "${RIG_PIDS[$i]} ${RIG_PID_NAMES[$i]} running" >&2
            else
                echo "${RIG_PIDS[$i]} ${RIG_PID_NAMES[$i]} exited" >&2
            fi
        done
    fi
}
