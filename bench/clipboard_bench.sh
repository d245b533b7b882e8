#!/usr/bin/env bash
# Clipboard throughput benchmark (issue: clipboard). Text 20 MiB and 100 MiB
# and a 3840x2160 screenshot, each way, BENCH_RUNS times (3; the table shows
# medians and each run's figure), timed end to end through the real
# client and server: first with our agent in Wine (X programs on the guest
# side), then with the null agent (it drains the port and serves from memory)
# in the same run as the baseline, and Wine's clipboard alone (Windows
# programs at both ends, no agent) as a second floor for the Windows-program
# text cases. Also the agent's peak memory, overall and per direction. Writes
# the "clipboard" section of docs/BENCHMARKS.md.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
md=${1:-$VDA_SOURCE_DIR/docs/BENCHMARKS.md}
py=(/usr/bin/python3 "$VDA_SOURCE_DIR/bench/clipboard_bench.py")

# Wine's clipboard with no agent, and the Windows program that copies in the
# guest -> client Windows-program cases (bench/windows/clip_bridge.c).
bridge=${VDA_CLIP_BRIDGE:-$VDA_BUILD_DIR/bench/windows/clip_bridge.exe}
[ -f "$bridge" ] || e2e_fail "$bridge missing: build the win64 tree"
[ -f "${VDA_PASTE_PROBE:-}" ] || e2e_fail "VDA_PASTE_PROBE (tests/windows/paste_probe.exe) missing: build the win64 tree"
export VDA_CLIP_BRIDGE=$bridge
E2E_WITH_X=1 e2e_setup
w=$RIG_TMP/bench
zw="Z:${w//\//\\}" # the same directory as Wine sees it
mkdir -p "$w"
"${py[@]}" gen "$w"
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
RUNS=${BENCH_RUNS:-3}
declare -A t
run() { "${py[@]}" "$@" 2>>"$RIG_TMP/client.log" || e2e_fail "benchmark step failed: $*"; }
# t[KEY]: one figure per run, comma-separated.
add() { t[$1]+="${t[$1]:+,}$2"; }
# Where the time goes: CPU ticks of each process on the path over one case
# (the first run's 100 MiB text cases). explorer.exe holds Wine's X clipboard
# bridge; "client" is the benchmark client with the programs it ran.
agent_pid=$(e2e_wine_pids vdagent.exe)
svc_pid=$(e2e_wine_pids vdservice.exe)
path_procs="vdagent:$agent_pid vdservice:$svc_pid wineserver:$(e2e_wine_pids wineserver | head -1)"
path_procs+=" explorer:$(e2e_wine_pids explorer.exe | head -1) spice-host:$RIG_HOST_PID Xorg:$RIG_XORG_PID"
cpu_snap() {
  local e
  for e in $1; do echo -n "${e%%:*}:$(e2e_cpu_sum ${e#*:}) "; done
  echo "client:$(e2e_cpu_children)"
}
# timed KEY PROCS ARGS...: the case's time into t[KEY]; with PROCS, also
# cpu_KEY="name:ticks ..." over the case.
declare -A cpu
timed() {
  local k=$1 procs=$2 a b v
  shift 2
  a=$(cpu_snap "$procs")
  v=$(run "$@")
  b=$(cpu_snap "$procs")
  add "$k" "$v"
  [ -n "$procs" ] || return 0
  cpu[$k]=$(paste -d' ' <(tr ' ' '\n' <<<"$a") <(tr ' ' '\n' <<<"$b") \
    | awk -F'[: ]' 'NF == 4 { printf "%s:%d ", $1, $4 - $2 }')
}
# Peak memory of the first run's 100 MiB Windows-program text cases, each
# direction on its own: mem[DIR_WHO_rss] is VmRSS (kB) before the case,
# mem[DIR_WHO_hwm] VmHWM after it, the peak reset before it (Linux: writing 5
# to clear_refs sets VmHWM back to the current RSS). The peak before a reset
# is kept so that the overall figure still covers every case.
declare -A mem
agent_peak=0 svc_peak=0
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
keep_peak() { # keep_peak VAR PID: VAR = max(VAR, VmHWM of PID)
  local v
  v=$(status_kb "$2" VmHWM)
  [ "$v" -le "${!1}" ] || printf -v "$1" %s "$v"
}
peak_start() { # peak_start DIR: before the case
  local who pid
  keep_peak agent_peak "$agent_pid"
  keep_peak svc_peak "$svc_pid"
  for who in agent:$agent_pid svc:$svc_pid; do
    pid=${who#*:}
    mem[$1_${who%%:*}_rss]=$(status_kb "$pid" VmRSS)
    echo 5 2>/dev/null >"/proc/$pid/clear_refs" \
      || e2e_fail "cannot reset the peak memory of ${who%%:*} (echo 5 > /proc/$pid/clear_refs)"
  done
}
peak_end() { # peak_end DIR: after the case
  mem[$1_agent_hwm]=$(status_kb "$agent_pid" VmHWM)
  mem[$1_svc_hwm]=$(status_kb "$svc_pid" VmHWM)
}
# agent_read KEY BEFORE: the agent's "read and converted in N ms" for the
# guest -> client text case just run (its log from line BEFORE on) into
# t[KEY]: the part of the case before the first byte left the agent.
alog=$E2E_LOG_DIR/vdagent.log
agent_read() {
  local ms
  ms=$(tail -n "+$(($2 + 1))" "$alog" \
    | sed -n 's/.*clipboard: sending [0-9]* bytes of type 1 (read and converted in \([0-9]*\) ms).*/\1/p' | tail -n 1)
  [ -n "$ms" ] || e2e_fail "the agent logged no 'read and converted' line for $1"
  add "$1" "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
}
for r in $(seq "$RUNS"); do
  p=""; [ "$r" = 1 ] && p=$path_procs
  add c2g_t20 "$(run c2g-agent "$RIG_PORT" 1 "$w/text20")"
  add g2c_t20 "$(run g2c-agent "$RIG_PORT" 1 "$w/text20")"
  timed c2g_t100 "$p" c2g-agent "$RIG_PORT" 1 "$w/text100"
  timed g2c_t100 "$p" g2c-agent "$RIG_PORT" 1 "$w/text100"
  add c2g_img "$(run c2g-agent "$RIG_PORT" 2 "$w/shot.png" image/bmp)"
  add g2c_img "$(run g2c-agent "$RIG_PORT" 2 "$w/shot.bmp" image/bmp)"
  add g2c_pimg "$(run g2c-agent "$RIG_PORT" 2 "$w/shot.png" image/png)"
  add c2g_det "$(run c2g-agent "$RIG_PORT" 2 "$w/detail.png" image/bmp)"
  add g2c_det "$(run g2c-agent "$RIG_PORT" 2 "$w/detail.bmp" image/bmp)"
  add g2c_pdet "$(run g2c-agent "$RIG_PORT" 2 "$w/detail.png" image/png)"
  # The images with Windows programs at the guest's end (paste_probe.exe's
  # CF_DIB; clip_bridge.exe put: a DIB, or the "PNG" format): no X bridge,
  # which moves a 24 MiB BMP through X selections.
  for c in "img shot" "det detail"; do
    set -- $c
    add "c2g_w$1" "$(run c2g-win "$RIG_PORT" 2 "$w/$2.png")"
    add "g2c_w$1" "$(run g2c-win "$RIG_PORT" 2 "$w/$2.bmp")"
    add "g2c_wp$1" "$(run g2c-win "$RIG_PORT" 2 "$w/$2.png")"
  done
  # The same text with a Windows program at the guest's end: what a Windows
  # guest's user sees, without Wine's X selection bridge.
  add c2g_w20 "$(run c2g-win "$RIG_PORT" 1 "$w/text20")"
  n=$(wc -l <"$alog")
  add g2c_w20 "$(run g2c-win "$RIG_PORT" 1 "$w/text20")"
  agent_read read_t20 "$n"
  [ "$r" != 1 ] || peak_start c2g
  timed c2g_w100 "$p" c2g-win "$RIG_PORT" 1 "$w/text100"
  [ "$r" != 1 ] || peak_end c2g
  [ "$r" != 1 ] || peak_start g2c
  n=$(wc -l <"$alog")
  timed g2c_w100 "$p" g2c-win "$RIG_PORT" 1 "$w/text100"
  agent_read read_t100 "$n"
  [ "$r" != 1 ] || peak_end g2c
done
keep_peak agent_peak "$agent_pid"
keep_peak svc_peak "$svc_pid"
agent_hwm=$agent_peak svc_hwm=$svc_peak
e2e_stop_service
# The service's own count of its port I/O over every agent case.
PORT_IO=$(e2e_port_io)
[ -n "$PORT_IO" ] || e2e_fail "the service did not log its port I/O when it stopped"
export PORT_IO

# The agent's own encoder and decoder on the same images in the same run
# (bench/windows/png_settings.exe --agent): the encoding inside the DIB cases,
# the decoding inside the client -> guest image cases.
pngs=${VDA_PNG_SETTINGS:-$VDA_BUILD_DIR/bench/windows/png_settings.exe}
[ -f "$pngs" ] || e2e_fail "$pngs missing: build the win64 tree"
wine "$pngs" --runs "$RUNS" --agent "$zw\\shot.bmp" "$zw\\detail.bmp" "$zw\\shot.png" "$zw\\detail.png" \
  </dev/null >"$RIG_TMP/png-agent.jsonl" 2>>"$RIG_TMP/client.log" || e2e_fail "png_settings.exe --agent failed"
PNG_AGENT=$(tr -d '\r' <"$RIG_TMP/png-agent.jsonl")
export PNG_AGENT

# Wine's port alone for the text cases (bench/windows/port_floor_agent.c,
# as in bench_xfer): the least a Windows agent in Wine does, no service, no
# pipe, no clipboard. clip-in requests the client's text on its grab and
# counts it in memory (printing the null agent's log line, which c2g-null
# waits for); clip-out grabs and writes the text framed in advance, in 64 KiB
# overlapped writes as the service writes the port.
floor_exe=${VDA_PORT_FLOOR:-$VDA_BUILD_DIR/bench/windows/port_floor_agent.exe}
[ -f "$floor_exe" ] || e2e_fail "$floor_exe missing: build the win64 tree"
rig_wait_agent detached 30 || e2e_fail "the port stayed open after the service stopped"
for r in $(seq "$RUNS"); do
  for c in "t20 text20" "t100 text100"; do
    set -- $c
    flog=$RIG_TMP/port-floor-in-$1-$r.log
    : >"$flog"
    wine "$floor_exe" clip-in 1 </dev/null >"$flog" 2>>"$RIG_TMP/client.log" &
    fpid=$!
    rig_track "$fpid" "port floor agent"
    rig_wait_agent attached 30 || e2e_fail "port_floor_agent clip-in did not open the port"
    add "port_c2g_$1" "$(run c2g-null "$RIG_PORT" 1 "$w/$2" "$flog")"
    rig_kill_pid "$fpid"
    rig_wait_agent detached 10 || e2e_fail "port_floor_agent clip-in kept the port"
    wine "$floor_exe" clip-out "$zw\\$2" 1 </dev/null >/dev/null 2>>"$RIG_TMP/client.log" &
    fpid=$!
    rig_track "$fpid" "port floor agent"
    rig_wait_agent attached 30 || e2e_fail "port_floor_agent clip-out did not open the port"
    add "port_g2c_$1" "$(run g2c-null "$RIG_PORT" 1 -)"
    rig_kill_pid "$fpid"
    rig_wait_agent detached 10 || e2e_fail "port_floor_agent clip-out kept the port"
  done
done

# Wine's pipe alone (bench/windows/pipe_floor.c): the service <-> agent pipe
# as the two create and use it (byte mode, overlapped, 64 KiB DATA frames in
# each direction's I/O size, ipc_link.h), between two Wine processes, with
# nothing else on the path. Neither floor above crosses it.
pipe_exe=${VDA_PIPE_FLOOR:-$VDA_BUILD_DIR/bench/windows/pipe_floor.exe}
[ -f "$pipe_exe" ] || e2e_fail "$pipe_exe missing: build the win64 tree"
for r in $(seq "$RUNS"); do
  for c in "t20 20" "t100 100"; do
    set -- $c
    for d in c2g:to-agent g2c:from-agent; do
      pout=$RIG_TMP/pipe-${d%%:*}-$1-$r.out
      wine "$pipe_exe" "${d#*:}" "$2" </dev/null >"$pout" 2>>"$RIG_TMP/client.log" \
        || e2e_fail "pipe_floor ${d#*:} $2 failed"
      add "pipe_${d%%:*}_$1" "$(tr -d '\r' <"$pout" | awk '$1 == "seconds" { print $2 }')"
    done
  done
done

# bridge_start MODE FILE OUT: `clip_bridge.exe MODE FILE` (put or offer, of a
# file in $w) in the background, its output into OUT, once it printed READY;
# BRIDGE_PID. bridge_stop: ends it and empties the clipboard it left.
bridge_start() {
  wine "$bridge" "$1" "$zw\\$2" 300 </dev/null >"$3" 2>>"$RIG_TMP/client.log" &
  BRIDGE_PID=$!
  rig_track "$BRIDGE_PID" "clip_bridge $1"
  rig_wait_for "grep -q READY '$3'" 120 "clip_bridge $1" || e2e_fail "clip_bridge $1 $2 failed"
}
bridge_stop() {
  rig_kill_pid "$BRIDGE_PID"
  wine "$bridge" empty </dev/null 2>>"$RIG_TMP/client.log" || e2e_fail "clip_bridge empty failed"
}

# Wine's own clipboard bridge to X, with no agent (bench/windows/clip_bridge.c):
# the part of the X-program text cases that the null-agent floor does not cross.
now_ns() { date +%s%N; }
for r in $(seq "$RUNS"); do
  for c in "t20 text20" "t100 text100"; do
    set -- $c
    bout=$RIG_TMP/bridge-$1-$r.out
    bridge_start put "$2" "$bout"
    # explorer.exe takes the X selection (not timed: the agent's case starts with its grab)
    rig_wait_for "xclip -o -selection clipboard -t TARGETS 2>/dev/null | grep -q UTF8_STRING" 20 \
      "Wine's X selection" || e2e_fail "bridge: Wine never offered the text to X"
    t0=$(now_ns)
    n=$(xclip -o -selection clipboard -t UTF8_STRING | wc -c)
    t1=$(now_ns)
    bridge_stop
    [ "$n" -ge "$(stat -c %s "$w/$2")" ] || e2e_fail "bridge: xclip -o got $n bytes of $2"
    add "bridge_c2g_$1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    add "bridge_set_$1" "$(awk '/^READY/ { sub(/\r$/, ""); print $3 }' "$bout")" # Wine: CRLF
    xclip -quiet -i -selection clipboard -t UTF8_STRING <"$w/$2" >/dev/null 2>&1 &
    xpid=$!
    rig_track "$xpid" xclip
    # Wine sees the new X owner (not timed: a try before that finds no text)
    # (into a file, not $(...): a Wine process may leave a daemon on a pipe)
    out="" gout=$RIG_TMP/xget-$1-$r.out
    for try in $(seq 20); do
      sleep 0.5
      wine "$bridge" get </dev/null >"$gout" 2>>"$RIG_TMP/client.log" && out=$(tr -d '\r' <"$gout") && break
      out=""
    done
    [ -n "$out" ] || e2e_fail "clip_bridge get found no text in 20 tries"
    kill "$xpid" 2>/dev/null || true
    add "bridge_g2c_$1" "${out%% *}"
  done
done

# Wine's clipboard alone, Windows programs at both ends, no agent and no
# SPICE: what the agent's Windows-program text cases pay Wine beyond the
# null-agent floor. client -> guest: paste_probe.exe's GetClipboardData of
# text `clip_bridge.exe offer` renders from memory on WM_RENDERFORMAT;
# guest -> client: `clip_bridge.exe get` of text `put` set. The images the
# same way as a DIB (the agent's CF_DIB render, and the DIB it reads before
# encoding). Wine writes CRLF.
for r in $(seq "$RUNS"); do
  for c in "t20 text20" "t100 text100" "img shot.bmp dib" "det detail.bmp dib"; do
    set -- $c
    oout=$RIG_TMP/offer-$1-$r.out
    pout=$RIG_TMP/paste-$1-$r.out
    bridge_start offer "$2" "$oout"
    wine "$VDA_PASTE_PROBE" ${3:-} </dev/null >"$pout" 2>>"$RIG_TMP/client.log" || e2e_fail "paste_probe failed"
    rig_wait_for "grep -q RENDER '$oout'" 20 "clip_bridge offer's render" \
      || e2e_fail "wine floor: clip_bridge offer never rendered $2"
    bridge_stop
    units=$(tr -d '\r' <"$oout" | awk '$1 == "READY" { print $2 }')
    read -r start end got <<<"$(tr -d '\r' <"$pout" | awk '$1 == "START" { s = $2 } $1 == "END" { print s, $2, $3 }')"
    [ -n "$start" ] && [ "${got:-0}" -gt 0 ] && [ "$got" = "$units" ] \
      || e2e_fail "wine floor: paste_probe got ${got:-no} UTF-16 units of $2, clip_bridge offered ${units:-none}"
    add "wine_c2g_$1" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
    add "wine_render_$1" "$(tr -d '\r' <"$oout" | awk '$1 == "RENDER" { print $2; exit }')"

    bout=$RIG_TMP/wput-$1-$r.out
    gout=$RIG_TMP/wget-$1-$r.out
    bridge_start put "$2" "$bout"
    wine "$bridge" get ${3:-} </dev/null >"$gout" 2>>"$RIG_TMP/client.log" || e2e_fail "clip_bridge get failed"
    bridge_stop
    units=$(tr -d '\r' <"$bout" | awk '$1 == "READY" { print $2 }')
    read -r secs got <<<"$(tr -d '\r' <"$gout")"
    [ "${got:-0}" -gt 0 ] && [ "$got" = "$units" ] \
      || e2e_fail "wine floor: clip_bridge get got ${got:-no} UTF-16 units of $2, put set ${units:-none}"
    add "wine_g2c_$1" "$secs"
  done
done

# Baseline: the null agent on a fresh host, same client code.
rig_stop_host
RIG_LINK=$RIG_TMP/null-port
export RIG_LINK
rig_start_host || e2e_fail "cannot restart the host for the baseline"
null() { # null TAG ARGS... : run the null agent in the background
  /usr/bin/python3 "$VDA_SOURCE_DIR/tests/rig/null_agent.py" "$RIG_LINK" --quiet-data --quiet-clipboard "${@:2}" \
    >"$RIG_TMP/null-$1.log" 2>&1 &
  rig_track $! "null agent $1"
  NULL_PID=$!
  rig_wait_agent attached 20 || e2e_fail "null agent did not open the port"
}
# The floor's processes for the first run's 100 MiB cases (after null()).
floor_procs() { [ "$2" = 1 ] && [ "$1" = t100 ] && echo "null-agent:$NULL_PID spice-host:$RIG_HOST_PID"; true; }
for r in $(seq "$RUNS"); do
  for c in "t20 1 text20" "t100 1 text100" "img 2 shot.png" "det 2 detail.png"; do
    set -- $c
    null "c2g-$1-$r" --fetch-type "$2"
    timed "null_c2g_$1" "$(floor_procs "$1" "$r")" c2g-null "$RIG_PORT" "$2" "$w/$3" "$RIG_TMP/null-c2g-$1-$r.log"
    rig_kill_pid "$NULL_PID"; rig_wait_agent detached 10
    null "g2c-$1-$r" --grab-file "$w/$3" --grab-type "$2" --no-fetch-clipboard
    timed "null_g2c_$1" "$(floor_procs "$1" "$r")" g2c-null "$RIG_PORT" "$2" -
    rig_kill_pid "$NULL_PID"; rig_wait_agent detached 10
  done
done

T20=$(stat -c %s "$w/text20"); T100=$(stat -c %s "$w/text100"); PNG=$(stat -c %s "$w/shot.png")
DET=$(stat -c %s "$w/detail.png")
BENCH_VALUES=$(for k in "${!t[@]}"; do echo "$k=${t[$k]}"; done)
BENCH_CPU=$(for k in "${!cpu[@]}"; do echo "$k=${cpu[$k]// /,}"; done)
HZ=$(getconf CLK_TCK)
export BENCH_CPU HZ
BENCH_MEM=$(for k in "${!mem[@]}"; do echo "$k=${mem[$k]}"; done)
export BENCH_VALUES BENCH_MEM T20 T100 RUNS PNG DET agent_hwm svc_hwm
export BENCH_WORK=$w
/usr/bin/python3 - "$md" <<'PY'
import os, subprocess, sys, time
md = sys.argv[1]
t = dict(l.split("=") for l in os.environ["BENCH_VALUES"].split())
runs = {k: [float(x) for x in v.split(",")] for k, v in t.items()}
t = {k: sorted(v)[len(v) // 2] for k, v in runs.items()}  # medians
sizes = {"t20": int(os.environ["T20"]), "t100": int(os.environ["T100"]), "img": int(os.environ["PNG"]),
         "det": int(os.environ["DET"])}
names = {"t20": "text 20 MiB", "t100": "text 100 MiB",
         "img": "screenshot 3840x2160 (PNG %.1f MiB)" % (sizes["img"] / 2**20),
         "det": "detailed screenshot 3840x2160 (PNG %.1f MiB)" % (sizes["det"] / 2**20)}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
wine = subprocess.run(["wine", "--version"], capture_output=True, text=True).stdout.strip()
lines = ["## Clipboard: throughput each way", "",
         "Written by `bench/clipboard_bench.sh` (do not edit by hand).", "",
         "- Date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
         "- CPU: %s (2 cores shared with the whole rig)" % cpu,
         "- Agent path: spice-gtk client -> libspice-server -> pty -> vdservice -> vdagent -> %s clipboard -> a Windows program"
         " (tests/windows/paste_probe.exe pastes, bench/windows/clip_bridge.exe copies), or through Wine's X selection"
         " bridge (explorer.exe) to xclip on Xorg" % wine,
         "- Baseline: the same client and server with `tests/rig/null_agent.py` on the port (it drains or serves the bytes from memory)",
         "- client->guest: from the client's grab (X program: from its start; Windows program: from its GetClipboardData)",
         "  until the paste completes (agent) or the null agent holds every byte;",
         "  guest->client: from the client's request until it holds the data. The screenshots go in as PNG and come out",
         "  of the guest as a DIB (BMP on the X side) that the agent encodes to PNG, or as the PNG itself when the guest",
         "  clipboard holds one (image/png on the X side: Wine's \"PNG\" format, sent as it is). The floor for every",
         "  guest->client image case is the null agent serving the case's PNG; the detailed screenshot is",
         "  bench/png_bench.py's photo-heavy desktop.",
         "- Median of %s runs (each run's figures in brackets); goal: within 1.5x of the floor (x null agent >= 0.67)." % os.environ["RUNS"], "",
         "| Case | agent (s) | null agent (s) | agent MiB/s | x null agent | goal met |", "|---|---:|---:|---:|---:|---|"]
fmt = lambda v: ", ".join("%.2f" % x for x in v)
rows = []  # (agent key, floor key, size key, label)
win = {"t20": "w20", "t100": "w100"}
for key in ("t20", "t100", "img", "det"):
    if key in win:
        rows.append(("c2g_" + win[key], "null_c2g_" + key, key,
                     "client -> guest " + names[key] + ", a Windows program pastes"))
        rows.append(("g2c_" + win[key], "null_g2c_" + key, key,
                     "guest -> client " + names[key] + ", a Windows program copied"))
    via = ", an X program pastes (Wine's X bridge)" if key in win else ""
    rows.append(("c2g_" + key, "null_c2g_" + key, key, "client -> guest " + names[key] + via))
    via = ", an X program copied (Wine's X bridge)" if key in win else ""
    rows.append(("g2c_" + key, "null_g2c_" + key, key, "guest -> client " + names[key] + via +
                 (", from a DIB" if key in ("img", "det") else "")))
    if key in ("img", "det"):
        rows.append(("g2c_p" + key, "null_g2c_" + key, key,
                     "guest -> client " + names[key] + ", PNG on the guest clipboard"))
for k, f, key, label in rows:
    a, b = t[k], t[f]
    lines.append("| %s | %.2f [%s] | %.2f [%s] | %.1f | %.2f | %s |" % (
        label, a, fmt(runs[k]), b, fmt(runs[f]), sizes[key] / 2**20 / a, b / a,
        "yes" if b / a >= 1 / 1.5 else "no"))
import json
enc, dec = {}, {}
for l in os.environ["PNG_AGENT"].splitlines():
    j = json.loads(l)
    key = "img" if j["file"].startswith("shot") else "det"
    if "decode_seconds" in j:
        dec[key] = j
    else:
        enc[key] = j
for key in ("img", "det"):
    rows_w = (("c2g_w" + key, "client -> guest %s, a Windows program pastes (CF_DIB)" % names[key]),
              ("g2c_w" + key, "guest -> client %s, a Windows program copied a DIB" % names[key]),
              ("g2c_wp" + key, "guest -> client %s, a Windows program copied the PNG" % names[key]))
    for k, label in rows_w:
        a, b = t[k], t["null_%s_%s" % (k[:3], key)]
        lines.append("| %s | %.2f [%s] | %.2f [%s] | %.1f | %.2f | %s |" % (
            label, a, fmt(runs[k]), b, fmt(runs["null_%s_%s" % (k[:3], key)]), sizes[key] / 2**20 / a,
            b / a, "yes" if b / a >= 1 / 1.5 else "no"))
lines += ["", "Images, against their own goals (medians; the agent's encoder and decoder timed alone on the "
          "same images in the same run by `png_settings.exe --agent`):", ""]
for key in ("img", "det"):
    e, d = enc[key], dec[key]
    add_w = t["g2c_w" + key] - t["g2c_wp" + key]
    add_x = t["g2c_" + key] - t["g2c_p" + key]
    floor = t["null_c2g_" + key] + d["decode_seconds"]
    wfloor = floor + t["wine_c2g_" + key]
    lines.append("- %s: a DIB adds %.2f s with a Windows program (%.2f s through the X bridge, which also moves "
                 "the %.0f MiB BMP through X selections); of that, the encoder alone takes %.2f s [%s] (goal "
                 "<= 0.15 s: %s), its PNG %.2f MiB; Wine handing the DIB to a program (`clip_bridge.exe get dib` "
                 "of a DIB `put` set, no agent) takes %.2f s [%s]. "
                 "Client -> guest with a Windows program: %.2f s against the null agent plus the decode, "
                 "%.2f + %.2f = %.2f s (%.2fx; goal >= 0.67: %s); Wine's clipboard moving the DIB between two "
                 "programs (`clip_bridge.exe offer` of the DIB, paste_probe.exe's CF_DIB) adds %.2f s [%s] that "
                 "the null agent never pays: against the three, %.2f s, the agent is at %.2fx." % (
                     names[key].split(" (")[0], add_w, add_x, 3840 * 2160 * 3 / 2**20,
                     e["seconds"], fmt(e["runs"]), "met" if e["seconds"] <= 0.15 else "not met",
                     e["png_bytes"] / 2**20, t["wine_g2c_" + key], fmt(runs["wine_g2c_" + key]),
                     t["c2g_w" + key], t["null_c2g_" + key], d["decode_seconds"],
                     floor, floor / t["c2g_w" + key], "met" if floor / t["c2g_w" + key] >= 1 / 1.5 else "not met",
                     t["wine_c2g_" + key], fmt(runs["wine_c2g_" + key]), wfloor, wfloor / t["c2g_w" + key]))
port_io = [int(x) for x in os.environ["PORT_IO"].split()]
ahwm, shwm = int(os.environ["agent_hwm"]) / 1024, int(os.environ["svc_hwm"]) / 1024
mem = {k: int(v) / 1024 for k, v in (l.split("=") for l in os.environ["BENCH_MEM"].split())}  # MiB
mib100 = sizes["t100"] / 2**20
lines += ["", "Peak memory after all cases (VmHWM of the Wine processes, largest transfer 100 MiB):",
          "vdagent.exe %.0f MiB (%.2f MiB per MiB transferred), vdservice.exe %.0f MiB (%.3f MiB per MiB)." % (ahwm, ahwm / 100, shwm, shwm / 100),
          "Each direction on its own (the first run's %s case with a Windows program, the peak reset before it; "
          "MiB per MiB = (peak - RSS before) / %.0f MiB of text):" % (names["t100"], mib100), ""]
for d, label in (("c2g", "client -> guest"), ("g2c", "guest -> client")):
    lines.append("- %s: %s" % (label, ", ".join(
        "%s peak %.0f MiB, %.0f MiB before (%.2f MiB per MiB)" % (
            exe, mem["%s_%s_hwm" % (d, who)], mem["%s_%s_rss" % (d, who)],
            (mem["%s_%s_hwm" % (d, who)] - mem["%s_%s_rss" % (d, who)]) / mib100)
        for who, exe in (("agent", "vdagent.exe"), ("svc", "vdservice.exe")))))
lines += ["", "Wine's own clipboard bridge to X, no agent (`bench/windows/clip_bridge.exe`, median of %s runs): "
          "the X program's side of the X-program text cases, which the null-agent floor and the Windows-program "
          "cases do not cross." % os.environ["RUNS"],
          "client -> guest is `xclip -o` of text already on the Windows clipboard; guest -> client is "
          "GetClipboardData(CF_UNICODETEXT) of text `xclip -i` holds. The agent's own share is at most "
          "the case minus the bridge:", ""]
for key in ("t20", "t100"):
    for d, label in (("c2g", "client -> guest"), ("g2c", "guest -> client")):
        k = "%s_%s" % (d, key)
        b = t["bridge_" + k]
        lines.append("- %s %s: bridge %.2f s [%s]; agent %.2f s, so at most %.2f s of it is ours "
                     "(the null agent takes %.2f s)%s" % (
                         label, names[key], b, fmt(runs["bridge_" + k]), t[k], max(t[k] - b, 0.0),
                         t["null_" + k],
                         "; of ours, SetClipboardData of the text alone (Wine hands it to wineserver "
                         "there) takes %.2f s [%s]" % (t["bridge_set_" + key], fmt(runs["bridge_set_" + key]))
                         if d == "c2g" else ""))
lines += ["", "Where the Windows-program text cases' time goes beyond the null agent, from three more floors "
          "measured in the same run (medians of %s runs):" % os.environ["RUNS"], "",
          "- Wine's port: `port_floor_agent.exe` (bench/windows/port_floor_agent.c), the least a Windows agent "
          "in Wine does on the same client, server and port, and nothing else: no service, no pipe, no clipboard "
          "(client -> guest: it requests the text on the client's grab and counts it in memory; guest -> client: "
          "it writes the text framed in advance, in 64 KiB overlapped writes as the service does).",
          "- Wine's clipboard: Windows programs at both ends and no SPICE (`clip_bridge.exe offer` renders the "
          "text from memory on WM_RENDERFORMAT and paste_probe.exe's GetClipboardData is timed; guest -> client: "
          "`clip_bridge.exe get` of the text `put` set).",
          "- Wine's pipe: `pipe_floor.exe` (bench/windows/pipe_floor.c), the service <-> agent named pipe alone "
          "between two Wine processes, created and used as the two use it (byte mode, overlapped, 64 KiB DATA "
          "frames; towards the service gathered into 1 MiB writes and read in 1 MiB reads, towards the agent "
          "64 KiB each), nothing else on the path. Our agent's pieces cross it "
          "while the port moves earlier ones, so it overlaps the port rather than adding to it.",
          "- Wine's port plus Wine's clipboard is the least any Windows agent pays here; what our agent takes "
          "beyond it is its own (the service, the pipe, the agent's work).",
          "- Guest -> client, the agent's time is split at its first byte: before it, the agent reads and converts "
          "the text (its log's \"read and converted in N ms\", against Wine's clipboard alone); after it, the "
          "pieces cross the pipe and the service writes the port (against Wine's port alone).",
          "- The service's port I/O over all the agent's cases, from its own count: %d reads took %.0f MiB "
          "(%.1f KiB each), %d writes gave %.0f MiB (%.1f KiB each; the port floor writes 64 KiB)." % (
              port_io[0], port_io[1] / 2**20, port_io[1] / max(port_io[0], 1) / 1024, port_io[2],
              port_io[3] / 2**20, port_io[3] / max(port_io[2], 1) / 1024), ""]
for key in ("t20", "t100"):
    for d, label in (("c2g", "client -> guest"), ("g2c", "guest -> client")):
        a, n = "%s_%s" % (d, win[key]), "null_%s_%s" % (d, key)
        wk, pk = "wine_%s_%s" % (d, key), "port_%s_%s" % (d, key)
        pp = "pipe_%s_%s" % (d, key)
        best = t[pk] + t[wk]
        split = ""
        if d == "g2c":
            rd = t["read_" + key]
            split = ("; split at its first byte: reading and converting %.2f s [%s] (Wine's clipboard alone "
                     "%.2f s), sending %.2f s (Wine's port alone %.2f s, %.2fx)" % (
                         rd, fmt(runs["read_" + key]), t[wk], t[a] - rd, t[pk], (t[a] - rd) / t[pk]))
        lines.append("- %s %s: agent %.2f s; null agent %.2f s; Wine's port %.2f s [%s] (%.2fx the null agent); "
                     "Wine's clipboard %.2f s [%s]%s; Wine's pipe %.2f s [%s]; port + clipboard %.2f s, so the "
                     "agent's own share is %.2f s (agent / (port + clipboard) = %.2f)%s" % (
                         label, names[key], t[a], t[n], t[pk], fmt(runs[pk]), t[n] / t[pk], t[wk], fmt(runs[wk]),
                         " (of it, the owner's WM_RENDERFORMAT: GlobalAlloc, copy, SetClipboardData %.2f s [%s])"
                         % (t["wine_render_" + key], fmt(runs["wine_render_" + key])) if d == "c2g" else "",
                         t[pp], fmt(runs[pp]), best, round(t[a] - best, 2) + 0.0, t[a] / best, split))
hz = int(os.environ["HZ"])
cpu = {}
for l in os.environ["BENCH_CPU"].split():
    k, v = l.split("=", 1)
    cpu[k] = [(n, int(x) / hz) for n, x in (e.split(":") for e in v.split(",") if e)]
# The client's figure includes the programs it ran (clip_bridge.exe's copy).
busiest = max((e for e in cpu.get("g2c_w100", []) if e[0] != "client"), key=lambda e: e[1], default=("?", 0.0))
u16 = sizes["t100"] and len(open(os.path.join(os.environ["BENCH_WORK"], "text100"), "rb").read().decode("utf-8")) * 2
lines += ["", "Reading (the goals that these figures leave unmet, and why):", "",
          "- Text against the null agent: the null agent pays neither Wine's port nor a clipboard. Wine's port alone "
          "(the floor above) already takes about the null agent's time, and Wine's clipboard alone, moving the UTF-16 "
          "text between two programs through wineserver, adds %.2f-%.2f s; so no Windows agent in Wine can be within "
          "1.5x of the null agent here. What is left for the agent is the \"own share\" lines above." % (
              min(t["wine_c2g_t20"], t["wine_g2c_t20"]), max(t["wine_c2g_t100"], t["wine_g2c_t100"])),
          "- Guest -> client, 100 MiB: reading and converting take %.2f s against Wine's clipboard alone at %.2f s "
          "(the conversion of 100 MiB is about 0.15-0.2 s of it, the rest GetClipboardData); sending takes %.2f s "
          "against Wine's port alone at %.2f s. What the port floor does not do is cross the pipe (%.2f s alone, "
          "overlapped with the port) and frame the text as it goes; its port writes are as large as the floor's "
          "(above), and the busiest process on the path over the case, %s, used %.0f%% of one core (below), so "
          "the time is the hand-offs between the processes that share wineserver and the two cores, not any "
          "one's work. On Windows the pipe is a kernel copy, not two wineserver requests per operation." % (
              t["read_t100"], t["wine_g2c_t100"], t["g2c_w100"] - t["read_t100"], t["port_g2c_t100"],
              t["pipe_g2c_t100"], busiest[0], 100 * busiest[1] / runs["g2c_w100"][0]),
          "- Memory: the Windows clipboard holds text as UTF-16, %.2f MiB per MiB of this text (2 for ASCII), in the "
          "process that sets it (client -> guest: the agent's block, which it now fills as the text arrives and holds "
          "nothing else of size) and again in the process that reads it (guest -> client: GetClipboardData's copy, which "
          "Wine keeps until the clipboard changes, plus the UTF-8 message). So 1.5 MiB per MiB is below what the "
          "clipboard itself needs; the client -> guest growth above is under the block's size because the block reuses "
          "pages the agent already had resident." % (u16 / sizes["t100"]),
          "- Images: see the two lines above (the photo's encoding is zlib's own deflate, already on both cores; "
          "Wine's clipboard moves a 24 MiB DIB in about 0.1 s each way, which the null agent never pays)."]
lines += ["", "Where the time goes (CPU seconds of each process over the first run's 100 MiB text case; "
          "explorer.exe holds Wine's X clipboard bridge, client = the spice-gtk client with the X or Windows programs it ran):", ""]
for d, label in (("c2g", "client -> guest"), ("g2c", "guest -> client")):
    for who, k in (("agent, Windows program", "%s_w100" % d), ("agent, X program", "%s_t100" % d),
                   ("floor", "null_%s_t100" % d)):
        if k in cpu:
            wall = runs[k][0]
            lines.append("- %s, %s (%.2f s wall): %s" % (label, who, wall, ", ".join("%s %.2f" % e for e in cpu[k])))
            if who == "floor":
                na = dict(cpu[k]).get("null-agent", 0.0)
                lines.append("  (the null agent itself: %.0f%% of one core, so it is not the bottleneck)" % (100 * na / wall))
sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "bench"))
from md_section import write_section
write_section(md, "clipboard", lines)
PY
