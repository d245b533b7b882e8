#!/usr/bin/env bash
# Walking skeleton: vdservice installed as a real Windows service in Wine opens
# \\.\Global\com.redhat.spice.0, announces its capabilities and answers the
# client's ANNOUNCE_CAPABILITIES(request=1); the real spice-gtk client sees
# agent-connected and exactly those capabilities.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

# Wine's Event Log is a trace channel: +eventlog shows what the service reports.
export WINEDEBUG=-all,+eventlog
e2e_setup
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"

out=$(rig_client caps) || e2e_fail "client: $out"
echo "client saw: $out"
connected=$(rig_json 'j["agent_connected"]' <<<"$out") || true
caps=$(rig_json '",".join(str(c) for c in sorted(j["caps"]))' <<<"$out")
[ "$connected" = true ] || e2e_fail "client did not see agent-connected"
# Service: GUEST_LINEEND_CRLF (9), MAX_CLIPBOARD (10); agent: MOUSE_STATE (0),
# MONITORS_CONFIG (1), REPLY (2), DISPLAY_CONFIG (4), CLIPBOARD_BY_DEMAND (5),
# CLIPBOARD_SELECTION (6), SPARSE_MONITORS_CONFIG (7), GRAPHICS_DEVICE_INFO (15),
# CLIPBOARD_NO_RELEASE_ON_REGRAB (16), CLIPBOARD_GRAB_SERIAL (17),
# FILE_XFER_DETAILED_ERRORS (14), AUDIO_VOLUME_SYNC (11).
want=0,1,2,4,5,6,7,9,10,11,14,15,16,17
[ "$caps" = "$want" ] || e2e_fail "client saw caps [$caps], expected [$want]"
e2e_pass "agent-connected with caps [$caps]"

log="$E2E_LOG_DIR/vdservice.log"
grep -q "opened .*com.redhat.spice.0" "$log" || e2e_fail "service log lacks the port open"
grep -q "announced capabilities .*request=0" "$log" || e2e_fail "service never answered request=1"
e2e_pass "service log at C:\\ProgramData\\SPICE Agent\\vdservice.log records open and answer"

e2e_stop_service || e2e_fail "net stop spice-agent failed"
rig_wait_agent detached 10 || e2e_fail "port still open after the service stopped"
grep -q "service stopped" "$log" || e2e_fail "service log lacks the stop"
e2e_pass "net stop closes the port"

version=$(tr -d '[:space:]' <"$VDA_SOURCE_DIR/VERSION")
grep -q "ReportEventW L\"SPICE Agent service $version started\"" "$RIG_TMP/service-install.log" \
  || e2e_fail "no Event Log entry for the start"
grep -q 'ReportEventW L"SPICE Agent service stopped (exit code 0)"' "$RIG_TMP/service-install.log" \
  || e2e_fail "no Event Log entry for the stop"
e2e_pass "start and stop reported to the Event Log (source spice-agent)"
