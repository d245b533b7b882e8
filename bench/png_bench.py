#!/usr/bin/python3
"""The DIB -> PNG encoder's settings side by side (issue: clipboard).
Usage:
  png_bench.py gen WORKDIR              writes shot.bmp and detail.bmp
  png_bench.py report JSONL MD          the "png" section of docs/BENCHMARKS.md
Images (3840x2160, 24-bit, as a screenshot sits on the guest clipboard):
  shot    the clipboard benchmark's screenshot: flat colour blocks
          (window chrome, text backgrounds): compresses ~20x;
  detail  a photo-heavy desktop: a wallpaper photo with grain, a grid of
          photo thumbnails in a window: compresses ~2x.
The floor is level 0 (stored, no filter): libpng walking the rows, CRC and
Adler-32 with no compression at all, what any setting pays."""
import json
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from md_section import write_section  # noqa: E402

MIB = 1024 * 1024
W, H = 3840, 2160
# The goals: the agent's PNG at most SIZE_GOAL x libpng's default on every
# image, in at most TIME_GOAL of encoding.
SIZE_GOAL = 1.2
TIME_GOAL = 0.15  # seconds of encoding a DIB may add (issue: clipboard)
FLOOR = "level 0, no filter (floor: stored)"
DEFAULT = "libpng default (level 6, adaptive filters)"


def bmp(rows_bgr, w, h):
    """Bottom-up 24-bit BMP from top-down BGR rows (w*3 bytes, w*3 % 4 == 0)."""
    px = b"".join(reversed(rows_bgr))
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(px), 2835, 2835, 0, 0)
    return struct.pack("<2sIHHI", b"BM", 54 + len(px), 0, 0, 54) + info + px


