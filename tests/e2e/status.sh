#!/usr/bin/env bash
# `vdservice status` against the real service, server and client, in each
# state, checking its text and its exit code:
#  - not installed (exit 1);
#  - running, port open, agent ready, no client (exit 1, "client not connected");
#  - a spice-gtk client connected (exit 0, capabilities by name);
#  - settings changed in the registry and by policy (their source shown), an
#    invalid one (its warning among the last warnings);
#  - the host gone (exit 1, "port not open");
#  - the agent killed and never ready again (exit 1, "agent not ready").
# The refusal of a non-administrator is proven in win_test_status_pipe (Wine's
# user is an administrator, and Wine does not check pipe DACLs at open).
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

e2e_setup
log="$E2E_LOG_DIR/vdservice.log"
ST_N=0

# status WHAT - runs `vdservice status`; ST_OUT (also kept in RIG_TMP), ST_RC.
status() {
  ST_N=$((ST_N + 1))
  local f="$RIG_TMP/status.$ST_N.$1.txt"
  set +e
  timeout 60 wine "$E2E_INSTALL_WIN\\vdservice.exe" status >"$f" 2>&1
  ST_RC=$?
  set -e
  ST_OUT=$(tr -d '\r' <"$f")
  RIG_EXTRA_LOGS="$RIG_EXTRA_LOGS $f"
}

# status_says TEXT - a fresh `vdservice status` prints TEXT (for waits).
status_says() {
  local out
  out=$(timeout 60 wine "$E2E_INSTALL_WIN\\vdservice.exe" status 2>&1 | tr -d '\r') || true
  grep -qF -- "$1" <<<"$out"
}

# has TEXT - the last output contains TEXT (fixed string).
has() {
  grep -qF -- "$1" <<<"$ST_OUT" || e2e_fail "status ($ST_N) lacks '$1':"$'\n'"$ST_OUT"
}

# --- not installed ------------------------------------------------------------
mkdir -p "$E2E_INSTALL_DIR"
cp "$VDA_VDSERVICE" "$VDA_VDAGENT" "$E2E_INSTALL_DIR/"
status not-installed
[ "$ST_RC" -eq 1 ] || e2e_fail "not installed: exit $ST_RC, expected 1"
has "service       not installed"
has "NOT READY: service not running or not answering"
e2e_pass "not installed: exit 1, says so"

# --- no client ----------------------------------------------------------------
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
status no-client
[ "$ST_RC" -eq 1 ] || e2e_fail "no client: exit $ST_RC, expected 1"
version=$(tr -d '[:space:]' <"$VDA_SOURCE_DIR/VERSION")
has "service       running, version $version"
has "port          open"
has "agent         ready, pid "
has "client        not connected"
has "NOT READY: client not connected"
agent_pid=$(sed -n 's/.*agent         ready, pid \([0-9]*\),.*/\1/p' <<<"$ST_OUT")
grep -q "started agent pid $agent_pid in session" "$log" \
  || e2e_fail "status names agent pid $agent_pid, the log does not"
e2e_pass "no client: exit 1, client not connected, agent pid $agent_pid as the log says"

# --- a client connected -------------------------------------------------------
# spice_client.py in serve mode holds one SPICE session while status runs.
mkfifo "$RIG_TMP/client.in"
"$RIG_PY" "$RIG_DIR/spice_client.py" --port "$RIG_PORT" --timeout 30 \
  --debug-log "$RIG_TMP/spice-gtk.log" serve <"$RIG_TMP/client.in" \
  >"$RIG_TMP/client.out" 2>>"$RIG_TMP/client.log" &
client_pid=$!
rig_track "$client_pid" spice-client
exec 7>"$RIG_TMP/client.in"
before=$(e2e_count 'client capabilities' "$log")
rig_wait_for "grep -q '\"agent_connected\"' '$RIG_TMP/client.out'" 30 "agent-connected" \
  || e2e_fail "the client never saw the agent"
e2e_wait_count 'client capabilities' "$log" $((before + 1)) 30 \
  || e2e_fail "the service never got the client's capabilities"
