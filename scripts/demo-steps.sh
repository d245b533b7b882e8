# shellcheck shell=bash
# demo-steps.sh - the steps of the demo's story (sourced by scripts/demo.sh
# after rig.sh, e2e-lib.sh and msi-lib.sh, once the rig is up).
#
# Each step_NAME runs in a subshell of its own with `set -e`; it checks every
# result (exit codes, hashes, pixel compares) and ends with e2e_fail REASON
# on the first mismatch. `demo_note TEXT` records the result column for the
# closing table (the last note wins). Logs go to stdout/stderr (the step's
# log file) and to RIG_TMP (collected into the demo folder at exit).

# Sizes the resize step asks for: two listed modes and one no mode has.
DEMO_SIZES=(1287x803 1920x1080)
DEMO_SIZE_MISSING=1700x950
# The guest's mode list (the test plays the display driver). Common window
# sizes, so a person's remote-viewer window (--keep) finds a close mode.
# shellcheck disable=SC2034 # used by demo.sh and demo-report.sh
DEMO_MODES=(800x600 1024x768 1280x720 1280x800 1287x803 1366x768 1440x900 1600x900
  1680x1050 1920x1080 1920x1200 2560x1440)

demo_note() { printf '%s\n' "$*" >"$DEMO_NOTE"; }

# demo_nearest_mode WxH - the largest listed X mode (by area) that fits in
# WxH: what a display driver without that exact mode gives.
demo_nearest_mode() {
  local want=$1
  xrandr | awk -v W="${want%x*}" -v H="${want#*x}" '
    /^ +[0-9]+x[0-9]+ / { split($1, s, "x"); w = s[1] + 0; h = s[2] + 0
      if (w <= W && h <= H && w * h > best) { best = w * h; m = w "x" h } }
    END { if (m == "") exit 1; print m }'
}

# demo_screenshot N WxH - the client's view of the guest screen as a PNG in
# the demo folder, checked pixel for pixel against the X screen and its size.
demo_screenshot() {
  local n=$1 size=$2 res got
  res=$(rig_screen_matches "screen-$n-$size") ||
    e2e_fail "$size: the client's display differs from the guest screen: $res"
  got=$(rig_json '"%dx%d" % tuple(j["size"])' <<<"$res")
  [ "$got" = "$size" ] || e2e_fail "$size: the client's display is $got"
  cp "$RIG_TMP/screen-$n-$size.png" "$DEMO_OUT/screen-$n-$size.png"
  echo "screenshot $DEMO_OUT/screen-$n-$size.png: $res"
}

step_install() {
  [ "$(service_state)" = NONE ] || e2e_fail "spice-agent exists before the install"
  echo "msiexec /i $DEMO_MSI /qn"
  msiexec_qn msi-install.log /i "$(winpath "$DEMO_MSI")"
  cmp -s "$E2E_INSTALL_DIR/vdservice.exe" "$VDA_VDSERVICE" ||
    e2e_fail "C:\\Program Files\\SPICE Agent\\vdservice.exe missing or not this build"
  # Right after an install Wine's SCM can briefly fail to open the new
  # service (sc query then says it does not exist): bounded retry.
  rig_wait_for '[ "$(service_state)" = RUNNING ]' 15 "the service to be RUNNING" ||
    e2e_fail "service state after the install: $(service_state)"
  rig_wait_agent attached 60 || e2e_fail "the installed service never opened the port"
  e2e_client_sees_agent || e2e_fail "the real client did not see agent-connected"
  echo "service RUNNING; the client sees the agent: $(rig_client caps)"
  demo_note "ok: service RUNNING, agent connected"
}

