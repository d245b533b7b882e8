#!/usr/bin/env bash
# Static checks of the MSI's tables with msiinfo (no Wine needed; runs in the
# win64 and win32 trees): service name and start type, service control
# events, the UpgradeCode (stable, equal to the documented value), upgrade
# rows, per-machine install folder, architecture, and that the executables
# inside are the ones this tree built.
# Env from ctest: VDA_SOURCE_DIR, VDA_VERSION, VDA_MSI, VDA_MSI_ARCH,
# VDA_MSI_HAS_VDAGENT, VDA_EXES (':'-separated), optional VDA_MSI_NEXT and
# VDA_MSI_NEXT_VERSION (x64 tree: the bumped build for the upgrade test).
set -euo pipefail

# The product's identity across versions and architectures. Documented in
# installer/ADMIN.md; changing it breaks upgrades of every installed agent.
EXPECTED_UPGRADE_CODE='{F963B536-471A-471F-BE44-765659B20D28}'

for v in VDA_SOURCE_DIR VDA_VERSION VDA_MSI VDA_MSI_ARCH VDA_MSI_HAS_VDAGENT VDA_EXES; do
  [ -n "${!v:-}" ] || { echo "msi-tables: $v is not set (run through ctest)" >&2; exit 1; }
done
for tool in msiinfo msiextract; do
  command -v "$tool" >/dev/null || { echo "msi-tables: $tool missing: run scripts/bootstrap.sh (msitools)" >&2; exit 1; }
done
[ -f "$VDA_MSI" ] || { echo "msi-tables: $VDA_MSI not built" >&2; exit 1; }

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
mark=0
# ok prints only when nothing failed since the previous ok.
ok() { [ "$fails" = "$mark" ] && echo "ok: $*"; mark=$fails; }
# col ROW N: the Nth tab-separated field (empty fields kept, unlike `read`).
col() { awk -F'\t' -v i="$2" '{ print $i }' <<<"$1"; }
# rows MSI TABLE: the table's rows, tab-separated, without the 3 header lines.
rows() { msiinfo export "$1" "$2" | tr -d '\r' | tail -n +4; }
# prop MSI NAME: a Property table value.
prop() { rows "$1" Property | awk -F'\t' -v n="$2" '$1 == n { print $2 }'; }
upper() { tr 'a-f' 'A-F'; }

msi=$VDA_MSI
echo "checking $msi"

# ---- the service
svc=$(rows "$msi" ServiceInstall)
[ "$(wc -l <<<"$svc")" = 1 ] || fail "ServiceInstall: expected one row, got: $svc"
name=$(col "$svc" 2) display=$(col "$svc" 3) type=$(col "$svc" 4) start=$(col "$svc" 5)
errctl=$(col "$svc" 6) account=$(col "$svc" 9) comp=$(col "$svc" 12) desc=$(col "$svc" 13)
[ "$name" = spice-agent ] || fail "service name '$name', expected spice-agent"
[ "$display" = "SPICE Agent" ] || fail "display name '$display'"
[ "$type" = 16 ] || fail "ServiceType $type, expected 16 (SERVICE_WIN32_OWN_PROCESS)"
[ "$start" = 2 ] || fail "StartType $start, expected 2 (SERVICE_AUTO_START)"
[ "$errctl" = 1 ] || fail "ErrorControl $errctl, expected 1 (normal)"
[ "$account" = LocalSystem ] || fail "account '$account', expected LocalSystem"
[ -n "$desc" ] || fail "the service has no description"
[ "$comp" = VdService ] || fail "service component '$comp'"
ok "ServiceInstall: $name, auto start (2), own process, LocalSystem, description '$desc'"

ctl=$(rows "$msi" ServiceControl)
cname=$(col "$ctl" 2) event=$(col "$ctl" 3) wait=$(col "$ctl" 5)
[ "$cname" = spice-agent ] || fail "ServiceControl name '$cname'"
# 163 = start on install (1) | stop on install (2) | stop on uninstall (32)
#       | delete on uninstall (128)
[ "$event" = 163 ] || fail "ServiceControl event $event, expected 163"
[ "$wait" = 1 ] || fail "ServiceControl does not wait"
ok "ServiceControl: start on install, stop on install/uninstall, remove on uninstall (163), wait"

# ---- identity
uc=$(prop "$msi" UpgradeCode | upper)
[ "$uc" = "$EXPECTED_UPGRADE_CODE" ] || fail "UpgradeCode $uc, documented $EXPECTED_UPGRADE_CODE"
grep -qi -- "$EXPECTED_UPGRADE_CODE" "$VDA_SOURCE_DIR/installer/ADMIN.md" ||
  fail "installer/ADMIN.md does not document the UpgradeCode $EXPECTED_UPGRADE_CODE"
[ "$(prop "$msi" ProductVersion)" = "$VDA_VERSION" ] ||
  fail "ProductVersion $(prop "$msi" ProductVersion), VERSION file says $VDA_VERSION"