status healthy
[ "$ST_RC" -eq 0 ] || e2e_fail "healthy: exit $ST_RC, expected 0:"$'\n'"$ST_OUT"
has "client        connected"
has "verdict       OK: auto-fit and clipboard are up"
both=$(sed -n '/^    both /,/^  settings/p' <<<"$ST_OUT" | tr '\n' ' ')
client=$(sed -n '/^    client /,/^    both /p' <<<"$ST_OUT" | tr '\n' ' ')
for cap in MONITORS_CONFIG CLIPBOARD_BY_DEMAND CLIPBOARD_SELECTION CLIPBOARD_GRAB_SERIAL; do
  grep -qw "$cap" <<<"$both" || e2e_fail "'$cap' not among the capabilities both announced: $both"
done
grep -qw MONITORS_CONFIG_POSITION <<<"$client" \
  || e2e_fail "the client's own MONITORS_CONFIG_POSITION is not listed"
e2e_pass "client connected: exit 0, capabilities by name"

# --- settings and their source ------------------------------------------------
has "MaxClipboard"
grep -qE '^    MaxClipboard +100 MiB +default$' <<<"$ST_OUT" || e2e_fail "MaxClipboard not default"
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v MaxClipboard /t REG_DWORD /d 50 /f
e2e_reg add 'HKLM\SOFTWARE\Policies\SPICE Agent' /v FileTransferEnabled /t REG_DWORD /d 0 /f
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v ClipboardEnabled /t REG_SZ /d yes /f
status settings
grep -qE '^    MaxClipboard +50 MiB +registry$' <<<"$ST_OUT" \
  || e2e_fail "MaxClipboard not 50 MiB from the registry:"$'\n'"$ST_OUT"
grep -qE '^    FileTransferEnabled +0 +policy$' <<<"$ST_OUT" \
  || e2e_fail "FileTransferEnabled not 0 by policy:"$'\n'"$ST_OUT"
grep -qE '^    ClipboardEnabled +1 +default$' <<<"$ST_OUT" \
  || e2e_fail "an invalid ClipboardEnabled did not fall back to the default"
sed -n '/last warnings/,/verdict/p' <<<"$ST_OUT" | grep -q 'registry now: .*ClipboardEnabled: expected REG_DWORD' \
  || e2e_fail "the invalid setting's warning is not among the last warnings:"$'\n'"$ST_OUT"
for i in 1 2 3; do status repeat; done
[ "$(e2e_count 'ClipboardEnabled: expected' "$log")" -eq 0 ] \
  || e2e_fail "status queries wrote the invalid setting's warning into the service log"
e2e_pass "settings: registry and policy sources shown, an invalid value's warning listed"

echo '{"cmd": "quit"}' >&7
exec 7>&-
rig_wait_for "! rig_alive $client_pid" 15 "the client to quit" || e2e_fail "client did not quit"

# --- no port ------------------------------------------------------------------
rig_stop_host
rig_wait_for "status_says 'port          not open'" 30 "status to report the port closed" \
  || e2e_fail "status never saw the port close"
status no-port
[ "$ST_RC" -eq 1 ] || e2e_fail "no port: exit $ST_RC, expected 1"
has "port          not open"
has "NOT READY: port not open; client not connected"
e2e_pass "host gone: exit 1, port not open"
rig_start_host || e2e_fail "cannot restart spice-host"
rig_wait_agent attached 30 || e2e_fail "the service did not reopen the port"

# --- no agent -----------------------------------------------------------------
# Every agent launched from now on exits before its hello.
e2e_set_test_mode exit-at-start
kill -KILL $(e2e_wine_pids vdagent.exe)
rig_wait_agent detached 20 || e2e_fail "the port stayed open without an agent"
status no-agent
[ "$ST_RC" -eq 1 ] || e2e_fail "no agent: exit $ST_RC, expected 1"
has "agent         not ready"
has "port          not open"
has "NOT READY: port not open; agent not ready; client not connected"
e2e_pass "agent killed, never ready again: exit 1, agent not ready"

e2e_stop_service || e2e_fail "net stop spice-agent failed"
status stopped
[ "$ST_RC" -eq 1 ] || e2e_fail "stopped: exit $ST_RC, expected 1"
has "service       stopped"
e2e_pass "service stopped: exit 1, says so"
