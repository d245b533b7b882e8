#!/usr/bin/env bash
# Honest replies after the mode was changed outside the agent (issue 14,
# item 6), and the WDDM routes as far as Wine has them.
#  - three rounds of: MONITORS_CONFIG 1287x803 -> SUCCESS and xrandr shows
#    it; `xrandr -s 2048x1536` outside the agent (a user in Display
#    Settings); the same MONITORS_CONFIG again -> SUCCESS *and* xrandr shows
#    1287x803 again within 2 s (the reply follows what the screen shows).
#    Probe: a fresh Windows process (display_probe.exe) sees the outside
#    change once Wine's desktop has processed the RandR event; the agent,
#    which set the mode itself, is still told the old one by
#    EnumDisplaySettingsEx (Wine 8) and reads the monitor rectangle instead -
#    its log says so.
#  - CCD: Wine's QueryDisplayConfig works, its SetDisplayConfig answers
#    success and changes nothing: the agent reads back, says so once, and
#    uses ChangeDisplaySettingsEx (the fallback chain, for real).
#  - A size the driver does not list: the custom-mode escape is tried through
#    D3DKMTEscape (Wine answers STATUS_NO_MEMORY), refused, remembered for the
#    adapter (logged once for two requests), nearest listed mode, REPLY ERROR.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
[ -n "${VDA_DISPLAY_PROBE:-}" ] || e2e_fail "VDA_DISPLAY_PROBE is not set (run through ctest)"

E2E_WITH_X=1 e2e_setup
for m in 1287x803 1600x900; do rig_add_mode "$m"; done
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
cp "$VDA_DISPLAY_PROBE" "$WINEPREFIX/drive_c/display_probe.exe"
probe() { timeout 30 wine 'C:\display_probe.exe' 2>>"$RIG_WINE_LOG" | tr -d '\r'; }

send() { # send SIZE EXPECT(true|false)
  local out success
  out=$(rig_client monitors --size "$1") || e2e_fail "client: $out"
  success=$(rig_json 'j["reply"]["success"]' <<<"$out" || true)
  [ "$success" = "$2" ] || e2e_fail "$1: REPLY success=$success, expected $2: $out"
}

for round in 1 2 3; do
  send 1287x803 true
  rig_wait_for '[ "$(rig_screen_size)" = 1287x803 ]' 2 "xrandr to show 1287x803" \
    || e2e_fail "round $round: xrandr shows $(rig_screen_size) after SUCCESS"
  xrandr -s 2048x1536
  [ "$(rig_screen_size)" = 2048x1536 ] || e2e_fail "xrandr -s 2048x1536 did not apply"
  rig_wait_for 'probe | grep -q "monitor 2048x1536"' 10 "Wine to see the outside change" \
    || e2e_fail "round $round: Wine never reported the outside change: $(probe)"
  seen=$(probe)
  send 1287x803 true
  rig_wait_for '[ "$(rig_screen_size)" = 1287x803 ]' 2 "xrandr back at 1287x803" \
    || e2e_fail "round $round: REPLY SUCCESS but xrandr shows $(rig_screen_size)"
  e2e_pass "round $round: changed outside to 2048x1536 (a fresh process sees '$seen'), the same config again: SUCCESS and xrandr shows 1287x803"
done
log="$E2E_LOG_DIR/vdagent.log"
[ "$(e2e_count 'is not what the monitor shows' "$log")" -ge 1 ] \
  || e2e_fail "the agent never noticed its stale mode report: $(grep -i monitor "$log" | tail -3)"
e2e_pass "Wine tells the agent its own last mode after the outside change; the monitor rectangle is what it trusts (logged)"

n=$(e2e_count 'SetDisplayConfig answered success but the layout read back is unchanged' "$log")
[ "$n" = 1 ] || e2e_fail "CCD fallback: expected the SetDisplayConfig line once, got $n"
e2e_pass "CCD: SetDisplayConfig tried, read back unchanged (Wine 8), said once, ChangeDisplaySettingsEx used"

# --- a size no mode has: escape refused once per adapter, nearest mode -------
for i in 1 2; do
  send 1700x950 false
  [ "$(rig_screen_size)" = 1600x900 ] || e2e_fail "1700x950: expected 1600x900, got $(rig_screen_size)"
done
n=$(e2e_count 'refuses the custom-mode escape' "$log")
[ "$n" = 1 ] || e2e_fail "escape: expected one 'refuses' line for two requests, got $n"
grep 'refuses the custom-mode escape' "$log" | grep -q 'STATUS_NO_MEMORY' \
  || e2e_fail "the refusal does not name Wine's status: $(grep refuses "$log")"
e2e_pass "1700x950 twice: D3DKMTEscape refused (STATUS_NO_MEMORY) and logged once, 1600x900 applied, REPLY ERROR"
e2e_stop_service
