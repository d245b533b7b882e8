#!/bin/bash
# prefix_retry.sh - rig_new_prefix retries one failed `wineboot -i` in a fresh
# folder, logs the failed attempt, and gives up after the second.
# A stand-in wineboot on PATH fails as CI once saw the real one fail (exit 1,
# "could not load kernel32.dll", nothing in system32), then hands over to
# the real wineboot.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/rig.sh"
real=$(command -v wineboot) || { echo "prefix_retry: FAIL: wineboot missing: run scripts/bootstrap.sh" >&2; exit 1; }
trap 'rig_cleanup' EXIT
rig_tmpdir >/dev/null
fail() { echo "prefix_retry: FAIL: $*" >&2; [ -f "${RIG_WINE_LOG:-}" ] && tail -n 20 "$RIG_WINE_LOG" >&2; exit 1; }

fake="$RIG_TMP/fakebin"
mkdir -p "$fake"
cat >"$fake/wineboot" <<FAKE
#!/bin/bash
# fails the first FAILS calls, then runs the real wineboot
n=\$(cat "$RIG_TMP/calls" 2>/dev/null || echo 0); echo \$((n + 1)) >"$RIG_TMP/calls"
if [ "\$n" -lt "\$FAILS" ]; then
  mkdir -p "\$WINEPREFIX/drive_c/windows/system32"
  echo "wine: could not load kernel32.dll, status c0000135"; exit 1
fi
exec "$real" "\$@"
FAKE
chmod +x "$fake/wineboot"

# One failure: the second attempt boots a usable prefix.
export FAILS=1
PATH="$fake:$PATH" rig_new_prefix 2>"$RIG_TMP/rig1.err" || { cat "$RIG_TMP/rig1.err" >&2; fail "no prefix after one failed boot"; }
[ "$(cat "$RIG_TMP/calls")" = 2 ] || fail "wineboot ran $(cat "$RIG_TMP/calls") times, expected 2"
grep -q 'wineboot -i failed (attempt 1, exit 1;.* 0 files in system32;.*MiB free' "$RIG_TMP/rig1.err" \
  || { cat "$RIG_TMP/rig1.err" >&2; fail "the failed attempt was not logged"; }
[ -f "$WINEPREFIX/drive_c/windows/system32/kernel32.dll" ] || fail "the retried prefix has no kernel32.dll"
[ -d "$RIG_TMP/prefix.failed" ] || fail "the failed attempt's folder was not set aside"
timeout 60 wine cmd /c echo booted </dev/null >"$RIG_TMP/cmd.out" 2>&1 || fail "wine cannot run in the retried prefix"
grep -q booted "$RIG_TMP/cmd.out" || fail "cmd printed: $(cat "$RIG_TMP/cmd.out")"
echo "prefix_retry: pass: one failed boot is logged and retried; the retried prefix runs cmd"
timeout 30 wineserver -k >/dev/null 2>&1 || true
timeout 30 wineserver -w >/dev/null 2>&1 || true

# Two failures: rig_new_prefix gives up (no third attempt, no hang).
rm -rf "$RIG_TMP/prefix" "$RIG_TMP/prefix.failed" "$RIG_TMP/calls"
export FAILS=2
if PATH="$fake:$PATH" rig_new_prefix 2>"$RIG_TMP/rig2.err"; then fail "rig_new_prefix succeeded after two failed boots"; fi
[ "$(cat "$RIG_TMP/calls")" = 2 ] || fail "wineboot ran $(cat "$RIG_TMP/calls") times, expected 2"
[ "$(grep -c 'wineboot -i failed' "$RIG_TMP/rig2.err")" = 2 ] || { cat "$RIG_TMP/rig2.err" >&2; fail "both failures should be logged"; }
echo "prefix_retry: pass: two failed boots give up after the second"