# demo_resize N ASK SUCCESS GOT - the client asks for ASK; the agent must
# answer SUCCESS (true/false) and the guest screen become GOT; screenshot N.
demo_resize() {
  local n=$1 ask=$2 success=$3 got=$4 out ok answer=ERROR
  out=$(rig_client monitors --size "$ask") || e2e_fail "client: $out"
  echo "$ask (expected: REPLY success=$success, screen $got): $out"
  ok=$(rig_json 'j["reply"]["success"]' <<<"$out" || true)
  [ "$ok" = true ] && answer=SUCCESS
  [ "$ok" = "$success" ] || e2e_fail "$ask: the agent answered $answer; xrandr shows $(rig_screen_size)"
  rig_wait_for "[ \"\$(rig_screen_size)\" = $got ]" 3 "xrandr to show $got" ||
    e2e_fail "$ask: REPLY $answer but xrandr shows $(rig_screen_size), expected $got"
  demo_screenshot "$n" "$got"
}

step_resize() {
  local size n=0 want=$DEMO_SIZE_MISSING nearest
  for size in "${DEMO_SIZES[@]}"; do
    n=$((n + 1))
    demo_resize "$n" "$size" true "$size"
  done
  # A size no mode has: the largest listed mode that fits, and an honest
  # REPLY ERROR (the client learns it did not get what it asked for).
  nearest=$(demo_nearest_mode "$want") || e2e_fail "no listed mode fits in $want"
  demo_resize $((n + 1)) "$want" false "$nearest"
  demo_note "ok: ${DEMO_SIZES[*]} exact; $want -> nearest mode $nearest (REPLY ERROR, as expected)"
}

step_text() {
  local cases="$DEMO_OUT/clipboard" out n
  mkdir -p "$cases"
  printf 'Hello from the SPICE client, 0123456789' >"$cases/ascii.txt"
  # German, Japanese, Korean, Hebrew (right to left), an emoji; two lines
  printf '%s\n' 'Grüße aus München — 日本語, 한국어, שלום, 😀' 'second line € 42' \
    >"$cases/non-ascii.txt"
  out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_text.py" "$RIG_PORT" \
    "$cases/ascii.txt" "$cases/non-ascii.txt" 2>>"$RIG_TMP/client.log") ||
    { echo "$out"; e2e_fail "clipboard text differs or timed out"; }
  echo "$out"
  n=$(grep -c '"ok": true' <<<"$out" || true)
  [ "$n" -eq 4 ] || e2e_fail "expected 4 identical transfers, got $n"
  demo_note "ok: 4/4 identical (client->guest and guest->client, xclip in the guest)"
}

step_png() {
  local out n
  out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_image.py" "$RIG_PORT" \
    2>>"$RIG_TMP/client.log") || { echo "$out"; e2e_fail "clipboard image differs or timed out"; }
  echo "$out"
  n=$(grep -c '"ok": true' <<<"$out" || true)
  [ "$n" -eq 3 ] || e2e_fail "expected 3 identical images, got $n"
  demo_note "ok: 3/3 pixel-identical (client PNG -> guest; guest PNG and DIB -> client PNG)"
}

step_file() {
  local drop="$DEMO_OUT/dropped" out n mib secs
  e2e_xfer_downloads
  mkdir -p "$drop"
  printf 'quarterly numbers: 42\n' >"$drop/report.txt"
  head -c $((16 * 1024 * 1024)) /dev/urandom >"$drop/holiday-video.bin"
  out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/file_xfer.py" "$RIG_PORT" drop \
    "$E2E_DOWNLOADS" "$drop/report.txt" "$drop/holiday-video.bin" 2>>"$RIG_TMP/client.log") ||
    { echo "$out"; e2e_fail "file drop failed or the bytes in Downloads differ"; }
  echo "$out"
  n=$(grep -c '"landed": .*"ok": true' <<<"$out" || true)
  [ "$n" -eq 2 ] || e2e_fail "expected 2 files in Downloads with the same SHA-256, got $n"
  e2e_xfer_no_partial || e2e_fail "a partial transfer file was left in Downloads"
  rm -f "$drop/holiday-video.bin" # 16 MiB of noise: not worth keeping
  mib=16
  secs=$(grep '"drop": "holiday-video.bin"' <<<"$out" | rig_json 'j["seconds"]')
  echo "in C:\\users\\$(id -un)\\Downloads: $(ls "$E2E_DOWNLOADS" | tr '\n' ' ')"
  demo_note "ok: same SHA-256 in Downloads ($mib MiB in $secs s)"
}

