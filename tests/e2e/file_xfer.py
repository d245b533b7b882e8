#!/usr/bin/python3
"""File transfer through the real client (spice-gtk's file_copy_async), the
real server and the agent in Wine. Usage:
  file_xfer.py PORT drop DOWNLOADS FILE...        one drop per file, in turn
  file_xfer.py PORT drop-together DOWNLOADS FILE... all files in one drop
  file_xfer.py PORT two-drops DOWNLOADS FILE...   two drops at once (halves)
  file_xfer.py PORT expect-error FILE [TEXT]      the drop fails (TEXT in the message)
  file_xfer.py PORT hostile DOWNLOADS FILE...     each drop fails or lands under a safe name
  file_xfer.py PORT copy FILE                      one drop; prints its seconds (benchmarks)
  file_xfer.py PORT resize-during DOWNLOADS FILE WxH WxH
        resizes (client send -> REPLY SUCCESS) idle, then during FILE's transfer;
        fails when one is not applied, or only after the transfer ended
Prints one JSON line per file and exits non-zero on any mismatch.
`drop` checks every file's SHA-256 against what landed in DOWNLOADS under
its own name (or a "name (n).ext" variant when the name was taken)."""
import hashlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ["VDA_SOURCE_DIR"], "tests", "rig"))
from spice_client import SpiceClient, Gio, GLib  # noqa: E402

TIMEOUT = float(os.environ.get("XFER_TIMEOUT", "600"))


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def start_copy(c, paths):
    """file_copy_async without waiting; the dict fills in when it ends."""
    files = [Gio.File.new_for_path(os.path.abspath(p)) for p in paths]
    result = {"t0": time.monotonic()}

    def done(ch, res, _data=None):
        try:
            result.update(ok=bool(ch.file_copy_finish(res)))
        except GLib.Error as e:
            result.update(ok=False, error=e.message, code=e.code)
        result["seconds"] = round(time.monotonic() - result["t0"], 3)

    c.main.file_copy_async(files, Gio.FileCopyFlags.NONE, None, None, None, done, None)
    return result


def wait_all(c, results, timeout=TIMEOUT):
    c.wait_for(lambda: all("ok" in r for r in results), timeout, "file copies to finish")


def landed(downloads, name, digest, taken):
    """The file that holds these bytes under name or a variant of it."""
    stem, ext = os.path.splitext(name)
    cands = [name] + ["%s (%d)%s" % (stem, i, ext) for i in range(1, 50)]
    for cand in cands:
        p = os.path.join(downloads, cand)
        if cand not in taken and os.path.isfile(p) and sha(p) == digest:
            taken.add(cand)
            return cand
    return None


def check_landed(downloads, paths, taken, bad):
    for p in paths:
        digest = sha(p)
        got = landed(downloads, os.path.basename(p), digest, taken)
        size = os.path.getsize(p)
        print(json.dumps({"file": os.path.basename(p), "size": size, "landed": got,
                          "ok": got is not None}))
        if got is None:
            bad.append(p)


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    c = SpiceClient(port)
    c.connect()
    c.wait_agent(30)
    bad = []
    if mode in ("drop", "drop-together", "two-drops"):
        downloads, paths = sys.argv[3], sys.argv[4:]
        taken = set(os.listdir(downloads)) if mode == "drop" else set()
        if mode == "drop":
            for p in paths:
                r = start_copy(c, [p])
                wait_all(c, [r])
                print(json.dumps({"drop": os.path.basename(p), **{k: v for k, v in r.items()
                                                                   if k != "t0"}}))
                if not r["ok"]:
                    bad.append(p)
            taken = set()
        else:
            groups = [paths] if mode == "drop-together" else [paths[::2], paths[1::2]]
            rs = [start_copy(c, g) for g in groups]
            wait_all(c, rs)
            for r in rs:
                print(json.dumps({"drop": "group", **{k: v for k, v in r.items() if k != "t0"}}))
                if not r["ok"]:
                    bad.append("group")
        check_landed(downloads, paths, taken, bad)
    elif mode == "expect-error":
        path = sys.argv[3]
        want = sys.argv[4] if len(sys.argv) > 4 else ""
        r = start_copy(c, [path])
        wait_all(c, [r], 30)
        r.pop("t0")
        c.iterate(0.2)
        why = [e.get("error") or "" for e in c.events if e["event"] == "file_transfer_finished"]
        r["task_errors"] = why
        print(json.dumps({"drop": os.path.basename(path), **r}))
        if r["ok"] or not any(want.lower() in (w + r.get("error", "")).lower() for w in why or [""]):
            bad.append(path)
    elif mode == "hostile":
        downloads, paths = sys.argv[3], sys.argv[4:]
        for p in paths:
            before = set(os.listdir(downloads))
            since = len(c.events)
            r = start_copy(c, [p])
            wait_all(c, [r], 30)
            c.iterate(0.05)
            why = [e.get("error") for e in c.events[since:]
                   if e["event"] == "file_transfer_finished" and e.get("error")]
            if why:
                r["error"] = why[-1]
            new = sorted(set(os.listdir(downloads)) - before)
            ok = (not r["ok"] and not new) or (r["ok"] and len(new) == 1)
            print(json.dumps({"name": os.path.basename(p), "accepted": r["ok"],
                              "error": r.get("error"), "as": new, "ok": ok},
                             ensure_ascii=True))
            if not ok:
                bad.append(p)
    elif mode == "resize-during":
        downloads, path = sys.argv[3], sys.argv[4]
        sizes = [tuple(int(v) for v in a.split("x")) for a in sys.argv[5:7]]

        def resizes(n):
            times = []
            for i in range(n):
                w, h = sizes[i % 2]
                t0 = time.monotonic()
                rep = c.monitors([(w, h, 0, 0)], timeout=60)
                times.append(time.monotonic() - t0)
                if not rep["success"]:
                    raise SystemExit("resize to %dx%d not applied" % (w, h))
                c.iterate(0.05)
            return sorted(times)[len(times) // 2]

        resizes(2)  # warm up: the first config after connecting is special
        idle = resizes(7)
        total = os.path.getsize(path)
        r = start_copy(c, [path])
        progress = lambda: max([e["current"] for e in c.events
                                if e["event"] == "file_copy_progress"] or [0])
        c.wait_for(lambda: progress() > total // 10 or "ok" in r, 120, "10% of the transfer")
        during = resizes(7)
        at = progress()
        wait_all(c, [r])
        got = landed(downloads, os.path.basename(path), sha(path), set())
        out = {"idle_p50_ms": round(idle * 1000, 1), "during_p50_ms": round(during * 1000, 1),
               "measured_at_bytes": at, "total": total, "copy": r.get("ok"),
               "seconds": r.get("seconds"), "landed": got}
        print(json.dumps(out))
        # Timing is for the benchmark (bench/xfer_bench.sh); what fails here
        # is a resize not applied, or applied only after the transfer.
        if not r["ok"] or got is None or at >= total:
            bad.append(path)
    elif mode == "copy":
        r = start_copy(c, [sys.argv[3]])
        wait_all(c, [r])
        if not r["ok"]:
            raise SystemExit("copy failed: %s" % r.get("error"))
        print(r["seconds"])
    else:
        raise SystemExit("unknown mode %s" % mode)
    c.disconnect()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
