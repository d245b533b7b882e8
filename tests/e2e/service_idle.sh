#!/usr/bin/env bash
# Idle cost: 60 s with the agent connected and nothing happening must cost the
# service and the agent about 0 CPU. Prints the CPU seconds measured.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

e2e_setup
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
e2e_client_sees_agent || e2e_fail "client does not see the agent"
sleep 2
svc=$(e2e_wine_pids vdservice.exe)
agt=$(e2e_wine_pids vdagent.exe)
[ -n "$svc" ] && [ -n "$agt" ] || e2e_fail "processes not found"
hz=$(getconf CLK_TCK)
s0=$(e2e_cpu_ticks "$svc"); a0=$(e2e_cpu_ticks "$agt")
sleep 60
s1=$(e2e_cpu_ticks "$svc"); a1=$(e2e_cpu_ticks "$agt")
svc_s=$(awk -v t=$((s1 - s0)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
agt_s=$(awk -v t=$((a1 - a0)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
echo "idle 60 s: vdservice.exe ${svc_s} s CPU, vdagent.exe ${agt_s} s CPU"
[ $((s1 - s0 + a1 - a0)) -le $((hz / 2)) ] || e2e_fail "idle CPU too high: ${svc_s} s + ${agt_s} s"
e2e_pass "idle: ${svc_s} s + ${agt_s} s CPU in 60 s"
e2e_stop_service