[ "$(prop "$msi" ProductName)" = "SPICE Agent" ] || fail "ProductName $(prop "$msi" ProductName)"
[ "$(prop "$msi" Manufacturer)" = "SPICE Agent project" ] || fail "Manufacturer $(prop "$msi" Manufacturer)"
[ "$(prop "$msi" ALLUSERS)" = 1 ] || fail "ALLUSERS is not 1: not a per-machine install"
code=$(prop "$msi" ProductCode)
[[ "$code" =~ ^\{[0-9A-F-]{36}\}$ ]] || fail "ProductCode '$code'"
ok "UpgradeCode $uc (documented), ProductVersion $VDA_VERSION, ALLUSERS=1, ProductCode $code"

# ---- upgrades: one entry, never two
up=$(rows "$msi" Upgrade | upper)
want_rows=(
  "$EXPECTED_UPGRADE_CODE		$VDA_VERSION		1		WIX_UPGRADE_DETECTED"
  "$EXPECTED_UPGRADE_CODE	$VDA_VERSION			2		WIX_DOWNGRADE_DETECTED"
  "$EXPECTED_UPGRADE_CODE	$VDA_VERSION	$VDA_VERSION		769		SAME_VERSION_DETECTED"
)
for r in "${want_rows[@]}"; do
  grep -qxF -- "$r" <<<"$up" || fail "Upgrade table lacks row: $(tr '\t' '|' <<<"$r")"$'\n'"has:"$'\n'"$up"
done
seq=$(rows "$msi" InstallExecuteSequence)
seqno() { awk -F'\t' -v a="$1" '$1 == a { print $3 }' <<<"$seq"; }
for a in FindRelatedProducts RemoveExistingProducts StopServices DeleteServices InstallServices StartServices; do
  [ -n "$(seqno $a)" ] || fail "InstallExecuteSequence lacks $a"
done
if [ -n "$(seqno RemoveExistingProducts)" ]; then
  [ "$(seqno RemoveExistingProducts)" -gt "$(seqno InstallValidate)" ] &&
    [ "$(seqno RemoveExistingProducts)" -lt "$(seqno InstallInitialize)" ] ||
    fail "RemoveExistingProducts is not between InstallValidate and InstallInitialize"
fi
grep -q "NOT WIX_DOWNGRADE_DETECTED" <<<"$(rows "$msi" LaunchCondition)" ||
  fail "no downgrade launch condition"
ok "Upgrade: older versions and same-version rebuilds removed first (RemoveExistingProducts $(seqno RemoveExistingProducts)); downgrades refused"

# ---- architecture and folder
case "$VDA_MSI_ARCH" in
  x64) pf=ProgramFiles64Folder template='x64;1033' ;;
  x86) pf=ProgramFilesFolder template='Intel;1033' ;;
  *) fail "unknown arch $VDA_MSI_ARCH" ;;
esac
dirs=$(rows "$msi" Directory)
grep -qxF "INSTALLDIR	$pf	SPICE Agent" <<<"$dirs" || fail "INSTALLDIR is not $pf\\SPICE Agent: $dirs"
t=$(msiinfo suminfo "$msi" | sed -n 's/^Template: //p' | tr -d '\r')
[ "$t" = "$template" ] || fail "summary Template '$t', expected '$template'"
while read -r c attr; do
  if [ "$VDA_MSI_ARCH" = x64 ]; then
    (( attr & 256 )) || fail "component $c is not marked 64-bit"
  else
    (( attr & 256 )) && fail "component $c is marked 64-bit in the x86 MSI"
  fi
done < <(rows "$msi" Component | awk -F'\t' '{ print $1, $4 }')
lc=$(rows "$msi" LaunchCondition)
grep -q "VersionNT >= 601" <<<"$lc" || fail "no Windows 7 launch condition"
if [ "$VDA_MSI_ARCH" = x86 ]; then
  grep -q "NOT VersionNT64" <<<"$lc" || fail "the x86 MSI does not refuse 64-bit Windows"
fi
ok "$VDA_MSI_ARCH: $pf\\SPICE Agent, Template $t, component bitness, launch conditions"

