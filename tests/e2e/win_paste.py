"""A Windows program pasting (tests/windows/paste_probe.exe under Wine), for
the tests of pastes that must not freeze an application: what a Windows
application sees, without Wine's X selection bridge in between (an X
requestor such as `xclip -o` was seen waiting 20 s there, 2 times in 30,
after the agent had answered every render at once)."""
import os
import subprocess
import threading
import time
import zlib


class WinPaste:
    def __init__(self, fmt=None):
        probe = os.environ.get("VDA_PASTE_PROBE")
        if not probe or not os.path.exists(probe):
            raise SystemExit("VDA_PASTE_PROBE (tests/windows/paste_probe.exe) missing: build win64")
        self.start_t = self.end_t = None
        self.units = self.crc = None
        # fmt "dib": CF_DIB, and units are the block's bytes
        self.p = subprocess.Popen(["wine", probe] + ([fmt] if fmt else []),
                                  stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            f = line.split()
            if f and f[0] == "START":
                self.start_t = float(f[1])
            elif f and f[0] == "END":
                self.crc = int(f[3], 16)
                self.end_t, self.units = float(f[1]), int(f[2])

    def pasted(self, text):
        """Whether the paste returned exactly TEXT (str)."""
        return (self.ended() and self.units == len(text.encode("utf-16-le")) // 2 and
                self.crc == zlib.crc32(text.encode("utf-16-le")))

    def started(self):
        return self.start_t is not None

    def ended(self):
        return self.end_t is not None

    def wait_end(self, timeout, tick=None):
        """Wall-clock time GetClipboardData returned, or None after TIMEOUT
        (tick(), when given, runs in between: the client's loop)."""
        end = time.monotonic() + timeout
        while not self.ended() and time.monotonic() < end:
            if tick:
                tick()
            else:
                time.sleep(0.01)
        return self.end_t

    def close(self):
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
