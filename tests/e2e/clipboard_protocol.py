#!/usr/bin/python3
"""Grab serials and no-release-on-regrab against the real spice-gtk.
Usage: clipboard_protocol.py PORT
  guest regrabs: five copies in a row on the X side; spice-gtk drops an agent
    grab whose serial does not match its counter, so each copy must reach
    the client as a grab, with no RELEASE in between, each within 0.5 s
    (no release delay), and a request returns the last text;
  client regrabs: three grabs in a row without release; a paste on the guest
    side returns the last one (a grab dropped as stale would paste an older
    text).
Prints JSON lines; exits non-zero on failure."""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient  # noqa: E402


def pump_until(c, pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        c.iterate(0.01)
    raise SystemExit("timed out waiting for %s" % what)


def main():
    c = SpiceClient(int(sys.argv[1]))
    c.connect()
    c.wait_agent(30)
    c.iterate(1.0)
    failed = 0

    since = len(c.events)
    servers, delays = [], []
    for i in range(5):
        n0 = sum(1 for e in c.events[since:] if e["event"] == "clipboard_grab")
        s = subprocess.Popen(["xclip", "-quiet", "-i", "-selection", "clipboard"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        s.stdin.write(("regrab %d" % i).encode())
        s.stdin.close()
        t0 = time.monotonic()
        pump_until(c, lambda: sum(1 for e in c.events[since:]
                                  if e["event"] == "clipboard_grab") > n0, 10,
                   "grab %d at the client" % i)
        delays.append(round(time.monotonic() - t0, 3))
        for old in servers:
            old.kill()
        servers = [s]
    releases = sum(1 for e in c.events[since:] if e["event"] == "clipboard_release")
    last = c.clip_request(0, 1, 30)["data_bytes"]
    ok = releases == 0 and last == b"regrab 4" and max(delays) < 0.5
    failed += not ok
    print(json.dumps({"check": "guest regrabs accepted by spice-gtk", "ok": ok,
                      "grab_delays_s": delays, "releases": releases,
                      "last": last.decode(errors="replace")}), flush=True)
    for s in servers:
        s.kill()

    for text in ("first", "second", "third"):
        c.clip_grab(text)
        c.iterate(0.05)
    c.iterate(0.5)
    p = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"], stdout=subprocess.PIPE)
    got = []
    th = threading.Thread(target=lambda: got.append(p.stdout.read()))
    th.start()
    pump_until(c, lambda: p.poll() is not None, 30, "xclip -o")
    th.join()
    ok = got[0] == b"third"
    failed += not ok
    print(json.dumps({"check": "client regrabs accepted by the agent", "ok": ok,
                      "pasted": got[0].decode(errors="replace")}), flush=True)

    # A paste the client never answers must not freeze the agent: while the
    # clipboard thread waits, a resize and the mouse still work.
    c.serve_clip[0] = (3, b"")  # grabbed as text, but only BMP is served: no answer
    c.main.clipboard_selection_grab(0, [1])
    c.iterate(0.5)
    p = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"], stdout=subprocess.DEVNULL)
    c.iterate(0.5)
    t0 = time.monotonic()
    reply = c.monitors([(1024, 768, 0, 0)], True, 10)
    resize_s = round(time.monotonic() - t0, 3)
    size = subprocess.run(["xrandr", "--current"], capture_output=True, text=True).stdout
    ok = reply["success"] and "current 1024 x 768" in size and p.poll() is None
    failed += not ok
    print(json.dumps({"check": "resize during an unanswered paste", "ok": ok,
                      "reply_s": resize_s, "paste_still_waiting": p.poll() is None}), flush=True)
    p.kill()
    sys.exit(1 if failed else 0)


main()
