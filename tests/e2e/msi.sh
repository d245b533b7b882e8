#!/usr/bin/env bash
# The MSI end to end under Wine, as an administrator uses it:
#  1. msiexec /i spice-agent-<v>-x64.msi /qn: files in C:\Program Files\SPICE Agent,
#     the service spice-agent registered (auto start) and RUNNING, the real
#     spice-gtk client sees agent-connected through the real spice-server,
#     one Add/Remove Programs entry showing the version;
#  2. msiexec /i of a rebuild of the same version (new ProductCode, built here
#     with installer/build-msi.cmake): it replaces the product, one entry;
#  3. msiexec /i of a newer build (patch version + 1, same source): still one
#     entry (the new version), the old ProductCode gone, the service running
#     again and the agent reconnected;
#  4. msiexec /x <ProductCode> /qn: no service, no files, no entry, no
#     vdservice process left in this prefix, the port closed.
# Durations of each step are printed ("measured: ...").
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
source "$VDA_SOURCE_DIR/tests/e2e/msi-lib.sh"

for v in VDA_MSI_X64 VDA_MSI_X64_NEXT VDA_MSI_NEXT_VERSION VDA_VERSION; do
  [ -n "${!v:-}" ] || e2e_fail "$v is not set (run through ctest in the win64 build)"
done
for f in "$VDA_MSI_X64" "$VDA_MSI_X64_NEXT"; do
  [ -f "$f" ] || e2e_fail "$f is missing: build the 'msi' target"
done
UNINSTALL_KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
SERVICE_KEY='HKLM\System\CurrentControlSet\Services\spice-agent'