step_status() {
  local log f="$DEMO_OUT/status.txt" rc client_pid before verdict
  log=$(service_log)
  # A client must be connected for "OK": hold one SPICE session open.
  mkfifo "$RIG_TMP/status-client.in"
  "$RIG_PY" "$RIG_DIR/spice_client.py" --port "$RIG_PORT" --timeout 30 \
    --debug-log "$RIG_TMP/spice-gtk.log" serve <"$RIG_TMP/status-client.in" \
    >"$RIG_TMP/status-client.out" 2>>"$RIG_TMP/client.log" &
  client_pid=$!
  exec 7>"$RIG_TMP/status-client.in"
  before=$(e2e_count 'client capabilities' "$log")
  rig_wait_for "grep -q '\"agent_connected\"' '$RIG_TMP/status-client.out'" 30 "agent-connected" ||
    e2e_fail "the client never saw the agent"
  e2e_wait_count 'client capabilities' "$log" $((before + 1)) 30 ||
    e2e_fail "the service never got the client's capabilities"
  echo "wine \"$E2E_INSTALL_WIN\\vdservice.exe\" status"
  rc=0
  timeout 60 wine "$E2E_INSTALL_WIN\\vdservice.exe" status </dev/null >"$f.raw" 2>&1 || rc=$?
  tr -d '\r' <"$f.raw" >"$f" && rm -f "$f.raw"
  cat "$f"
  echo '{"cmd": "quit"}' >&7
  exec 7>&-
  rig_wait_for "! rig_alive $client_pid" 15 "the status client to quit" || kill "$client_pid"
  verdict=$(sed -n 's/^ *verdict *//p' "$f")
  [ "$rc" -eq 0 ] || e2e_fail "vdservice status exited $rc: ${verdict:-no verdict} ($f)"
  grep -q '^ *verdict *OK:' "$f" || e2e_fail "vdservice status: ${verdict:-no verdict} ($f)"
  demo_note "ok: exit 0, \"$verdict\""
}

step_uninstall() {
  # Windows Installer's StopServices waits for the service to stop before
  # RemoveFiles; Wine's only asks it to stop, so files still in use would
  # stay behind. Stop it first, as Windows' StopServices would.
  echo "net stop spice-agent"
  e2e_stop_service || e2e_fail "net stop spice-agent failed or its processes stayed"
  echo "msiexec /x $DEMO_MSI /qn"
  msiexec_qn msi-uninstall.log /x "$(winpath "$DEMO_MSI")"
  # the service is deleted once it is stopped
  rig_wait_for '[ "$(service_state)" = NONE ]' 15 "the service to be removed" ||
    e2e_fail "service still present after the uninstall: $(service_state)"
  rig_wait_for '[ -z "$(agent_pids)" ]' 15 "vdservice.exe and vdagent.exe to exit" ||
    e2e_fail "still running after the uninstall: $(agent_pids)"
  rig_wait_agent detached 15 || e2e_fail "the port is still open after the uninstall"
  # Wine's msiexec may return before the stopping service let go of its files.
  rig_wait_for "[ ! -d '$E2E_INSTALL_DIR' ]" 10 "C:\\Program Files\\SPICE Agent to go" ||
    e2e_fail "C:\\Program Files\\SPICE Agent left behind: $(ls -A "$E2E_INSTALL_DIR" | tr '\n' ' ')"
  # The agent must stop by itself when the service asks, not be terminated.
  if grep -q 'did not exit within' "$(service_log)"; then
    e2e_fail "the agent had to be terminated: $(grep 'did not exit within' "$(service_log)" | tail -n 1)"
  fi
  demo_note "ok: no service, no files, no process, port closed"
}
