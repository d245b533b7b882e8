#!/usr/bin/python3
"""spice_display.py - the display and inputs channels of a rig client session.

CLI: spice_display.py compare A B   (each an .xwd or .png file) prints a JSON
     comparison and exits 0 only when both have the same size and pixels.

Used by spice_client.py (SpiceClient.display is a DisplayState). spice-gtk
creates the display/inputs channels when the server offers them but, without
its GTK widget, nobody connects them: this module connects them and works
headless from the display channel's signals:
  display-primary-create (format, width, height, stride, shmid, data pointer)
  display-primary-destroy, display-invalidate (x, y, w, h)
The primary buffer is spice-gtk's own memory (32-bit xRGB little-endian, i.e.
B, G, R, X bytes), read with ctypes while the surface exists.

Mouse input goes through SpiceInputsChannel (position / button_press /
button_release). In client-mouse mode (main channel mouse-mode == 2, which
spice-server allows once a display surface and the agent are there) the server
turns these into MOUSE_STATE messages for the agent with the exact pixel.

Also: minimal PNG (8-bit RGB, write and read) and XWD (xwd's output) codecs,
enough for the tests' screenshot comparison without extra packages.
"""
import ctypes
import json
import struct
import sys
import time
import zlib

import gi

gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import GObject, SpiceClientGLib  # noqa: E402

MOUSE_MODE_CLIENT = 2
# SpiceMouseButton and the matching SpiceMouseButtonMask bit (spice/enums.h)
BUTTONS = {"left": (1, 1 << 0), "middle": (2, 1 << 1), "right": (3, 1 << 2),
           "up": (4, 1 << 3), "down": (5, 1 << 4), "side": (6, 1 << 5), "extra": (7, 1 << 6)}
MAX_PIXELS = 8192 * 8192


class DisplayError(Exception):
    pass


