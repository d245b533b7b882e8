# e2e-lib.sh - shared steps of the end-to-end tests (source it after rig.sh).
# Expects from ctest: VDA_SOURCE_DIR, VDA_RIG_HOST, VDA_VDSERVICE.

for v in VDA_SOURCE_DIR VDA_RIG_HOST VDA_VDSERVICE VDA_VDAGENT; do
  if [ -z "${!v:-}" ]; then
    echo "e2e: $v is not set (run through ctest in the win64 build)" >&2
    exit 1
  fi
done
for tool in wine wineserver wineboot /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "e2e: '$tool' missing: run scripts/bootstrap.sh" >&2; exit 1; }
done
RIG_HOST_BIN=$VDA_RIG_HOST
export RIG_HOST_BIN

E2E_INSTALL_WIN='C:\Program Files\SPICE Agent'

e2e_fail() {
  echo "e2e FAIL: $*" >&2
  exit 1
}

e2e_pass() {
  echo "e2e ok: $*"
}

# e2e_setup: tmpdir, fresh prefix, host; logs printed on failure.
e2e_setup() {
  trap 'rc=$?; [ $rc -ne 0 ] && rig_dump_logs; e2e_umount; rig_cleanup; exit $rc' EXIT
  e2e_start_rig "$@"
}

# e2e_start_rig: e2e_setup without its EXIT trap, for a caller (the demo)
# that stops everything in its own.
e2e_start_rig() {
  rig_tmpdir >/dev/null
  # E2E_WITH_X=1: the guest gets a real display (Xorg dummy driver) whose
  # modes the test controls, as a display driver would.
  if [ "${E2E_WITH_X:-0}" = 1 ]; then
    rig_start_xorg || e2e_fail "cannot start Xorg with the dummy driver"
  else
    unset DISPLAY
  fi
  rig_new_prefix || e2e_fail "cannot create a Wine prefix"
  E2E_INSTALL_DIR="$WINEPREFIX/drive_c/Program Files/SPICE Agent"
  E2E_LOG_DIR="$WINEPREFIX/drive_c/ProgramData/SPICE Agent"
  # rig_dump_logs splits on spaces: reach the log folder through a link.
  mkdir -p "$E2E_LOG_DIR"
  ln -sfn "$E2E_LOG_DIR" "$RIG_TMP/agent-logs"
  RIG_EXTRA_LOGS="$RIG_TMP/agent-logs/vdservice.log $RIG_TMP/agent-logs/vdagent.log $RIG_TMP/service-install.log $RIG_WINE_LOG"
  export RIG_EXTRA_LOGS
  # The "VM is running": Wine shuts services down once its last ordinary
  # process exits, so keep this prefix's wineserver persistent.
  # The boot's server lingers a few seconds and -p needs none running. The
  # daemon must not inherit our pipes, or whoever reads them waits forever.
  timeout 60 wineserver -w || true
  wineserver -p </dev/null >>"$RIG_WINE_LOG" 2>&1 || e2e_fail "cannot start a persistent wineserver"
  rig_start_host "$@" || e2e_fail "cannot start spice-host"
}

# e2e_install_service: copy the binaries where the MSI puts them, register
# the service and start it with `net start`, as an administrator would.
e2e_install_service() {
  mkdir -p "$E2E_INSTALL_DIR"
  cp "$VDA_VDSERVICE" "$VDA_VDAGENT" "$E2E_INSTALL_DIR/"
  wine "$E2E_INSTALL_WIN\\vdservice.exe" install >>"$RIG_TMP/service-install.log" 2>&1 \
    || e2e_fail "vdservice install failed"
  # An auto-start service may already be running (Wine starts them when the
  # prefix boots), and right after install Wine's SCM can briefly fail to
  # open the new service: retry, and accept "already running".
  local i out
  for i in 1 2 3 4 5; do
    out=$(timeout 60 wine net start spice-agent 2>&1) && break
    grep -q "already running" <<<"$out" && break
    echo "$out" >>"$RIG_TMP/service-install.log"
    [ "$i" = 5 ] && e2e_fail "net start spice-agent failed: $out"
    sleep 1
  done
  echo "$out" >>"$RIG_TMP/service-install.log"
}

# e2e_stop_service: net stop, then wait until the processes are really gone
# (net stop can return while the service is still stopping).
e2e_stop_service() {
  timeout 30 wine net stop spice-agent >>"$RIG_TMP/service-install.log" 2>&1 || return 1
  rig_wait_for '[ -z "$(e2e_wine_pids vdservice.exe)$(e2e_wine_pids vdagent.exe)" ]' 10 \
    "the service's processes to exit"
}

