#!/usr/bin/env bash
# The service supervises the session agent and survives the host:
#  - relaunch: vdagent.exe killed 20 times in a row comes back every time, and
#    the real client sees the agent return each time;
#  - host restart: the host program restarts (port closed, then a new one
#    appears) and the service reconnects without restarting itself;
#  - stop: `net stop spice-agent` stops both processes within 5 s.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

e2e_setup
log="$E2E_LOG_DIR/vdservice.log"
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
e2e_client_sees_agent || e2e_fail "client does not see the agent"

# --- relaunch -----------------------------------------------------------------
for i in $(seq 1 20); do
  pids=$(e2e_wine_pids vdagent.exe)
  [ -n "$pids" ] || e2e_fail "round $i: no vdagent.exe running"
  attached=$(e2e_count '^AGENT attached' "$RIG_HOST_OUT")
  kill -KILL $pids
  e2e_wait_count '^AGENT attached' "$RIG_HOST_OUT" $((attached + 1)) 20 \
    || e2e_fail "round $i: the agent did not come back"
  e2e_client_sees_agent || e2e_fail "round $i: client does not see the agent"
done
launches=$(e2e_count 'started agent pid' "$log")
[ "$launches" -eq 21 ] || e2e_fail "expected 21 agent launches, log has $launches"
e2e_pass "vdagent.exe killed 20 times: relaunched every time, client saw it return ($launches launches)"

# --- host restart -------------------------------------------------------------
service_pids=$(e2e_wine_pids vdservice.exe)
rig_stop_host
rig_start_host || e2e_fail "cannot restart spice-host"
rig_wait_agent attached 30 || e2e_fail "the service did not reopen the port of the new host"
e2e_client_sees_agent || e2e_fail "client does not see the agent after the host restart"
[ "$(e2e_wine_pids vdservice.exe)" = "$service_pids" ] || e2e_fail "the service restarted"
[ "$(e2e_count 'service started' "$log")" -eq 1 ] || e2e_fail "the service restarted"
e2e_pass "host restarted: the same service (pid $service_pids) reconnected"

# --- stop ---------------------------------------------------------------------
start=$(date +%s%N)
e2e_stop_service || e2e_fail "net stop spice-agent failed"
rig_wait_for '[ -z "$(e2e_wine_pids vdservice.exe)$(e2e_wine_pids vdagent.exe)" ]' 5 \
  "vdservice.exe and vdagent.exe to exit" || e2e_fail "processes left after net stop"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -le 5000 ] || e2e_fail "stop took $ms ms"
grep -q "service stopped" "$log" || e2e_fail "service log lacks the stop"
e2e_pass "net stop: service and agent gone in $ms ms"
