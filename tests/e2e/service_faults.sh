#!/usr/bin/env bash
# Faults the service must contain:
#  - crash loop: an agent that exits at start is relaunched with backoff
#    (0.5 s doubling to 30 s), never in a hot loop, and the port stays closed
#    so the host never sees an agent that cannot inject input;
#  - hang: an agent that stops answering heartbeats is killed and relaunched;
#  - IPC: a foreign process can neither open, squat nor wait for the pipe.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

e2e_setup
log="$E2E_LOG_DIR/vdservice.log"

# --- crash loop ---------------------------------------------------------------
e2e_set_test_mode exit-at-start
e2e_install_service
sleep 30
launches=$(e2e_count 'started agent pid' "$log")
echo "crash loop: $launches launches in 30 s"
grep -o 'relaunching in [0-9]* ms' "$log" | head -n 8
[ "$launches" -ge 4 ] && [ "$launches" -le 8 ] \
  || e2e_fail "expected 4..8 launches in 30 s of crash loop (backoff), got $launches"
for d in 500 1000 2000 4000 8000; do
  grep -q "before it was ready; relaunching in $d ms" "$log" || e2e_fail "no backoff step of $d ms"
done
[ "$(e2e_count '^AGENT attached' "$RIG_HOST_OUT")" -eq 0 ] \
  || e2e_fail "the port was opened although no agent was ever ready"
e2e_pass "crash loop: $launches launches in 30 s, backoff 0.5-1-2-4-8 s, port kept closed"

# --- hang ---------------------------------------------------------------------
e2e_stop_service
e2e_set_test_mode hang
e2e_install_service
rig_wait_agent attached 30 || e2e_fail "the hanging agent's hello did not open the port"
e2e_wait_count 'missed heartbeats' "$log" 1 30 || e2e_fail "the hung agent was not detected"
rig_wait_agent detached 5 || e2e_fail "the port stayed open with a hung agent"
before=$(e2e_count 'started agent pid' "$log")
e2e_wait_count 'started agent pid' "$log" $((before + 1)) 10 || e2e_fail "no relaunch after the hang"
e2e_pass "hung agent killed after missed heartbeats, port released, agent relaunched"

# --- IPC ----------------------------------------------------------------------
e2e_stop_service
e2e_set_test_mode ""
e2e_install_service
rig_wait_agent attached 30 || e2e_fail "agent not ready"
pipe=$(grep -o 'agent pipe .*' "$log" | tail -n 1 | cut -d' ' -f3 | tr -d '\r')
[ -n "$pipe" ] || e2e_fail "no pipe name in the log"
cp "$VDA_IPC_INTRUDER" "$RIG_TMP/prefix/drive_c/ipc_intruder.exe"
out=$(wine 'C:\ipc_intruder.exe' "$pipe" 2>&1) || e2e_fail "intruder got in: $out"
echo "$out"
grep -q "ALL REFUSED" <<<"$out" || e2e_fail "intruder: $out"
e2e_client_sees_agent || e2e_fail "the agent suffered from the intrusion attempt"
e2e_pass "foreign process refused: open, write, squat and wait on $pipe"
e2e_stop_service
