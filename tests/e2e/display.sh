#!/usr/bin/env bash
# Resolution follows the client, end to end: real client -> real server ->
# agent in Wine -> Xorg dummy driver (the test adds modes, as a driver would).
#  - resizes 1287x803, 1920x1080, 800x600: xrandr shows each within 2 s of
#    the REPLY, each REPLY SUCCESS, and the client's display channel surface
#    follows (spice-host offers the X screen as a SPICE display);
#  - the client's display matches the X screen pixel for pixel (lossless);
#  - a mode the X server lacks gets the largest mode that fits, REPLY ERROR;
#  - a burst of 50 configs within 1 s ends at the last one, every config
#    answered;
#  - the mouse through the client's inputs channel (client-mouse mode: the
#    server turns it into MOUSE_STATE): positions exact to the pixel, buttons
#    and wheel reach a Windows window at the right place;
#  - spice-host --no-display offers no display even with an X display around.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
command -v xdotool >/dev/null || e2e_fail "xdotool missing: run scripts/bootstrap.sh"
command -v xwd >/dev/null || e2e_fail "xwd missing: run scripts/bootstrap.sh (x11-apps)"
command -v xsetroot >/dev/null || e2e_fail "xsetroot missing: run scripts/bootstrap.sh"

E2E_WITH_X=1 e2e_setup
for m in 1287x803 1920x1080 800x600 1600x900 1024x768; do rig_add_mode "$m"; done
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
[ "$(rig_display_size)" != none ] || e2e_fail "spice-host offers no display"
# something to see: a plaid root window, so the screenshot check compares
# more than one colour
xsetroot -mod 7 5 -fg '#d03010' -bg '#1040c0'

# --- resizes ------------------------------------------------------------------
for size in 1287x803 1920x1080 800x600; do
  out=$(rig_client monitors --size "$size" --wait-surface) || e2e_fail "client: $out"
  success=$(rig_json 'j["reply"]["success"]' <<<"$out" || true)
  [ "$success" = true ] || e2e_fail "$size: REPLY not SUCCESS: $out"
  rig_wait_for "[ \"\$(rig_screen_size)\" = $size ]" 2 "xrandr to show $size" \
    || e2e_fail "$size: xrandr shows $(rig_screen_size)"
  follow=$(rig_json '"%.3f s after sending, REPLY after %.3f s" % (j["surface_seconds"], j["reply_seconds"])' <<<"$out")
  e2e_pass "$size: REPLY SUCCESS, xrandr shows $(rig_screen_size)," \
    "the client's display surface is $size $follow"
done

# --- screenshot -----------------------------------------------------------------
res=$(rig_screen_matches "screen-$(rig_screen_size)") \
  || e2e_fail "the client's display differs from the X screen: $res"
e2e_pass "the client's display equals the X screen pixel for pixel: $res"

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

# --- mouse (the client's inputs channel) -----------------------------------------
out=$(rig_client surface --wait 1600x900) || e2e_fail "display surface: $out"
for xy in "300 200" "1599 899" "0 0" "777 444"; do
  set -- $xy
  out=$(rig_client input "move:$1,$2") || e2e_fail "input failed: $out"
  [ "$(rig_json 'j["mouse_mode"]' <<<"$out")" = 2 ] || e2e_fail "not in client-mouse mode: $out"
  rig_wait_for "xdotool getmouselocation | grep -q '^x:$1 y:$2 '" 2 "pointer at $1,$2" \
    || e2e_fail "pointer at $(xdotool getmouselocation), expected $1,$2"
done
e2e_pass "inputs-channel positions land on the exact pixel in client-mouse mode" \
  "(300,200 1599,899 0,0 777,444)"

# the same through serve mode (one session, JSON lines), as the demo drives it
out=$(printf '%s\n' '{"id": 1, "cmd": "surface", "wait": [1600, 900]}' \
  '{"id": 2, "cmd": "input", "ops": ["move:123,456"]}' '{"id": 3, "cmd": "quit"}' \
  | rig_client serve | grep '"event": "result"') || e2e_fail "serve mode failed: $out"
[ "$(grep -c '"ok": true' <<<"$out")" = 3 ] || e2e_fail "serve mode: $out"
rig_wait_for "xdotool getmouselocation | grep -q '^x:123 y:456 '" 2 "pointer at 123,456" \
  || e2e_fail "serve input: pointer at $(xdotool getmouselocation), expected 123,456"
e2e_pass "serve mode: surface 1600x900 and an input move land exactly"

# Buttons and wheel: a Windows test window covering the screen records what
# it receives (under Wine, injected clicks reach Windows windows, not bare X).
cp "$VDA_CLICK_PROBE" "$WINEPREFIX/drive_c/click_probe.exe"
wine 'C:\click_probe.exe' 'C:\clicks.txt' 60 >>"$RIG_WINE_LOG" 2>&1 &
rig_track $! click_probe
clicks="$WINEPREFIX/drive_c/clicks.txt"
rig_wait_for "grep -q ready '$clicks'" 20 "the click probe window" || e2e_fail "click probe did not start"
sleep 0.5
out=$(rig_client input move:400,300 click:left click:middle click:right click:side click:extra \
  wheel:up wheel:down) || e2e_fail "input failed: $out"
for ev in "down L" "up L" "down M" "up M" "down R" "up R" "down X1" "up X1" "down X2" "up X2"; do
  rig_wait_for "grep -q '^$ev 400 300' '$clicks'" 3 "$ev at 400,300" \
    || e2e_fail "the window never got '$ev' at 400,300: $(tr '\n' ';' <"$clicks")"
done
rig_wait_for "grep -q '^wheel +1 400 300' '$clicks' && grep -q '^wheel -1 400 300' '$clicks'" 3 \
  "wheel up and down" || e2e_fail "wheel events missing: $(tr '\n' ';' <"$clicks")"
e2e_pass "inputs-channel buttons L, M, R, side, extra and both wheel directions land at" \
  "400,300 in a Windows window"

# The Windows window Wine drew is what the client shows, exactly.
res=$(rig_screen_matches "screen-probe") \
  || e2e_fail "with a Windows window up, the client's display differs from the X screen: $res"
e2e_pass "with a Windows window up, the client's display equals the X screen: $res"
e2e_stop_service

# --- --no-display keeps the bare port (what the tests without X get) ----------
nd="$RIG_TMP/host-nodisplay"
"$RIG_HOST_BIN" --no-display --link "$nd.port" >"$nd.out" 2>"$nd.log" &
rig_track $! spice-host-nodisplay
rig_wait_for "grep -q '^READY ' '$nd.out'" 15 "spice-host --no-display READY" \
  || e2e_fail "spice-host --no-display did not start: $(cat "$nd.log")"
! grep -q '^DISPLAY ' "$nd.out" || e2e_fail "--no-display still offered a display: $(cat "$nd.out")"
e2e_pass "spice-host --no-display offers the port without a display (DISPLAY=$DISPLAY set)"
