/* paste_probe.exe - a Windows program pasting text, for the end-to-end
 * tests of pastes that must not freeze an application (issue: clipboard).
 *
 *   paste_probe.exe [dib]
 *
 * Opens the clipboard and calls GetClipboardData(CF_UNICODETEXT), or
 * CF_DIB with `dib`, which blocks while the owner (the agent) renders.
 * Prints, with wall-clock times in Unix seconds (comparable with the test's
 * time.time()):
 *   START t          just before GetClipboardData
 *   END t units crc  when it returned (units: UTF-16 units of text, 0: none;
 *                    crc: CRC-32 of those units as UTF-16LE bytes, as zlib's;
 *                    with `dib`: the block's bytes and their CRC-32)
 * Why not xclip: an X program's paste also crosses Wine's X selection
 * bridge, which at times leaves an X requestor waiting after every Windows
 * render has returned; this measures what a Windows application sees. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

static unsigned long crc32_of(const unsigned char *p, size_t n)
{
  unsigned long crc = 0xFFFFFFFFul;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xEDB88320ul & (0ul - (crc & 1ul)));
  }
  return crc ^ 0xFFFFFFFFul;
}

static double unix_now(void)
{
  FILETIME ft;
  ULARGE_INTEGER t;
  GetSystemTimePreciseAsFileTime(&ft);
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  return (double)(t.QuadPart - 116444736000000000ull) / 1e7; /* 100 ns since 1601 */
}

int main(int argc, char **argv)
{
  int tries = 0;
  bool dib = argc > 1 && strcmp(argv[1], "dib") == 0;
  while (!OpenClipboard(NULL)) {
    if (++tries == 200) { /* 2 s: someone holds it */
      fprintf(stderr, "paste_probe: OpenClipboard failed (error %lu)\n", GetLastError());
      return 1;
    }
    Sleep(10);
  }
  printf("START %.3f\n", unix_now());
  fflush(stdout);
  HANDLE h = GetClipboardData(dib ? CF_DIB : CF_UNICODETEXT);
  double end = unix_now();
  const wchar_t *w = h ? GlobalLock(h) : NULL;
  size_t units = !w ? 0 : dib ? GlobalSize(h) : wcslen(w);
  unsigned long crc =
      w ? crc32_of((const unsigned char *)w, dib ? units : units * sizeof(wchar_t)) : 0;
  if (w)
    GlobalUnlock(h);
  CloseClipboard();
  printf("END %.3f %zu %08lx\n", end, units, crc);
  return 0;
}
