#!/usr/bin/env bash
# Faults on the host side of the port (issue 13), none of which may leave a
# zombie, a stuck clipboard or a deaf agent:
#  - the host program (spice-host) killed in the middle of a message it was
#    writing, and started again, 100 times;
#  - the port vanishing while the agent is busy rendering a paste (hot-unplug:
#    the pty and its link gone), and coming back.
# After each: one vdagent.exe (the same one), one vdservice.exe, clipboard
# text both ways through the real client.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
for tool in xclip socat; do
  command -v "$tool" >/dev/null || e2e_fail "$tool missing: run scripts/bootstrap.sh"
done
fpy() { /usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/faults.py" "$RIG_PORT" "$@" 2>>"$RIG_TMP/client.log"; }

E2E_WITH_X=1 e2e_setup
rig_add_mode 1024x768
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
slog="$E2E_LOG_DIR/vdservice.log"
agent=$(e2e_wine_pids vdagent.exe)

# healthy LABEL: no zombie, the same agent, clipboard both ways.
healthy() {
  local a s out
  a=$(e2e_wine_pids vdagent.exe | wc -l)
  s=$(e2e_wine_pids vdservice.exe | wc -l)
  [ "$a" -eq 1 ] && [ "$s" -eq 1 ] || e2e_fail "$1: $a vdagent.exe and $s vdservice.exe running"
  [ "$(e2e_wine_pids vdagent.exe)" = "$agent" ] || e2e_fail "$1: the agent was restarted"
  out=$(fpy clip-check "$1") || { echo "$out"; e2e_fail "$1: clipboard broken afterwards"; }
}
healthy "start"

# --- the host killed mid-message, 100 times -----------------------------------
# A chunk header announcing 28 bytes (a CLIPBOARD_GRAB message header and 8
# bytes of body), of which only 22 arrive before the host dies.
partial='\x01\x00\x00\x00\x1c\x00\x00\x00\x01\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00\x00'
opened0=$(e2e_count 'vds_port_try_open: opened' "$slog")
framing0=$(e2e_count 'framing error' "$slog")
t0=$(date +%s%N)
for i in $(seq 1 100); do
  rig_wait_agent attached 15 || e2e_fail "restart $i: the service did not reopen the port"
  # shellcheck disable=SC2059
  printf "$partial" | timeout 5 socat -u - "UNIX-CONNECT:$RIG_INJECT" \
    || e2e_fail "restart $i: cannot inject"
  sleep 0.05
  kill -KILL "$RIG_HOST_PID"
  wait "$RIG_HOST_PID" 2>/dev/null || true
  rig_start_host >/dev/null 2>&1 || e2e_fail "restart $i: spice-host did not start"
done
rig_wait_agent attached 15 || e2e_fail "the port was not reopened after the last restart"
secs=$(( ($(date +%s%N) - t0) / 1000000 ))
opened=$(( $(e2e_count 'vds_port_try_open: opened' "$slog") - opened0 ))
[ "$opened" -ge 100 ] || e2e_fail "the port was reopened $opened times for 100 host restarts"
healthy "after 100 host restarts"
framing=$(( $(e2e_count 'framing error' "$slog") - framing0 ))
e2e_pass "host killed mid-message 100 times in $secs ms: port reopened $opened times ($framing resyncs), same agent, clipboard both ways"

# --- hot-unplug while the agent renders a paste ----------------------------------
fpy hold 40 >/dev/null &
holder=$!
rig_track "$holder" holding-client
sleep 2
xclip -o -selection clipboard >/dev/null 2>&1 &
paste=$!
rig_track "$paste" paste
sleep 1
rig_alive "$paste" || e2e_fail "the paste did not wait for the client's data"
t0=$(date +%s%N)
kill -KILL "$RIG_HOST_PID"
wait "$RIG_HOST_PID" 2>/dev/null || true
rm -f "$RIG_LINK" # the device is gone, not merely closed
rig_wait_for "! rig_alive $paste" 5 "the paste to end after the port vanished" \
  || e2e_fail "a paste stayed blocked > 5 s after the port vanished"
paste_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill "$holder" 2>/dev/null || true
sleep 3 # the service retries with backoff while the device is absent
[ "$(e2e_wine_pids vdservice.exe | wc -l)" -eq 1 ] || e2e_fail "the service died without its port"
rig_start_host || e2e_fail "spice-host did not start again"
rig_wait_agent attached 15 || e2e_fail "the port was not reopened when the device came back"
healthy "after hot-unplug"
e2e_pass "port vanished during a paste (paste ended after $paste_ms ms) and came back: same agent, clipboard both ways"
e2e_stop_service || e2e_fail "net stop failed"
e2e_pass "service stopped cleanly"
