#!/usr/bin/env bash
# Static checks of the executables the MSI ships (no Wine needed):
#  - hardened PE flags: DYNAMIC_BASE, NX_COMPAT (+ HIGH_ENTROPY_VA on x64,
#    large-address-aware on x86);
#  - only system DLLs imported (static runtime: nothing to ship beside them);
#  - the manifest (cmake/app.manifest) is embedded as RT_MANIFEST #1 with
#    supportedOS Windows 7..11, per-monitor-v2 DPI awareness and asInvoker;
#  - the version resource says company, product and file version, all equal
#    to the VERSION file (the one version source).
# Env from ctest: VDA_SOURCE_DIR, VDA_OBJDUMP, VDA_MSI_ARCH (x64|x86),
# VDA_EXES (':'-separated paths).
set -euo pipefail

for v in VDA_SOURCE_DIR VDA_OBJDUMP VDA_MSI_ARCH VDA_EXES; do
  [ -n "${!v:-}" ] || { echo "msi-binaries: $v is not set (run through ctest)" >&2; exit 1; }
done
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
version=$(tr -d ' \r\n' <"$VDA_SOURCE_DIR/VERSION")
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# System DLLs an agent may import (lower case). Anything else (libgcc_s,
# libwinpthread, libpng, zlib1...) would have to be shipped: refused.
allowed_dlls=" kernel32.dll user32.dll gdi32.dll advapi32.dll shell32.dll ole32.dll
  oleaut32.dll shlwapi.dll wtsapi32.dll userenv.dll msvcrt.dll ucrtbase.dll ws2_32.dll
  version.dll setupapi.dll cfgmgr32.dll imm32.dll winmm.dll crypt32.dll bcrypt.dll
  secur32.dll dwmapi.dll shcore.dll uxtheme.dll rpcrt4.dll ntdll.dll comdlg32.dll
  windowscodecs.dll powrprof.dll wintrust.dll sechost.dll "
allowed_dlls=" $(echo $allowed_dlls) "

