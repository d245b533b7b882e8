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

E2E_WITH_X=1 e2e_setup
sizes=(1287x803 1920x1080 800x600 1600x900)
for m in "${sizes[@]}"; do rig_add_mode "$m"; done
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/bench/display_latency.py" "$RIG_PORT" "$N" "${sizes[@]}" \
  2>>"$RIG_TMP/client.log") || e2e_fail "benchmark client failed: $out"
agent=$(grep -o 'arrival to ChangeDisplaySettingsExW return [0-9.]* ms' \
  "$E2E_LOG_DIR/vdagent.log" | awk '{print $5}' | tail -n "$N" | paste -sd, -)
e2e_stop_service

BENCH_JSON=$out /usr/bin/python3 - "$md" "$N" "$agent" <<'PY'
import json, os, platform, statistics, subprocess, sys, time
md, n, agent = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = json.loads(os.environ["BENCH_JSON"])
agent = [float(v) for v in agent.split(",") if v]
def pct(v, p):
    v = sorted(v); k = max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))
    return v[k]
rows = [("MONITORS_CONFIG arrival in the agent -> ChangeDisplaySettingsExW returns", agent),
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
lines += ["",
          "Reading: the end-to-end figure can be below the agent's because Wine changes the X",
          "screen inside ChangeDisplaySettingsExW and then keeps working before it returns",
          "(re-reading the mode list, notifying windows); the agent's figure also includes",
          "enumerating the displays and planning. The baseline is the X server's own cost."]
sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "bench"))
from md_section import write_section
write_section(md, "display", lines)
PY