# ---- the files are this tree's executables
files=$(rows "$msi" File | cut -f1 | sort | tr '\n' ' ')
want_files="vdservice.exe "
[ "$VDA_MSI_HAS_VDAGENT" = 1 ] && want_files="vdagent.exe vdservice.exe "
[ "$files" = "$want_files" ] || fail "File table has '$files', expected '$want_files'"
x=$(mktemp -d)
trap 'rm -rf "$x"' EXIT
msiextract -C "$x" "$msi" >/dev/null
IFS=: read -r -a exes <<<"$VDA_EXES"
for exe in "${exes[@]}"; do
  n=$(basename "$exe")
  got=$(find "$x" -type f -name "$n" | head -n 1)
  if [ -z "$got" ]; then
    fail "$n is not in the MSI"
  elif ! cmp -s "$got" "$exe"; then
    fail "$n in the MSI differs from $exe"
  else
    rel=${got#"$x"/}
    ok "$n in the MSI ($rel) is byte-identical to the build output"
  fi
done

# ---- the bumped build used by the upgrade test
if [ -n "${VDA_MSI_NEXT:-}" ]; then
  [ -f "$VDA_MSI_NEXT" ] || fail "$VDA_MSI_NEXT not built"
  nuc=$(prop "$VDA_MSI_NEXT" UpgradeCode | upper)
  [ "$nuc" = "$EXPECTED_UPGRADE_CODE" ] || fail "the next build's UpgradeCode $nuc differs"
  [ "$(prop "$VDA_MSI_NEXT" ProductVersion)" = "$VDA_MSI_NEXT_VERSION" ] ||
    fail "the next build's ProductVersion is $(prop "$VDA_MSI_NEXT" ProductVersion)"
  [ "$(prop "$VDA_MSI_NEXT" ProductCode)" != "$code" ] || fail "the next build reuses ProductCode $code"
  ok "next build $VDA_MSI_NEXT_VERSION: same UpgradeCode, new ProductCode"
fi

# ---- the Group Policy template matches what the agent reads (config.h)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if out=$("$PY" - "$VDA_SOURCE_DIR" <<'PYEOF' 2>&1
import re, sys, xml.etree.ElementTree as ET
src = sys.argv[1]
ns = {"p": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}
admx_text = open(src + "/installer/spice-agent.admx", encoding="utf-8").read()
adml_text = open(src + "/installer/en-US/spice-agent.adml", encoding="utf-8").read()
admx, adml = ET.fromstring(admx_text), ET.fromstring(adml_text)
hdr = open(src + "/common/win32/config.h", encoding="utf-8").read()
policy_key = re.search(r'#define VDA_CONFIG_POLICY_KEY L"(.*)"', hdr).group(1).replace("\\\\", "\\")
names = set(re.findall(r'#define VDA_CONFIG_VALUE_\w+ L"(\w+)"', hdr))
# (Per-user settings, VDA_CONFIG_USER_VALUE_*, are the user's say: no policy.)
problems, seen = [], set()
for pol in admx.iterfind(".//p:policy", ns):
    if pol.get("key") != policy_key:
        problems.append("policy %s writes key %s, the agent reads %s" % (pol.get("name"), pol.get("key"), policy_key))
    if pol.get("class") != "Machine":
        problems.append("policy %s is not a machine policy" % pol.get("name"))
    if pol.get("valueName"):
        seen.add(pol.get("valueName"))
    for el in pol.iterfind("p:elements/*", ns):
        seen.add(el.get("valueName"))
if seen != names:
    problems.append("ADMX value names %s, config.h reads %s" % (sorted(seen), sorted(names)))
strings = {e.get("id") for e in adml.iterfind(".//p:stringTable/p:string", ns)}
pres = {e.get("id") for e in adml.iterfind(".//p:presentationTable/p:presentation", ns)}
for ref in re.findall(r"\$\(string\.(\w+)\)", admx_text):
    if ref not in strings:
        problems.append("ADML lacks string " + ref)
for ref in re.findall(r"\$\(presentation\.(\w+)\)", admx_text):
    if ref not in pres:
        problems.append("ADML lacks presentation " + ref)
txt = admx.find(".//p:text[@valueName='DownloadFolder']", ns)
if txt is None or txt.get("expandable") != "true" or txt.get("maxLength") != "259":
    problems.append("DownloadFolder must be an expandable text of at most 259 characters")
dec = admx.find(".//p:decimal[@valueName='MaxClipboard']", ns)
lo = re.search(r"#define VDA_CONFIG_MAX_CLIPBOARD_MIN (\d+)u", hdr).group(1)
hi = re.search(r"#define VDA_CONFIG_MAX_CLIPBOARD_MAX (\d+)u", hdr).group(1)
if dec is None or dec.get("minValue") != lo or dec.get("maxValue") != hi:
    problems.append("MaxClipboard must be a decimal of %s..%s (config.h)" % (lo, hi))
enum = admx.find(".//p:enum[@valueName='FileTransferNotify']", ns)
want = sorted(int(v) for v in re.findall(r"#define VDA_CONFIG_NOTIFY_\w+ (\d+)u", hdr))
got = sorted(int(d.get("value")) for d in enum.iterfind(".//p:decimal", ns)) if enum is not None else []
if got != want:
    problems.append("FileTransferNotify choices %s, config.h has %s" % (got, want))
for p in problems:
    print(p)
print("policies for " + ", ".join(sorted(seen)) + " under HKLM\\" + policy_key)
sys.exit(1 if problems else 0)
PYEOF
); then
  ok "ADMX/ADML: $out"
else
  fail "ADMX/ADML: $out"
fi

if [ "$fails" -ne 0 ]; then
  echo "msi-tables: $fails failure(s)" >&2
  exit 1
fi
echo "msi-tables: all checks passed ($VDA_MSI_ARCH)"
