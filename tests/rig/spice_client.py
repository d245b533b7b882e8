#!/usr/bin/python3
"""spice_client.py - the SPICE client side of the test rig (spice-gtk through GI).

Module:  from spice_client import SpiceClient, RigTimeout
    c = SpiceClient(port); c.connect(); c.wait_agent(timeout)
    c.caps(); c.monitors([(w, h, x, y)]); c.clip_grab("text"); c.clip_request()
    c.file_copy([paths]); c.wait_event(pred, timeout); c.events (list of dicts)

CLI (one SPICE session per invocation; JSON on stdout; exit 0 ok, 1 failure,
2 usage; a failure prints {"error": "..."} on stdout and a message on stderr):
  spice_client.py --port N [--timeout S] [--debug-log FILE] COMMAND ...
    caps                               agent_connected + capability list
    monitors --size WxH[+X+Y] [...]    send MONITORS_CONFIG, wait for REPLY
             [--no-wait-reply] [--wait-surface]  (then for a display surface of
                                       the first size; reports the seconds)
    clip-to-guest --text T             grab, serve T when the agent asks
             [--no-wait-request] [--linger S]
    clip-from-guest [--no-wait-grab]   wait for an agent grab, request text
    file-copy PATH [PATH...]           file_copy_async, report the result
    surface [--wait WxH]               display surface size (waits until WxH)
    screenshot --out PNG [--quiet S]   the client's display, once still for S s
    input OP [OP...]                   mouse through the inputs channel, client-mouse
                                       mode: move:X,Y[,D] press:B release:B click:B
                                       wheel:up|down sleep:S (B: left middle right
                                       side extra up down)
    serve                              JSON-lines commands on stdin, events on stdout
  spice_client.py inject-mouse --socket S --x X --y Y [--buttons B] [--display D]
  spice_client.py inject-raw --socket S --hex HEX   (raw bytes to spice-host --inject)

serve mode: one JSON object per stdin line, e.g.
  {"id": 1, "cmd": "caps"}
  {"id": 2, "cmd": "monitors", "monitors": [{"width": 1287, "height": 803, "x": 0, "y": 0}],
   "wait_reply": true}
  {"id": 3, "cmd": "clip-grab", "text": "hello"}        (served until replaced/released)
  {"id": 4, "cmd": "clip-release"}
  {"id": 5, "cmd": "clip-request", "wait_grab": false}
  {"id": 6, "cmd": "file-copy", "paths": ["/tmp/x"]}
  {"id": 7, "cmd": "wait", "event": "clipboard_grab", "since": "now", "timeout": 10}
                                    (since: an event index "n", or "now"; default 0)
  {"id": 8, "cmd": "surface", "wait": [1287, 803]}      (wait optional)
  {"id": 9, "cmd": "screenshot", "path": "/tmp/s.png", "quiet": 0.5}
  {"id": 10, "cmd": "input", "ops": ["move:300,200", "click:left", "wheel:up"]}
  {"id": 11, "cmd": "quit"}
Every asynchronous event is printed as {"event": NAME, ...}; each command ends
with {"event": "result", "id": ID, "ok": true|false, ...}. Event names:
agent_connected, agent_caps, clipboard_grab, clipboard_release, clipboard_request,
clipboard_data, reply, file_copy_progress, file_copy_done, channel_event,
display_primary, display_primary_destroy,
(reply is parsed from spice-gtk's debug log).
"""
import argparse
import ctypes
import json
import os
import re
import socket
import struct
import sys
import time

import gi

gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import GLib, GObject, Gio, SpiceClientGLib  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spice_display import DisplayError, DisplayState, serve_display  # noqa: E402

