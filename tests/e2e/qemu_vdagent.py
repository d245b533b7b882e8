#!/usr/bin/python3
"""The agent against QEMU's own agent peer (tests/rig/qemu_vdagent_host.py), end
to end: the service and agent in Wine, X programs (xclip, xdotool) on the
guest's display. Usage: qemu_vdagent.py LINK RESETS [LOGFILE]
  1. text and a PNG both ways (host grab -> `xclip -o`; `xclip -i` -> host request);
  2. RESETS rounds, alternately a port reset (new pty, link replaced) and a host
     re-announce with request=1, each followed by text both ways - the host's
     grab first, so its serial 0 after the reset must be taken by the agent;
  3. no reset the test did not cause (a guest that announces twice per open
     makes QEMU reset the port again: a reset loop), no guest grab discarded;
  4. the grab-serial rule: a guest grab below QEMU's serial is discarded, and the
     next host grab brings both sides back in step;
  5. the mouse through MOUSE_STATE on the client port (as QEMU sends it);
  6. the guest closing and reopening the port (the service restarted): QEMU's
     peer forgets everything, and both sides start afresh.
Prints one JSON line per check; exits non-zero on the first failure."""
import base64
import json
import os
import queue
import struct
import subprocess
import sys
import threading
import time
import zlib

RIG = os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig")
STEP = 20  # seconds any one step may take


W, H = 53, 37  # odd sizes: row padding is exercised


class Fail(Exception):
    pass