# products: "ProductCode|DisplayName|DisplayVersion" per ARP entry named SPICE Agent.
products() {
  local out key="" name="" ver=""
  out=$(wcap 60 reg query "$UNINSTALL_KEY" /s) || true
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

agent_attaches() { grep -c '^AGENT attached' "$RIG_HOST_OUT" || true; }

client_connected() {
  local out connected
  out=$(rig_client caps) || e2e_fail "client: $out"
  connected=$(rig_json 'j["agent_connected"]' <<<"$out") || true
  [ "$connected" = true ] || e2e_fail "client did not see agent-connected: $out"
  echo "client saw: $out"
}

e2e_setup
ln -sfn "$WINEPREFIX/drive_c/users/Public/SPICE Agent" "$RIG_TMP/agent-logs-public"
RIG_EXTRA_LOGS="$RIG_EXTRA_LOGS $RIG_TMP/agent-logs-public/vdservice.log $RIG_TMP/msi-install.log $RIG_TMP/msi-reinstall.log $RIG_TMP/msi-upgrade.log $RIG_TMP/msi-uninstall.log $RIG_TMP/msiexec.out"
export RIG_EXTRA_LOGS
# ------------------------------------------------------------------ install
[ "$(service_state)" = NONE ] || e2e_fail "spice-agent exists before the install"
t0=$(now)
msiexec_qn msi-install.log /i "$(winpath "$VDA_MSI_X64")"
t1=$(now)
install_s=$(secs "$t0" "$t1")

cmp -s "$E2E_INSTALL_DIR/vdservice.exe" "$VDA_VDSERVICE" ||
  e2e_fail "C:\\Program Files\\SPICE Agent\\vdservice.exe missing or not this build"
if [ "${VDA_MSI_HAS_VDAGENT:-0}" = 1 ]; then
  cmp -s "$E2E_INSTALL_DIR/vdagent.exe" "$VDA_VDAGENT" ||
    e2e_fail "C:\\Program Files\\SPICE Agent\\vdagent.exe missing or not this build"
fi
e2e_pass "files installed in C:\\Program Files\\SPICE Agent: $(ls "$E2E_INSTALL_DIR" | tr '\n' ' ')"

state=$(service_state)
[ "$state" = RUNNING ] || e2e_fail "service state after install: $state"
svc=$(wcap 30 reg query "$SERVICE_KEY") || e2e_fail "no service key: $svc"
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
running=$(for p in $(agent_pids); do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)
grep -qi 'vdservice\.exe' <<<"$running" || e2e_fail "no vdservice.exe process seen: $running"
echo "processes of this prefix: $(tr '\n' ';' <<<"$running")"

mapfile -t prods < <(products)
[ "${#prods[@]}" = 1 ] || e2e_fail "expected one Add/Remove Programs entry, got: ${prods[*]:-none}"
[ "${prods[0]##*|}" = "$VDA_VERSION" ] || e2e_fail "ARP shows version '${prods[0]##*|}', expected $VDA_VERSION"
old_code=${prods[0]%%|*}
e2e_pass "one Add/Remove Programs entry: ${prods[0]}"

# ------------------------------------------------- same-version rebuild
# A rebuild of the same version has a new ProductCode: it must replace the
# installed product, not sit beside it (wixl's MajorUpgrade alone would not).
rebuild="$RIG_TMP/rebuild/spice-agent-$VDA_VERSION-x64.msi"
agent_arg=()
[ "${VDA_MSI_HAS_VDAGENT:-0}" = 1 ] && agent_arg=("-DVDAGENT=$VDA_VDAGENT")
cmake -DWIXL="$(command -v wixl)" -DMSIBUILD="$(command -v msibuild)" \
  -DWXS="$VDA_SOURCE_DIR/installer/spice-agent.wxs" -DVERSION="$VDA_VERSION" -DARCH=x64 \
  -DSTAGE="$RIG_TMP/rebuild/stage" -DOUTPUT="$rebuild" -DVDSERVICE="$VDA_VDSERVICE" \
  "${agent_arg[@]}" -P "$VDA_SOURCE_DIR/installer/build-msi.cmake" >"$RIG_TMP/rebuild.log" 2>&1 ||
  e2e_fail "cannot rebuild the MSI: $(cat "$RIG_TMP/rebuild.log")"
t0=$(now)
msiexec_qn msi-reinstall.log /i "$(winpath "$rebuild")"
reinstall_s=$(secs "$t0" "$(now)")
mapfile -t prods < <(products)
[ "${#prods[@]}" = 1 ] || e2e_fail "after a same-version rebuild: expected one entry, got: ${prods[*]:-none}"
[ "${prods[0]%%|*}" != "$old_code" ] || e2e_fail "the rebuild did not replace $old_code"
[ "$(service_state)" = RUNNING ] || e2e_fail "service state after the rebuild: $(service_state)"
old_code=${prods[0]%%|*}
e2e_pass "same-version rebuild replaced the product: one entry ${prods[0]}"

# ------------------------------------------------------------------ upgrade
attaches=$(agent_attaches)
t0=$(now)
msiexec_qn msi-upgrade.log /i "$(winpath "$VDA_MSI_X64_NEXT")"
t1=$(now)
upgrade_s=$(secs "$t0" "$t1")
mapfile -t prods < <(products)
[ "${#prods[@]}" = 1 ] || e2e_fail "after the upgrade: expected one entry, got: ${prods[*]:-none}"
[ "${prods[0]##*|}" = "$VDA_MSI_NEXT_VERSION" ] ||
  e2e_fail "after the upgrade ARP shows '${prods[0]##*|}', expected $VDA_MSI_NEXT_VERSION"
new_code=${prods[0]%%|*}
[ "$new_code" != "$old_code" ] || e2e_fail "the upgrade kept ProductCode $old_code"
if wcap 30 reg query "$UNINSTALL_KEY\\$old_code" >/dev/null; then
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
log=$(service_log)
echo "service log: ${log#"$WINEPREFIX/drive_c/"}"
[ "$(grep -c 'service started' "$log")" -ge 3 ] ||
  e2e_fail "the service log shows $(grep -c 'service started' "$log") starts, expected 3 (install, rebuild, upgrade)"
e2e_pass "service RUNNING again after the upgrade; agent reconnected"

# ------------------------------------------------------------------ uninstall
t0=$(now)
msiexec_qn msi-uninstall.log /x "$new_code"
t1=$(now)
uninstall_s=$(secs "$t0" "$t1")

state=$(service_state)
[ "$state" = NONE ] || e2e_fail "service still present after uninstall: $state"
if wcap 30 reg query "$SERVICE_KEY" >/dev/null; then
  e2e_fail "the service key is still in the registry"
fi
[ ! -e "$E2E_INSTALL_DIR/vdservice.exe" ] || e2e_fail "vdservice.exe left behind"
[ ! -e "$E2E_INSTALL_DIR/vdagent.exe" ] || e2e_fail "vdagent.exe left behind"
[ ! -d "$E2E_INSTALL_DIR" ] || e2e_fail "C:\\Program Files\\SPICE Agent left behind: $(ls -A "$E2E_INSTALL_DIR")"
mapfile -t prods < <(products)
[ "${#prods[@]}" = 0 ] || e2e_fail "Add/Remove Programs still lists: ${prods[*]}"
rig_wait_for '[ -z "$(agent_pids)" ]' 15 "vdservice.exe and vdagent.exe to exit" ||
  e2e_fail "still running: $(for p in $(agent_pids); do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
rig_wait_agent detached 15 || e2e_fail "port still open after uninstall"
log=$(service_log)
[ "$(grep -c 'service stopped' "$log")" -ge 3 ] ||
  e2e_fail "the service log shows $(grep -c 'service stopped' "$log") stops, expected 3 (rebuild, upgrade, uninstall)"
e2e_pass "uninstall: no service, no files, no entry, no vdservice/vdagent process, port closed"

echo "measured: install ${install_s} s, same-version reinstall ${reinstall_s} s, upgrade ${upgrade_s} s, uninstall ${uninstall_s} s (msiexec /qn wall time)"