CAP_NAMES = {
    0: "MOUSE_STATE", 1: "MONITORS_CONFIG", 2: "REPLY", 3: "CLIPBOARD", 4: "DISPLAY_CONFIG",
    5: "CLIPBOARD_BY_DEMAND", 6: "CLIPBOARD_SELECTION", 7: "SPARSE_MONITORS_CONFIG",
    8: "GUEST_LINEEND_LF", 9: "GUEST_LINEEND_CRLF", 10: "MAX_CLIPBOARD",
    11: "AUDIO_VOLUME_SYNC", 12: "MONITORS_CONFIG_POSITION", 13: "FILE_XFER_DISABLED",
    14: "FILE_XFER_DETAILED_ERRORS", 15: "GRAPHICS_DEVICE_INFO",
    16: "CLIPBOARD_NO_RELEASE_ON_REGRAB", 17: "CLIPBOARD_GRAB_SERIAL",
}
CAP_CLIPBOARD_BY_DEMAND = 5
MSG_MONITORS_CONFIG = 2
CLIP_UTF8_TEXT = 1
CLIP_TYPE_NAMES = {0: "NONE", 1: "UTF8_TEXT", 2: "IMAGE_PNG", 3: "IMAGE_BMP",
                   4: "IMAGE_TIFF", 5: "IMAGE_JPG", 6: "FILE_LIST"}


class RigTimeout(Exception):
    pass


class RigError(Exception):
    pass


def caps_list(word0):
    return [i for i in range(32) if word0 >> i & 1]


