#!/usr/bin/python3
"""hostile_host.py - a hostile VM host: writes bad traffic onto the agent's
port through spice-host's --inject socket (whole chunks, at chunk boundaries
of the server's own stream; a trailing partial chunk is written raw), or its
--raw socket (bytes as they come, cut anywhere) where an attack must split
chunks itself.

    hostile_host.py --inject SOCK [--raw SOCK] ATTACK [--marker N]
    hostile_host.py --inject SOCK --marker N [--ask] mark
    hostile_host.py --list

Prints one JSON line: the attack, the bytes sent, whether it breaks the
framing ("framing": "lost" -> the service must close and reopen the port) and
what the logs must show (service/agent: Python regexes). Attacks that keep
the framing end with a marker, ANNOUNCE_CAPABILITIES(request=0) whose
capability word encodes --marker: once the service logs
"client capabilities 0x<marker_hex>", every byte before it was consumed.
`mark` sends only the marker; with --ask it carries request=1, as a host
does after the port opened, and the service must announce again.

Only the Python standard library; no randomness without a fixed seed."""
import argparse
import json
import random
import socket
import struct
import sys
import time

CLIENT, SERVER = 1, 2
MOUSE_STATE, MONITORS_CONFIG, CLIPBOARD, ANNOUNCE = 1, 2, 4, 6
CLIPBOARD_REQUEST, CLIPBOARD_RELEASE = 8, 9
XFER_STATUS, XFER_DATA = 11, 12
CLIENT_DISCONNECTED, MAX_CLIPBOARD, AUDIO_VOLUME, GRAPHICS_INFO = 13, 14, 15, 16
GRAB = 7

# Capability bits a marker may use: none that changes how later messages are
# read (selection prefix 6, by-demand 5, max-clipboard 10, grab serial 17,
# no-release-on-regrab 16).
MARKER_BITS = [0, 1, 2, 3, 4, 7, 8, 9, 11, 12, 13, 14]


def chunk(port, payload):
    return struct.pack("<II", port, len(payload)) + payload


def message(mtype, body, protocol=1, size=None):
    return struct.pack("<IIQI", protocol, mtype, 0, len(body) if size is None else size) + body


def chunks(port, msg):
    """A message cut into chunks of at most 2048 bytes, as the server does."""
    return b"".join(chunk(port, msg[i:i + 2048]) for i in range(0, max(len(msg), 1), 2048))


def mouse(x=10, y=10, buttons=0):
    return chunks(SERVER, message(MOUSE_STATE, struct.pack("<IIIB", x, y, buttons, 0)))


def marker_word(n):
    w = 0
    for i, bit in enumerate(MARKER_BITS):
        if n >> i & 1:
            w |= 1 << bit
    return w


def marker(n, request=0):
    return chunks(CLIENT, message(ANNOUNCE, struct.pack("<II", request, marker_word(n))))


def client_left():
    return chunks(SERVER, message(CLIENT_DISCONNECTED, b""))