# e2e_wine_pids NAME - Linux PIDs of this prefix's Wine processes whose
# command line contains NAME (e.g. vdagent.exe). Never other prefixes'.
e2e_wine_pids() {
  local name=$1 p
  for p in /proc/[0-9]*; do
    grep -qaF "$name" "$p/cmdline" 2>/dev/null || continue
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" || continue
    echo "${p#/proc/}"
  done
}

# e2e_count PATTERN FILE - lines of FILE matching PATTERN (0 when absent).
e2e_count() {
  local n
  n=$(grep -c -- "$1" "$2" 2>/dev/null) || true
  echo "${n:-0}"
}

# e2e_wait_count PATTERN FILE MIN TIMEOUT - wait until FILE has >= MIN matches.
e2e_wait_count() {
  rig_wait_for "[ \$(e2e_count '$1' '$2') -ge $3 ]" "$4" "$3 x '$1' in $(basename "$2")"
}

# e2e_client_sees_agent - the real client connects and sees agent-connected.
e2e_client_sees_agent() {
  local out
  out=$(rig_client caps) || return 1
  [ "$(rig_json 'j["agent_connected"]' <<<"$out" || true)" = true ]
}

# e2e_reg ARGS... - `wine reg ARGS` (a setting the test needs), output kept in
# service-install.log; fails the test with reg's own words. One CI run saw
# reg.exe exit 1 once with no change in the test (its output was not kept):
# a second attempt, logged as such, tells a transient Wine start-up failure
# from a real refusal.
e2e_reg() {
  local i rc f=$RIG_TMP/reg.out
  for i in 1 2; do
    # A file, not $(...): a Wine process may leave a daemon holding a pipe.
    rc=0
    timeout 60 wine reg "$@" </dev/null >"$f" 2>&1 || rc=$?
    cat "$f" >>"$RIG_TMP/service-install.log"
    [ "$rc" -ne 0 ] || return 0
    echo "wine reg $* failed (attempt $i, exit $rc): $(cat "$f")" >&2
    sleep 1
  done
  e2e_fail "wine reg $*: $(cat "$f")"
}

# e2e_set_test_mode MODE|"" - the agent's test switch in the prefix registry.
e2e_set_test_mode() {
  if [ -n "$1" ]; then
    e2e_reg add 'HKLM\SOFTWARE\SPICE Agent\Test' /v AgentTestMode /t REG_SZ /d "$1" /f
  else
    wine reg delete 'HKLM\SOFTWARE\SPICE Agent\Test' /f >>"$RIG_TMP/service-install.log" 2>&1
  fi
}

# e2e_cpu_ticks PID - utime+stime of a process in clock ticks.
e2e_cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# e2e_cpu_sum PID... - utime+stime of the processes together, in clock ticks.
e2e_cpu_sum() {
  local t=0 p
  for p in "$@"; do t=$((t + $(e2e_cpu_ticks "$p"))); done
  echo "$t"
}

# e2e_cpu_children - utime+stime of the shell's waited-for descendants
# (cutime+cstime of $$), in clock ticks: a client and the X programs it ran.
e2e_cpu_children() {
  awk '{ print $16 + $17 }' "/proc/$$/stat"
}

# e2e_umount - unmounts what a test mounted (E2E_CLEANUP_MOUNTS), on any exit.
e2e_umount() {
  local m
  for m in ${E2E_CLEANUP_MOUNTS:-}; do umount "$m" 2>/dev/null || true; done
}

# e2e_port_io - "READS READ_BYTES WRITES WRITTEN_BYTES": the service's count
# of its port I/O, logged when it last closed the port for stopping (empty
# when it did not).
e2e_port_io() {
  grep -E 'closing port: service stopping \([0-9]+ reads took [0-9]+ bytes, [0-9]+ writes gave [0-9]+\)' \
    "$E2E_LOG_DIR/vdservice.log" | tail -n 1 \
    | sed -E 's/.*\(([0-9]+) reads took ([0-9]+) bytes, ([0-9]+) writes gave ([0-9]+)\).*/\1 \2 \3 \4/'
}

# e2e_xfer_downloads - the Wine user's Downloads as a real folder (a fresh
# prefix links it to $HOME, and the agent must never write there); sets
# E2E_DOWNLOADS.
e2e_xfer_downloads() {
  E2E_DOWNLOADS="$WINEPREFIX/drive_c/users/$(id -un)/Downloads"
  [ -L "$E2E_DOWNLOADS" ] && rm -f "$E2E_DOWNLOADS"
  mkdir -p "$E2E_DOWNLOADS"
}

# e2e_xfer_no_partial - no temporary transfer file in Downloads.
e2e_xfer_no_partial() {
  [ -z "$(find "$E2E_DOWNLOADS" -name '.spice-agent-*' 2>/dev/null)" ]
}

# e2e_xfer_clean - empties Downloads (dotfiles too).
e2e_xfer_clean() {
  find "$E2E_DOWNLOADS" -mindepth 1 -delete
}
