"""Replaces one benchmark's marked section of docs/BENCHMARKS.md, keeping the
others: each benchmark owns the lines between
<!-- bench:NAME begin --> and <!-- bench:NAME end -->."""
import os


def write_section(md, name, lines):
    begin, end = "<!-- bench:%s begin -->" % name, "<!-- bench:%s end -->" % name
    block = "\n".join([begin] + lines + [end])
    text = open(md).read() if os.path.exists(md) else "# Benchmarks\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    open(md, "w").write(text)
    print(block)
