#!/usr/bin/env bash
# The demo: build the agent, install it in a throwaway Wine prefix, connect
# the real SPICE server (libspice-server) and client (spice-gtk) and show
# what the client saw. Everything started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/bootstrap.sh
echo "== building (Windows x64, mingw-w64)"
cmake --preset win64 >build-demo-configure.log 2>&1 || { cat build-demo-configure.log; exit 1; }
rm -f build-demo-configure.log
cmake --build --preset win64 | tail -n 1

export VDA_SOURCE_DIR=$root
export VDA_RIG_HOST=$root/build/win64/_rig/spice-host
export VDA_VDSERVICE=$root/build/win64/vdservice/vdservice.exe
export VDA_VDAGENT=$root/build/win64/vdagent/vdagent.exe
source tests/rig/rig.sh
source tests/e2e/e2e-lib.sh

echo "== starting the host (spice-server on 127.0.0.1) and a fresh Wine prefix"
e2e_setup
echo "   prefix: $WINEPREFIX"
echo "   spice-server: 127.0.0.1:$RIG_PORT, agent port on $RIG_PTY"
echo "== installing the service (vdservice install; net start spice-agent)"
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
echo "   the guest opened \\\\.\\Global\\com.redhat.spice.0"

echo "== connecting the real client (spice-gtk)"
out=$(rig_client caps) || e2e_fail "client: $out"
echo "   agent-connected: $(rig_json 'j["agent_connected"]' <<<"$out" || true)"
echo "   agent capabilities: $(rig_json '", ".join(j["names"])' <<<"$out")"

echo "== dropping files on the client window (spice-gtk file_copy_async)"
e2e_xfer_downloads
drop=$RIG_TMP/drop
mkdir -p "$drop"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$drop/holiday-video.bin"
printf 'quarterly numbers\n' >"$drop/report.txt"
printf 'not a device\n' >"$drop/CON.txt"
printf 'trying to escape\n' >"$drop/..\\..\\Windows\\evil.txt"
shopt -s dotglob # the escaping name starts with ".."
out=$(/usr/bin/python3 tests/e2e/file_xfer.py "$RIG_PORT" hostile "$E2E_DOWNLOADS" "$drop"/* \
  2>>"$RIG_TMP/client.log") || e2e_fail "file drop: $out"
/usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    j = json.loads(line)
    what = "saved as %s" % ", ".join(j["as"]) if j["accepted"] else "refused (%s)" % j["error"]
    print("   %-28s %s" % (j["name"], what))' <<<"$out"
echo "   in the user's Downloads (C:\\users\\$(id -un)\\Downloads):"
ls -la "$E2E_DOWNLOADS" | tail -n +2 | sed 's/^/     /'
grep -h "file transfer\|told the user\|notification" "$E2E_LOG_DIR/vdagent.log" | tail -n 12 | sed 's/^/   vdagent.log: /'

echo "== the service's log (C:\\ProgramData\\SPICE Agent\\vdservice.log)"
sed 's/^/   /' "$E2E_LOG_DIR/vdservice.log"

echo "== stopping (net stop spice-agent)"
e2e_stop_service
rig_wait_agent detached 10 && echo "   port closed"
echo "== demo done"
