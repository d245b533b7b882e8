#!/usr/bin/python3
"""qemu_vdagent_host.py - a model of QEMU's own agent peer (`-chardev qemu-vdagent`,
ui/vdagent.c: the backend QEMU uses for VNC clipboard and mouse, e.g. in Proxmox),
as a second kind of test host beside spice-host.

Like spice-host it owns a pty and links its slave where Wine looks for the port
(--link $WINEPREFIX/dosdevices/global/com.redhat.spice.0); unlike spice-host
there is no SPICE server or client: the model itself is the agent's peer and
behaves as QEMU's code does (read from QEMU's source, written here anew):
  - when the guest opens the port it announces MOUSE_STATE, CLIPBOARD_BY_DEMAND,
    CLIPBOARD_SELECTION and CLIPBOARD_GRAB_SERIAL with request=1; it never sends
    MONITORS_CONFIG (nor anything else from a SPICE client);
  - every message it sends, MOUSE_STATE included, goes on port 1 (the client
    port) in chunks of at most 1024 bytes; more than 1 MiB waiting for the guest
    drops the message;
  - the guest's ANNOUNCE_CAPABILITIES (only word 0 is read) is answered when it
    asks, resets the grab serials to 0, and - once the clipboard peer is
    registered, i.e. from the second announce on one open - resets the port when
    the guest announced CLIPBOARD_GRAB_SERIAL (QEMU 10.1 did that for every
    guest; commit 4be62d3 limited it to GRAB_SERIAL guests);
  - grab serials: its own grabs carry last_serial and increment it; a guest grab
    with a serial lower than last_serial is discarded, otherwise it becomes
    last_serial;
  - clipboard: UTF8_TEXT, and IMAGE_PNG unless --text-only (QEMU's own source
    maps only text; PNG is what the test asks of an image-capable peer). A
    request for a type it does not carry is not answered at all; a request for a
    carried type it has no data for is answered with an empty CLIPBOARD;
  - when the guest closes the port it forgets everything (capabilities, serials,
    partial messages, what was waiting to be sent, the guest's clipboard).
A port reset (command "reset", or the caps rule above) closes the pty master, as
QEMU's CHR_EVENT_CLOSED makes virtio-serial tell the guest the host went away,
and makes a new pty whose slave replaces the link (as a chardev reset does).

Control: JSON lines. Commands on stdin, one object per line, each answered by
{"event": "result", "id": ID, "ok": true|false, ...}:
  {"id": 1, "cmd": "grab", "text": "..."}             host clipboard: text (and/or
  {"id": 2, "cmd": "grab", "png_b64": "..."}           png) owned by the host; GRAB
  {"id": 3, "cmd": "release"}                         drop the host's clipboard
  {"id": 4, "cmd": "request", "type": "text"|"png"}   ask the guest for its data
  {"id": 5, "cmd": "mouse", "x": X, "y": Y, "buttons": B, "display": D}
  {"id": 6, "cmd": "reset"}                           port reset (new pty, relinked)
  {"id": 7, "cmd": "announce", "request": 1}          re-announce capabilities
  {"id": 8, "cmd": "set-serial", "value": N}          last_serial (another peer grabbed)
  {"id": 9, "cmd": "raw", "hex": "..."}               bytes straight onto the port
  {"id": 10, "cmd": "state"}
  {"id": 11, "cmd": "quit"}
Events on stdout: ready {pty}, opened, closed, caps {caps, request}, grab {serial,
types, accepted}, release, request {type, answered}, data {type, size, sha256,
b64}, reset {why}, dropped {why}. Diagnostics go to stderr.
"""
import argparse
import base64
import errno
import hashlib
import json
import os
import select
import struct
import sys
import termios
import time
import tty

CLIENT_PORT = 1
CHUNK_MAX = 1024                 # QEMU cuts what it sends into 1024-byte chunks
BUFFER_LIMIT = 1024 * 1024       # and drops a message that would exceed 1 MiB queued
MSG_HDR = struct.Struct("<IIQI")  # protocol, type, opaque, size
CHUNK_HDR = struct.Struct("<II")
IN_MSG_MAX = 64 * 1024 * 1024    # the model's own bound on one reassembled message