class SpiceClient:
    """One spice-gtk session against spice-host, driven synchronously."""

    def __init__(self, port, host="127.0.0.1", debug_log=None, on_event=None):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise RigError("the rig only talks to loopback addresses")
        self.host, self.port = host, int(port)
        self.events = []
        self.on_event = on_event
        self.main = None
        self.session = None
        self.serve_clip = {}          # selection -> (type, bytes) we grabbed with
        self.guest_grab = {}          # selection -> [types] the agent holds
        self.debug_lines = []
        self.debug_file = open(debug_log, "a") if debug_log else None
        self._channel_error = None
        self.mc_sent = 0              # MONITORS_CONFIG sent by spice-gtk (debug log)
        self.mc_replies = 0           # REPLY(type MONITORS_CONFIG) received
        self.display = DisplayState(self)   # display + inputs channels, when offered
        SpiceClientGLib.util_set_debug(True)
        for domain in ("GSpice", "Spice"):
            GLib.log_set_handler(domain, GLib.LogLevelFlags.LEVEL_MASK |
                                 GLib.LogLevelFlags.FLAG_FATAL |
                                 GLib.LogLevelFlags.FLAG_RECURSION,
                                 self._log_handler, None)

    # ------------------------------------------------------------------ events
    def _event(self, name, **kw):
        ev = {"event": name, "n": len(self.events), "t": round(time.monotonic(), 6)}
        ev.update(kw)
        self.events.append(ev)
        if self.on_event:
            self.on_event(ev)
        return ev

    # spice-gtk debug lines we turn into events (format of spice-gtk 0.42's
    # channel-main.c; unknown lines are only kept in debug_lines)
    #   "main_agent_handle_msg: reply: type 2, success" (or "error")
    #   "main_agent_handle_msg: cap: 5 (clipboard)"
    _RE_REPLY = re.compile(r"reply: type (\d+), (\w+)")
    _RE_CAP = re.compile(r"main_agent_handle_msg: cap: (\d+)")

    def _log_handler(self, domain, level, message, _data):
        line = message if isinstance(message, str) else str(message)
        self.debug_lines.append(line)
        if len(self.debug_lines) > 20000:
            del self.debug_lines[:10000]
        if self.debug_file:
            self.debug_file.write("%.6f %s\n" % (time.monotonic(), line))
            self.debug_file.flush()
        if "sending new monitors config to guest" in line:
            self.mc_sent += 1
        m = self._RE_REPLY.search(line)
        if m:
            if m.group(1) == "2":
                self.mc_replies += 1
            ok = m.group(2) == "success"
            self._event("reply", type=int(m.group(1)), success=ok,
                        line=line)
        if level & (GLib.LogLevelFlags.LEVEL_WARNING | GLib.LogLevelFlags.LEVEL_CRITICAL |
                    GLib.LogLevelFlags.LEVEL_ERROR):
            sys.stderr.write("spice-gtk: %s\n" % line)

    # ------------------------------------------------------------------ loop
    def iterate(self, seconds):
        """Run the GLib loop for SECONDS."""
        self.wait_for(lambda: False, seconds, "sleep", fail=False)

    def wait_for(self, pred, timeout, what, fail=True):
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + timeout
        tick = GLib.timeout_add(20, lambda: True)
        try:
            while True:
                r = pred()
                if r:
                    return r
                if self._channel_error and fail:
                    raise RigError("%s: %s" % (what, self._channel_error))
                if time.monotonic() >= deadline:
                    if fail:
                        raise RigTimeout("timed out after %gs waiting for %s" % (timeout, what))
                    return None
                ctx.iteration(True)
        finally:
            GLib.source_remove(tick)

    def wait_event(self, name, timeout, since=0, pred=None):
        def find():
            for ev in self.events[since:]:
                if ev["event"] == name and (pred is None or pred(ev)):
                    return ev
            return None
        return self.wait_for(find, timeout, "event %s" % name)

    # ------------------------------------------------------------------ session
    def connect(self, timeout=30):
        self.session = SpiceClientGLib.Session()
        self.session.set_property("host", self.host)
        self.session.set_property("port", str(self.port))
        GObject.Object.connect(self.session, "channel-new", self._on_channel_new)
        GObject.Object.connect(self.session, "disconnected",
                               lambda s: self._event("disconnected"))
        if not self.session.connect():
            raise RigError("spice_session_connect failed")
        self.wait_for(lambda: self.main is not None, timeout, "the main channel")
        return self

    def disconnect(self):
        if self.session is not None:
            self.display.settle()
            self.session.disconnect()
            self.iterate(0.2)
            self.session = None
        if self.debug_file:
            self.debug_file.close()
            self.debug_file = None

    def _on_channel_new(self, session, channel):
        GObject.Object.connect(channel, "channel-event", self._on_channel_event)
        self.display.on_channel_new(channel)
        if isinstance(channel, SpiceClientGLib.MainChannel):
            self.main = channel
            c = GObject.Object.connect
            c(channel, "notify::agent-connected", self._on_agent_connected)
            c(channel, "notify::agent-caps-0", self._on_agent_caps)
            c(channel, "main-clipboard-selection-grab", self._on_clip_grab)
            c(channel, "main-clipboard-selection-release", self._on_clip_release)
            c(channel, "main-clipboard-selection-request", self._on_clip_request)
            c(channel, "main-clipboard-selection", self._on_clip_data)
            c(channel, "new-file-transfer", self._on_new_transfer)

    def _on_channel_event(self, channel, event):
        name = event.value_nick if hasattr(event, "value_nick") else str(event)
        ctype = channel.get_property("channel-type")
        self._event("channel_event", channel_type=ctype, what=name)
        if ctype == 1 and int(event) in (int(SpiceClientGLib.ChannelEvent.ERROR_CONNECT),
                                         int(SpiceClientGLib.ChannelEvent.ERROR_IO),
                                         int(SpiceClientGLib.ChannelEvent.ERROR_LINK),
                                         int(SpiceClientGLib.ChannelEvent.ERROR_AUTH),
                                         int(SpiceClientGLib.ChannelEvent.ERROR_TLS)):
            self._channel_error = "main channel %s (is spice-host running on port %d?)" % (
                name, self.port)

    def _on_agent_connected(self, ch, _pspec):
        self._event("agent_connected", value=bool(ch.get_property("agent-connected")))

    def _on_agent_caps(self, ch, _pspec):
        caps = caps_list(ch.get_property("agent-caps-0"))
        self._event("agent_caps", caps=caps, names=[CAP_NAMES.get(c, str(c)) for c in caps])

    def _on_clip_grab(self, ch, selection, types_ptr, ntypes):
        # PyGObject hands the guint32 array over as a list; fall back to a raw pointer
        if isinstance(types_ptr, (list, tuple)):
            types = [int(t) for t in types_ptr][:ntypes]
        elif ntypes:
            types = list((ctypes.c_uint32 * ntypes).from_address(types_ptr))
        else:
            types = []
        self.guest_grab[selection] = types
        self._event("clipboard_grab", selection=selection, types=types,
                    type_names=[CLIP_TYPE_NAMES.get(t, str(t)) for t in types])
        return True

    def _on_clip_release(self, ch, selection):
        self.guest_grab.pop(selection, None)
        self._event("clipboard_release", selection=selection)

    def _on_clip_request(self, ch, selection, ctype):
        served = self.serve_clip.get(selection)
        ok = served is not None and served[0] == ctype
        self._event("clipboard_request", selection=selection, type=ctype, served=ok)
        if not ok:
            return False
        ch.clipboard_selection_notify(selection, ctype, served[1])
        return True

    def _on_clip_data(self, ch, selection, ctype, data_ptr, size):
        data = ctypes.string_at(data_ptr, size) if size else b""
        ev = {"selection": selection, "type": ctype, "size": size}
        if ctype == CLIP_UTF8_TEXT:
            ev["text"] = data.decode("utf-8", "replace")
        else:
            ev["hex_head"] = data[:32].hex()
        self._event("clipboard_data", data_bytes=data, **ev)

    def _on_new_transfer(self, ch, task):
        tid = task.get_property("id")
        self._event("file_transfer_new", id=tid, total=task.get_property("total-bytes"))

        def progress(t, _pspec):
            self._event("file_copy_progress", id=tid, current=t.get_property("transferred-bytes"),
                        total=t.get_property("total-bytes"))
        GObject.Object.connect(task, "notify::transferred-bytes", progress)

        # The copy's own error only summarises ("1 failed"); the task's
        # "finished" signal carries why (e.g. not enough space).
        def finished(t, err):
            self._event("file_transfer_finished", id=tid,
                        error=err.message if err else None)
        GObject.Object.connect(task, "finished", finished)

    # ------------------------------------------------------------------ operations
    def agent_connected(self):
        return self.main is not None and bool(self.main.get_property("agent-connected"))

    def wait_agent(self, timeout=30):
        self.wait_for(self.agent_connected, timeout, "agent-connected")
        # the caps come with the agent's answer to ANNOUNCE_CAPABILITIES(request=1)
        self.wait_for(lambda: self.main.get_property("agent-caps-0") != 0, timeout,
                      "the agent's capabilities (agent-caps-0)")
        return self

    def caps(self):
        return caps_list(self.main.get_property("agent-caps-0"))

    def monitors(self, monitors, wait_reply=True, timeout=30):
        """monitors: list of (width, height, x, y); the rest are disabled."""
        before = self.mc_sent
        for i, (w, h, x, y) in enumerate(monitors):
            self.main.update_display_enabled(i, True, False)
            self.main.update_display(i, x, y, w, h, False)
        if not self.main.send_monitor_config():
            raise RigError("send_monitor_config failed (agent not connected?)")
        if not wait_reply:
            return None
        # spice-gtk also sends MONITORS_CONFIG by itself (e.g. right after the
        # agent's caps). REPLY carries no id, but replies come in order: wait
        # until every config sent so far, ours included, has been answered.
        target = max(self.mc_sent, before + 1)
        self.wait_for(lambda: self.mc_replies >= target, timeout,
                      "REPLY to MONITORS_CONFIG (%d sent, %d answered)" %
                      (target, self.mc_replies))
        ev = [e for e in self.events if e["event"] == "reply" and
              e["type"] == MSG_MONITORS_CONFIG][-1]
        return {"type": ev["type"], "success": ev["success"]}

    def _need_clipboard(self):
        if not self.main.agent_test_capability(CAP_CLIPBOARD_BY_DEMAND):
            raise RigError("the agent did not announce CLIPBOARD_BY_DEMAND: "
                           "spice-gtk ignores clipboard calls")

    def clip_grab(self, text, selection=0):
        self._need_clipboard()
        self.serve_clip[selection] = (CLIP_UTF8_TEXT, text.encode("utf-8"))
        self.main.clipboard_selection_grab(selection, [CLIP_UTF8_TEXT])

    def clip_release(self, selection=0):
        self.serve_clip.pop(selection, None)
        self.main.clipboard_selection_release(selection)

    def clip_request(self, selection=0, ctype=CLIP_UTF8_TEXT, timeout=30):
        self._need_clipboard()
        since = len(self.events)
        self.main.clipboard_selection_request(selection, ctype)
        return self.wait_event("clipboard_data", timeout, since,
                               lambda e: e["selection"] == selection)

    def file_copy(self, paths, timeout=120):
        files = [Gio.File.new_for_path(os.path.abspath(p)) for p in paths]
        result = {}

        # no Gio progress callback: PyGObject frees it before spice-gtk calls it
        # (segfault); progress comes from the task's notify::transferred-bytes
        def done(ch, res, _data=None):
            try:
                ok = ch.file_copy_finish(res)
                result.update(ok=bool(ok))
            except GLib.Error as e:
                result.update(ok=False, error=e.message, domain=e.domain, code=e.code)
            self._event("file_copy_done", **result)

        self.main.file_copy_async(files, Gio.FileCopyFlags.NONE, None, None, None, done, None)
        self.wait_for(lambda: result, timeout, "file_copy_async to finish")
        return result


