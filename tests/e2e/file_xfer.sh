#!/usr/bin/env bash
# File transfer end to end: spice-gtk's file_copy_async -> real server ->
# vdservice -> vdagent in Wine -> the user's Downloads folder.
#  - sizes 0 B .. 100 MiB around every chunk and piece boundary, byte-exact;
#  - several files in one drop, two drops at once, the same name twice;
#  - hostile names: refused or made safe, nothing created outside Downloads;
#  - the client killed, the service stopped, the agent killed mid-transfer:
#    nothing left in Downloads, and the next transfer works;
#  - a small drive (tmpfs mapped as S:, the agent keeps 64 MiB free):
#    NOT_ENOUGH_SPACE with the client's message naming it, nothing left;
#  - FileTransferEnabled=0: FILE_XFER_DISABLED announced, drops refused.
# The 1 GiB transfer with a resize in the middle is in file_xfer_large.sh.
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"

# --no-display: no display channel. Killing the client mid-transfer can land
# while spice-server waits for the display channel's DISPLAY_INIT, where it
# reads a freed channel client and crashes (docs/ROBUSTNESS.md); file
# transfer needs only the main channel.
E2E_WITH_X=1 e2e_setup --no-display
e2e_xfer_downloads
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "the service never opened the port"
py() { /usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/file_xfer.py" "$RIG_PORT" "$@" 2>>"$RIG_TMP/client.log"; }

cases="$RIG_TMP/cases"
mkdir -p "$cases"
sizes=(0 1 2047 2048 2049 65535 65536 65537 104857600)
files=()
for s in "${sizes[@]}"; do
  head -c "$s" /dev/urandom >"$cases/size-$s.bin"
  files+=("$cases/size-$s.bin")
done

# --- sizes ----------------------------------------------------------------------
out=$(py drop "$E2E_DOWNLOADS" "${files[@]}") || { echo "$out"; e2e_fail "a transfer failed or differs"; }
echo "$out"
[ "$(grep -c '"landed": "size-' <<<"$out")" -eq ${#sizes[@]} ] || e2e_fail "not every size landed"
e2e_xfer_no_partial || e2e_fail "a temporary file was left in Downloads"
e2e_pass "sizes ${sizes[*]}: byte-exact (SHA-256) in Downloads, no temporary left"

# --- several at once, same name twice -----------------------------------------
e2e_xfer_clean
mkdir -p "$cases/a" "$cases/b"
for n in 1 2 3 4; do head -c $((n * 70000)) /dev/urandom >"$cases/a/multi-$n.dat"; done
for n in 1 2 3 4; do head -c $((n * 50000)) /dev/urandom >"$cases/b/pair-$n.dat"; done
out=$(py drop-together "$E2E_DOWNLOADS" "$cases"/a/multi-*.dat) || { echo "$out"; e2e_fail "one drop of 4 files"; }
echo "$out"
out=$(py two-drops "$E2E_DOWNLOADS" "$cases"/b/pair-*.dat) || { echo "$out"; e2e_fail "two drops at once"; }
echo "$out"
printf 'first' >"$cases/a/same.txt"
printf 'second' >"$cases/b/same.txt"
out=$(py drop "$E2E_DOWNLOADS" "$cases/a/same.txt" "$cases/b/same.txt") || { echo "$out"; e2e_fail "same name twice"; }
echo "$out"
[ "$(cat "$E2E_DOWNLOADS/same.txt")" = first ] && [ "$(cat "$E2E_DOWNLOADS/same (1).txt")" = second ] \
  || e2e_fail "the same name dropped twice should give same.txt and 'same (1).txt'"
e2e_pass "4 files in one drop, two drops at once, the same name twice -> same.txt + 'same (1).txt'"

# --- hostile names --------------------------------------------------------------
e2e_xfer_clean
hostile="$RIG_TMP/hostile"
mkdir -p "$hostile"
touch "$RIG_TMP/hostile.marker"
sleep 1
bash "$VDA_SOURCE_DIR/tests/e2e/hostile_names.sh" "$hostile"
n=$(find "$hostile" -type f | wc -l)
[ "$n" -ge 50 ] || e2e_fail "only $n hostile names made"
mapfile -d '' hfiles < <(find "$hostile" -type f -print0)
out=$(py hostile "$E2E_DOWNLOADS" "${hfiles[@]}") || { echo "$out"; e2e_fail "a hostile name was mishandled"; }
echo "$out" >"$RIG_TMP/hostile.json"
refused=$(grep -c '"accepted": false' <<<"$out" || true)
renamed=$(grep -c '"accepted": true' <<<"$out" || true)
# Nothing named after a hostile name anywhere but Downloads and the cases.
stray=$(find "$WINEPREFIX" "$RIG_TMP" "$HOME" /tmp -xdev -newer "$RIG_TMP/hostile.marker" \
  -name '*HOSTILE*' -not -path "$hostile/*" -not -path "$E2E_DOWNLOADS/*" 2>/dev/null | head -5)
[ -z "$stray" ] || e2e_fail "files created outside Downloads: $stray"
for f in "$E2E_DOWNLOADS"/*; do
  b=$(basename "$f")
  case "$b" in
    *[\<\>\"\|\?\*:\\]* | *. | *" ") e2e_fail "unsafe name landed: '$b'" ;;
  esac
done
e2e_xfer_no_partial || e2e_fail "a temporary file was left in Downloads"
e2e_pass "$n hostile names: $refused refused, $renamed made safe; nothing outside Downloads"

# --- failures mid-transfer ------------------------------------------------------
e2e_xfer_clean
big="$cases/size-104857600.bin"
# mid_transfer WHAT: start a 100 MiB drop in the background, wait until its
# temporary file holds data, then do WHAT.
mid_transfer() {
  /usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/file_xfer.py" "$RIG_PORT" drop "$E2E_DOWNLOADS" \
    "$big" >>"$RIG_TMP/client.log" 2>&1 &
  local pid=$!
  rig_track "$pid" file-copy-client
  rig_wait_for "[ -n \"\$(find '$E2E_DOWNLOADS' -name '.spice-agent-*' -size +1k)\" ]" 60 \
    "data in a temporary file" || e2e_fail "$1: the transfer never started"
  case "$1" in
    client) kill -9 "$pid" ;;
    service) e2e_stop_service || e2e_fail "net stop failed" ;;
    agent) kill -9 $(e2e_wine_pids vdagent.exe) ;;
  esac
  rig_wait_for "[ -z \"\$(ls -A '$E2E_DOWNLOADS')\" ]" 10 "Downloads to be empty" \
    || e2e_fail "$1 stopped mid-transfer: left $(ls -A "$E2E_DOWNLOADS")"
  wait "$pid" 2>/dev/null || true
  if [ "$1" = service ]; then e2e_install_service; fi
  rig_wait_agent attached 60 || e2e_fail "no agent after $1 stopped"
  out=$(py drop "$E2E_DOWNLOADS" "$cases/size-65537.bin") || { echo "$out"; e2e_fail "no transfer after $1"; }
  e2e_xfer_clean
  e2e_pass "$1 stopped mid-transfer: nothing left in Downloads, the next transfer works"
}
mid_transfer client
mid_transfer agent
mid_transfer service

# --- disk full ------------------------------------------------------------------
small="$RIG_TMP/small-disk"
mkdir -p "$small"
mount -t tmpfs -o size=96m tmpfs "$small" || e2e_fail "cannot mount a small tmpfs (needs root)"
E2E_CLEANUP_MOUNTS="$small"
ln -sfn "$small" "$WINEPREFIX/dosdevices/s:"
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v DownloadFolder /t REG_SZ /d 'S:\' /f
e2e_stop_service
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "no agent after the restart"
head -c $((48 * 1024 * 1024)) /dev/urandom >"$cases/too-big.bin"
out=$(py expect-error "$cases/too-big.bin" "space") || { echo "$out"; e2e_fail "48 MiB onto a 96 MiB disk (64 MiB kept free)"; }
echo "$out"
[ -z "$(ls -A "$small")" ] || e2e_fail "full disk: left $(ls -A "$small")"
out=$(py drop "$small" "$cases/size-65537.bin") || { echo "$out"; e2e_fail "a small file onto the small disk"; }
e2e_pass "48 MiB onto a 96 MiB drive (64 MiB reserve): NOT_ENOUGH_SPACE, nothing left; a small file still fits"
umount "$small" && E2E_CLEANUP_MOUNTS=
e2e_reg delete 'HKLM\SOFTWARE\SPICE Agent' /v DownloadFolder /f

# --- policy ---------------------------------------------------------------------
e2e_reg add 'HKLM\SOFTWARE\SPICE Agent' /v FileTransferEnabled /t REG_DWORD /d 0 /f
e2e_stop_service
e2e_install_service
rig_wait_agent attached 60 || e2e_fail "no agent after the restart"
out=$(rig_client caps) || e2e_fail "client: $out"
caps=$(rig_json '" ".join(str(c) for c in sorted(j["caps"]))' <<<"$out")
grep -qw 13 <<<"$caps" || e2e_fail "FileTransferEnabled=0 but FILE_XFER_DISABLED (13) not announced: $caps"
e2e_xfer_clean
start=$(date +%s%N)
out=$(py expect-error "$cases/size-2048.bin") || { echo "$out"; e2e_fail "a drop despite the policy"; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 5000 ] || e2e_fail "policy: the refusal took $ms ms"
[ -z "$(ls -A "$E2E_DOWNLOADS")" ] || e2e_fail "policy: something was written"
e2e_pass "FileTransferEnabled=0: FILE_XFER_DISABLED announced, a drop is refused (client done in $ms ms), nothing written"
e2e_stop_service