def pixels():
    return [[((x * 255) // (W - 1), (y * 255) // (H - 1), (x ^ y) & 255) for x in range(W)]
            for y in range(H)]


def png_encode(px):
    raw = b"".join(b"\0" + bytes(c for p in row for c in p) for row in px)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def bmp_decode(data):
    """24/32-bit BMP (what Wine gives X for a CF_DIB) -> (w, h, rows of RGB)."""
    if data[:2] != b"BM" or len(data) < 54:
        raise Fail("the guest pasted no BMP (%d bytes)" % len(data))
    off = struct.unpack_from("<I", data, 10)[0]
    _, w, h, _, bits, comp = struct.unpack_from("<IiiHHI", data, 14)
    if bits not in (24, 32) or comp not in (0, 3):
        raise Fail("unexpected BMP: %d bpp, compression %d" % (bits, comp))
    bpp, rows = bits // 8, abs(h)
    stride = (w * bpp + 3) & ~3
    out = []
    for r in range(rows):
        base = off + (rows - 1 - r if h > 0 else r) * stride
        out.append([(data[base + x * bpp + 2], data[base + x * bpp + 1], data[base + x * bpp])
                    for x in range(w)])
    return w, rows, out


class Host:
    """The model as a child process, driven through its JSON lines."""

    def __init__(self, link, log):
        self.p = subprocess.Popen(["/usr/bin/python3", os.path.join(RIG, "qemu_vdagent_host.py"),
                                   "--link", link], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        self.events = []
        self.q = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        for line in self.p.stdout:
            self.q.put(json.loads(line))
        self.q.put(None)

    def _pump(self, timeout):
        try:
            ev = self.q.get(timeout=timeout)
        except queue.Empty:
            return
        if ev is None:
            raise Fail("the model exited (rc %s)" % self.p.poll())
        self.events.append(ev)

    def wait(self, name, since=0, timeout=STEP, pred=lambda e: True):
        end = time.monotonic() + timeout
        while True:
            for ev in self.events[since:]:
                if ev["event"] == name and pred(ev):
                    return ev
            left = end - time.monotonic()
            if left <= 0:
                raise Fail("timed out after %ss waiting for the model's %s" % (timeout, name))
            self._pump(min(left, 0.1))

    def cmd(self, name, **kw):
        i = self.next_id
        self.next_id += 1
        kw.update(id=i, cmd=name)
        self.p.stdin.write(json.dumps(kw) + "\n")
        self.p.stdin.flush()
        return self.wait("result", pred=lambda e: e.get("id") == i)

    def count(self, name, since=0, pred=lambda e: True):
        return sum(1 for e in self.events[since:] if e["event"] == name and pred(e))

    def settle(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._pump(min(end - time.monotonic(), 0.1))

    def quit(self):
        try:
            self.cmd("quit")
        except (Fail, OSError):
            pass
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


def report(check, **kw):
    print(json.dumps(dict(check=check, ok=True, **kw)), flush=True)


def paste(target=None):
    """`xclip -o` on the guest's display: what a guest program pastes."""
    cmd = ["xclip", "-o", "-selection", "clipboard"] + (["-t", target] if target else [])
    t0 = time.monotonic()
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=STEP).stdout
    except subprocess.TimeoutExpired:
        raise Fail("a guest paste (%s) blocked for %ss" % (target or "text", STEP))
    return out, time.monotonic() - t0


class Copier:
    """`xclip -i` serving one clipboard content on the guest's display."""

    def __init__(self):
        self.p = None

    def copy(self, data, target=None):
        self.stop()
        cmd = ["xclip", "-quiet", "-i", "-selection", "clipboard"] + (["-t", target] if target else [])
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        self.p.stdin.write(data)
        self.p.stdin.close()

    def stop(self):
        if self.p:
            self.p.kill()
            self.p.wait()
            self.p = None


def host_to_guest_text(h, text):
    since = len(h.events)
    r = h.cmd("grab", text=text)
    if not r["ok"]:
        raise Fail("host grab refused: %s" % r.get("error"))
    time.sleep(0.3)  # let Wine tell X about the new owner
    got, secs = paste()
    h.wait("request", since, pred=lambda e: e["type"] == 1)
    if got != text.encode():
        raise Fail("guest pasted %r, host offered %r (serial %s)" % (got[:60], text, r["serial"]))
    return secs, r["serial"]


def guest_to_host(h, copier, data, ctype, target=None):
    since = len(h.events)
    copier.copy(data, target)
    g = h.wait("grab", since, pred=lambda e: ctype in e.get("types", []) or not e["accepted"])
    if not g["accepted"]:
        raise Fail("the model discarded the guest's grab: serial %s < %s" % (g["serial"], g["last"]))
    since = len(h.events)
    r = h.cmd("request", type="text" if ctype == 1 else "png")
    if not r["ok"]:
        raise Fail("host request refused: %s" % r.get("error"))
    d = h.wait("data", since, pred=lambda e: e["type"] == ctype)
    return base64.b64decode(d["b64"]), g["serial"]


def wait_ready(h, since):
    """The port (re)opened and the agent announced its clipboard with serials."""
    h.wait("opened", since)
    c = h.wait("caps", since, timeout=STEP)
    for cap in (0, 5, 6, 17):
        if cap not in c["caps"]:
            raise Fail("the agent did not announce capability %d: %s" % (cap, c["caps"]))
    return c


def main():
    link, rounds = sys.argv[1], int(sys.argv[2])
    log = open(sys.argv[3], "a") if len(sys.argv) > 3 else subprocess.DEVNULL
    h = Host(link, log)
    copier = Copier()
    try:
        run(h, copier, rounds)
    except Fail as e:
        print(json.dumps({"check": "failed", "ok": False, "error": str(e)}), flush=True)
        for ev in h.events[-40:]:
            ev.pop("b64", None)
            sys.stderr.write("model event: %s\n" % json.dumps(ev))
        return 1
    finally:
        copier.stop()
        h.quit()
    return 0


def run(h, copier, rounds):
    h.wait("ready")
    c = wait_ready(h, 0)
    report("agent announced to QEMU's peer", caps=c["caps"])
    h.settle(1.0)

    # --- 1. text and PNG both ways ---------------------------------------------
    secs, _ = host_to_guest_text(h, "QEMU host -> guest \u00e9\u6f22 one")
    report("host->guest text", seconds=round(secs, 3))
    want = "guest -> QEMU host \u00e9\u6f22\nline two".encode()
    got, _ = guest_to_host(h, copier, want, 1)
    if got.replace(b"\r\n", b"\n") != want:
        raise Fail("host received %r, guest copied %r" % (got[:60], want))
    report("guest->host text", crlf=b"\r\n" in got)

    px = pixels()
    png = png_encode(px)
    since = len(h.events)
    r = h.cmd("grab", png_b64=base64.b64encode(png).decode())
    if not r["ok"]:
        raise Fail("host PNG grab refused: %s" % r.get("error"))
    time.sleep(0.3)
    bmp, secs = paste("image/bmp")
    h.wait("request", since, pred=lambda e: e["type"] == 2)
    w, hh, out = bmp_decode(bmp)
    if (w, hh, out) != (W, H, px):
        raise Fail("guest pasted a %dx%d image that differs from the host's PNG" % (w, hh))
    report("host->guest PNG (pixels equal as the guest's DIB)", seconds=round(secs, 3))
    got, _ = guest_to_host(h, copier, png, 2, "image/png")
    if got != png:
        raise Fail("host received %d PNG bytes differing from the guest's %d" % (len(got), len(png)))
    report("guest->host PNG (bytes equal)", bytes=len(got))

    # --- 2./3. resets and re-announces --------------------------------------------
    resets_before = h.cmd("state")["resets"]
    caused = 0
    for i in range(rounds):
        since = len(h.events)
        if i % 2 == 0:
            h.cmd("reset", why="round %d" % i)
            caused += 1
        else:
            # QEMU's peer announces again (request=1); the agent answers, and
            # QEMU's answer to that repeated announce is to reset the port.
            h.cmd("announce", request=1)
            h.wait("caps", since, pred=lambda e: e["request"] == 0)
            caused += 1
            h.wait("reset", since)
            since = len(h.events)
        t0 = time.monotonic()
        wait_ready(h, since)
        back = time.monotonic() - t0
        secs, serial = host_to_guest_text(h, "round %d host->guest" % i)
        if serial != 0:
            raise Fail("round %d: the host's first grab after the reset had serial %s" % (i, serial))
        want = ("round %d guest->host" % i).encode()
        got, gserial = guest_to_host(h, copier, want, 1)
        if got.replace(b"\r\n", b"\n") != want:
            raise Fail("round %d: host received %r" % (i, got[:60]))
        report("round %d: %s, port back in %.2f s, text both ways" %
               (i, "port reset" if i % 2 == 0 else "re-announce", back),
               guest_serial=gserial, paste_seconds=round(secs, 3))
    h.settle(2.0)
    st = h.cmd("state")
    extra = st["resets"] - resets_before - caused
    if extra:
        raise Fail("%d port resets the test did not cause (a guest that announces twice "
                   "per open makes QEMU reset the port again and again)" % extra)
    # After each reset the agent grabs again what the guest holds, with serial
    # 0, as the host's own grab 0 crosses it: a tie, which QEMU settles by
    # discarding the guest's (serial == its counter - 1) and the agent by
    # letting the host win - the pastes above got the host's text. A guest
    # serial further behind would mean the two counters drifted apart.
    grabs = [e for e in h.events if e["event"] == "grab" and not e["accepted"]]
    drift = [(e["serial"], e["last"]) for e in grabs if e["serial"] != e["last"] - 1]
    if drift:
        raise Fail("QEMU discarded guest grabs behind its serial (guest, QEMU): %s" % drift)
    report("%d resets and re-announces, no reset loop, serials in step" % rounds,
           resets=st["resets"] - resets_before, ties_won_by_host=len(grabs))

    # --- 4. the grab-serial rule ------------------------------------------------------
    st = h.cmd("state")
    last = st["last_serial"][0]
    h.cmd("set-serial", value=last + 2)  # another QEMU peer grabbed meanwhile
    since = len(h.events)
    copier.copy(b"stale guest grab")
    g = h.wait("grab", since)
    if g["accepted"]:
        raise Fail("the model accepted guest serial %s below its %s" % (g["serial"], last + 2))
    report("a guest grab below QEMU's serial is discarded", serial=g["serial"], last=last + 2)
    secs, serial = host_to_guest_text(h, "host grab after a discarded guest grab")
    got, gserial = guest_to_host(h, copier, b"guest grab in step again", 1)
    if got.replace(b"\r\n", b"\n") != b"guest grab in step again":
        raise Fail("host received %r" % got[:60])
    report("the next host grab brings both sides in step", host_serial=serial,
           guest_serial=gserial)

    # --- 5. mouse through MOUSE_STATE on the client port -----------------------------
    for x, y in ((300, 200), (1000, 700)):
        r = h.cmd("mouse", x=x, y=y, buttons=0, display=0)
        if not r["ok"]:
            raise Fail("mouse: %s" % r.get("error"))
        end = time.monotonic() + 5
        loc = ""
        while time.monotonic() < end:
            loc = subprocess.run(["xdotool", "getmouselocation"], stdout=subprocess.PIPE,
                                 text=True, timeout=5).stdout
            if loc.startswith("x:%d y:%d " % (x, y)):
                break
            time.sleep(0.1)
        else:
            raise Fail("pointer at %s after MOUSE_STATE %d,%d" % (loc.strip(), x, y))
        report("MOUSE_STATE on port 1 moves the pointer", x=x, y=y)

    # --- 6. the guest closes and reopens the port (service restarted) ---------------
    since = len(h.events)
    for verb in ("stop", "start"):
        r = subprocess.run(["wine", "net", verb, "spice-agent"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
        if r.returncode != 0:
            raise Fail("net %s spice-agent failed (%d)" % (verb, r.returncode))
        if verb == "stop":
            h.wait("closed", since, pred=lambda e: e["why"] == "guest closed")
            since = len(h.events)
    wait_ready(h, since)
    host_to_guest_text(h, "after the guest reopened the port")
    got, _ = guest_to_host(h, copier, b"guest after its reopen", 1)
    if got.replace(b"\r\n", b"\n") != b"guest after its reopen":
        raise Fail("host received %r after the reopen" % got[:60])
    report("service restarted: QEMU's peer forgot the guest, both start afresh, text both ways")


if __name__ == "__main__":
    sys.exit(main())