# ---------------------------------------------------------------------- raw injection
def inject(sock_path, data, timeout=10):
    """Send DATA (whole chunks; a trailing partial chunk is passed on raw) to
    spice-host's --inject socket."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(sock_path)
            break
        except (BlockingIOError, ConnectionRefusedError, FileNotFoundError) as e:
            s.close()
            if time.monotonic() > deadline:
                raise RigError("cannot connect to inject socket %s: %s" % (sock_path, e))
            time.sleep(0.01)
    try:
        s.sendall(data)
    finally:
        s.close()


def mouse_state_chunk(x, y, buttons=0, display_id=0):
    payload = struct.pack("<IIIB", x, y, buttons, display_id)
    msg = struct.pack("<IIQI", 1, 1, 0, len(payload)) + payload   # type 1 = MOUSE_STATE
    return struct.pack("<II", 2, len(msg)) + msg                   # port 2 = server port


# ---------------------------------------------------------------------- CLI
def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def jsonable(ev):
    return {k: v for k, v in ev.items() if not isinstance(v, (bytes, bytearray))}


def parse_size(s):
    m = re.fullmatch(r"(\d+)x(\d+)(?:([+-]\d+)([+-]\d+))?", s)
    if not m:
        raise argparse.ArgumentTypeError("expected WxH or WxH+X+Y, got %r" % s)
    w, h = int(m.group(1)), int(m.group(2))
    x, y = (int(m.group(3)), int(m.group(4))) if m.group(3) else (0, 0)
    return (w, h, x, y)


def cmd_serve(c, args):
    """JSON-lines commands on stdin; events streamed on stdout."""
    c.on_event = lambda ev: out(jsonable(ev))
    for ev in c.events:
        out(jsonable(ev))
    state = {"quit": False, "buf": b""}
    cmds = []

    def on_stdin(fd, cond):
        data = os.read(fd, 65536)
        if not data:
            state["quit"] = True
            return False
        state["buf"] += data
        while b"\n" in state["buf"]:
            line, state["buf"] = state["buf"].split(b"\n", 1)
            if line.strip():
                cmds.append(line)
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN |
                      GLib.IOCondition.HUP, on_stdin)
    while not state["quit"]:
        c.wait_for(lambda: cmds or state["quit"], 3600 * 24, "commands", fail=False)
        while cmds:
            line = cmds.pop(0)
            try:
                req = json.loads(line)
            except ValueError as e:
                out({"event": "result", "ok": False, "error": "bad JSON: %s" % e})
                continue
            rid = req.get("id")
            timeout = float(req.get("timeout", args.timeout))
            try:
                res = serve_one(c, req, timeout)
                if res is None:
                    state["quit"] = True
                    res = {}
                out(dict({"event": "result", "id": rid, "ok": True}, **res))
            except (RigTimeout, RigError, DisplayError, GLib.Error, KeyError, TypeError,
                    ValueError) as e:
                out({"event": "result", "id": rid, "ok": False, "error": str(e)})
    return 0


def serve_one(c, req, timeout):
    cmd = req.get("cmd")
    if cmd == "quit":
        return None
    if cmd == "caps":
        caps = c.caps() if c.main else []
        return {"agent_connected": c.agent_connected(), "caps": caps,
                "names": [CAP_NAMES.get(x, str(x)) for x in caps]}
    if cmd == "wait-agent":
        c.wait_agent(timeout)
        return {"caps": c.caps()}
    if cmd == "monitors":
        mons = [(m["width"], m["height"], m.get("x", 0), m.get("y", 0)) for m in req["monitors"]]
        return {"reply": c.monitors(mons, req.get("wait_reply", True), timeout)}
    if cmd == "clip-grab":
        c.clip_grab(req["text"], req.get("selection", 0))
        return {}
    if cmd == "clip-release":
        c.clip_release(req.get("selection", 0))
        return {}
    if cmd == "clip-request":
        sel = req.get("selection", 0)
        if req.get("wait_grab", False):
            c.wait_for(lambda: sel in c.guest_grab, timeout, "an agent clipboard grab")
        ev = c.clip_request(sel, req.get("type", CLIP_UTF8_TEXT), timeout)
        return {"data": jsonable(ev)}
    if cmd == "file-copy":
        return c.file_copy(req["paths"], timeout)
    if cmd == "wait":
        since = req.get("since", 0)          # an event index ("n"), or "now"
        if since == "now":
            since = len(c.events)
        return {"match": jsonable(c.wait_event(req["event"], timeout, since))}
    if cmd == "events":
        return {"events": [jsonable(e) for e in c.events]}
    if cmd == "sleep":
        c.iterate(float(req.get("seconds", 1)))
        return {}
    if cmd in ("surface", "screenshot", "input"):
        return serve_display(c, cmd, req, timeout)
    raise RigError("unknown command %r" % cmd)


def main(argv=None):
    ap = argparse.ArgumentParser(description="SPICE client for the agent test rig")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--timeout", type=float, default=30.0, help="per-operation timeout (s)")
    ap.add_argument("--debug-log", help="append spice-gtk's debug log to this file")
    ap.add_argument("--no-wait-agent", action="store_true",
                    help="(serve) do not wait for the agent before reading commands")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("caps")
    p = sub.add_parser("monitors")
    p.add_argument("--size", type=parse_size, action="append", required=True)
    p.add_argument("--no-wait-reply", action="store_true")
    p.add_argument("--wait-surface", action="store_true",
                   help="after the REPLY, wait until the display surface has the first size")
    p = sub.add_parser("clip-to-guest")
    p.add_argument("--text", required=True)
    p.add_argument("--no-wait-request", action="store_true")
    p.add_argument("--linger", type=float, default=0.5,
                   help="keep serving for this long after the first request (s)")
    p = sub.add_parser("clip-from-guest")
    p.add_argument("--no-wait-grab", action="store_true")
    p = sub.add_parser("file-copy")
    p.add_argument("paths", nargs="+")
    sub.add_parser("serve")
    p = sub.add_parser("surface")
    p.add_argument("--wait", type=parse_size, help="wait until the surface is WxH")
    p = sub.add_parser("screenshot")
    p.add_argument("--out", required=True)
    p.add_argument("--quiet", type=float, default=0.5,
                   help="seconds without drawing before the picture is taken")
    p = sub.add_parser("input")
    p.add_argument("ops", nargs="+")
    p = sub.add_parser("inject-mouse")
    p.add_argument("--socket", required=True)
    p.add_argument("--x", type=int, required=True)
    p.add_argument("--y", type=int, required=True)
    p.add_argument("--buttons", type=int, default=0)
    p.add_argument("--display", type=int, default=0)
    p = sub.add_parser("inject-raw")
    p.add_argument("--socket", required=True)
    p.add_argument("--hex", required=True)
    args = ap.parse_args(argv)

    if args.cmd == "inject-mouse":
        inject(args.socket, mouse_state_chunk(args.x, args.y, args.buttons, args.display))
        out({"ok": True})
        return 0
    if args.cmd == "inject-raw":
        inject(args.socket, bytes.fromhex(args.hex))
        out({"ok": True})
        return 0
    if args.port is None:
        ap.error("--port is required for %s" % args.cmd)

    c = SpiceClient(args.port, args.host, args.debug_log)
    try:
        c.connect(args.timeout)
        if args.cmd == "serve":
            if not args.no_wait_agent:
                c.wait_agent(args.timeout)
            return cmd_serve(c, args)
        c.wait_agent(args.timeout)
        caps = c.caps()
        res = {"agent_connected": True, "caps": caps,
               "names": [CAP_NAMES.get(x, str(x)) for x in caps]}
        if args.cmd == "monitors":
            res["sent"] = [{"width": w, "height": h, "x": x, "y": y} for (w, h, x, y) in args.size]
            t0 = time.monotonic()
            res["reply"] = c.monitors(args.size, not args.no_wait_reply, args.timeout)
            res["reply_seconds"] = round(time.monotonic() - t0, 3)
            if args.wait_surface:
                w, h = args.size[0][:2]
                res["surface_after_reply"] = round(c.display.wait_surface(w, h, args.timeout), 3)
                # when the new surface arrived, which may be before the REPLY
                res["surface_seconds"] = round(c.display.surface_since() - t0, 3)
        elif args.cmd == "clip-to-guest":
            since = len(c.events)
            c.clip_grab(args.text)
            if not args.no_wait_request:
                ev = c.wait_event("clipboard_request", args.timeout, since)
                res["request"] = jsonable(ev)
                c.iterate(args.linger)
            else:
                c.iterate(args.linger)
        elif args.cmd == "clip-from-guest":
            if not args.no_wait_grab:
                c.wait_for(lambda: 0 in c.guest_grab, args.timeout, "an agent clipboard grab")
                res["grab"] = c.guest_grab[0]
            ev = c.clip_request(0, CLIP_UTF8_TEXT, args.timeout)
            res["text"] = ev.get("text")
            res["type"] = ev["type"]
        elif args.cmd == "surface":
            req = {"wait": list(args.wait[:2]) if args.wait else None}
            res.update(serve_display(c, "surface", req, args.timeout))
        elif args.cmd == "screenshot":
            res.update(serve_display(c, "screenshot", {"path": args.out, "quiet": args.quiet},
                                     args.timeout))
        elif args.cmd == "input":
            res.update(serve_display(c, "input", {"ops": args.ops}, args.timeout))
        elif args.cmd == "file-copy":
            res["result"] = c.file_copy(args.paths, args.timeout)
            if not res["result"].get("ok"):
                out(res)
                sys.stderr.write("spice_client: file copy failed: %s\n" %
                                 res["result"].get("error"))
                return 1
        out(res)
        return 0
    except (RigTimeout, RigError, DisplayError) as e:
        out({"error": str(e), "cmd": args.cmd})
        sys.stderr.write("spice_client: %s: %s\n" % (args.cmd, e))
        return 1
    finally:
        c.disconnect()


if __name__ == "__main__":
    sys.exit(main())
