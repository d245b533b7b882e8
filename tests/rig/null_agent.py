#!/usr/bin/python3
"""null_agent.py - a minimal stand-in guest agent for the test rig.

Opens the agent port (the pty slave, or the symlink spice-host --link made),
reads exact chunk sizes (8-byte header, then the body), reassembles messages per
port and:
  - answers ANNOUNCE_CAPABILITIES request=1 with its own announce (request=0),
  - answers MONITORS_CONFIG and DISPLAY_CONFIG with REPLY SUCCESS,
  - takes file transfers (CAN_SEND_DATA on START, SUCCESS after the last byte)
    without storing anything,
  - clipboard: on a client grab of UTF8 text it requests the text (unless
    --no-fetch-clipboard) and logs it; with --grab-text TEXT it grabs the
    clipboard once the client connected and serves TEXT on request,
  - drains and logs everything else.
Every message is logged as one JSON line on stdout (line-buffered), e.g.
  {"ev": "msg", "port": 1, "type": 2, "name": "MONITORS_CONFIG", "size": 52, ...}
  {"ev": "clipboard", "selection": 0, "type": 1, "text": "hello"}
  {"ev": "file_done", "id": 1, "name": "x.bin", "size": 1000}
  {"ev": "open"} / {"ev": "closed", "reason": "..."}

Protocol facts: /work/shared/notes/protocol.md (little-endian; chunk header
{u32 port, u32 size}; message header {u32 protocol=1, u32 type, u64 opaque, u32 size}).

Usage: null_agent.py PATH [--reconnect] [--caps 0,1,2,...] [--grab-text TEXT]
                          [--grab-file F --grab-type N] [--fetch-type N]
                          [--no-fetch-clipboard] [--quiet-data] [--quiet-clipboard]
"""
import argparse
import errno
import json
import os
import struct
import sys
import time

VDP_CLIENT_PORT, VDP_SERVER_PORT = 1, 2
MAX_CHUNK = 2048

MSG_NAMES = {
    1: "MOUSE_STATE", 2: "MONITORS_CONFIG", 3: "REPLY", 4: "CLIPBOARD", 5: "DISPLAY_CONFIG",
    6: "ANNOUNCE_CAPABILITIES", 7: "CLIPBOARD_GRAB", 8: "CLIPBOARD_REQUEST",
    9: "CLIPBOARD_RELEASE", 10: "FILE_XFER_START", 11: "FILE_XFER_STATUS",
    12: "FILE_XFER_DATA", 13: "CLIENT_DISCONNECTED", 14: "MAX_CLIPBOARD",
    15: "AUDIO_VOLUME_SYNC", 16: "GRAPHICS_DEVICE_INFO",
}
(MOUSE_STATE, MONITORS_CONFIG, REPLY, CLIPBOARD, DISPLAY_CONFIG, ANNOUNCE_CAPABILITIES,
 CLIPBOARD_GRAB, CLIPBOARD_REQUEST, CLIPBOARD_RELEASE, FILE_XFER_START, FILE_XFER_STATUS,
 FILE_XFER_DATA, CLIENT_DISCONNECTED, MAX_CLIPBOARD, AUDIO_VOLUME_SYNC,
 GRAPHICS_DEVICE_INFO) = range(1, 17)

CAP_NAMES = {
    0: "MOUSE_STATE", 1: "MONITORS_CONFIG", 2: "REPLY", 3: "CLIPBOARD", 4: "DISPLAY_CONFIG",
    5: "CLIPBOARD_BY_DEMAND", 6: "CLIPBOARD_SELECTION", 7: "SPARSE_MONITORS_CONFIG",
    8: "GUEST_LINEEND_LF", 9: "GUEST_LINEEND_CRLF", 10: "MAX_CLIPBOARD",
    11: "AUDIO_VOLUME_SYNC", 12: "MONITORS_CONFIG_POSITION", 13: "FILE_XFER_DISABLED",
    14: "FILE_XFER_DETAILED_ERRORS", 15: "GRAPHICS_DEVICE_INFO",
    16: "CLIPBOARD_NO_RELEASE_ON_REGRAB", 17: "CLIPBOARD_GRAB_SERIAL",
}
CAP_CLIPBOARD_SELECTION, CAP_GRAB_SERIAL = 6, 17
DEFAULT_CAPS = [0, 1, 2, 4, 5, 6, 7, 9, 10, 16, 17]