class DisplayState:
    """Display channel 0 and the inputs channel of one SpiceClient."""

    def __init__(self, client):
        self.c = client
        self.display = None
        self.inputs = None
        self.inputs_open = False
        self.primary = None           # dict(width, height, stride, ptr)
        self.last_draw = 0.0          # monotonic time of the last invalidate
        self.invalidates = 0
        self.buttons = 0              # SpiceMouseButtonMask now held
        self.pos = (0, 0, 0)          # last position sent (x, y, display)
        self.started = False          # the server sent the display its first surface

    # ------------------------------------------------------------------ channels
    def on_channel_new(self, channel):
        c = GObject.Object.connect
        if isinstance(channel, SpiceClientGLib.DisplayChannel):
            if channel.get_property("channel-id") != 0:
                return
            self.display = channel
            c(channel, "display-primary-create", self._on_primary_create)
            c(channel, "display-primary-destroy", self._on_primary_destroy)
            c(channel, "display-invalidate", self._on_invalidate)
            c(channel, "display-mark", lambda ch, mark: setattr(self, "started", True))
            SpiceClientGLib.Channel.connect(channel)
        elif isinstance(channel, SpiceClientGLib.InputsChannel):
            self.inputs = channel
            c(channel, "channel-event", self._on_inputs_event)
            SpiceClientGLib.Channel.connect(channel)

    def _on_primary_create(self, ch, fmt, width, height, stride, shmid, data):
        if width * height > MAX_PIXELS or stride < width * 4:
            self.c._event("display_refused", width=width, height=height, stride=stride)
            return
        self.primary = {"width": width, "height": height, "stride": stride, "ptr": data,
                        "format": fmt, "t": time.monotonic()}
        self.started = True
        self.last_draw = time.monotonic()
        self.c._event("display_primary", width=width, height=height, format=fmt)

    def _on_primary_destroy(self, ch):
        self.primary = None
        self.c._event("display_primary_destroy")

    def _on_invalidate(self, ch, x, y, w, h):
        self.invalidates += 1
        self.last_draw = time.monotonic()

    def _on_inputs_event(self, ch, event):
        self.inputs_open = int(event) == int(SpiceClientGLib.ChannelEvent.OPENED)

    def settle(self, timeout=2.0):
        """Before leaving: wait (bounded) until the server is past the display
        channel's start. spice-server 0.15.1 (Debian 12) waits synchronously
        for the client's DISPLAY_INIT in its worker thread and reads the
        channel client after freeing it when the client hung up meanwhile
        (dcc.cpp, display_channel_client_wait_for_init): a client that left
        at once crashed the host in CI. A real viewer stays connected; a test
        client leaving after one command must not crash the host."""
        if self.display is None or self.started:
            return
        self.c.wait_for(lambda: self.started or self.c._channel_error, timeout,
                        "the display channel's start", fail=False)

    # ------------------------------------------------------------------ display
    def surface_size(self):
        p = self.primary
        return (p["width"], p["height"]) if p else None

    def wait_surface(self, width, height, timeout):
        """Wait until the primary surface is WIDTHxHEIGHT; returns seconds waited."""
        t0 = time.monotonic()
        self.c.wait_for(lambda: self.surface_size() == (width, height), timeout,
                        "a %dx%d display surface (now %s)" % (width, height, self.surface_size()))
        return time.monotonic() - t0

    def surface_since(self):
        """monotonic time the current surface was created (None without one)."""
        return self.primary["t"] if self.primary else None

    def wait_quiet(self, quiet, timeout):
        """Wait until nothing was drawn for QUIET seconds (bounded by TIMEOUT)."""
        self.c.wait_for(lambda: self.primary is not None, timeout, "a display surface")
        self.c.wait_for(lambda: time.monotonic() - self.last_draw >= quiet, timeout,
                        "the display to be still for %gs" % quiet)

    def snapshot(self):
        """(width, height, RGB bytes) of the primary surface as the client has it."""
        p = self.primary
        if p is None:
            raise DisplayError("no display surface")
        w, h, stride = p["width"], p["height"], p["stride"]
        raw = ctypes.string_at(p["ptr"], stride * h)
        if stride != w * 4:
            raw = b"".join(raw[y * stride:y * stride + w * 4] for y in range(h))
        rgb = bytearray(w * h * 3)
        rgb[0::3] = raw[2::4]
        rgb[1::3] = raw[1::4]
        rgb[2::3] = raw[0::4]
        return w, h, bytes(rgb)

    def screenshot(self, path, quiet=0.5, timeout=10):
        self.wait_quiet(quiet, timeout)
        w, h, rgb = self.snapshot()
        png_write(path, w, h, rgb)
        return {"path": path, "width": w, "height": h}

    # ------------------------------------------------------------------ mouse
    def wait_client_mouse(self, timeout):
        """Client-mouse mode and an open inputs channel (positions are then exact)."""
        main = self.c.main
        self.c.wait_for(lambda: self.inputs is not None and self.inputs_open, timeout,
                        "the inputs channel")
        self.c.wait_for(lambda: main.get_property("mouse-mode") == MOUSE_MODE_CLIENT, timeout,
                        "client-mouse mode (mouse-mode is %d)" % main.get_property("mouse-mode"))

    def move(self, x, y, display=0):
        self.pos = (x, y, display)
        self.inputs.position(x, y, display, self.buttons)

    def press(self, name):
        button, mask = _button(name)
        self.inputs.button_press(button, self.buttons)
        self.buttons |= mask

    def release(self, name):
        button, mask = _button(name)
        self.buttons &= ~mask
        self.inputs.button_release(button, self.buttons)

    def run_ops(self, ops, timeout):
        """OPS: "move:X,Y[,D]", "press:B", "release:B", "click:B", "wheel:up|down",
        "sleep:S" (B: left middle right side extra up down). Each op is flushed to
        the server before the next one."""
        self.wait_client_mouse(timeout)
        done = []
        for op in ops:
            verb, _, arg = op.partition(":")
            if verb == "move":
                nums = [int(v) for v in arg.split(",")]
                if len(nums) not in (2, 3):
                    raise DisplayError("move wants X,Y[,DISPLAY]: %r" % op)
                self.move(*nums)
            elif verb == "press":
                self.press(arg)
            elif verb == "release":
                self.release(arg)
            elif verb in ("click", "wheel"):
                if verb == "wheel" and arg not in ("up", "down"):
                    raise DisplayError("wheel wants up or down: %r" % op)
                self.press(arg)
                self.release(arg)
            elif verb == "sleep":
                self.c.iterate(float(arg))
            else:
                raise DisplayError("unknown input op %r" % op)
            # let spice-gtk write the message before the next one
            self.c.iterate(0.02)
            done.append(op)
        return done


def serve_display(c, cmd, req, timeout):
    """surface / screenshot / input for spice_client.py (CLI and serve mode); C is
    the SpiceClient, REQ the serve-mode request dict."""
    d = c.display
    if cmd == "surface":
        res = {}
        if req.get("wait"):
            w, h = req["wait"]
            res["waited"] = round(d.wait_surface(int(w), int(h), timeout), 3)
        else:
            c.wait_for(lambda: d.primary is not None, timeout, "a display surface")
        res["size"] = list(d.surface_size())
        return res
    if cmd == "screenshot":
        return d.screenshot(req["path"], float(req.get("quiet", 0.5)), timeout)
    return {"done": d.run_ops(req["ops"], timeout),
            "mouse_mode": c.main.get_property("mouse-mode")}


def _button(name):
    if name not in BUTTONS:
        raise DisplayError("unknown button %r (one of %s)" % (name, ", ".join(BUTTONS)))
    return BUTTONS[name]


# ---------------------------------------------------------------------- PNG / XWD
def png_write(path, width, height, rgb):
    """8-bit RGB PNG, filter 0 on every row."""
    row = width * 3
    raw = b"".join(b"\0" + rgb[y * row:(y + 1) * row] for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 1)))
        f.write(chunk(b"IEND", b""))


