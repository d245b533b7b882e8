#!/usr/bin/env bash
# The agent against QEMU's own agent peer (`-chardev qemu-vdagent`, modelled in
# tests/rig/qemu_vdagent_host.py): the service and agent installed in Wine, the
# model as the host, X programs as the guest's applications. Clipboard text and
# a PNG both ways; 10 port resets and re-announces, each followed by clipboard
# both ways; no reset loop; the grab-serial rule; the mouse via MOUSE_STATE;
# the service restarted (the guest closes and reopens the port).
set -euo pipefail
source "$VDA_SOURCE_DIR/tests/rig/rig.sh"
source "$VDA_SOURCE_DIR/tests/e2e/e2e-lib.sh"
for tool in xclip xdotool; do
  command -v "$tool" >/dev/null || e2e_fail "$tool missing: run scripts/bootstrap.sh"
done

E2E_WITH_X=1 e2e_setup
# QEMU's peer replaces the SPICE server here: spice-host goes before the
# guest ever opens the port, and the model owns the link from now on.
rig_stop_host
rig_add_mode 1024x768
xrandr --output DUMMY0 --mode 1024x768 >/dev/null 2>&1 || true
model_log="$RIG_TMP/qemu-vdagent.log"
RIG_EXTRA_LOGS="$RIG_EXTRA_LOGS $model_log"
e2e_install_service

out=$(/usr/bin/python3 "$VDA_SOURCE_DIR/tests/e2e/qemu_vdagent.py" "$RIG_LINK" 10 "$model_log") \
  || { echo "$out"; e2e_fail "the agent with QEMU's qemu-vdagent peer: $(tail -n 1 <<<"$out")"; }
echo "$out"
[ "$(grep -c '"ok": true' <<<"$out")" -eq 21 ] || e2e_fail "expected 21 passing checks"
e2e_pass "QEMU peer: text and PNG both ways, 10 resets/re-announces with clipboard after each, serial rule, mouse, guest reopen"

# No zombies: one agent, one service.
[ "$(e2e_wine_pids vdagent.exe | wc -l)" -eq 1 ] || e2e_fail "expected one vdagent.exe: $(e2e_wine_pids vdagent.exe)"
e2e_stop_service
e2e_pass "service stopped cleanly after the QEMU peer test"