SUCCESS = 1
XFER_CAN_SEND_DATA, XFER_SUCCESS, XFER_ERROR = 0, 3, 2
UTF8_TEXT = 1


class PortClosed(Exception):
    pass


class FramingError(Exception):
    pass


def emit(**ev):
    ev.setdefault("t", round(time.monotonic(), 6))
    sys.stdout.write(json.dumps(ev) + "\n")
    sys.stdout.flush()


def caps_to_words(caps):
    words = [0] * ((max(caps) // 32 + 1) if caps else 1)
    for c in caps:
        words[c // 32] |= 1 << (c % 32)
    return words


def words_to_caps(words):
    return [i for i in range(len(words) * 32) if words[i // 32] >> (i % 32) & 1]


class Agent:
    def __init__(self, fd, args):
        self.fd = fd
        self.args = args
        self.caps = args.caps
        self.client_caps = []
        self.bufs = {VDP_CLIENT_PORT: bytearray(), VDP_SERVER_PORT: bytearray()}
        self.serial = 0           # grab serial (both sides reset on request=1)
        self.xfers = {}           # id -> [name, size, received]
        self.grabbed = False

    # ---- I/O
    def read_exact(self, n):
        out = bytearray()
        while len(out) < n:
            try:
                b = os.read(self.fd, n - len(out))
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                raise PortClosed(str(e))
            if not b:
                raise PortClosed("EOF")
            out += b
        return bytes(out)

    def write_all(self, data):
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.fd, view)
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                raise PortClosed(str(e))
            view = view[n:]

    def frame(self, mtype, payload=b""):
        """The message as it goes on the port: MAX_CHUNK chunks with their headers."""
        msg = struct.pack("<IIQI", 1, mtype, 0, len(payload)) + payload
        out = bytearray()
        for off in range(0, len(msg), MAX_CHUNK):
            piece = msg[off:off + MAX_CHUNK]
            out += struct.pack("<II", VDP_CLIENT_PORT, len(piece)) + piece
        return bytes(out)

    def send(self, mtype, payload=b""):
        self.write_all(self.frame(mtype, payload))

    def both(self, cap):
        return cap in self.caps and cap in self.client_caps

    def sel_prefix(self, selection=0):
        return struct.pack("<B3x", selection) if self.both(CAP_CLIPBOARD_SELECTION) else b""

    def announce(self, request):
        self.send(ANNOUNCE_CAPABILITIES,
                  struct.pack("<I", request) + b"".join(struct.pack("<I", w) for w in caps_to_words(self.caps)))

    # ---- main loop
    def run(self):
        emit(ev="open")
        self.announce(1)  # usually dropped by the server until a client has started the agent
        while True:
            hdr = self.read_exact(8)
            port, size = struct.unpack("<II", hdr)
            if port not in (VDP_CLIENT_PORT, VDP_SERVER_PORT) or size > MAX_CHUNK:
                raise FramingError("bad chunk header port=%d size=%d" % (port, size))
            body = self.read_exact(size) if size else b""
            buf = self.bufs[port]
            buf += body
            while len(buf) >= 20:
                proto, mtype, _opaque, msize = struct.unpack_from("<IIQI", buf)
                if proto != 1:
                    raise FramingError("bad protocol %d" % proto)
                if len(buf) < 20 + msize:
                    break
                data = bytes(buf[20:20 + msize])
                del buf[:20 + msize]
                self.handle(port, mtype, data)

    def handle(self, port, mtype, data):
        ev = {"ev": "msg", "port": port, "type": mtype, "name": MSG_NAMES.get(mtype, "?"),
              "size": len(data)}
        if mtype == FILE_XFER_DATA and self.args.quiet_data:
            ev = None
        try:
            extra = self.dispatch(port, mtype, data)
        except struct.error as e:
            extra = {"error": "short message: %s" % e}
        if ev is not None:
            if extra:
                ev.update(extra)
            emit(**ev)

    def dispatch(self, port, mtype, data):
        if mtype == ANNOUNCE_CAPABILITIES:
            request = struct.unpack_from("<I", data)[0]
            words = [w for (w,) in struct.iter_unpack("<I", data[4:4 + (len(data) - 4) // 4 * 4])]
            self.client_caps = words_to_caps(words)
            if request:
                self.serial = 0
                self.announce(0)
                if self.args.grab_text is not None or self.args.grab_file is not None:
                    self.grab()
            return {"request": request, "caps": self.client_caps}
        if mtype == MOUSE_STATE:
            x, y, buttons, display = struct.unpack_from("<IIIB", data)
            return {"x": x, "y": y, "buttons": buttons, "display_id": display}
        if mtype == MONITORS_CONFIG:
            n, flags = struct.unpack_from("<II", data)
            mons = []
            for i in range(n):
                h, w, depth, x, y = struct.unpack_from("<IIIii", data, 8 + 20 * i)
                mons.append({"width": w, "height": h, "depth": depth, "x": x, "y": y})
            self.send(REPLY, struct.pack("<II", MONITORS_CONFIG, SUCCESS))
            return {"flags": flags, "monitors": mons}
        if mtype == DISPLAY_CONFIG:
            flags, depth = struct.unpack_from("<II", data)
            self.send(REPLY, struct.pack("<II", DISPLAY_CONFIG, SUCCESS))
            return {"flags": flags, "depth": depth}
        if mtype == MAX_CLIPBOARD:
            return {"max": struct.unpack_from("<i", data)[0]}
        if mtype == CLIENT_DISCONNECTED:
            self.bufs[VDP_CLIENT_PORT].clear()
            self.xfers.clear()
            self.grabbed = False
            return None
        if mtype in (CLIPBOARD_GRAB, CLIPBOARD_REQUEST, CLIPBOARD_RELEASE, CLIPBOARD):
            return self.clipboard(mtype, data)
        if mtype == FILE_XFER_START:
            xid = struct.unpack_from("<I", data)[0]
            text = data[4:].split(b"\0", 1)[0].decode("utf-8", "replace")
            kv = dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
            size = int(kv.get("size", "0"))
            self.xfers[xid] = [kv.get("name", ""), size, 0]
            self.send(FILE_XFER_STATUS, struct.pack("<II", xid, XFER_CAN_SEND_DATA))
            if size == 0:
                self.finish_xfer(xid)
            return {"id": xid, "file": kv.get("name"), "file_size": size}
        if mtype == FILE_XFER_DATA:
            xid, n = struct.unpack_from("<IQ", data)
            x = self.xfers.get(xid)
            if x is not None:
                x[2] += len(data) - 12
                if x[2] >= x[1]:
                    self.finish_xfer(xid)
            return {"id": xid, "bytes": n}
        if mtype == FILE_XFER_STATUS:
            xid, result = struct.unpack_from("<II", data)
            self.xfers.pop(xid, None)
            return {"id": xid, "result": result}
        return None

    def finish_xfer(self, xid):
        name, size, got = self.xfers.pop(xid)
        self.send(FILE_XFER_STATUS, struct.pack("<II", xid, XFER_SUCCESS))
        emit(ev="file_done", id=xid, name=name, size=got)

    def grab(self):
        payload = self.sel_prefix()
        if self.both(CAP_GRAB_SERIAL):
            payload += struct.pack("<I", self.serial)
            self.serial += 1
        if self.args.grab_file:
            # Framed now, not when the client asks: as a floor, its request ->
            # data time is then the port's alone (bench/windows/port_floor_agent.c
            # frames in advance too; framing 100 MiB in Python took longer
            # than writing it).
            with open(self.args.grab_file, "rb") as f:
                self.prepared = self.frame(CLIPBOARD, self.sel_prefix() +
                                           struct.pack("<I", self.args.grab_type) + f.read())
        self.send(CLIPBOARD_GRAB, payload + struct.pack("<I", self.args.grab_type))
        self.grabbed = True
        emit(ev="grab_sent", text=self.args.grab_text, file=self.args.grab_file)

    def clipboard(self, mtype, data):
        sel = 0
        if self.both(CAP_CLIPBOARD_SELECTION):
            sel = data[0]
            data = data[4:]
        if mtype == CLIPBOARD_GRAB:
            serial = None
            if self.both(CAP_GRAB_SERIAL):
                serial = struct.unpack_from("<I", data)[0]
                data = data[4:]
                if serial == self.serial or serial == self.serial - 1:
                    self.serial = serial + 1 if serial == self.serial else self.serial
            types = [t for (t,) in struct.iter_unpack("<I", data[:len(data) // 4 * 4])]
            self.grabbed = False
            want = self.args.fetch_type
            if sel == 0 and want in types and not self.args.no_fetch_clipboard:
                self.send(CLIPBOARD_REQUEST, self.sel_prefix(sel) + struct.pack("<I", want))
            return {"selection": sel, "serial": serial, "types": types}
        if mtype == CLIPBOARD_REQUEST:
            ctype = struct.unpack_from("<I", data)[0]
            if sel == 0 and ctype == UTF8_TEXT and self.grabbed and self.args.grab_text is not None:
                body = self.args.grab_text.encode("utf-8")
            elif sel == 0 and ctype == self.args.grab_type and self.grabbed and self.args.grab_file:
                self.write_all(self.prepared)
                return {"selection": sel, "requested": ctype}
            else:
                ctype, body = 0, b""  # NONE: nothing to give
            self.send(CLIPBOARD, self.sel_prefix(sel) + struct.pack("<I", ctype) + body)
            return {"selection": sel, "requested": struct.unpack_from("<I", data)[0]}
        if mtype == CLIPBOARD_RELEASE:
            return {"selection": sel}
        ctype = struct.unpack_from("<I", data)[0]
        payload = data[4:]
        ev = {"selection": sel, "clip_type": ctype, "bytes": len(payload)}
        if self.args.quiet_clipboard:
            emit(ev="clipboard", selection=sel, type=ctype, bytes=len(payload))
        elif ctype == UTF8_TEXT:
            ev["text"] = payload.decode("utf-8", "replace")
            emit(ev="clipboard", selection=sel, type=ctype, text=ev["text"])
        return ev


def link_id(path):
    """Identity of a symlink (None if PATH is not a symlink): changes when replaced."""
    try:
        st = os.lstat(path)
    except OSError:
        return ("missing",)
    if not os.path.islink(path):
        return None
    return (st.st_ino, st.st_mtime_ns)


def open_port(path, deadline, stale=None):
    """Open PATH; with STALE (the link identity of a port that closed), wait
    until the host replaced the link, so a pty number reused by someone else
    is never opened through an old link."""
    while True:
        err = "link not replaced yet"
        if stale is None or link_id(path) != stale:
            try:
                return os.open(path, os.O_RDWR | os.O_NOCTTY)
            except OSError as e:
                err = str(e)
        if deadline is not None and time.monotonic() > deadline:
            raise SystemExit("null_agent: cannot open %s: %s" % (path, err))
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description="minimal stand-in SPICE guest agent")
    ap.add_argument("path", help="pty slave or symlink to it")
    ap.add_argument("--reconnect", action="store_true",
                    help="reopen the port after it closes (host restarts); default: exit")
    ap.add_argument("--open-timeout", type=float, default=30.0,
                    help="give up if the port cannot be opened for this long (s)")
    ap.add_argument("--caps", default=",".join(map(str, DEFAULT_CAPS)),
                    help="comma-separated capability bits to announce")
    ap.add_argument("--grab-text", default=None, help="grab the clipboard with this UTF-8 text")
    ap.add_argument("--grab-file", default=None,
                    help="grab the clipboard with this file's bytes (type --grab-type)")
    ap.add_argument("--grab-type", type=int, default=1, help="clipboard type for --grab-file")
    ap.add_argument("--fetch-type", type=int, default=1,
                    help="clipboard type to request when the client grabs")
    ap.add_argument("--no-fetch-clipboard", action="store_true",
                    help="do not request the text of client grabs")
    ap.add_argument("--quiet-data", action="store_true", help="do not log FILE_XFER_DATA")
    ap.add_argument("--quiet-clipboard", action="store_true",
                    help="log clipboard data by size only (benchmarks)")
    args = ap.parse_args()
    args.caps = sorted({int(c) for c in args.caps.split(",") if c.strip()})

    stale = None
    while True:
        fd = open_port(args.path, None if stale else time.monotonic() + args.open_timeout, stale)
        ident = link_id(args.path)
        try:
            Agent(fd, args).run()
        except PortClosed as e:
            emit(ev="closed", reason=str(e))
        except FramingError as e:
            emit(ev="closed", reason="framing: %s" % e)
        finally:
            os.close(fd)
        if not args.reconnect:
            return 0
        stale = ident
        time.sleep(0.05)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
