#!/usr/bin/python3
"""Resize latency through the real stack: client -> spice-server -> port ->
vdservice -> vdagent -> ChangeDisplaySettingsExW -> Wine -> Xorg.

For N resizes it records, per resize:
  - end to end: from spice-gtk's send_monitor_config() to the moment xrandr
    (XRandR GetScreenInfo through the `xrandr` tool) reports the new size;
  - the baseline: the same mode change made directly with `xrandr -s`, from
    the command's start to the same observation (the X server's own cost,
    which no agent can beat).
The agent's own figure (MONITORS_CONFIG arrival to ChangeDisplaySettingsExW
return) comes from vdagent.log; the caller merges it.
Prints JSON {"e2e_ms": [...], "baseline_ms": [...]}.
Usage: display_latency.py PORT N SIZE SIZE ..."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient  # noqa: E402


def screen():
    out = subprocess.run(["xrandr", "--current"], capture_output=True, text=True).stdout
    head = out.split("current ", 1)[1].split(",", 1)[0]
    w, h = head.split(" x ")
    return "%sx%s" % (w.strip(), h.strip())


def wait_screen(c, size, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if screen() == size:
            return time.monotonic()
        if c is not None:
            c.iterate(0.001)
    raise SystemExit("timed out waiting for %s (screen %s)" % (size, screen()))


port, n, sizes = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
c = SpiceClient(port)
c.connect()
c.wait_agent(30)
c.iterate(1.0)
e2e, base = [], []
for i in range(n):
    size = sizes[i % len(sizes)]
    if screen() == size:
        size = sizes[(i + 1) % len(sizes)]
    w, h = (int(v) for v in size.split("x"))
    t0 = time.monotonic()
    c.monitors([(w, h, 0, 0)], wait_reply=False)
    e2e.append((wait_screen(c, size) - t0) * 1000.0)
    c.wait_for(lambda: c.mc_replies >= c.mc_sent, 10, "REPLY")
for i in range(n):
    size = sizes[i % len(sizes)]
    if screen() == size:
        size = sizes[(i + 1) % len(sizes)]
    t0 = time.monotonic()
    subprocess.run(["xrandr", "-s", size], check=True)
    base.append((wait_screen(None, size) - t0) * 1000.0)
print(json.dumps({"e2e_ms": e2e, "baseline_ms": base}))