def send(path, data, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    with s:
        s.sendall(data)


def send_fragments(path, data, size=1, pause=0.001):
    """Over the raw socket: each piece its own write on the pty."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    with s:
        for i in range(0, len(data), size):
            s.sendall(data[i:i + size])
            time.sleep(pause)


REFUSED = r"refused message type"
RESYNC = r"framing error: .*reopening the port"


# Each attack: fn(args) -> dict(sent=bytes, framing="lost"|"kept",
# service=[regex...], agent=[regex...]); the bytes go out in main().
def a_bad_port(a):
    return dict(data=[chunk(7, message(MOUSE_STATE, b"\0" * 13))], framing="lost",
                service=[RESYNC + "|chunk port is neither"])


def a_chunk_over_2048(a):
    body = message(CLIPBOARD, b"\0" * (4096 - 20))
    return dict(data=[chunk(CLIENT, body)], framing="lost", service=[r"larger than 2048"])


def a_chunk_zero(a):
    # Empty chunks are harmless (the protocol has no use for them, and skips
    # them): a message split around a hundred of them still arrives whole.
    m = message(ANNOUNCE, struct.pack("<II", 0, marker_word(a.marker)))
    data = b"".join(chunk(CLIENT, b"") for _ in range(50)) + chunk(CLIENT, m[:7])
    data += b"".join(chunk(CLIENT, b"") for _ in range(50)) + chunk(CLIENT, m[7:])
    return dict(data=[data], framing="kept", service=[], marker_sent=False)


def a_truncated_header(a):
    # Half a chunk header (written raw when the connection closes), then
    # ordinary traffic that now parses from the wrong offset.
    return dict(data=[struct.pack("<I", CLIENT), b"".join(mouse(i, i) for i in range(40))],
                framing="lost", service=[RESYNC])


def a_huge_sizes_client_leaves(a):
    # A message header declaring far more than any limit, then the client
    # leaves (the server's CLIENT_DISCONNECTED): nothing may be allocated or
    # awaited for it, and port 1 starts afresh. CLIPBOARD of 50 MiB is within
    # the clipboard limit: it starts a stream to the agent that the client's
    # leaving must abort.
    data = b""
    for t, size, pre in [(MONITORS_CONFIG, 0xFFFFFFF0, struct.pack("<II", 1, 0)),
                         (ANNOUNCE, 0x7FFFFFFF, struct.pack("<II", 0, 0)),
                         (99, 0xFFFFFFFF, b""),
                         (XFER_DATA, 0xFFFFFFF0, struct.pack("<IQ", 1, 0xFFFFFFF0 - 12)),
                         (CLIPBOARD, 0xFFFFFFF0, struct.pack("<I", 1)),
                         (CLIPBOARD, 50 << 20, struct.pack("<I", 1))]:
        data += chunk(CLIENT, message(t, pre + b"x" * 100, size=size)) + client_left()
    return dict(data=[data], framing="kept", service=[REFUSED, r"client disconnected"])


def a_unknown_types(a):
    data = b"".join(chunks(CLIENT, message(t, b"\1" * 16)) for t in (0, 17, 99, 1000, 0xFFFFFFFF))
    return dict(data=[data], framing="kept", service=[r"unknown message type"])


def a_overflowing_counts(a):
    mon = struct.pack("<IIIii", 600, 800, 32, 0, 0)
    msgs = [
        (CLIENT, message(MONITORS_CONFIG, struct.pack("<II", 0xFFFFFFFF, 0) + mon)),
        (CLIENT, message(MONITORS_CONFIG, struct.pack("<II", 0x40000001, 0) + mon)),
        (CLIENT, message(MONITORS_CONFIG, struct.pack("<II", 2, 2) + mon * 2 + b"\0\0")),
        (SERVER, message(GRAPHICS_INFO, struct.pack("<I", 0xFFFFFFFF) + b"\0" * 16)),
        (SERVER, message(GRAPHICS_INFO, struct.pack("<I", 1) +
                         struct.pack("<IIII", 0, 0, 0, 0xFFFFFFF0) + b"pci/0000\0")),
        (CLIENT, message(AUDIO_VOLUME, struct.pack("<BBB", 1, 0, 255) + b"\0\0" * 2)),
        (CLIENT, message(GRAB, b"\1\0\0")),
        (CLIENT, message(ANNOUNCE, b"\0\0\0")),
    ]
    return dict(data=[b"".join(chunks(p, m) for p, m in msgs)], framing="kept", service=[REFUSED])


def a_wrong_protocol(a):
    return dict(data=[chunks(CLIENT, message(MAX_CLIPBOARD, struct.pack("<i", 1000), protocol=2))],
                framing="lost", service=[r"protocol"])


def a_random_bytes(a):
    rnd = random.Random(1313)
    data = bytearray(rnd.getrandbits(8) for _ in range(8192))
    data[0:4] = struct.pack("<I", 0x9E3779B9)  # not port 1 or 2, whatever the seed gives
    return dict(data=[bytes(data)], framing="lost", service=[RESYNC])


def a_flood(a):
    # 20 000 refused messages, each as long as a MOUSE_STATE (the same bytes
    # as 20 000 mouse moves): the log gets one line and a "suppressed" count.
    one = chunks(CLIENT, message(99, b"\0" * 13))
    return dict(data=[one * a.count], framing="kept", service=[r"unknown message type"],
                count=a.count)


def a_mouse_flood(a):
    # The baseline for the flood: the same bytes as valid mouse moves.
    data = b"".join(mouse(100 + i % 200, 100 + i % 150) for i in range(a.count))
    return dict(data=[data], framing="kept", service=[], count=a.count)


def a_one_byte_fragments(a):
    # Valid messages arriving one byte per write (needs --raw): reassembled,
    # not refused. The marker is inside the fragments.
    data = mouse(50, 60) + marker(a.marker) + mouse(70, 80)
    return dict(raw_fragments=data, framing="kept", service=[], marker_sent=False)


def a_xfer_data_before_start(a):
    body = struct.pack("<IQ", 4242, 64) + b"d" * 64
    return dict(data=[chunks(CLIENT, message(XFER_DATA, body)) * 50], framing="kept",
                agent=[r"data for an unknown transfer"])


# No client is connected while the attacks run, and a client's departure
# drops the guest's grab: a REQUEST here asks for what nobody offered. The
# agent answers each with an empty CLIPBOARD (NONE), and says so once.
def a_clipboard_request_nothing_grabbed(a):
    return dict(data=[chunks(CLIENT, message(CLIPBOARD_REQUEST, struct.pack("<I", 1))) * 50],
                framing="kept", agent=[r"refused: request while the guest holds no grab"])


def a_clipboard_release_not_held(a):
    return dict(data=[chunks(CLIENT, message(CLIPBOARD_RELEASE, b"")) * 50], framing="kept",
                agent=[r"refused: release while the client owns nothing"])


def a_xfer_status_unknown(a):
    body = struct.pack("<II", 31337, 1)  # CANCELLED
    return dict(data=[chunks(CLIENT, message(XFER_STATUS, body)) * 50], framing="kept",
                agent=[r"status [0-9]+ for an unknown transfer"])


ATTACKS = {name[2:]: fn for name, fn in sorted(globals().items()) if name.startswith("a_")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inject", help="spice-host --inject socket")
    ap.add_argument("--raw", help="spice-host --raw socket")
    ap.add_argument("--marker", type=int, default=1, help="marker number (1..4095)")
    ap.add_argument("--count", type=int, default=20000, help="messages in a flood")
    ap.add_argument("--ask", action="store_true", help="(mark) request=1")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("attack", nargs="?")
    a = ap.parse_args(argv)
    if a.list:
        print("\n".join(ATTACKS))
        return 0
    if a.attack == "mark" and a.inject:
        send(a.inject, marker(a.marker, 1 if a.ask else 0))
        print(json.dumps({"marker": "client capabilities 0x%08x" % marker_word(a.marker)}))
        return 0
    if a.attack not in ATTACKS or not a.inject:
        ap.error("need --inject and one of: " + ", ".join(ATTACKS))
    spec = ATTACKS[a.attack](a)
    t0 = time.monotonic()
    sent = 0
    if "raw_fragments" in spec:
        if not a.raw:
            ap.error(a.attack + " needs --raw")
        send_fragments(a.raw, spec["raw_fragments"])
        sent += len(spec["raw_fragments"])
    for piece in spec.get("data", []):
        send(a.inject, piece)
        sent += len(piece)
    marked = spec["framing"] == "kept"
    if marked and spec.get("marker_sent", True):
        send(a.inject, marker(a.marker))
    res = {"attack": a.attack, "bytes": sent, "framing": spec["framing"],
           "service": spec.get("service", []), "agent": spec.get("agent", []),
           "marker": "client capabilities 0x%08x" % marker_word(a.marker) if marked else None,
           "send_s": round(time.monotonic() - t0, 3)}
    if "count" in spec:
        res["count"] = spec["count"]
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
