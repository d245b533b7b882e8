#!/usr/bin/python3
"""Clipboard text both ways through the real client and X programs on the
Wine side. Usage: clipboard_text.py PORT CASE_FILE...
For each UTF-8 case file:
  client -> guest: the client grabs the text; `xclip -o` pastes it on the X
    side (Wine asks the agent, the agent asks the client);
  guest -> client: `xclip -i` copies it on the X side; the agent grabs; the
    client requests and receives it.
Line ends: X text uses LF and Wine converts it to and from Windows' CRLF.
The agent announces GUEST_LINEEND_CRLF, so a client converts: spice-gtk's
GTK session runs unix2dos on what it sends and dos2unix on what it
receives. This driver talks to the raw MainChannel, so it applies dos2unix
itself to what it receives, exactly as that session would. Prints one JSON line per case and direction and
exits non-zero on any mismatch."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient  # noqa: E402

TIMEOUT = 60


def pump_until(c, pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = pred()
        if r:
            return r
        c.iterate(0.02)
    raise SystemExit("timed out after %ds waiting for %s" % (timeout, what))


def to_guest(c, text):
    since = len(c.events)
    c.clip_grab(text)
    # Let the grab reach the agent and Wine announce it to X before pasting.
    c.iterate(0.5)
    t0 = time.monotonic()
    p = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"], stdout=subprocess.PIPE)
    out = []
    # The client must keep serving while xclip waits for the data.
    import threading
    th = threading.Thread(target=lambda: out.append(p.stdout.read()))
    th.start()
    pump_until(c, lambda: p.poll() is not None, TIMEOUT, "xclip -o")
    th.join()
    requested = any(e["event"] == "clipboard_request" for e in c.events[since:])
    return out[0], time.monotonic() - t0, requested


def from_guest(c, data):
    c.guest_grab.pop(0, None)
    # -quiet: xclip stays in the foreground serving the selection, so it can
    # be stopped by PID afterwards.
    p = subprocess.Popen(["xclip", "-quiet", "-i", "-selection", "clipboard"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    p.stdin.write(data)
    p.stdin.close()
    t0 = time.monotonic()
    pump_until(c, lambda: 0 in c.guest_grab, TIMEOUT, "the agent's grab")
    ev = c.clip_request(0, 1, TIMEOUT)
    return ev["data_bytes"], time.monotonic() - t0, p


def main():
    port, cases = int(sys.argv[1]), sys.argv[2:]
    c = SpiceClient(port)
    c.connect()
    c.wait_agent(30)
    c.iterate(1.0)
    failed = 0
    xclip_servers = []
    for path in cases:
        raw = open(path, "rb").read()
        text = raw.decode("utf-8")
        want = raw.replace(b"\r\n", b"\n")
        got, secs, requested = to_guest(c, text)
        ok = got == want
        failed += not ok
        print(json.dumps({"case": os.path.basename(path), "direction": "client->guest",
                          "bytes": len(raw), "ok": ok, "agent_requested": requested,
                          "seconds": round(secs, 3),
                          "got_head": got[:40].hex() if not ok else None,
                          "want_head": want[:40].hex() if not ok else None}), flush=True)
        for old in xclip_servers:
            old.kill()
        got, secs, p = from_guest(c, want)
        xclip_servers.append(p)
        # The guest's text has CRLF line ends (Windows), as announced.
        crlf = got.count(b"\r\n") == want.count(b"\n")
        got = got.replace(b"\r\n", b"\n")
        ok = got == want and crlf
        failed += not ok
        print(json.dumps({"case": os.path.basename(path), "direction": "guest->client",
                          "bytes": len(want), "ok": ok, "seconds": round(secs, 3),
                          "got_head": got[:40].hex() if not ok else None,
                          "want_head": want[:40].hex() if not ok else None}), flush=True)
    for p in xclip_servers:
        p.kill()
    sys.exit(1 if failed else 0)


main()
