#!/usr/bin/env bash
# The demo (scripts/demo.sh) on the already-built tree (--no-build), as a
# person runs it. Usage: demo.sh story|break|keep
#  story: the whole story ends 0 within 2 minutes; the closing table lists the
#         seven steps in order, each "ok", and the folder holds a PNG of the
#         guest screen after each resize (at the sizes the guest took), the
#         status output and the logs;
#  break: DEMO_BREAK=resize (the user's FollowClientWindow=0): the demo ends
#         non-zero, the table and stderr name the resize step and its log
#         (which says why), and every other step still passes;
#  keep:  --keep prints the remote-viewer command; a real remote-viewer on
#         a second X display (the person's desktop) connects, resizing its
#         window resizes the guest screen, text copied on either side pastes
#         on the other; SIGINT (Ctrl+C) then stops the VM and remote-viewer
#         and the demo ends 0.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
mode=${1:-}
[ -n "${VDA_MSI_X64:-}" ] || e2e_fail "VDA_MSI_X64 is not set (run through ctest in the win64 build)"
out="$VDA_BUILD_DIR/demo-test-$mode"
rm -rf "$out"
trap 'rc=$?; [ $rc -ne 0 ] && [ -f "$out.stdout" ] && cat "$out.stdout" "$out.stderr" >&2; rig_cleanup; exit $rc' EXIT
rig_tmpdir >/dev/null

# row STEP - the closing table's row of STEP (from the demo's stdout).
row() { grep -E "^\| $1 +\|" "$out.stdout" || true; }

case "$mode" in
story)
  rc=0
  DEMO_OUT=$out timeout 300 bash "$VDA_SOURCE_DIR/scripts/demo.sh" --no-build \
    >"$out.stdout" 2>"$out.stderr" || rc=$?
  [ "$rc" -eq 0 ] || e2e_fail "the demo ended $rc"
  grep -qE '^\| feature +\| what was done +\| result +\| time +\|$' "$out.stdout" ||
    e2e_fail "no closing table header"
  got=$(grep -E '^\| [a-z]' "$out.stdout" | grep -v '^| feature ' | cut -d'|' -f2 | xargs | tr ' ' ,)
  [ "$got" = "install,resize,clipboard,text,clipboard,image,file,drop,status,check,uninstall" ] ||
    e2e_fail "table rows: $got"
  n=$(grep -E '^\| [a-z]' "$out.stdout" | grep -v '^| feature ' | grep -cE '\| ok: .*\| [0-9.]+ s +\|$' || true)
  [ "$n" -eq 7 ] || e2e_fail "$n of 7 rows are ok with a time"
  row resize | grep -q '1700x950 -> nearest mode 1600x900' || e2e_fail "resize row: $(row resize)"
  story_s=$(sed -n 's/^story: \([0-9.]*\) s .*/\1/p' "$out.stdout")
  [ -n "$story_s" ] || e2e_fail "no story time printed"
  awk -v s="$story_s" 'BEGIN { exit !(s < 120) }' || e2e_fail "the story took $story_s s (over 2 min)"
  grep -qx "demo: every step passed" "$out.stdout" || e2e_fail "no 'every step passed'"
  grep -qx "demo folder (logs, screenshots): $out" "$out.stdout" || e2e_fail "the folder is not named"
  # the screenshots: real PNGs at the sizes the guest took
  for want in 1-1287x803 2-1920x1080 3-1600x900; do
    f="$out/screen-$want.png"
    size=$("$RIG_PY" -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$f") || e2e_fail "$f is missing or not a PNG"
    [ "$size" = "${want#*-}" ] || e2e_fail "$f is $size"
  done
  grep -q 'verdict *OK' "$out/status.txt" || e2e_fail "status.txt: $(cat "$out/status.txt")"
  for f in guest-programdata-vdagent.log guest-programdata-vdservice.log msi-install.log \
    msi-uninstall.log spice-gtk.log; do
    [ -s "$out/logs/$f" ] || e2e_fail "the folder lacks logs/$f"
  done
  e2e_pass "story green in $story_s s: 7 steps ok, 3 screenshots (1287x803, 1920x1080, nearest 1600x900), status, logs"
  ;;
break)
  rc=0
  DEMO_BREAK=resize DEMO_OUT=$out timeout 300 bash "$VDA_SOURCE_DIR/scripts/demo.sh" --no-build \
    >"$out.stdout" 2>"$out.stderr" || rc=$?
  [ "$rc" -eq 1 ] || e2e_fail "with DEMO_BREAK=resize the demo ended $rc, expected 1"
  log="$out/02-resize.log"
  row resize | grep -qF "| FAIL: 1287x803: the agent answered ERROR" || e2e_fail "resize row: $(row resize)"
  row resize | grep -qF "(log: $log)" || e2e_fail "the resize row does not name its log: $(row resize)"
  grep -qxF "demo: step 'resize' FAILED (log: $log)" "$out.stderr" ||
    e2e_fail "stderr does not name the step: $(cat "$out.stderr")"
  grep -q '^e2e FAIL: 1287x803: the agent answered ERROR' "$log" || e2e_fail "$log does not say why"
  n=$(grep -cF "demo: step '" "$out.stderr" || true)
  [ "$n" -eq 1 ] || e2e_fail "$n steps failed, expected only resize"
  for s in install "clipboard text" "clipboard image" "file drop" "status check" uninstall; do
    row "$s" | grep -q '| ok: ' || e2e_fail "$s should still pass: $(row "$s")"
  done
  e2e_pass "DEMO_BREAK=resize: exit 1, the resize step and its log named, the other six ok"
  ;;
