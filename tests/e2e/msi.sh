#!/usr/bin/env bash
# The MSI end to end under Wine, as an administrator uses it:
#  1. msiexec /i spice-agent-<v>-x64.msi /qn: files in C:\Program Files\SPICE Agent,
#     the service spice-agent registered (auto start) and RUNNING, the real
#     spice-gtk client sees agent-connected through the real spice-server,
#     one Add/Remove Programs entry showing the version;
#  2. msiexec /i of a newer build (patch version + 1, same source): still one
#     entry (the new version), the old ProductCode gone, the service running
#     again and the agent reconnected;
#  3. msiexec /x <ProductCode> /qn: no service, no files, no entry, no
#     vdservice process left in this prefix, the port closed.
# Durations of each step are printed ("measured: ...").
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

for v in VDA_MSI_X64 VDA_MSI_X64_NEXT VDA_MSI_NEXT_VERSION VDA_VERSION; do
  [ -n "${!v:-}" ] || e2e_fail "$v is not set (run through ctest in the win64 build)"
done
for f in "$VDA_MSI_X64" "$VDA_MSI_X64_NEXT"; do
  [ -f "$f" ] || e2e_fail "$f is missing: build the 'msi' target"
done
UNINSTALL_KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
SERVICE_KEY='HKLM\System\CurrentControlSet\Services\spice-agent'

now() { echo "${EPOCHREALTIME/[.,]/}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# msiexec ARGS... LOGNAME: run msiexec /qn with a verbose log; fail on a
# non-zero result (printing the log's errors).
msiexec_qn() {
  local log="$RIG_TMP/$1" rc=0
  shift
  timeout 300 wine msiexec "$@" /qn /l*v "$(winepath -w "$log")" \
    </dev/null >>"$RIG_TMP/msiexec.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    grep -aiE "error|return value 3|failed" "$log" 2>/dev/null | tail -n 20 >&2 || true
    e2e_fail "msiexec $* returned $rc (log $log)"
  fi
}

# products: "ProductCode|DisplayName|DisplayVersion" per ARP entry named SPICE Agent.
products() {
  local out key="" name="" ver=""
  out=$(timeout 60 wine reg query "$UNINSTALL_KEY" /s 2>/dev/null | tr -d '\r') || true
  while IFS= read -r line; do
    case "$line" in
      HKEY_*)
        [ "$name" = "SPICE Agent" ] && echo "${key##*\\}|$name|$ver"
        key=$line name="" ver="" ;;
      *" DisplayName "*) name=$(sed 's/.*REG_SZ *//' <<<"$line") ;;
      *" DisplayVersion "*) ver=$(sed 's/.*REG_SZ *//' <<<"$line") ;;
    esac
  done <<<"$out"
  [ "$name" = "SPICE Agent" ] && echo "${key##*\\}|$name|$ver"
  return 0
}

# service_state: RUNNING / STOPPED / ... / NONE (not installed), from sc query.
service_state() {
  local out
  out=$(timeout 30 wine sc query spice-agent 2>&1 | tr -d '\r') || true
  if grep -q "STATE" <<<"$out"; then
    sed -n 's/.*STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p' <<<"$out" | head -n 1
  else
    echo NONE
  fi
}

# vdservice_pids: Linux PIDs of vdservice.exe processes of THIS prefix (Wine
# processes are Linux processes; the prefix is in their environment).
vdservice_pids() {
  local p
  for p in /proc/[0-9]*; do
    tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qi 'vdservice\.exe' || continue
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" || continue
    echo "${p#/proc/}"
  done
}

agent_attaches() { grep -c '^AGENT attached' "$RIG_HOST_OUT" || true; }

client_connected() {
  local out connected
  out=$(rig_client caps) || e2e_fail "client: $out"
  connected=$(rig_json 'j["agent_connected"]' <<<"$out") || true
  [ "$connected" = true ] || e2e_fail "client did not see agent-connected: $out"
  echo "client saw: $out"
}

e2e_setup
RIG_EXTRA_LOGS="$RIG_EXTRA_LOGS $RIG_TMP/msi-install.log $RIG_TMP/msi-upgrade.log $RIG_TMP/msi-uninstall.log $RIG_TMP/msiexec.out"
export RIG_EXTRA_LOGS
log="$E2E_LOG_DIR/vdservice.log"

# ------------------------------------------------------------------ install
[ "$(service_state)" = NONE ] || e2e_fail "spice-agent exists before the install"
t0=$(now)
msiexec_qn msi-install.log /i "$(winepath -w "$VDA_MSI_X64")"
t1=$(now)
install_s=$(secs "$t0" "$t1")

cmp -s "$E2E_INSTALL_DIR/vdservice.exe" "$VDA_VDSERVICE" ||
  e2e_fail "C:\\Program Files\\SPICE Agent\\vdservice.exe missing or not this build"
if [ "${VDA_MSI_HAS_VDAGENT:-0}" = 1 ]; then
  [ -f "$E2E_INSTALL_DIR/vdagent.exe" ] || e2e_fail "vdagent.exe not installed"