MOUSE_STATE, ANNOUNCE, CLIPBOARD, GRAB, REQUEST, RELEASE = 1, 6, 4, 7, 8, 9
CAP_MOUSE_STATE, CAP_BY_DEMAND, CAP_SELECTION, CAP_GRAB_SERIAL = 0, 5, 6, 17
TYPE_NONE, TYPE_TEXT, TYPE_PNG = 0, 1, 2
TYPE_NAMES = {"text": TYPE_TEXT, "png": TYPE_PNG}
SELECTIONS = 3


def caps_list(word):
    return [i for i in range(32) if word & (1 << i)]


class Model:
    def __init__(self, link, text_only=False, mouse=True, clipboard=True,
                 reset_on_caps=True):
        self.link = link
        self.types = {TYPE_TEXT} if text_only else {TYPE_TEXT, TYPE_PNG}
        self.mouse = mouse
        self.clipboard = clipboard
        self.reset_on_caps = reset_on_caps
        self.master = -1
        self.slave = None
        self.resets = 0
        self.discarded = 0
        self.host_clip = [None] * SELECTIONS    # {type: bytes} offered by the host side
        self._disconnect()
        self.open = False
        self._new_pty()

    # -------------------------------------------------------------- output
    def event(self, name, **kw):
        kw["event"] = name
        kw["t"] = round(time.monotonic(), 3)
        sys.stdout.write(json.dumps(kw) + "\n")
        sys.stdout.flush()

    def log(self, msg):
        sys.stderr.write("qemu-vdagent: %s\n" % msg)
        sys.stderr.flush()

    # -------------------------------------------------------------- the pty
    def _new_pty(self):
        master, slave_fd = os.openpty()
        # Raw line: bytes pass unchanged. Opening the slave once also arms
        # POLLHUP on the master while no guest has it open.
        tty.setraw(slave_fd, termios.TCSANOW)
        self.slave = os.ttyname(slave_fd)
        os.close(slave_fd)
        os.set_blocking(master, False)
        self.master = master
        tmp = self.link + ".new"
        os.makedirs(os.path.dirname(self.link), exist_ok=True)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(self.slave, tmp)
        os.replace(tmp, self.link)     # the link never points nowhere

    def port_reset(self, why):
        """QEMU's CHR_EVENT_CLOSED on the chardev: the guest sees the host go."""
        self.resets += 1
        self.event("reset", why=why, n=self.resets)
        self.log("port reset (%s)" % why)
        os.close(self.master)
        self.master = -1
        if self.open:
            self.open = False
            self.event("closed", why="host reset")
        self._disconnect()
        self._new_pty()

    def _guest_present(self):
        p = select.poll()
        p.register(self.master, select.POLLIN)
        ev = p.poll(0)
        flags = ev[0][1] if ev else 0
        return not (flags & select.POLLHUP) or bool(flags & select.POLLIN)

    def _disconnect(self):
        """The guest closed the port (QEMU's vdagent_disconnect)."""
        self.caps = 0
        self.registered = False
        self.last_serial = [0] * SELECTIONS
        self.inbuf = bytearray()
        self.xbuf = None
        self.xsize = 0
        self.outbuf = bytearray()
        self.guest_clip = [None] * SELECTIONS   # {type: data or None} the guest offers
        self.pending = [set() for _ in range(SELECTIONS)]  # host requests in flight
        self.pending_reset = None

    def _discard_undelivered(self):
        # What the guest never read belongs to the closed port: drop it.
        try:
            fd = os.open(self.slave, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError:
            return
        try:
            termios.tcflush(fd, termios.TCIFLUSH)
        finally:
            os.close(fd)

    def poll_open(self):
        if not self.open and self._guest_present():
            self.open = True
            self.event("opened", pty=self.slave)
            self.send_caps(True)

    def on_readable(self):
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self.open = False
            self._disconnect()
            self._discard_undelivered()
            self.event("closed", why="guest closed")
            return
        self.inbuf += data
        self._parse()
        if self.pending_reset:
            why, self.pending_reset = self.pending_reset, None
            self.port_reset(why)

    def flush(self):
        while self.outbuf and self.master >= 0:
            try:
                n = os.write(self.master, self.outbuf)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno in (errno.EIO, errno.EAGAIN):
                    return
                raise
            del self.outbuf[:n]

    # -------------------------------------------------------------- sending
    def send_msg(self, mtype, body):
        msg = MSG_HDR.pack(1, mtype, 0, len(body)) + body
        if not self.open:
            return False
        if len(self.outbuf) + len(msg) > BUFFER_LIMIT:
            self.event("dropped", why="buffer full", type=mtype, size=len(msg))
            return False
        for off in range(0, len(msg), CHUNK_MAX):
            part = msg[off:off + CHUNK_MAX]
            self.outbuf += CHUNK_HDR.pack(CLIENT_PORT, len(part)) + part
        self.flush()
        return True

    def send_caps(self, request):
        word = 0
        if self.mouse:
            word |= 1 << CAP_MOUSE_STATE
        if self.clipboard:
            word |= (1 << CAP_BY_DEMAND) | (1 << CAP_SELECTION) | (1 << CAP_GRAB_SERIAL)
        return self.send_msg(ANNOUNCE, struct.pack("<II", 1 if request else 0, word))

    def has(self, cap):
        return bool(self.caps & (1 << cap))

    def have_clipboard(self):
        return self.clipboard and self.has(CAP_BY_DEMAND)

    def _sel_prefix(self, sel):
        return struct.pack("<B3x", sel) if self.has(CAP_SELECTION) else b""

    def send_grab(self, sel=0):
        if not self.have_clipboard():
            return False, None, "the guest announced no CLIPBOARD_BY_DEMAND"
        body = self._sel_prefix(sel)
        serial = None
        if self.has(CAP_GRAB_SERIAL):
            serial = self.last_serial[sel]
            self.last_serial[sel] += 1
            body += struct.pack("<I", serial)
        for t in sorted(self.host_clip[sel]):
            body += struct.pack("<I", t)
        ok = self.send_msg(GRAB, body)
        return ok, serial, None if ok else "port closed or buffer full"

    def send_data(self, sel, ctype, data):
        return self.send_msg(CLIPBOARD, self._sel_prefix(sel) + struct.pack("<I", ctype) + data)

    # -------------------------------------------------------------- receiving
    def _parse(self):
        buf = self.inbuf
        while len(buf) >= CHUNK_HDR.size:
            _port, size = CHUNK_HDR.unpack_from(buf)
            if len(buf) < CHUNK_HDR.size + size:
                break
            chunk = bytes(buf[CHUNK_HDR.size:CHUNK_HDR.size + size])
            del buf[:CHUNK_HDR.size + size]
            self._chunk(chunk)      # QEMU ignores the chunk's port number

    def _chunk(self, chunk):
        if self.xbuf is None:
            if len(chunk) < MSG_HDR.size:
                self.log("message too small: %d bytes" % len(chunk))
                return
            size = MSG_HDR.unpack_from(chunk)[3]
            if len(chunk) == MSG_HDR.size + size:
                self._message(chunk)
                return
            if MSG_HDR.size + size > IN_MSG_MAX:
                self.log("message of %d bytes refused" % size)
                return
            self.xbuf = bytearray()
            self.xsize = MSG_HDR.size + size
        if len(self.xbuf) + len(chunk) > self.xsize:
            self.log("chunk overruns its message: dropped")
            self.xbuf = None
            return
        self.xbuf += chunk
        if len(self.xbuf) == self.xsize:
            msg, self.xbuf = bytes(self.xbuf), None
            self._message(msg)

    def _message(self, msg):
        _proto, mtype, _opaque, size = MSG_HDR.unpack_from(msg)
        body = msg[MSG_HDR.size:MSG_HDR.size + size]
        if mtype == ANNOUNCE:
            self._recv_caps(body)
        elif mtype in (CLIPBOARD, GRAB, REQUEST, RELEASE) and self.have_clipboard():
            self._recv_clipboard(mtype, body)
        # everything else (REPLY, FILE_XFER_STATUS...) is ignored, as QEMU does

    def _recv_caps(self, body):
        if len(body) < 8:
            return
        request, word = struct.unpack_from("<II", body)
        self.caps = word
        self.event("caps", caps=caps_list(word), request=request)
        if request:
            self.send_caps(False)
        self.last_serial = [0] * SELECTIONS
        if self.have_clipboard():
            # Resetting the clipboard serial notifies every registered peer;
            # this one is registered from its first announce on, and its
            # answer to the reset is to close the port (GRAB_SERIAL guests).
            if self.registered and self.reset_on_caps and self.has(CAP_GRAB_SERIAL):
                self.pending_reset = "clipboard serial reset on a repeated announce"
            self.registered = True

    def _recv_clipboard(self, mtype, body):
        sel = 0
        if self.has(CAP_SELECTION):
            if len(body) < 4:
                return
            sel = body[0]
            if sel >= SELECTIONS:
                return
            body = body[4:]
        if mtype == GRAB:
            self._recv_grab(sel, body)
        elif mtype == REQUEST:
            if len(body) < 4:
                return
            ctype = struct.unpack_from("<I", body)[0]
            if ctype not in self.types:
                self.event("request", type=ctype, answered=False)
                return      # QEMU does not answer a type it does not carry
            offer = self.host_clip[sel]
            data = offer.get(ctype, b"") if offer else b""
            self.send_data(sel, ctype, data)
            self.event("request", type=ctype, answered=True, size=len(data))
        elif mtype == CLIPBOARD:
            if len(body) < 4:
                return
            ctype = struct.unpack_from("<I", body)[0]
            data = body[4:]
            if ctype not in self.types or self.guest_clip[sel] is None:
                return
            self.guest_clip[sel][ctype] = data
            self.pending[sel].discard(ctype)
            self.event("data", type=ctype, selection=sel, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(),
                       b64=base64.b64encode(data).decode() if len(data) <= 1 << 20 else None)
        elif mtype == RELEASE:
            if self.guest_clip[sel] is not None:
                self.guest_clip[sel] = None
            self.event("release", selection=sel)

    def _recv_grab(self, sel, body):
        serial = None
        if self.has(CAP_GRAB_SERIAL):
            if len(body) < 4:
                return
            serial = struct.unpack_from("<I", body)[0]
            if serial < self.last_serial[sel]:
                self.discarded += 1
                self.event("grab", serial=serial, accepted=False, last=self.last_serial[sel],
                           selection=sel)
                return
            self.last_serial[sel] = serial
            body = body[4:]
        if len(body) > 4 * 10:
            return
        types = [struct.unpack_from("<I", body, i)[0] for i in range(0, len(body) - 3, 4)]
        self.guest_clip[sel] = {t: None for t in types if t in self.types}
        self.host_clip[sel] = None          # the guest owns this selection now
        self.event("grab", serial=serial, types=types, accepted=True, selection=sel)

    # -------------------------------------------------------------- commands
    def command(self, req):
        cmd = req.get("cmd")
        sel = int(req.get("selection", 0))
        if cmd == "grab":
            offer = {}
            if "text" in req:
                offer[TYPE_TEXT] = req["text"].encode("utf-8")
            if "png_b64" in req:
                if TYPE_PNG not in self.types:
                    return {"ok": False, "error": "PNG disabled (--text-only)"}
                offer[TYPE_PNG] = base64.b64decode(req["png_b64"])
            if not offer:
                return {"ok": False, "error": "grab needs text or png_b64"}
            self.host_clip[sel] = offer
            self.guest_clip[sel] = None
            ok, serial, error = self.send_grab(sel)
            return {"ok": ok, "serial": serial, "error": error}
        if cmd == "release":
            self.host_clip[sel] = None
            return {"ok": self.send_msg(RELEASE, self._sel_prefix(sel))}
        if cmd == "request":
            ctype = TYPE_NAMES.get(req.get("type", "text"))
            offer = self.guest_clip[sel]
            if ctype is None or offer is None or ctype not in offer:
                return {"ok": False, "error": "the guest offers no such type",
                        "offer": sorted(offer) if offer else None}
            self.pending[sel].add(ctype)
            return {"ok": self.send_msg(REQUEST, self._sel_prefix(sel) +
                                        struct.pack("<I", ctype))}
        if cmd == "mouse":
            if not (self.mouse and self.has(CAP_MOUSE_STATE)):
                return {"ok": False, "error": "the guest announced no MOUSE_STATE"}
            body = struct.pack("<IIIB", int(req["x"]), int(req["y"]),
                               int(req.get("buttons", 0)), int(req.get("display", 0)))
            return {"ok": self.send_msg(MOUSE_STATE, body)}
        if cmd == "reset":
            self.port_reset(req.get("why", "requested"))
            return {"ok": True, "pty": self.slave}
        if cmd == "announce":
            return {"ok": self.send_caps(bool(req.get("request", 1)))}
        if cmd == "set-serial":
            self.last_serial[sel] = int(req["value"])
            return {"ok": True}
        if cmd == "raw":
            if not self.open:
                return {"ok": False, "error": "port closed"}
            self.outbuf += bytes.fromhex(req["hex"])
            self.flush()
            return {"ok": True}
        if cmd == "state":
            return {"ok": True, "open": self.open, "caps": caps_list(self.caps),
                    "registered": self.registered, "last_serial": self.last_serial,
                    "resets": self.resets, "discarded": self.discarded,
                    "guest_offer": sorted(self.guest_clip[sel]) if self.guest_clip[sel] else None,
                    "host_offer": sorted(self.host_clip[sel]) if self.host_clip[sel] else None,
                    "pty": self.slave}
        return {"ok": False, "error": "unknown command %r" % cmd}


def serve(model):
    model.event("ready", pty=model.slave, link=model.link)
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    pending = b""
    while True:
        fds = [stdin]
        wfds = []
        if model.open:
            fds.append(model.master)
            if model.outbuf:
                wfds.append(model.master)
        # While closed, look for the guest opening the slave every 20 ms.
        r, w, _ = select.select(fds, wfds, [], 0.02)
        if not model.open:
            model.poll_open()
        if model.master in w:
            model.flush()
        if model.open and model.master in r:
            model.on_readable()
        if stdin in r:
            try:
                data = os.read(stdin, 1 << 20)
            except BlockingIOError:
                data = None
            if data == b"":
                return 0
            pending += data or b""
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if not line.strip():
                    continue
                try:
                    req = json.loads(line)
                except ValueError as e:
                    model.event("result", id=None, ok=False, error="bad JSON: %s" % e)
                    continue
                if req.get("cmd") == "quit":
                    model.event("result", id=req.get("id"), ok=True)
                    return 0
                try:
                    res = model.command(req)
                except (KeyError, ValueError, TypeError) as e:
                    res = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
                model.event("result", id=req.get("id"), **res)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--link", required=True, help="symlink to (re)point at the pty slave")
    ap.add_argument("--text-only", action="store_true", help="carry UTF8_TEXT only, as QEMU")
    ap.add_argument("--no-mouse", action="store_true")
    ap.add_argument("--no-clipboard", action="store_true")
    ap.add_argument("--no-reset-on-caps", action="store_true",
                    help="do not reset the port on a repeated guest announce")
    args = ap.parse_args(argv)
    model = Model(args.link, text_only=args.text_only, mouse=not args.no_mouse,
                  clipboard=not args.no_clipboard, reset_on_caps=not args.no_reset_on_caps)
    try:
        return serve(model)
    finally:
        try:
            if os.path.islink(args.link) and os.readlink(args.link) == model.slave:
                os.unlink(args.link)
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