keep)
  for tool in remote-viewer xdotool xclip; do
    command -v "$tool" >/dev/null || e2e_fail "'$tool' missing: run scripts/bootstrap.sh"
  done
  # The person's desktop: an X display of its own for remote-viewer.
  rig_start_xorg || e2e_fail "cannot start the desktop's Xorg"
  desk=$DISPLAY
  # Started the way a terminal starts it: SIGINT not ignored (a background
  # job of a script would ignore it, and bash could not trap it).
  DEMO_STEPS=install DEMO_OUT=$out "$RIG_PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp("bash", ["bash"] + sys.argv[1:])' "$VDA_SOURCE_DIR/scripts/demo.sh" --no-build --keep \
    >"$out.stdout" 2>"$out.stderr" &
  demo_pid=$!
  rig_track "$demo_pid" demo
  rig_wait_for "grep -q 'remote-viewer spice://127.0.0.1:' '$out.stdout' || ! rig_alive $demo_pid" 120 \
    "the demo's remote-viewer line" || e2e_fail "the demo never printed the remote-viewer command"
  rig_alive "$demo_pid" || e2e_fail "the demo exited instead of keeping the VM"
  port=$(sed -n 's/.*remote-viewer spice:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$out.stdout")
  guest=$(sed -n 's/.*the guest screen is X display \(:[0-9]*\) .*/\1/p' "$out.stdout")
  [ -n "$port" ] && [ -n "$guest" ] || e2e_fail "port '$port' / guest display '$guest' not printed"
  DISPLAY=$desk remote-viewer "spice://127.0.0.1:$port" >"$RIG_TMP/remote-viewer.log" 2>&1 &
  rv=$!
  rig_track "$rv" remote-viewer
  # its main window: the one larger than 100x100
  rig_wait_for "DISPLAY=$desk xdotool search --class remote-viewer getwindowgeometry %@ | grep -qE 'Geometry: [0-9]{3,}x[0-9]{3,}'" \
    30 "remote-viewer's window" || e2e_fail "remote-viewer showed no window: $(cat "$RIG_TMP/remote-viewer.log")"
  win=$(for w in $(DISPLAY=$desk xdotool search --class remote-viewer); do
    DISPLAY=$desk xdotool getwindowgeometry "$w" | grep -qE 'Geometry: [0-9]{3,}x[0-9]{3,}' && echo "$w"
  done | head -n 1)
  gsize() { DISPLAY=$guest rig_screen_size; }
  # remote-viewer first sizes its window to the guest's screen, once the
  # display is up: resize only after that, or it undoes the resize.
  start=$(gsize)
  rig_wait_for "DISPLAY=$desk xdotool getwindowgeometry $win | grep -qE 'Geometry: ([0-9]+)x' &&
    [ \$(DISPLAY=$desk xdotool getwindowgeometry $win | sed -n 's/.*Geometry: \([0-9]*\)x.*/\1/p') -ge ${start%x*} ]" \
    30 "remote-viewer to show the guest's $start screen" ||
    e2e_fail "remote-viewer never showed the guest's screen: $(DISPLAY=$desk xdotool getwindowgeometry "$win")"
  sleep 1
  for want in 1300x900 1700x1150; do
    DISPLAY=$desk xdotool windowsize "$win" "${want%x*}" "${want#*x}"
    # the guest takes the largest listed mode inside the window's display area
    # (the window less remote-viewer's menu and toolbar): smaller than the window,
    # and the window's width within 40 px of it
    rig_wait_for "s=\$(gsize); w=\${s%x*}; h=\${s#*x}; [ \$w -le ${want%x*} ] && [ \$h -le ${want#*x} ] && [ \$w -ge $((${want%x*} - 40)) ]" \
      20 "the guest to follow a ${want} window" ||
      e2e_fail "remote-viewer window $want: the guest screen is $(gsize)"
    e2e_pass "remote-viewer window resized to $want: the guest screen follows ($(gsize))"
  done
  text='from the desktop: Grüße 日本語'
  printf '%s' "$text" | DISPLAY=$desk xclip -quiet -i -selection clipboard >/dev/null 2>&1 &
  rig_track $! xclip-desktop
  rig_wait_for "[ \"\$(DISPLAY=$guest timeout 5 xclip -o -selection clipboard)\" = '$text' ]" 20 \
    "the desktop's text in the guest" || e2e_fail "desktop -> guest paste failed"
  text='from the guest: שלום 😀'
  printf '%s' "$text" | DISPLAY=$guest xclip -quiet -i -selection clipboard >/dev/null 2>&1 &
  rig_track $! xclip-guest
  rig_wait_for "[ \"\$(DISPLAY=$desk timeout 5 xclip -o -selection clipboard)\" = '$text' ]" 20 \
    "the guest's text on the desktop" || e2e_fail "guest -> desktop paste failed"
  e2e_pass "copy and paste through remote-viewer: desktop -> guest and guest -> desktop"
  kill -INT "$demo_pid"
  rig_wait_for "! rig_alive $demo_pid" 60 "the demo to stop on SIGINT" || e2e_fail "Ctrl+C did not stop the demo"
  rc=0
  wait "$demo_pid" || rc=$?
  [ "$rc" -eq 0 ] || e2e_fail "after Ctrl+C the demo ended $rc, expected 0 (the story passed)"
  ! DISPLAY=$guest timeout 5 xrandr >/dev/null 2>&1 || e2e_fail "the guest's Xorg still runs"
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || e2e_fail "spice-server still listens on $port"
  rig_wait_for "! rig_alive $rv" 20 "remote-viewer to leave" || e2e_fail "remote-viewer still connected"
  e2e_pass "Ctrl+C: the demo ended 0, the guest screen and spice-server are gone, remote-viewer left"
  ;;
*)
  e2e_fail "usage: demo.sh story|break|keep"
  ;;
esac
