#!/usr/bin/env bash
# Resolution follows the client, end to end: real client -> real server ->
# agent in Wine -> Xorg dummy driver (the test adds modes, as a driver would).
#  - resizes 1287x803, 1920x1080, 800x600: xrandr shows each within 2 s of
#    the REPLY, each REPLY SUCCESS;
#  - a mode the X server lacks gets the largest mode that fits, REPLY ERROR;
#  - a burst of 50 configs within 1 s ends at the last one, every config
#    answered;
#  - mouse positions written as MOUSE_STATE land on the exact pixel.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
command -v xdotool >/dev/null || e2e_fail "xdotool missing: run scripts/bootstrap.sh"

E2E_WITH_X=1 e2e_setup
for m in 1287x803 1920x1080 800x600 1600x900 1024x768; do rig_add_mode "$m"; done
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"

# --- resizes ------------------------------------------------------------------
for size in 1287x803 1920x1080 800x600; do
  out=$(rig_client monitors --size "$size") || e2e_fail "client: $out"
  success=$(rig_json 'j["reply"]["success"]' <<<"$out" || true)
  [ "$success" = true ] || e2e_fail "$size: REPLY not SUCCESS: $out"
  rig_wait_for "[ \"\$(rig_screen_size)\" = $size ]" 2 "xrandr to show $size" \
    || e2e_fail "$size: xrandr shows $(rig_screen_size)"
  e2e_pass "$size: REPLY SUCCESS, xrandr shows $(rig_screen_size)"
done

# --- missing mode -------------------------------------------------------------
out=$(rig_client monitors --size 1700x950) || e2e_fail "client: $out"
success=$(rig_json 'j["reply"]["success"]' <<<"$out" || true)
[ "$success" = false ] || e2e_fail "1700x950 (no such mode): expected REPLY ERROR, got $out"
got=$(rig_screen_size)
w=${got%x*}; h=${got#*x}
[ "$w" -le 1700 ] && [ "$h" -le 950 ] && [ "$got" != 800x600 ] \
  || e2e_fail "1700x950: fallback should be the largest mode that fits, got $got"
e2e_pass "1700x950 (missing): largest mode that fits applied ($got), REPLY ERROR"

# --- burst --------------------------------------------------------------------
out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/display_burst.py" "$RIG_PORT" 1600x900 \
  2>>"$RIG_TMP/client.log") || e2e_fail "burst client failed: $out"
echo "burst: $out"
[ "$(rig_json 'j["replies"] >= 50' <<<"$out" || true)" = true ] || e2e_fail "burst: REPLYs missing"
[ "$(rig_json 'j["send_seconds"] <= 1.0' <<<"$out" || true)" = true ] || e2e_fail "burst not within 1 s"
[ "$(rig_json 'j["last_success"]' <<<"$out" || true)" = true ] || e2e_fail "burst: last REPLY not SUCCESS"
rig_wait_for '[ "$(rig_screen_size)" = 1600x900 ]' 2 "the burst's last size" \
  || e2e_fail "burst ended at $(rig_screen_size), not 1600x900"
applied=$(e2e_count 'monitors config applied' "$E2E_LOG_DIR/vdagent.log")
e2e_pass "burst of 50 within 1 s ends at 1600x900 ($applied configs applied in all)"

# --- mouse --------------------------------------------------------------------
for xy in "300 200" "1599 899" "0 0" "777 444"; do
  set -- $xy
  rig_inject_mouse "$1" "$2" 0 || e2e_fail "inject failed"
  rig_wait_for "xdotool getmouselocation | grep -q '^x:$1 y:$2 '" 2 "pointer at $1,$2" \
    || e2e_fail "pointer at $(xdotool getmouselocation), expected $1,$2"
done
e2e_pass "MOUSE_STATE positions land on the exact pixel (300,200 1599,899 0,0 777,444)"

# Buttons and wheel: a Windows test window covering the screen records what
# it receives (under Wine, injected clicks reach Windows windows, not bare
# X). MOUSE_STATE bits: L=1<<1 M=1<<2 R=1<<3, wheel up 1<<4, down 1<<5,
# side 1<<6, extra 1<<7.
cp "$VDA_CLICK_PROBE" "$WINEPREFIX/drive_c/click_probe.exe"
wine 'C:\click_probe.exe' 'C:\clicks.txt' 60 >>"$RIG_WINE_LOG" 2>&1 &
rig_track $! click_probe
clicks="$WINEPREFIX/drive_c/clicks.txt"
rig_wait_for "grep -q ready '$clicks'" 20 "the click probe window" || e2e_fail "click probe did not start"
sleep 0.5
for bits in 2 4 8 64 128 16 32; do
  rig_inject_mouse 400 300 "$bits" || e2e_fail "inject failed"
  rig_inject_mouse 400 300 0 || e2e_fail "inject failed"
done
for ev in "down L" "up L" "down M" "up M" "down R" "up R" "down X1" "up X1" "down X2" "up X2"; do
  rig_wait_for "grep -q '^$ev 400 300' '$clicks'" 3 "$ev at 400,300" \
    || e2e_fail "the window never got '$ev' at 400,300: $(tr '\n' ';' <"$clicks")"
done
rig_wait_for "grep -q '^wheel +1 400 300' '$clicks' && grep -q '^wheel -1 400 300' '$clicks'" 3 \
  "wheel up and down" || e2e_fail "wheel events missing: $(tr '\n' ';' <"$clicks")"
e2e_pass "buttons L, M, R, side, extra and both wheel directions land at 400,300 in a Windows window"
e2e_stop_service
