/* clip_bridge.exe - what Wine's own clipboard bridge to X costs, without the
 * agent (issue: clipboard; run by bench/clipboard_bench.sh).
 *
 *   clip_bridge.exe put FILE [SECONDS]   UTF-8 FILE as CF_UNICODETEXT on the
 *                                        clipboard (rendered at once), then
 *                                        stays the owner for SECONDS (120)
 *   clip_bridge.exe get                  times GetClipboardData(CF_UNICODETEXT)
 *                                        of what an X program holds
 *   clip_bridge.exe empty                empties the clipboard (so that `get`
 *                                        cannot find what `put` left)
 *
 * The agent's client -> guest text case ends when an X program's paste
 * completes, and its guest -> client case starts from an X program's copy:
 * both cross Wine's clipboard (wineserver) and explorer.exe's X selection
 * bridge, which the null-agent floor does not. `put` followed by a timed
 * `xclip -o`, and `get` after `xclip -i`, measure that part alone.
 * Output: one line, "READY units seconds" (put, once the data is set; the
 * seconds SetClipboardData took) or
 * "seconds units" (get). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define MAX_FILE (256u << 20)

static int fail(const char *what)
{
  fprintf(stderr, "clip_bridge: %s failed (error %lu)\n", what, GetLastError());
  return 1;
}

static char *read_file(const char *path, DWORD *len)
{
  HANDLE f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
  LARGE_INTEGER size;
  char *buf = NULL;
  DWORD got = 0;
  if (f == INVALID_HANDLE_VALUE)
    return NULL;
  if (GetFileSizeEx(f, &size) && size.QuadPart > 0 && size.QuadPart <= MAX_FILE &&
      (buf = malloc((size_t)size.QuadPart)) != NULL &&
      (!ReadFile(f, buf, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart)) {
    free(buf);
    buf = NULL;
  }
  CloseHandle(f);
  *len = got;
  return buf;
}

static int put(const char *path, DWORD seconds)
{
  DWORD len = 0;
  char *utf8 = read_file(path, &len);
  HGLOBAL g = NULL;
  int units, rc = 1;
  if (!utf8) {
    fprintf(stderr, "clip_bridge: cannot read %s\n", path);
    return 1;
  }
  units = MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, NULL, 0);
  g = units > 0 ? GlobalAlloc(GMEM_MOVEABLE, ((size_t)units + 1) * sizeof(WCHAR)) : NULL;
  if (!g) {
    rc = fail("GlobalAlloc");
    goto out;
  }
  WCHAR *w = GlobalLock(g);
  MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, w, units);
  w[units] = 0;
  GlobalUnlock(g);
  if (!OpenClipboard(NULL)) {
    rc = fail("OpenClipboard");
    goto out;
  }
  EmptyClipboard();
  LARGE_INTEGER f, t0, t1;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&t0);
  HANDLE set = SetClipboardData(CF_UNICODETEXT, g);
  QueryPerformanceCounter(&t1);
  if (!set) {
    rc = fail("SetClipboardData");
    CloseClipboard();
    goto out;
  }
  g = NULL; /* the clipboard's now */
  CloseClipboard();
  /* Wine hands the data to wineserver inside SetClipboardData: the agent's
   * render pays this too */
  printf("READY %d %.3f\n", units, (double)(t1.QuadPart - t0.QuadPart) / (double)f.QuadPart);
  fflush(stdout);
  Sleep(seconds * 1000u); /* the bench kills it when done */
  rc = 0;
out:
  if (g)
    GlobalFree(g);
  free(utf8);
  return rc;
}

static int get(void)
{
  LARGE_INTEGER f, t0, t1;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&t0);
  if (!OpenClipboard(NULL))
    return fail("OpenClipboard");
  HANDLE h = GetClipboardData(CF_UNICODETEXT);
  const WCHAR *w = h ? GlobalLock(h) : NULL;
  size_t units = w ? wcslen(w) : 0;
  if (w)
    GlobalUnlock(h);
  CloseClipboard();
  QueryPerformanceCounter(&t1);
  if (!units) {
    fprintf(stderr, "clip_bridge: no text on the clipboard\n");
    return 1;
  }
  printf("%.3f %zu\n", (double)(t1.QuadPart - t0.QuadPart) / (double)f.QuadPart, units);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 3 && strcmp(argv[1], "put") == 0)
    return put(argv[2], argc > 3 ? (DWORD)atoi(argv[3]) : 120u);
  if (argc == 2 && strcmp(argv[1], "get") == 0)
    return get();
  if (argc == 2 && strcmp(argv[1], "empty") == 0) {
    if (!OpenClipboard(NULL))
      return fail("OpenClipboard");
    EmptyClipboard();
    CloseClipboard();
    return 0;
  }
  fprintf(stderr, "usage: clip_bridge.exe put FILE [SECONDS] | get | empty\n");
  return 2;
}