fi
e2e_pass "files installed in C:\\Program Files\\SPICE Agent: $(ls "$E2E_INSTALL_DIR" | tr '\n' ' ')"

state=$(service_state)
[ "$state" = RUNNING ] || e2e_fail "service state after install: $state"
svc=$(timeout 30 wine reg query "$SERVICE_KEY" 2>&1 | tr -d '\r')
grep -qE 'Start +REG_DWORD +0x2$' <<<"$svc" || e2e_fail "service is not auto start: $svc"
image=$(sed -n 's/.*ImagePath *REG_[A-Z_]* *//p' <<<"$svc")
echo "service ImagePath: $image"
grep -q 'Program Files\\SPICE Agent\\vdservice.exe' <<<"$image" || e2e_fail "ImagePath: $image"
grep -q 'Connects this virtual machine' <<<"$svc" || e2e_fail "no service description: $svc"
e2e_pass "service spice-agent RUNNING, auto start, described"

rig_wait_agent attached 60 || e2e_fail "the installed service never opened the port"
t2=$(now)
client_connected
e2e_pass "agent connected to the real client $(secs "$t1" "$t2") s after msiexec returned"

mapfile -t prods < <(products)
[ "${#prods[@]}" = 1 ] || e2e_fail "expected one Add/Remove Programs entry, got: ${prods[*]:-none}"
[ "${prods[0]##*|}" = "$VDA_VERSION" ] || e2e_fail "ARP shows version '${prods[0]##*|}', expected $VDA_VERSION"
old_code=${prods[0]%%|*}
e2e_pass "one Add/Remove Programs entry: ${prods[0]}"

# ------------------------------------------------------------------ upgrade
attaches=$(agent_attaches)
t0=$(now)
msiexec_qn msi-upgrade.log /i "$(winepath -w "$VDA_MSI_X64_NEXT")"
t1=$(now)
upgrade_s=$(secs "$t0" "$t1")
mapfile -t prods < <(products)
[ "${#prods[@]}" = 1 ] || e2e_fail "after the upgrade: expected one entry, got: ${prods[*]:-none}"
[ "${prods[0]##*|}" = "$VDA_MSI_NEXT_VERSION" ] ||
  e2e_fail "after the upgrade ARP shows '${prods[0]##*|}', expected $VDA_MSI_NEXT_VERSION"
new_code=${prods[0]%%|*}
[ "$new_code" != "$old_code" ] || e2e_fail "the upgrade kept ProductCode $old_code"
if timeout 30 wine reg query "$UNINSTALL_KEY\\$old_code" >/dev/null 2>&1; then
  e2e_fail "the old product $old_code is still registered"
fi
e2e_pass "upgrade $VDA_VERSION -> $VDA_MSI_NEXT_VERSION in place: one entry ${prods[0]}"

state=$(service_state)
[ "$state" = RUNNING ] || e2e_fail "service state after the upgrade: $state"
[ -f "$E2E_INSTALL_DIR/vdservice.exe" ] || e2e_fail "vdservice.exe missing after the upgrade"
rig_wait_for "[ \$(agent_attaches) -gt $attaches ]" 60 "the agent to reopen the port" ||
  e2e_fail "the agent did not reconnect after the upgrade"
rig_wait_agent attached 30 || e2e_fail "port not open after the upgrade"
client_connected
[ "$(grep -c 'service started' "$log")" -ge 2 ] || e2e_fail "the service log shows no restart"
e2e_pass "service RUNNING again after the upgrade; agent reconnected"

# ------------------------------------------------------------------ uninstall
t0=$(now)
msiexec_qn msi-uninstall.log /x "$new_code"
t1=$(now)
uninstall_s=$(secs "$t0" "$t1")

state=$(service_state)
[ "$state" = NONE ] || e2e_fail "service still present after uninstall: $state"
if timeout 30 wine reg query "$SERVICE_KEY" >/dev/null 2>&1; then
  e2e_fail "the service key is still in the registry"
fi
[ ! -e "$E2E_INSTALL_DIR/vdservice.exe" ] || e2e_fail "vdservice.exe left behind"
[ ! -e "$E2E_INSTALL_DIR/vdagent.exe" ] || e2e_fail "vdagent.exe left behind"
[ ! -d "$E2E_INSTALL_DIR" ] || e2e_fail "C:\\Program Files\\SPICE Agent left behind: $(ls -A "$E2E_INSTALL_DIR")"
mapfile -t prods < <(products)
[ "${#prods[@]}" = 0 ] || e2e_fail "Add/Remove Programs still lists: ${prods[*]}"
rig_wait_for '[ -z "$(vdservice_pids)" ]' 15 "vdservice.exe to exit" ||
  e2e_fail "vdservice.exe still running: pids $(vdservice_pids)"
rig_wait_agent detached 15 || e2e_fail "port still open after uninstall"
[ -f "$log" ] && grep -q "service stopped" "$log" || e2e_fail "the service log lacks the stop"
e2e_pass "uninstall: no service, no files, no entry, no vdservice process, port closed"

echo "measured: install ${install_s} s, upgrade ${upgrade_s} s, uninstall ${uninstall_s} s (msiexec /qn wall time)"
