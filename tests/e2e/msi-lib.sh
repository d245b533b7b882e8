# shellcheck shell=bash
# msi-lib.sh - msiexec and service helpers shared by the MSI test (msi.sh)
# and the demo (scripts/demo.sh). Source after rig.sh and e2e-lib.sh, and
# after e2e_setup (they use RIG_TMP, WINEPREFIX and E2E_LOG_DIR).

# wcap TIMEOUT ARGS...: run `wine ARGS...` and print its output. Through a
# file, never a pipe: Wine daemons (services.exe, winedevice.exe) started by
# the command inherit its stdout and would hold a pipe open forever.
wcap() {
  local t=$1 f="$RIG_TMP/wcap.out" rc=0
  shift
  timeout "$t" wine "$@" </dev/null >"$f" 2>&1 || rc=$?
  tr -d '\r' <"$f"
  return "$rc"
}

# winpath PATH: the Z: path of a Linux path (no wine call, so no pipe).
winpath() { local p=${1//\//\\}; echo "Z:$p"; }

# now: microseconds since the epoch; secs T0 T1: their difference in seconds.
now() { echo "${EPOCHREALTIME/[.,]/}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# msiexec_qn LOGNAME ARGS...: run msiexec ARGS /qn with a verbose log in
# RIG_TMP/LOGNAME; fail on a non-zero result (printing the log's errors).
msiexec_qn() {
  local log="$RIG_TMP/$1" rc=0
  shift
  timeout 300 wine msiexec "$@" /qn /l*v "$(winpath "$log")" \
    </dev/null >>"$RIG_TMP/msiexec.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    grep -aiE "error|return value 3|failed" "$log" 2>/dev/null | tail -n 20 >&2 || true
    e2e_fail "msiexec $* returned $rc (log $log)"
  fi
}

# service_state: RUNNING / STOPPED / ... / NONE (not installed), from sc query.
service_state() {
  local out
  out=$(wcap 30 sc query spice-agent) || true
  if grep -q "STATE" <<<"$out"; then
    sed -n 's/.*STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p' <<<"$out" | head -n 1
  else
    echo NONE
  fi
}

# agent_pids: Linux PIDs of vdservice.exe / vdagent.exe processes of THIS
# prefix (Wine processes are Linux processes whose command line is the
# Windows path; the prefix is in their environment).
agent_pids() {
  local p
  for p in /proc/[0-9]*; do
    tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qiE '(vdservice|vdagent)\.exe' || continue
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" || continue
    echo "${p#/proc/}"
  done
}

# service_log: the service's log. C:\ProgramData\SPICE Agent on Windows; under
# Wine 8 a service's %ProgramData% can be C:\users\Public (services.exe's
# environment), so look in both and use the one the service wrote.
service_log() {
  local f
  for f in "$E2E_LOG_DIR/vdservice.log" "$WINEPREFIX/drive_c/users/Public/SPICE Agent/vdservice.log"; do
    if [ -f "$f" ] && grep -q "service started" "$f"; then
      echo "$f"
      return
    fi
  done
  echo "$E2E_LOG_DIR/vdservice.log"
}
