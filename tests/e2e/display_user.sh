#!/usr/bin/env bash
# The user's say over the resolution (issue 14, item 7), end to end:
#  - HKCU\Software\SPICE Agent\FollowClientWindow=0: a MONITORS_CONFIG is
#    answered ERROR and the X screen stays; clipboard text still goes both
#    ways; set back to 1, the next config applies (read at every config, no
#    restart);
#  - `vdagent --resolution WxH` run by hand beside the running agent changes
#    the X screen (exit 0, "applied"); a size no mode has gets the nearest
#    mode (exit 2); bad text is refused (exit 1) and nothing changes.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

E2E_WITH_X=1 e2e_setup
for m in 1287x803 1600x900 1024x768; do rig_add_mode "$m"; done
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"

send() { # send SIZE EXPECT(true|false)
  local out success
  out=$(rig_client monitors --size "$1") || e2e_fail "client: $out"
  success=$(rig_json 'j["reply"]["success"]' <<<"$out" || true)
  [ "$success" = "$2" ] || e2e_fail "$1: REPLY success=$success, expected $2: $out"
}
follow() {
  e2e_reg add 'HKCU\Software\SPICE Agent' /v FollowClientWindow /t REG_DWORD /d "$1" /f
}

send 1287x803 true
rig_wait_for '[ "$(rig_screen_size)" = 1287x803 ]' 2 "1287x803" || e2e_fail "xrandr shows $(rig_screen_size)"

# --- FollowClientWindow=0 ------------------------------------------------------
follow 0
send 1600x900 false
sleep 2 # give a wrong resize every chance to show
[ "$(rig_screen_size)" = 1287x803 ] || e2e_fail "FollowClientWindow=0 but xrandr shows $(rig_screen_size)"
grep -q 'the user turned off FollowClientWindow' "$E2E_LOG_DIR/vdagent.log" \
  || e2e_fail "the agent did not say why it ignored the config"
printf 'clipboard while not following' >"$RIG_TMP/clip-case"
out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_text.py" "$RIG_PORT" "$RIG_TMP/clip-case" \
  2>>"$RIG_TMP/client.log") || { echo "$out"; e2e_fail "clipboard broken while not following"; }
[ "$(grep -c '"ok": true' <<<"$out")" -eq 2 ] || e2e_fail "clipboard both ways expected: $out"
e2e_pass "FollowClientWindow=0: 1600x900 answered ERROR, screen stays 1287x803, clipboard both ways works"

follow 1
send 1600x900 true
rig_wait_for '[ "$(rig_screen_size)" = 1600x900 ]' 2 "1600x900" || e2e_fail "xrandr shows $(rig_screen_size)"
e2e_pass "FollowClientWindow=1 again: the next config applies (1600x900) without a restart"

# --- vdagent --resolution --------------------------------------------------------
by_hand() { # by_hand SPEC -> prints output, returns vdagent's exit code
  timeout 60 wine "$E2E_INSTALL_WIN\\vdagent.exe" --resolution "$1" 2>>"$RIG_WINE_LOG" | tr -d '\r'
  return "${PIPESTATUS[0]}"
}
rc=0; out=$(by_hand 1024x768) || rc=$?
[ "$rc" = 0 ] || e2e_fail "--resolution 1024x768: exit $rc: $out"
grep -q 'resolution 1024x768: applied' <<<"$out" || e2e_fail "--resolution 1024x768 said: $out"
rig_wait_for '[ "$(rig_screen_size)" = 1024x768 ]' 2 "1024x768" || e2e_fail "xrandr shows $(rig_screen_size)"
e2e_pass "vdagent --resolution 1024x768: exit 0, '$out', xrandr shows 1024x768"

rc=0; out=$(by_hand 1700x950) || rc=$?
[ "$rc" = 2 ] || e2e_fail "--resolution 1700x950: expected exit 2, got $rc: $out"
[ "$(rig_screen_size)" = 1600x900 ] || e2e_fail "1700x950 by hand: xrandr shows $(rig_screen_size)"
e2e_pass "vdagent --resolution 1700x950 (no such mode): exit 2, '$out'"

rc=0; out=$(by_hand 12x) || rc=$?
[ "$rc" = 1 ] || e2e_fail "--resolution 12x: expected exit 1, got $rc: $out"
grep -q 'refused' <<<"$out" || e2e_fail "--resolution 12x said: $out"
[ "$(rig_screen_size)" = 1600x900 ] || e2e_fail "a refused --resolution changed the screen"
e2e_pass "vdagent --resolution 12x: exit 1, '$out', screen unchanged"
e2e_stop_service
