#!/usr/bin/python3
"""Client-side steps of the fault tests (faults_host.sh, faults_transfer.sh),
through the real client (spice-gtk) and X programs on the guest's display.
Usage: faults.py PORT COMMAND [ARG]
  clip-check TAG        text both ways: the client's grab pasted by `xclip -o`,
                        `xclip -i` requested by the client (a deaf agent fails)
  cut-to-guest MIB      the client offers MIB MiB of text, a Windows program's
                        paste starts, the client disconnects once the agent
                        asked: the paste must end within 5 s
  cut-from-guest MIB    the guest copies MIB MiB, the client asks for it and
                        disconnects while the agent streams it
  hold SECONDS          the client grabs and never answers the agent's request,
                        staying connected SECONDS (the agent sits rendering)
Prints one JSON line; exits non-zero on failure."""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient  # noqa: E402
from win_paste import WinPaste  # noqa: E402

CLIP_UTF8_TEXT = 1
STEP = 20


def out(ok, **kw):
    print(json.dumps(dict(ok=ok, **kw)), flush=True)
    return 0 if ok else 1


def client(port):
    c = SpiceClient(port)
    c.connect()
    c.wait_agent(30)
    c.iterate(0.5)
    return c


def pump_until(c, pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        c.iterate(0.02)
    return False


def paste_start():
    p = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    got = []
    th = threading.Thread(target=lambda: got.append(p.stdout.read()), daemon=True)
    th.start()
    return p, got, th


def copy_start(data):
    p = subprocess.Popen(["xclip", "-quiet", "-i", "-selection", "clipboard"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    p.stdin.write(data)
    p.stdin.close()
    return p


def clip_check(port, tag):
    c = client(port)
    text = "fault check %s \u00e9" % tag
    c.clip_grab(text)
    c.iterate(0.5)
    p, got, th = paste_start()
    if not pump_until(c, lambda: p.poll() is not None, STEP):
        p.kill()
        return out(False, error="guest paste blocked %ds" % STEP, tag=tag)
    th.join()
    if got[0] != text.encode():
        return out(False, error="guest pasted %r, client offered %r" % (got[0][:60], text))
    want = ("guest copy %s" % tag).encode()
    c.guest_grab.pop(0, None)
    cp = copy_start(want)
    try:
        if not pump_until(c, lambda: 0 in c.guest_grab, STEP):
            return out(False, error="the agent never grabbed the guest's copy", tag=tag)
        ev = c.clip_request(0, CLIP_UTF8_TEXT, STEP)
    finally:
        cp.kill()
        cp.wait()
    data = ev["data_bytes"].replace(b"\r\n", b"\n")
    return out(data == want, check="clipboard both ways", tag=tag,
               error=None if data == want else "client received %r" % data[:60])


def cut_to_guest(port, mib):
    # The paste is a Windows program's (win_paste.py says why not xclip).
    c = client(port)
    text = ("x" * 1023 + "\n") * (mib * 1024)
    since = len(c.events)
    c.clip_grab(text)
    c.iterate(0.5)
    w = WinPaste()
    try:
        if not pump_until(c, lambda: any(e["event"] == "clipboard_request"
                                         for e in c.events[since:]), STEP):
            return out(False, error="the agent never asked for the client's data")
        c.iterate(0.05)  # some of the data is on its way
        if w.ended():
            return out(False, error="the paste ended (%d units) before the client left" % w.units)
        t0 = time.time()
        c.disconnect()
        end = w.wait_end(STEP)
        secs = (end if end is not None else time.time()) - t0
        ok = end is not None and secs < 5 and w.units != len(text)
        return out(ok, check="paste ends after the client left mid-transfer",
                   paste_seconds=round(secs, 2), pasted_units=w.units,
                   error=None if ok else "the paste took %.1f s (%s units)" % (secs, w.units))
    finally:
        w.close()


def cut_from_guest(port, mib):
    c = client(port)
    data = b"y" * (mib << 20)
    c.guest_grab.pop(0, None)
    cp = copy_start(data)
    try:
        if not pump_until(c, lambda: 0 in c.guest_grab, STEP):
            return out(False, error="the agent never grabbed the guest's copy")
        c.main.clipboard_selection_request(0, CLIP_UTF8_TEXT)
        c.iterate(0.3)  # the agent is streaming the answer
        c.disconnect()
    finally:
        cp.kill()
        cp.wait()
    return out(True, check="client left while the agent streamed %d MiB" % mib)


def hold(port, seconds):
    c = client(port)
    c._need_clipboard()
    c.main.clipboard_selection_grab(0, [CLIP_UTF8_TEXT])  # never served
    c.iterate(seconds)
    return out(True, check="held the grab unanswered for %gs" % seconds)


def main():
    port, cmd = int(sys.argv[1]), sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    if cmd == "clip-check":
        return clip_check(port, arg)
    if cmd == "cut-to-guest":
        return cut_to_guest(port, int(arg))
    if cmd == "cut-from-guest":
        return cut_from_guest(port, int(arg))
    if cmd == "hold":
        return hold(port, float(arg))
    print("unknown command %r" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