IFS=: read -r -a exes <<<"$VDA_EXES"
for exe in "${exes[@]}"; do
  name=$(basename "$exe")
  [ -f "$exe" ] || { fail "$name: $exe missing"; continue; }
  dump=$("$VDA_OBJDUMP" -p "$exe")

  # ---- PE flags
  before=$fails
  flags=$(awk '/^DllCharacteristics/ {on=1; next} on && /^\t\t\t\t\t/ {print $1; next} on {exit}' <<<"$dump" | tr '\n' ' ')
  want="DYNAMIC_BASE NX_COMPAT"
  [ "$VDA_MSI_ARCH" = x64 ] && want="$want HIGH_ENTROPY_VA"
  for f in $want; do
    grep -qw "$f" <<<"$flags" || fail "$name: DllCharacteristics lacks $f (has: $flags)"
  done
  if [ "$VDA_MSI_ARCH" = x86 ]; then
    grep -q "large address aware" <<<"$dump" || fail "$name: not large-address-aware"
  fi
  if grep -q "relocations stripped" <<<"$dump"; then
    fail "$name: relocations stripped (ASLR cannot move it)"
  fi
  [ "$fails" = "$before" ] && ok "$name: DllCharacteristics $flags"

  # ---- imports
  dlls=$(sed -n 's/^\tDLL Name: //p' <<<"$dump" | tr 'A-Z' 'a-z' | sort -u)
  [ -n "$dlls" ] || fail "$name: no imports found (objdump output changed?)"
  bad=""
  for d in $dlls; do
    case "$d" in
      api-ms-win-*) continue ;;
    esac
    [[ "$allowed_dlls" == *" $d "* ]] || bad="$bad $d"
  done
  if [ -n "$bad" ]; then
    fail "$name: imports non-system DLLs:$bad"
  else
    ok "$name: imports only system DLLs: $(echo $dlls)"
  fi

  # ---- resources: manifest and version
  if ! out=$("$PY" - "$exe" "$version" "$VDA_MSI_ARCH" <<'PYEOF' 2>&1
import re, struct, sys

path, version, arch = sys.argv[1], sys.argv[2], sys.argv[3]
d = open(path, "rb").read()
pe = struct.unpack_from("<I", d, 0x3C)[0]
assert d[pe:pe + 4] == b"PE\0\0", "not a PE file"
machine, nsec = struct.unpack_from("<HH", d, pe + 4)
optsz = struct.unpack_from("<H", d, pe + 20)[0]
opt = pe + 24
magic = struct.unpack_from("<H", d, opt)[0]
want_machine = {"x64": 0x8664, "x86": 0x14C}[arch]
problems = []
if machine != want_machine:
    problems.append("machine 0x%x, expected 0x%x for %s" % (machine, want_machine, arch))
dd = opt + (112 if magic == 0x20B else 96)
rsrc_rva, rsrc_size = struct.unpack_from("<II", d, dd + 2 * 8)
secs = []
for i in range(nsec):
    s = opt + optsz + 40 * i
    vsize, va, rawsize, rawptr = struct.unpack_from("<IIII", d, s + 8)
    secs.append((va, max(vsize, rawsize), rawptr))

def off(rva):
    for va, size, raw in secs:
        if va <= rva < va + size:
            return raw + rva - va
    raise ValueError("rva 0x%x outside every section" % rva)

res = {}
if rsrc_rva == 0:
    print("PROBLEM: no resource section (no manifest, no version)")
    sys.exit(1)
base = off(rsrc_rva)

def walk(rel, path_ids):
    named, ids = struct.unpack_from("<HH", d, base + rel + 12)
    for i in range(named + ids):
        name, target = struct.unpack_from("<II", d, base + rel + 16 + 8 * i)
        key = path_ids + [name if not name & 0x80000000 else "named"]
        if target & 0x80000000:
            walk(target & 0x7FFFFFFF, key)
        else:
            rva, size = struct.unpack_from("<II", d, base + target)
            res[tuple(key)] = d[off(rva):off(rva) + size]

walk(0, [])
manifests = [v for k, v in res.items() if k[0] == 24 and k[1] == 1]
if not manifests:
    problems.append("no RT_MANIFEST resource #1")
else:
    m = manifests[0].decode("utf-8", "replace")
    for os_id, os_name in [("35138b9a-5d96-4fbd-8e2d-a2440225f93a", "Windows 7"),
                           ("4a2f28e3-53b9-4441-ba9c-d69d4a4a6e38", "Windows 8"),
                           ("1f676c76-80e1-4239-95bb-83d0f6d0da78", "Windows 8.1"),
                           ("8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a", "Windows 10/11")]:
        if os_id not in m.lower():
            problems.append("manifest lacks supportedOS %s (%s)" % (os_name, os_id))
    if not re.search(r"<dpiAwareness[^>]*>\s*PerMonitorV2", m):
        problems.append("manifest lacks dpiAwareness PerMonitorV2")
    if not re.search(r"<dpiAware[^>]*>\s*true/pm", m):
        problems.append("manifest lacks dpiAware true/pm (pre-1607 fallback)")
    if not re.search(r'requestedExecutionLevel\s+level="asInvoker"', m):
        problems.append("manifest lacks requestedExecutionLevel asInvoker")
vers = [v for k, v in res.items() if k[0] == 16]
if not vers:
    problems.append("no RT_VERSION resource")
else:
    v = vers[0]
    sig = v.find(struct.pack("<I", 0xFEEF04BD))
    if sig < 0:
        problems.append("VS_FIXEDFILEINFO missing")
    else:
        fms, fls, pms, pls = struct.unpack_from("<IIII", v, sig + 8)
        fixed = "%d.%d.%d" % (fms >> 16, fms & 0xFFFF, fls >> 16)
        pfixed = "%d.%d.%d" % (pms >> 16, pms & 0xFFFF, pls >> 16)
        if fixed != version or pfixed != version:
            problems.append("FILEVERSION %s / PRODUCTVERSION %s, VERSION file says %s"
                            % (fixed, pfixed, version))
    text = v.decode("utf-16-le", "replace")
    def value(key):
        m = re.search(key + "\0+([^\0]*)", text)
        return m.group(1) if m else None
    want = {"CompanyName": "SPICE Agent project", "ProductName": "SPICE Agent",
            "FileVersion": version, "ProductVersion": version}
    for key, expected in want.items():
        got = value(key)
        if got != expected:
            problems.append("%s is %r, expected %r" % (key, got, expected))
    if not value("FileDescription"):
        problems.append("FileDescription is empty")
    print("version resource: " + ", ".join(
        "%s=%s" % (k, value(k)) for k in ["CompanyName", "ProductName", "FileVersion",
                                          "FileDescription", "OriginalFilename"]))
for p in problems:
    print("PROBLEM: " + p)
sys.exit(1 if problems else 0)
PYEOF
  ); then
    fail "$name: resources: $out"
  else
    ok "$name: manifest (Windows 7..11, PerMonitorV2, asInvoker) embedded; $out"
  fi
done

if [ "$fails" -ne 0 ]; then
  echo "msi-binaries: $fails failure(s)" >&2
  exit 1
fi
echo "msi-binaries: all checks passed for ${#exes[@]} executable(s) ($VDA_MSI_ARCH)"
