#!/usr/bin/env bash
# Clipboard text both ways, end to end: real client -> real server -> agent
# in Wine -> X programs (xclip) through Wine's clipboard bridge, and back.
# Text cases: ASCII, 4-byte UTF-8 (emoji), CJK, right-to-left, mixed CRLF/LF,
# 10 MiB. Images: PNG from the client into a guest DIB, and guest images
# (published PNG, DIB) to the client, compared pixel by pixel.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
command -v xclip >/dev/null || e2e_fail "xclip missing: run scripts/bootstrap.sh"

E2E_WITH_X=1 e2e_setup
rig_add_mode 1024x768
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"

cases="$RIG_TMP/cases"
mkdir -p "$cases"
printf 'Hello, SPICE clipboard! 0123456789' >"$cases/ascii"
printf 'emoji \xf0\x9f\x98\x80 \xf0\x9f\x9a\x80 done' >"$cases/emoji"
printf '\xe6\xbc\xa2\xe5\xad\x97\xe3\x81\x8b\xe3\x81\xaa \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4' >"$cases/cjk"
printf '\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 abc' >"$cases/rtl"
printf 'line one\r\nline two\nline three\r\nlast' >"$cases/mixed-crlf-lf"
/usr/bin/python3 -c '
import sys
line = "0123456789abcdefghijklmnopqrstuvwxyz\u00e9\u6f22\U0001F600 the quick brown fox\n"
data = (line * (10 * 1024 * 1024 // len(line.encode()) + 1)).encode()[: 10 * 1024 * 1024]
data = data[: len(data.decode("utf-8", "ignore").encode())]
open(sys.argv[1], "wb").write(data)' "$cases/10MiB"

out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_text.py" "$RIG_PORT" \
  "$cases/ascii" "$cases/emoji" "$cases/cjk" "$cases/rtl" "$cases/mixed-crlf-lf" "$cases/10MiB" \
  2>>"$RIG_TMP/client.log") || { echo "$out"; e2e_fail "clipboard text mismatch or timeout"; }
echo "$out"
[ "$(grep -c '"ok": true' <<<"$out")" -eq 12 ] || e2e_fail "expected 12 passing transfers"
e2e_pass "text both ways: ASCII, emoji, CJK, RTL, mixed CRLF/LF, 10 MiB"
# A guest -> client paste is a long run of port writes, and Wine ends the
# service's gathering port reads early when a write completes: the service
# must not take those for an idle spin and go back to exact-size reads
# (vdservice/read_guard.h; test_read_guard has the counting, this checks the
# real port after real pastes both ways).
svc_log="$E2E_LOG_DIR/vdservice.log"
grep -q 'reads gather up to' "$svc_log" || e2e_fail "the service's port reads do not gather"
if grep -q 'port reads keep ending empty' "$svc_log"; then
  e2e_fail "after the text cases the service went back to exact-size port reads: $(grep 'keep ending' "$svc_log" | head -1)"
fi
e2e_pass "port reads still gather after the pastes both ways"

out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_image.py" "$RIG_PORT" \
  2>>"$RIG_TMP/client.log") || { echo "$out"; e2e_fail "clipboard image mismatch or timeout"; }
echo "$out"
[ "$(grep -c '"ok": true' <<<"$out")" -eq 3 ] || e2e_fail "expected 3 passing image checks"
e2e_pass "images: client PNG -> guest DIB, guest PNG -> client as is, guest DIB -> client PNG"

out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_protocol.py" "$RIG_PORT" \
  2>>"$RIG_TMP/client.log") || { echo "$out"; e2e_fail "grab serial / regrab behaviour"; }
echo "$out"
e2e_pass "grab serials and regrabs match spice-gtk: no RELEASE between grabs, no 0.5 s delay"
e2e_pass "a paste the client never answers does not block resizing"

out=$(timeout 120 /usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/clipboard_lost.py" "$RIG_PORT" \
  "$RIG_INJECT" "$E2E_LOG_DIR/vdagent.log" 2>>"$RIG_TMP/client.log") \
  || { echo "$out"; e2e_fail "a paste whose data was lost stayed blocked (or the check timed out)"; }
echo "$out"
e2e_pass "pastes wait only while data comes: unanswered 3 s, refused at once, slow but steady completes, client gone within 0.5 s"

# --- the agent exits while it owns the client's clipboard ----------------------
# WM_RENDERALLFORMATS comes when the agent's pipe is already gone (the
# service stopped it), so nobody can render: the clipboard is emptied rather
# than left with formats no one can produce, and a paste returns at once.
/usr/bin/python3 - "$RIG_PORT" <<'PY' 2>>"$RIG_TMP/client.log" || e2e_fail "client grab before exit failed"
import os, sys
sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient
c = SpiceClient(int(sys.argv[1])); c.connect(); c.wait_agent(30)
c.clip_grab("owned by the client"); c.iterate(1.0)
PY
e2e_stop_service
start=$(date +%s%N)
pasted=$(timeout 10 xclip -o -selection clipboard 2>/dev/null) || true
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ -z "$pasted" ] || e2e_fail "after the agent exited the clipboard still pasted '$pasted'"
[ "$ms" -lt 5000 ] || e2e_fail "a paste after the agent exited took $ms ms"
e2e_pass "agent exit while owning the clipboard: emptied, a paste returns nothing in $ms ms"

# --- policy -------------------------------------------------------------------
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v ClipboardEnabled /t REG_DWORD /d 0 /f
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
out=$(rig_client caps) || e2e_fail "client: $out"
caps=$(rig_json '",".join(str(c) for c in sorted(j["caps"]))' <<<"$out")
for cap in 5 6 16 17; do
  grep -qw "$cap" <<<"${caps//,/ }" && e2e_fail "ClipboardEnabled=0 but capability $cap announced ($caps)"
done
printf 'must not leave the guest' | timeout 5 xclip -i -selection clipboard
out=$(rig_client clip-from-guest --timeout 3 2>&1) && e2e_fail "clipboard shared despite the policy: $out"
grep -q "sharing disabled by policy\|ClipboardEnabled=0 (setting)" "$E2E_LOG_DIR/vdagent.log" \
  || e2e_fail "the agent did not log the policy"
e2e_pass "ClipboardEnabled=0: no clipboard capability announced, nothing shared ($caps)"
e2e_stop_service