def png_read(path):
    """(width, height, RGB bytes) of an 8-bit RGB, non-interlaced PNG (any filter)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise DisplayError("%s: not a PNG" % path)
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if not hdr or hdr[2:5] != (8, 2, 0) or hdr[6] != 0:
        raise DisplayError("%s: only 8-bit RGB non-interlaced PNGs are read" % path)
    w, h = hdr[0], hdr[1]
    if w * h > MAX_PIXELS:
        raise DisplayError("%s: %dx%d too large" % (path, w, h))
    raw = zlib.decompress(b"".join(idat))
    row, bpp = w * 3, 3
    out = bytearray(row * h)
    prev = bytearray(row)
    for y in range(h):
        ftype = raw[y * (row + 1)]
        line = bytearray(raw[y * (row + 1) + 1:(y + 1) * (row + 1)])
        if ftype == 1:
            for i in range(bpp, row):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype in (3, 4):
            for i in range(row):
                a = line[i - bpp] if i >= bpp else 0
                b, cc = prev[i], prev[i - bpp] if i >= bpp else 0
                if ftype == 3:
                    line[i] = (line[i] + (a + b) // 2) & 0xFF
                else:
                    p = a + b - cc
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                    pr = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                    line[i] = (line[i] + pr) & 0xFF
        elif ftype != 0:
            raise DisplayError("%s: bad PNG filter %d" % (path, ftype))
        out[y * row:(y + 1) * row] = line
        prev = line
    return w, h, bytes(out)


def xwd_read(path):
    """(width, height, RGB bytes) of a 24/32-bit TrueColor ZPixmap XWD file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 100:
        raise DisplayError("%s: too short for an XWD file" % path)
    f = struct.unpack(">25I", data[:100])
    (hsize, version, fmt, depth, w, h, _xoff, byte_order, _unit, _bit_order, _pad, bpp, bpl,
     _vclass, rmask, gmask, bmask, _bits_rgb, _cmap_entries, ncolors) = f[:20]
    if version != 7 or fmt != 2 or bpp != 32 or depth not in (24, 32):
        raise DisplayError("%s: want XWD v7 ZPixmap 32 bpp, got v%d fmt %d %d bpp" %
                           (path, version, fmt, bpp))
    if (rmask, gmask, bmask) != (0xFF0000, 0xFF00, 0xFF) or w * h > MAX_PIXELS:
        raise DisplayError("%s: unexpected masks or size" % path)
    off = hsize + ncolors * 12
    pix = data[off:off + bpl * h]
    if len(pix) < bpl * h:
        raise DisplayError("%s: truncated" % path)
    if bpl != w * 4:
        pix = b"".join(pix[y * bpl:y * bpl + w * 4] for y in range(h))
    rgb = bytearray(w * h * 3)
    if byte_order == 0:      # LSBFirst: B G R X
        rgb[0::3], rgb[1::3], rgb[2::3] = pix[2::4], pix[1::4], pix[0::4]
    else:                    # MSBFirst: X R G B
        rgb[0::3], rgb[1::3], rgb[2::3] = pix[1::4], pix[2::4], pix[3::4]
    return w, h, bytes(rgb)


def compare(a, b):
    """Compare two (w, h, rgb) images: dict with size match, differing pixels and
    the largest channel difference."""
    (wa, ha, pa), (wb, hb, pb) = a, b
    if (wa, ha) != (wb, hb):
        return {"same_size": False, "a": [wa, ha], "b": [wb, hb]}
    diff_px, max_delta, first = 0, 0, None
    if pa != pb:
        row = wa * 3
        for y in range(ha):
            ra, rb = pa[y * row:(y + 1) * row], pb[y * row:(y + 1) * row]
            if ra == rb:
                continue
            for i in range(0, row, 3):
                if ra[i:i + 3] != rb[i:i + 3]:
                    diff_px += 1
                    d = max(abs(ra[i + k] - rb[i + k]) for k in range(3))
                    max_delta = max(max_delta, d)
                    if first is None:
                        first = [i // 3, y]
    return {"same_size": True, "size": [wa, ha], "pixels": wa * ha, "diff_pixels": diff_px,
            "max_delta": max_delta, "first_diff": first}


def read_image(path):
    return xwd_read(path) if path.endswith(".xwd") else png_read(path)


def main(argv):
    if len(argv) != 3 or argv[0] != "compare":
        sys.stderr.write("usage: spice_display.py compare A.xwd|A.png B.xwd|B.png\n")
        return 2
    try:
        res = compare(read_image(argv[1]), read_image(argv[2]))
    except (OSError, DisplayError, zlib.error) as e:
        print(json.dumps({"error": str(e)}))
        return 1
    print(json.dumps(res))
    return 0 if res.get("same_size") and res["diff_pixels"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
