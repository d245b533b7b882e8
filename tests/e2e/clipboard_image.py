#!/usr/bin/python3
"""Clipboard images both ways through the real client and X programs on the
Wine side. Usage: clipboard_image.py PORT WORKDIR
  client -> guest: the client grabs IMAGE_PNG; `xclip -o -t image/bmp` reads
    the guest's CF_DIB (the agent decodes the client's PNG into a DIB, Wine
    hands the DIB to X as BMP): pixels must be identical;
  guest -> client (PNG published as is): `xclip -i -t image/png` puts a PNG
    on the X side, Wine shows it as the registered "PNG" format, the agent
    sends those bytes unchanged: the client must receive the same bytes;
  guest -> client (DIB re-encoded): `xclip -i -t image/bmp` puts a BMP, Wine
    shows a CF_DIB, the agent encodes a PNG: its pixels must be identical.
Prints one JSON line per check; exits non-zero on any mismatch."""
import json
import os
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient  # noqa: E402

W, H = 97, 61  # odd sizes: row padding and no lucky alignment


def pixels():
    return [[((x * 255) // (W - 1), (y * 255) // (H - 1), (x * y) % 256) for x in range(W)]
            for y in range(H)]


def png_encode(px):
    raw = b"".join(b"\0" + bytes(c for p in row for c in p) for row in px)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_decode(data):
    """8-bit RGB/RGBA, non-interlaced (what the agent writes); all filters."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, t = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG format %r" % (hdr,)
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, out, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for k in range(stride):
            a = line[k - bpp] if k >= bpp else 0
            b, c = prev[k], prev[k - bpp] if k >= bpp else 0
            if f == 1:
                line[k] = (line[k] + a) & 255
            elif f == 2:
                line[k] = (line[k] + b) & 255
            elif f == 3:
                line[k] = (line[k] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[k] = (line[k] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, out


def bmp_encode(px):
    stride = (W * 3 + 3) & ~3
    rows = b"".join(bytes(c for p in row for c in (p[2], p[1], p[0])).ljust(stride, b"\0")
                    for row in reversed(px))
    info = struct.pack("<IiiHHIIiiII", 40, W, H, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
    return struct.pack("<2sIHHI", b"BM", 14 + 40 + len(rows), 0, 0, 54) + info + rows


def bmp_decode(data):
    assert data[:2] == b"BM", "not a BMP"
    off = struct.unpack("<I", data[10:14])[0]
    size, w, h, _, bits, comp = struct.unpack("<IiiHHI", data[14:34])
    assert bits in (24, 32) and comp in (0, 3), "unexpected BMP %d bpp comp %d" % (bits, comp)
    bpp = bits // 8
    stride = (w * bpp + 3) & ~3
    out = []
    for r in range(abs(h)):
        y = abs(h) - 1 - r if h > 0 else r
        base = off + y * stride
        out.append([(data[base + x * bpp + 2], data[base + x * bpp + 1], data[base + x * bpp])
                     for x in range(w)])
    return w, abs(h), out


def pump_until(c, pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        c.iterate(0.02)
    raise SystemExit("timed out waiting for %s" % what)


def report(name, ok, **kw):
    print(json.dumps(dict(check=name, ok=ok, **kw)), flush=True)
    return 0 if ok else 1


def main():
    port = int(sys.argv[1])
    px = pixels()
    png = png_encode(px)
    c = SpiceClient(port)
    c.connect()
    c.wait_agent(30)
    c.iterate(1.0)
    failed = 0

    # client -> guest: PNG in, DIB out (as BMP through Wine)
    c.serve_clip[0] = (2, png)
    c.main.clipboard_selection_grab(0, [2])
    c.iterate(0.5)
    p = subprocess.Popen(["xclip", "-o", "-selection", "clipboard", "-t", "image/bmp"],
                         stdout=subprocess.PIPE)
    import threading
    got = []
    th = threading.Thread(target=lambda: got.append(p.stdout.read()))
    th.start()
    pump_until(c, lambda: p.poll() is not None, 60, "xclip -o -t image/bmp")
    th.join()
    try:
        w, h, out = bmp_decode(got[0])
        failed += report("client->guest PNG becomes a DIB", (w, h, out) == (W, H, px),
                         width=w, height=h)
    except AssertionError as e:
        failed += report("client->guest PNG becomes a DIB", False, error=str(e), bytes=len(got[0]))

    # guest -> client, PNG published by an X program: bytes unchanged
    servers = []
    for kind, blob in (("image/png", png), ("image/bmp", bmp_encode(px))):
        for s in servers:
            s.kill()
        c.guest_grab.pop(0, None)
        s = subprocess.Popen(["xclip", "-quiet", "-i", "-selection", "clipboard", "-t", kind],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        s.stdin.write(blob)
        s.stdin.close()
        servers.append(s)
        pump_until(c, lambda: 0 in c.guest_grab, 60, "the agent's grab of %s" % kind)
        types = c.guest_grab.get(0)
        ev = c.clip_request(0, 2, 60)
        data = ev["data_bytes"]
        if kind == "image/png":
            failed += report("guest->client PNG sent as is", data == png, grab_types=types,
                             bytes=len(data))
        else:
            try:
                w, h, out = png_decode(data)
                failed += report("guest->client DIB re-encoded as PNG",
                                 (w, h, out) == (W, H, px), grab_types=types, bytes=len(data))
            except AssertionError as e:
                failed += report("guest->client DIB re-encoded as PNG", False, error=str(e))
    for s in servers:
        s.kill()
    sys.exit(1 if failed else 0)


main()
