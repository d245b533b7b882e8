#!/usr/bin/python3
"""Clipboard throughput, timed end to end through the real client and server
(run by bench/clipboard_bench.sh). Each command prints the case's seconds.
  clipboard_bench.py gen WORKDIR                     writes the cases' files
  clipboard_bench.py c2g-agent PORT TYPE FILE [XTYPE] client -> guest, an X program pastes
  clipboard_bench.py g2c-agent PORT TYPE FILE [XTYPE] guest -> client, an X program copied
  clipboard_bench.py c2g-win PORT TYPE FILE          client -> guest, a Windows program pastes
  clipboard_bench.py g2c-win PORT TYPE FILE          guest -> client, a Windows program copied
  clipboard_bench.py c2g-null PORT TYPE FILE NULLLOG the floor: the null agent drains the data
  clipboard_bench.py g2c-null PORT TYPE -            the floor: the null agent serves its grab
"""
import json
import os
import struct
import subprocess
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "e2e"))
from spice_client import SpiceClient  # noqa: E402
from win_paste import WinPaste  # noqa: E402

MIB = 1024 * 1024


def text(n, newlines=True):
    # With newlines the guest's copy grows by one CR per line (Windows text):
    # the 100 MiB case has none, so it stays within the 100 MiB limit.
    line = b"The quick brown fox jumps over the lazy dog 0123456789 \xc3\xa9\xe6\xbc\xa2"
    line += b"\n" if newlines else b" "
    data = (line * (n // len(line) + 1))[:n]
    return data[:len(data.decode("utf-8", "ignore").encode())]


def screenshot_png(w=3840, h=2160):
    # Screen-like content: flat areas, gradients and some noise, 8-bit RGB.
    rows = []
    for y in range(h):
        row = bytearray(w * 3)
        for x in range(0, w, 64):
            v = ((x // 64) * 37 + (y // 32) * 11) & 255
            row[x * 3:(x + 64) * 3] = bytes((v, (v * 3) & 255, 255 - v)) * 64
        rows.append(b"\0" + bytes(row))
    return png_file(w, h, b"".join(rows))


def png_file(w, h, raw):
    """An 8-bit RGB PNG of RAW (each row: filter byte 0 and the samples)."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def pump_until(c, pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        c.iterate(0.005)
    raise SystemExit("timed out after %ds waiting for %s" % (timeout, what))


def c2g_agent(c, ctype, data, xtype):
    c.serve_clip[0] = (ctype, data)
    c.main.clipboard_selection_grab(0, [ctype])
    c.iterate(0.3)
    t0 = time.monotonic()
    args = ["xclip", "-o", "-selection", "clipboard"] + (["-t", xtype] if xtype else [])
    p = subprocess.Popen(args, stdout=subprocess.PIPE)
    out = []
    th = threading.Thread(target=lambda: out.append(len(p.stdout.read())))
    th.start()
    pump_until(c, lambda: p.poll() is not None, 600, "xclip -o")
    th.join()
    if out[0] == 0:
        raise SystemExit("xclip -o got nothing")
    return time.monotonic() - t0


def g2c_agent(c, ctype, data, xtype):
    c.guest_grab.pop(0, None)
    args = ["xclip", "-quiet", "-i", "-selection", "clipboard"] + (["-t", xtype] if xtype else [])
    s = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    s.stdin.write(data)
    s.stdin.close()
    pump_until(c, lambda: 0 in c.guest_grab, 120, "the agent's grab")
    t0 = time.monotonic()
    ev = c.clip_request(0, ctype, 600)
    secs = time.monotonic() - t0
    s.kill()
    if not ev.get("data_bytes"):
        raise SystemExit("no data from the guest")
    return secs


def c2g_win(c, ctype, data):
    """Client -> guest, pasted by a Windows program (paste_probe.exe): from
    its GetClipboardData until that returns, the text's CRC checked (an
    image: CF_DIB, a block of at least the picture's 3840x2160x3 bytes). No
    X program, so Wine's X selection bridge is not on the path."""
    c.serve_clip[0] = (ctype, data)
    c.main.clipboard_selection_grab(0, [ctype])
    c.iterate(0.3)
    p = WinPaste("dib" if ctype != 1 else None)
    pump_until(c, p.ended, 600, "paste_probe")
    p.close()
    if ctype != 1:
        if (p.units or 0) < 3840 * 2160 * 3:
            raise SystemExit("paste_probe got a DIB of %s bytes" % p.units)
        return p.end_t - p.start_t
    txt = data.decode("utf-8")
    if not (p.pasted(txt) or p.pasted(txt.replace("\n", "\r\n"))):
        raise SystemExit("paste_probe got %s UTF-16 units, not the text sent" % p.units)
    return p.end_t - p.start_t


def g2c_win(c, ctype, data, path):
    """Guest -> client, copied by a Windows program (clip_bridge.exe put:
    text as CF_UNICODETEXT, a .bmp as CF_DIB, a .png as "PNG", rendered at
    once): from the client's request until it holds the data."""
    bridge = os.environ.get("VDA_CLIP_BRIDGE")
    if not bridge or not os.path.exists(bridge):
        raise SystemExit("VDA_CLIP_BRIDGE (bench/windows/clip_bridge.exe) missing: build win64")
    c.guest_grab.pop(0, None)
    p = subprocess.Popen(["wine", bridge, "put", "Z:" + os.path.abspath(path).replace("/", "\\"),
                          "600"], stdout=subprocess.PIPE, text=True)
    try:
        ready = []
        threading.Thread(target=lambda: ready.append(p.stdout.readline()), daemon=True).start()
        pump_until(c, lambda: ready and 0 in c.guest_grab, 120, "the agent's grab of the copy")
        if not ready[0].startswith("READY"):
            raise SystemExit("clip_bridge put failed: %r" % ready[0])
        t0 = time.monotonic()
        ev = c.clip_request(0, ctype, 600)
        secs = time.monotonic() - t0
    finally:
        p.kill()
        p.wait()
    got = len(ev.get("data_bytes") or b"")
    if ctype != 1:
        if not (ev.get("data_bytes") or b"").startswith(b"\x89PNG"):
            raise SystemExit("the guest sent no PNG (%d bytes)" % got)
    elif got < len(data):
        raise SystemExit("the guest sent %d bytes of %d" % (got, len(data)))
    return secs


def c2g_null(c, ctype, data, log):
    start = os.path.getsize(log)
    c.serve_clip[0] = (ctype, data)
    t0 = time.monotonic()
    c.main.clipboard_selection_grab(0, [ctype])

    def done():
        with open(log) as f:
            f.seek(start)
            return any('"ev": "clipboard"' in l and '"bytes": %d' % len(data) in l for l in f)
    pump_until(c, done, 600, "the null agent to drain the data")
    return time.monotonic() - t0


def screenshot_bmp(w=3840, h=2160):
    # The same picture as screenshot_png(), as a bottom-up 24-bit BMP.
    from png_bench import bmp
    rows = []
    for y in range(h):
        row = bytearray(w * 3)
        for x in range(0, w, 64):
            v = ((x // 64) * 37 + (y // 32) * 11) & 255
            row[x * 3:(x + 64) * 3] = bytes((255 - v, (v * 3) & 255, v)) * 64  # BGR
        rows.append(bytes(row))
    return bmp(rows, w, h)


def detail(work):
    """The PNG benchmark's photo-heavy desktop (bench/png_bench.py) as the
    guest holds it (BMP) and as a client sends it (PNG, zlib level 6)."""
    from png_bench import W, H, bmp, detail_rows
    rows = detail_rows()
    open(os.path.join(work, "detail.bmp"), "wb").write(bmp(rows, W, H))
    raw = bytearray()
    for r in rows:  # BGR -> RGB, filter byte 0
        rgb = bytearray(len(r))
        rgb[0::3], rgb[1::3], rgb[2::3] = r[2::3], r[1::3], r[0::3]
        raw += b"\0" + rgb
    open(os.path.join(work, "detail.png"), "wb").write(png_file(W, H, bytes(raw)))


def client(port):
    c = SpiceClient(port)
    c.connect()
    c.wait_agent(60)
    # spice-gtk's default limit is 100 MiB exclusive of the header: raise it
    # so the 100 MiB case can be sent at all (the agent's own limit stays).
    c.main.set_property("max-clipboard", 128 * MIB)
    c.iterate(1.0)
    return c


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        work = sys.argv[2]
        open(os.path.join(work, "text20"), "wb").write(text(20 * MIB))
        open(os.path.join(work, "text100"), "wb").write(text(100 * MIB, newlines=False))
        open(os.path.join(work, "shot.png"), "wb").write(screenshot_png())
        open(os.path.join(work, "shot.bmp"), "wb").write(screenshot_bmp())
        detail(work)
        return
    port, ctype, path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    data = open(path, "rb").read() if path != "-" else b""
    c = client(port)
    if cmd == "c2g-agent":
        secs = c2g_agent(c, ctype, data, sys.argv[5] if len(sys.argv) > 5 else None)
    elif cmd == "g2c-agent":
        secs = g2c_agent(c, ctype, data, sys.argv[5] if len(sys.argv) > 5 else None)
    elif cmd == "c2g-win":
        secs = c2g_win(c, ctype, data)
    elif cmd == "g2c-win":
        secs = g2c_win(c, ctype, data, path)
    elif cmd == "c2g-null":
        secs = c2g_null(c, ctype, data, sys.argv[5])
    elif cmd == "g2c-null":
        pump_until(c, lambda: 0 in c.guest_grab, 60, "the null agent's grab")
        t0 = time.monotonic()
        ev = c.clip_request(0, ctype, 600)
        secs = time.monotonic() - t0
        if not ev.get("data_bytes"):
            raise SystemExit("no data from the null agent")
    else:
        raise SystemExit("unknown command " + cmd)
    print("%.3f" % secs)


main()
