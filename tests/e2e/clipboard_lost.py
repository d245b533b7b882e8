#!/usr/bin/python3
"""A paste waits only while the client's data is coming. Usage:
clipboard_lost.py PORT INJECT_SOCKET AGENT_LOG
  never answers: the client grabbed text but never answers the agent's
    request: a Windows program's paste (tests/windows/paste_probe.exe, see
    win_paste.py) returns with nothing within 3 s of the request;
  refused: instead of an answer, a CLIPBOARD the service refuses (too short
    for its type, injected on the pty) arrives: the paste returns at once;
  slow but steady: the answer arrives in pieces over ~8 s (injected on the
    pty, 8 KiB every 0.5 s, as a client on a slow link sends it): the paste
    completes with every byte, although it took longer than the 3 s a
    silent client gets;
  client gone: the client starts sending 64 MiB and disconnects in the
    middle: the paste returns with nothing within 0.5 s of the disconnect;
  after all of them, a new client's paste works (through `xclip -o`, Wine's
  X bridge included).
Prints one JSON line per check and exits non-zero on any failure."""
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient, inject  # noqa: E402
from win_paste import WinPaste  # noqa: E402

CLIP_UTF8_TEXT = 1
VD_AGENT_CLIPBOARD = 4


def wait_request(c, since, timeout=20):
    return c.wait_event("clipboard_request", timeout, since)


def pump(c):
    return lambda: c.iterate(0.02)


def refused_chunk():
    # VDAgentMessage {protocol 1, type CLIPBOARD, opaque 0, size 2} + 2 bytes:
    # too short for the clipboard type, so the service's reader refuses it.
    body = b"\x01\x00"
    msg = struct.pack("<IIQI", 1, VD_AGENT_CLIPBOARD, 0, len(body)) + body
    return struct.pack("<II", 1, len(msg)) + msg


def clipboard_chunks(data):
    """A whole CLIPBOARD of UTF-8 text (with the selection prefix spice-gtk's
    capabilities call for) as the server frames it on the pty: chunks of at
    most 2048 bytes on the client's port."""
    body = struct.pack("<BxxxI", 0, CLIP_UTF8_TEXT) + data
    msg = struct.pack("<IIQI", 1, VD_AGENT_CLIPBOARD, 0, len(body)) + body
    return [struct.pack("<II", 1, len(msg[i:i + 2048])) + msg[i:i + 2048]
            for i in range(0, len(msg), 2048)]


def unanswered_grab(c):
    """The client grabs text but serves only BMP: the agent's request for
    text gets no answer from it."""
    c.serve_clip[0] = (3, b"")
    c.main.clipboard_selection_grab(0, [CLIP_UTF8_TEXT])
    c.iterate(0.5)


def main():
    port, sock, agent_log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    failed = 0

    c = SpiceClient(port)
    c.connect()
    c.wait_agent(30)

    # --- the client never answers --------------------------------------------
    unanswered_grab(c)
    since = len(c.events)
    t_start = time.time()
    w = WinPaste()
    wait_request(c, since)
    t_req = time.time()
    end = w.wait_end(20, pump(c))
    w.close()
    requests = sum(1 for e in c.events[since:] if e["event"] == "clipboard_request")
    secs = None if end is None else round(end - t_req, 3)
    ok = secs is not None and secs <= 3.2 and w.units == 0
    failed += not ok
    print(json.dumps({"check": "a paste the client never answers returns within 3 s", "ok": ok,
                      "after_request_s": secs,
                      "paste_returned_s": None if end is None else round(end - t_start, 3),
                      "requests": requests}), flush=True)

    # --- refused on the way ------------------------------------------------
    unanswered_grab(c)
    since = len(c.events)
    w = WinPaste()
    wait_request(c, since)
    c.iterate(0.3)
    # Every request the agent sends is answered by a CLIPBOARD the service
    # refuses.
    answered = [0]

    def answer_refused():
        c.iterate(0.02)
        n = sum(1 for e in c.events[since:] if e["event"] == "clipboard_request")
        while answered[0] < n:
            inject(sock, refused_chunk())
            answered[0] += 1

    t0 = time.time()
    answer_refused()
    end = w.wait_end(10, answer_refused)
    w.close()
    secs = None if end is None else round(end - t0, 3)
    ok = secs is not None and secs < 1 and w.units == 0
    failed += not ok
    print(json.dumps({"check": "a refused CLIPBOARD ends the waiting paste", "ok": ok,
                      "paste_returned_s": secs, "requests": answered[0]}), flush=True)

    # --- slow but steady -------------------------------------------------------
    slow = "0123456789abcdef" * 8192  # 128 KiB in 16 pieces of 8 KiB
    chunks = clipboard_chunks(slow.encode())
    unanswered_grab(c)
    since = len(c.events)
    w = WinPaste()
    wait_request(c, since)
    t0 = time.time()
    for i in range(0, len(chunks), 4):
        inject(sock, b"".join(chunks[i:i + 4]))
        c.iterate(0.5)
    fed_s = round(time.time() - t0, 3)
    end = w.wait_end(20, pump(c))
    w.close()
    secs = None if end is None else round(end - t0, 3)
    ok = secs is not None and w.pasted(slow)
    failed += not ok
    print(json.dumps({"check": "a slow but steady answer completes the paste", "ok": ok,
                      "fed_over_s": fed_s, "paste_returned_s": secs,
                      "units": w.units, "want": len(slow)}), flush=True)

    # --- the client leaves mid-stream ----------------------------------------
    big = ("0123456789abcdef" * 4096 * 1024).encode()  # 64 MiB
    c.serve_clip[0] = (CLIP_UTF8_TEXT, big)
    c.main.clipboard_selection_grab(0, [CLIP_UTF8_TEXT])
    c.iterate(0.5)
    since = len(c.events)
    w = WinPaste()
    wait_request(c, since)
    c.iterate(0.3)  # part of the 64 MiB is on its way
    still_waiting = not w.ended()
    t0 = time.time()
    c.disconnect()
    end = w.wait_end(40)
    w.close()
    secs = None if end is None else round(end - t0, 3)
    with open(agent_log, "rb") as f:
        log = f.read()
    # The stream really was cut in the middle.
    cut = [int(n) for n in re.findall(rb"clipboard stream aborted \((\d+) of %d bytes\)" % len(big),
                                      log)]
    ok = (still_waiting and secs is not None and secs <= 0.5 and w.units == 0 and
          cut and 0 < cut[-1] < len(big))
    failed += not ok
    print(json.dumps({"check": "a client leaving mid-paste ends the paste within 0.5 s", "ok": ok,
                      "waiting_before": still_waiting, "paste_returned_s": secs,
                      "bytes_before_cut": cut[-1] if cut else None}), flush=True)

    # --- and the next client's paste works -----------------------------------
    c = SpiceClient(port)
    c.connect()
    c.wait_agent(30)
    c.clip_grab("after the lost pastes")
    c.iterate(0.5)
    p = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"], stdout=subprocess.PIPE)
    out = []
    th = threading.Thread(target=lambda: out.append(p.stdout.read()))
    th.start()
    t0 = time.monotonic()
    while p.poll() is None and time.monotonic() - t0 < 30:
        c.iterate(0.02)  # the client serves the agent's request meanwhile
    if p.poll() is None:
        p.kill()
    th.join()
    secs = round(time.monotonic() - t0, 3)
    ok = p.returncode == 0 and out == [b"after the lost pastes"]
    failed += not ok
    print(json.dumps({"check": "the next paste works", "ok": ok, "paste_s": secs}), flush=True)
    c.disconnect()
    sys.exit(1 if failed else 0)


main()