def detail_rows(w=W, h=H, seed=7):
    """Photo-heavy: smooth colour fields with grain of a few levels (a photo's
    sensor noise), thumbnails with stronger grain, flat chrome between them.
    Grain comes from random bytes through per-level translate tables, so
    4K is generated in about a second."""
    rnd = random.Random(seed)
    tables = {}

    def grain(v, a):
        k = (v & 0xF8, a)
        if k not in tables:
            base = v & 0xF8
            tables[k] = bytes(max(0, min(255, base + r % a - a // 2)) for r in range(256))
        return tables[k]

    rows, seg = [], 48
    for y in range(h):
        row = bytearray(w * 3)
        noise = rnd.randbytes(w * 3)
        for x in range(0, w, seg):
            r = int(128 + 100 * (x / w - 0.5) + 40 * (y / h - 0.5))
            g = int(90 + 120 * (y / h))
            b = int(200 - 150 * (x / w))
            a = 3  # wallpaper photo
            if 600 <= x < 3000 and 300 <= y < 1800:  # a window of thumbnails
                tx, ty = (x - 600) % 260, (y - 300) % 200
                if tx < 240 and ty < 180 and y >= 360:
                    cell = ((x - 600) // 260) * 31 + ((y - 300) // 200) * 17
                    r, g, b = (cell * 53) & 255, (cell * 97 + y // 4) & 255, (cell * 29 + x // 8) & 255
                    a = 8
                else:
                    r = g = b = 240
                    a = 1
                    if y < 340:  # title bar
                        r, g, b = 40, 60, 90
            for c, v in enumerate((b, g, r)):  # BGR in memory
                sl = slice(x * 3 + c, (x + seg) * 3, 3)
                row[sl] = noise[sl].translate(grain(v, a))
        rows.append(bytes(row))
    return rows


def gen(work):
    from clipboard_bench import screenshot_bmp  # the clipboard benchmark's picture
    open(os.path.join(work, "shot.bmp"), "wb").write(screenshot_bmp(W, H))
    open(os.path.join(work, "detail.bmp"), "wb").write(bmp(detail_rows(), W, H))


def report(jsonl, md):
    enc, dec, files = {}, {}, []
    for line in open(jsonl):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        f = r["file"]
        if f not in files:
            files.append(f)
        if "decode_seconds" in r:
            dec[f] = r
        else:
            enc.setdefault(r["setting"], {})[f] = r
    for s in (FLOOR, DEFAULT):
        if s not in enc or any(f not in enc[s] for f in files):
            sys.exit("png_bench: no figures for %s" % s)
    names = [s for s in enc if all(f in enc[s] for f in files)]

    def ratio(s, f):
        return enc[s][f]["png_bytes"] / enc[DEFAULT][f]["png_bytes"]

    agent = [s for s in names if all(enc[s][f]["agent"] for f in files)]
    if len(agent) != 1:
        sys.exit("png_bench: no figures for the agent's own path")
    agent = agent[0]
    single = [s for s in names if s not in (FLOOR, agent)]
    meets = [s for s in single if all(ratio(s, f) <= SIZE_GOAL for f in files)]
    best = min(meets, key=lambda s: max(enc[s][f]["seconds"] for f in files))
    lines = [
        "## PNG encoder settings (DIB -> PNG, guest -> client images)",
        "",
        "`bash bench/png_bench.sh` (ctest -L bench: `bench_png`). The agent's own encoder",
        "(`vda_dib_to_png_with`, libpng %s from Debian's source, -O2 mingw build) under Wine,"
        % os.environ.get("VDA_LIBPNG_VERSION", "1.6"),
        "median of %d runs per setting; 3840x2160 24-bit DIBs as a screenshot sits on"
        % len(next(iter(enc[DEFAULT].values()))["runs"]),
        "the clipboard. `shot`: the clipboard benchmark's flat-colour screenshot; `detail`:",
        "a photo-heavy desktop (wallpaper photo with grain, a window of thumbnails). The",
        "floor is level 0 (stored, no filter): libpng walking the rows with CRC and",
        "Adler-32 and no compression, which every setting pays.",
        "",
        "| setting | " + " | ".join("%s MiB | x default | s" % f for f in files) + " |",
        "|---|" + "---:|---:|---:|" * len(files),
    ]
    for s in names:
        cells = []
        for f in files:
            r = enc[s][f]
            cells += ["%.2f" % (r["png_bytes"] / MIB), "%.2f" % ratio(s, f), "%.3f" % r["seconds"]]
        mark = " (fastest single setting within %.1fx)" % SIZE_GOAL if s == best else ""
        if s == agent:
            s = "**%s**" % s
        lines.append("| %s%s | %s |" % (s, mark, " | ".join(cells)))
    lines += ["",
              "Decoding libpng's default PNG back to a DIB (client -> guest): " +
              ", ".join("%s %.3f s" % (f, dec[f]["decode_seconds"]) for f in files if f in dec) + ".",
              ""]
    fl = {f: enc[FLOOR][f]["seconds"] for f in files}
    df = {f: enc[DEFAULT][f]["seconds"] for f in files}
    bt = {f: enc[best][f]["seconds"] for f in files}
    lines += [
        "Where the time goes: the floor (rows through libpng, checksums) costs " +
        ", ".join("%s %.3f s" % (f, fl[f]) for f in files) +
        "; libpng's default spends " +
        ", ".join("%s %.3f s" % (f, df[f] - fl[f]) for f in files) +
        " more, in trying all five row filters per row and deflate at level 6; "
        "the fastest setting within %.1fx of its size (`%s`) spends " % (SIZE_GOAL, best) +
        ", ".join("%s %.3f s" % (f, bt[f] - fl[f]) for f in files) + " more.",
        "",
    ]
    at = {f: enc[agent][f]["seconds"] for f in files}
    ar = {f: ratio(agent, f) for f in files}
    ok_size = all(ar[f] <= SIZE_GOAL for f in files)
    ok_time = all(at[f] <= TIME_GOAL for f in files)
    lines += [
        "",
        "Goals (issue: clipboard): the PNG at most %.1fx libpng's default size, and at most"
        % SIZE_GOAL,
        "%.2f s of encoding. No single setting of the grid meets the size goal on both images"
        % TIME_GOAL,
        "in reasonable time: zlib's lazy matching at level 6 walks long match chains through",
        "a photo's grain, while run-length deflate (Z_RLE) is as small there at a fraction",
        "of the time but several times larger on flat content. So the agent (`vda_dib_to_png`,",
        "bold row; clipboard_png_slices.c) cuts the image into two slices deflated on two",
        "threads into one zlib stream, Up-filtered straight from the DIB's rows, and each slice",
        "first deflates every 31st row with level 1, Z_RLE: when that is at most 1/16 of those",
        "rows' bytes (flat content, where level 6 is fast) the slice is encoded with level 6,",
        "else with level 1, Z_RLE (it used to encode the whole image once with libpng and, on",
        "flat content, a second time). Against the goals: size " +
        ", ".join("%s %.2fx" % (f, ar[f]) for f in files) +
        (" (met)" if ok_size else " (**not met**)") + "; encoding " +
        ", ".join("%s %.3f s" % (f, at[f]) for f in files) +
        (" (met)." if ok_time else
         " (**not met** where over: what is left is zlib's own work on a photo's 24 MB, about"
         " 10 ns a byte at every setting that keeps the size (perf of a native build of the"
         " same code: deflate 45%, compress_block 25%, slide_hash 10%, the filter 5%),"
         " already split over the two cores; libpng storing the rows uncompressed costs " +
         ", ".join("%s %.3f s" % (f, fl[f]) for f in files) + " here).") +
        " libpng's default takes " + ", ".join("%s %.3f s" % (f, df[f]) for f in files) + ".",
    ]
    write_section(md, "png", lines)


def main():
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
