#!/usr/bin/env bash
# A 1 GiB file through the real client and server into Downloads, byte-exact,
# with memory flat (both processes under 64 MiB), while the display keeps
# following the client: 7 resizes sent during the transfer are all applied
# before it ends. Their latency against idle is a figure of the benchmark
# (bench/xfer_bench.sh), not a timed assertion here. The service's reads of
# the port gather: on the pty one read() returns at most the tty's 4 KiB,
# and the service's reads must average over 3 times that (one ReadFile takes
# many, ending at a pause), or every 4 KiB costs Wine's round trips.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

E2E_WITH_X=1 e2e_setup
for m in 1287x803 1600x900; do rig_add_mode "$m"; done
e2e_xfer_downloads
big=$RIG_TMP/one-gib.bin
head -c $((1024 * 1024 * 1024)) /dev/urandom >"$big"
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/file_xfer.py" "$RIG_PORT" resize-during \
  "$E2E_DOWNLOADS" "$big" 1287x803 1600x900 2>>"$RIG_TMP/client.log") \
  || { echo "$out"; e2e_fail "1 GiB transfer or resize during it"; }
echo "$out"
agent=$(e2e_wine_pids vdagent.exe); svc=$(e2e_wine_pids vdservice.exe)
ahwm=$(( $(awk '/VmHWM/ {print $2}' "/proc/$agent/status") / 1024 ))
shwm=$(( $(awk '/VmHWM/ {print $2}' "/proc/$svc/status") / 1024 ))
[ "$ahwm" -lt 64 ] && [ "$shwm" -lt 64 ] || e2e_fail "peak memory vdagent $ahwm MiB, vdservice $shwm MiB (limit 64)"
e2e_xfer_no_partial || e2e_fail "a temporary file was left"
e2e_pass "1 GiB byte-exact; 7 resizes applied during it (p50 $(rig_json '"%s ms, idle %s ms" % (j["during_p50_ms"], j["idle_p50_ms"])' <<<"$out")); peak vdagent $ahwm MiB, vdservice $shwm MiB"
e2e_stop_service
read -r reads bytes _ <<<"$(e2e_port_io)" || true
[ -n "${bytes:-}" ] || e2e_fail "the service logged no read figures when it closed the port"
per=$((bytes / (reads > 0 ? reads : 1)))
[ "$per" -ge $((12 * 1024)) ] || e2e_fail "port reads average $per bytes ($reads reads): they do not gather"
e2e_pass "port reads: $reads for $((bytes / 1048576)) MiB, $((per / 1024)) KiB each on average"
