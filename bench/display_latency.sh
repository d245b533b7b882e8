#!/usr/bin/env bash
# Resize latency benchmark (issue: vdagent display). Runs the real stack in
# a throwaway prefix (like the e2e tests) and writes p50/p95 to the
# "display" section of docs/BENCHMARKS.md. Run through ctest in the win64
# tree: ctest --test-dir build/win64 -L bench
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
N=${VDA_BENCH_RESIZES:-40}
md=${1:-$VDA_SOURCE_DIR/docs/BENCHMARKS.md}

# No display channel: its screen grabber would share the 2 cores with the mode
# change, and the floor below runs without a client; this is about the agent.
E2E_WITH_X=1 e2e_setup --no-display
sizes=(1287x803 1920x1080 800x600 1600x900)
for m in "${sizes[@]}"; do rig_add_mode "$m"; done
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/bench/display_latency.py" "$RIG_PORT" "$N" "${sizes[@]}" \
  2>>"$RIG_TMP/client.log") || e2e_fail "benchmark client failed: $out"
# The agent's line per resize: the whole figure, then what each kind of call
# took ("apply X ms: enumerate 1x A ms, ..., commit 1x B ms, read back 1x C ms").
agent_lines=$(grep 'arrival to ChangeDisplaySettingsExW return' "$E2E_LOG_DIR/vdagent.log" \
  | tail -n "$N")
[ -n "$agent_lines" ] || e2e_fail "the agent logged no resize timings"
e2e_stop_service
# The floor: the same mode changes made by a bare ChangeDisplaySettingsExW in
# a plain Wine process (no agent running), what Wine itself costs.
[ -n "${VDA_RESIZE_PROBE:-}" ] && [ -f "$VDA_RESIZE_PROBE" ] \
  || e2e_fail "VDA_RESIZE_PROBE is not set or missing (build the win64 tree)"
cp "$VDA_RESIZE_PROBE" "$WINEPREFIX/drive_c/resize_probe.exe"
timeout 300 wine 'C:\resize_probe.exe' cds "$N" "${sizes[0]}" "${sizes[3]}" \
  >"$RIG_TMP/probe-cds.out" 2>&1 </dev/null || e2e_fail "resize_probe cds failed: $(tail -n 3 "$RIG_TMP/probe-cds.out")"
floor=$(tr -d '\r' <"$RIG_TMP/probe-cds.out" | awk 'NF == 3 && $1 ~ /^[0-9]+$/ {print $3}' | paste -sd, -)
[ -n "$floor" ] || e2e_fail "resize_probe cds printed no timings: $(head -c 300 "$RIG_TMP/probe-cds.out")"

BENCH_JSON=$out AGENT_LINES=$agent_lines /usr/bin/python3 - "$md" "$N" "$floor" <<'PY'
import json, os, platform, re, statistics, subprocess, sys, time
md, n, floor = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = json.loads(os.environ["BENCH_JSON"])
floor = [float(v) for v in floor.split(",") if v]
agent, commit, own, enum, readback = [], [], [], [], []
for line in os.environ["AGENT_LINES"].splitlines():
    m = re.search(r"return ([0-9.]+) ms", line)
    if not m:
        continue
    whole = float(m.group(1))
    calls = {k: float(v) for k, v in re.findall(r"([A-Za-z_ ]+) [0-9]+x ([0-9.]+) ms", line)}
    calls = {k.strip(): v for k, v in calls.items()}
    if "commit" not in calls:
        continue  # nothing changed: no mode change to time
    agent.append(whole)
    commit.append(calls["commit"])
    own.append(whole - calls["commit"])
    enum.append(calls.get("enumerate", 0.0))
    readback.append(calls.get("read back", 0.0))
if not agent or not floor:
    raise SystemExit("no agent or floor timings")
def pct(v, p):
    v = sorted(v); k = max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))
    return v[k]
rows = [("MONITORS_CONFIG arrival in the agent -> ChangeDisplaySettingsExW returns", agent),
        ("- of which Wine's commit, ChangeDisplaySettingsExW(NULL) (the X screen changes inside it)", commit),
        ("- of which the agent's own work (the rest: enumerate, plan, stage, read back)", own),
        ("-- enumerate before planning (kept mode lists)", enum),
        ("-- read back after the commit (current modes only)", readback),
        ("floor: a bare ChangeDisplaySettingsExW in a plain Wine process, no agent (resize_probe cds)", floor),
        ("client send_monitor_config -> xrandr shows the size (end to end)", d["e2e_ms"]),
        ("baseline: xrandr -s -> xrandr shows the size (X server alone)", d["baseline_ms"])]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
wine = subprocess.run(["wine", "--version"], capture_output=True, text=True).stdout.strip()
lines = [
         "## Resolution: resize latency",
         "",
         "Written by `bench/display_latency.sh` (do not edit by hand).",
         "",
         "- Date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
         "- CPU: %s (2 cores shared with the whole rig)" % cpu,
         "- Stack: spice-gtk client -> libspice-server -> pty -> vdservice -> vdagent -> %s -> Xorg dummy" % wine,
         "- %d resizes cycling 1287x803, 1920x1080, 800x600, 1600x900" % n,
         "",
         "| Interval | samples | p50 (ms) | p95 (ms) | max (ms) |",
         "|---|---:|---:|---:|---:|"]
for name, v in rows:
    if v:
        lines.append("| %s | %d | %.1f | %.1f | %.1f |" % (name, len(v), pct(v, 50), pct(v, 95), max(v)))
    else:
        lines.append("| %s | 0 | - | - | - |" % name)
p50 = lambda v: pct(v, 50)
e2e_x = p50(d["e2e_ms"]) / p50(d["baseline_ms"])
lines += ["",
          "Reading: the end-to-end figure is below the agent's because Wine changes the X screen",
          "inside ChangeDisplaySettingsExW and then keeps working before it returns (re-reading the",
          "modes into its registry cache, notifying windows). The agent's figure is Wine's commit",
          "plus the agent's own calls; the floor is the same commit with no agent; the baseline is",
          "the X server's own cost. The enumeration before planning reuses the mode lists kept from",
          "the previous one (display_win.h: listing 48 modes is one Wine server round trip each,",
          "5 to 11 ms); the read-back asks only for the current modes.",
          "",
          "Goals (issue 12):",
          "- arrival -> mode applied p50 <= 50 ms: %s (%.1f ms). Wine's bare ChangeDisplaySettingsExW"
          % ("met" if p50(agent) <= 50 else "not met", p50(agent)),
          "  alone takes %.1f ms here, so no agent can meet it under Wine; the agent's own share is"
          % p50(floor),
          "  %.1f ms (enumerate %.1f ms, read back %.1f ms)." % (p50(own), p50(enum), p50(readback)),
          "- client send -> X screen changed within 2x of xrandr alone: %s (%.2fx). What is not the X"
          % ("met" if e2e_x <= 2 else "not met", e2e_x),
          "  server is the transport and Wine's work inside ChangeDisplaySettingsExW before it sets",
          "  the X mode; the agent's part before that call is the enumeration above."]
sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "bench"))
from md_section import write_section
write_section(md, "display", lines)
PY
