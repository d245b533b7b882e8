/* clip_bridge.exe - what Wine's own clipboard costs without the agent: its
 * bridge to X, and its clipboard alone between two Windows programs (issue:
 * clipboard; run by bench/clipboard_bench.sh).
 *
 *   clip_bridge.exe put FILE [SECONDS]   UTF-8 FILE as CF_UNICODETEXT on the
 *                                        clipboard (rendered at once; a .bmp
 *                                        as CF_DIB, a .png as "PNG"), then
 *                                        stays the owner for SECONDS (120)
 *   clip_bridge.exe offer FILE [SECONDS] FILE offered as `put` sets it, with
 *                                        delayed rendering: rendered from
 *                                        memory on WM_RENDERFORMAT, owner for
 *                                        at most SECONDS (120)
 *   clip_bridge.exe get [dib]            times GetClipboardData(CF_UNICODETEXT,
 *                                        or CF_DIB) of what another program
 *                                        holds
 *   clip_bridge.exe empty                empties the clipboard (so that `get`
 *                                        cannot find what `put` left)
 *
 * The agent's client -> guest text case ends when an X program's paste
 * completes, and its guest -> client case starts from an X program's copy:
 * both cross Wine's clipboard (wineserver) and explorer.exe's X selection
 * bridge, which the null-agent floor does not. `put` followed by a timed
 * `xclip -o`, and `get` after `xclip -i`, measure that part alone.
 * With a Windows program at the guest's end the agent still pays Wine's
 * clipboard: `offer` is the least any delayed-render owner does (the agent
 * renders the client's text the same way), so paste_probe.exe's timed
 * GetClipboardData of it, and `get` of what `put` set, are Wine's clipboard
 * alone, Windows programs at both ends.
 * Output: "READY units seconds" (put, once the data is set; the seconds
 * SetClipboardData took), "READY units" (offer, once the text is offered)
 * then "RENDER seconds" per WM_RENDERFORMAT (the seconds its handler took:
 * GlobalAlloc, the copy, SetClipboardData), or "seconds units" (get). */
#include <stdbool.h>
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

/* What `put` sets for FILE: a .bmp as CF_DIB (the file without its
 * BITMAPFILEHEADER), a .png as the registered "PNG" (browsers' format), else
 * UTF-8 text as CF_UNICODETEXT. *units: UTF-16 units, or bytes for images. */
static HGLOBAL put_data(const char *path, const char *file, DWORD len, UINT *format, int *units)
{
  size_t n = strlen(path), skip = 0, size;
  bool bmp = n > 4 && _stricmp(path + n - 4, ".bmp") == 0;
  bool png = n > 4 && _stricmp(path + n - 4, ".png") == 0;
  HGLOBAL g;
  void *p;
  if (bmp || png) {
    skip = bmp ? 14 : 0;
    if (len <= skip)
      return NULL;
    *format = bmp ? CF_DIB : RegisterClipboardFormatW(L"PNG");
    *units = (int)(len - skip);
    size = len - skip;
  } else {
    *format = CF_UNICODETEXT;
    *units = MultiByteToWideChar(CP_UTF8, 0, file, (int)len, NULL, 0);
    if (*units <= 0)
      return NULL;
    size = ((size_t)*units + 1) * sizeof(WCHAR);
  }
  g = GlobalAlloc(GMEM_MOVEABLE, size);
  p = g ? GlobalLock(g) : NULL;
  if (!p) {
    if (g)
      GlobalFree(g);
    return NULL;
  }
  if (*format == CF_UNICODETEXT) {
    MultiByteToWideChar(CP_UTF8, 0, file, (int)len, p, *units);
    ((WCHAR *)p)[*units] = 0;
  } else {
    memcpy(p, file + skip, size);
  }
  GlobalUnlock(g);
  return g;
}

static int put(const char *path, DWORD seconds)
{
  DWORD len = 0;
  char *file = read_file(path, &len);
  HGLOBAL g = NULL;
  UINT format = 0;
  int units = 0, rc = 1;
  if (!file) {
    fprintf(stderr, "clip_bridge: cannot read %s\n", path);
    return 1;
  }
  g = put_data(path, file, len, &format, &units);
  if (!g) {
    rc = fail("GlobalAlloc");
    goto out;
  }
  if (!OpenClipboard(NULL)) {
    rc = fail("OpenClipboard");
    goto out;
  }
  EmptyClipboard();
  LARGE_INTEGER f, t0, t1;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&t0);
  HANDLE set = SetClipboardData(format, g);
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
  free(file);
  return rc;
}

/* offer: the block to render (put_data's, kept), and what WM_RENDERFORMAT
 * does with it */
static HGLOBAL offered;
static UINT offered_format;

static void render_offered(void)
{
  LARGE_INTEGER f, t0, t1;
  size_t bytes = GlobalSize(offered);
  const void *src = GlobalLock(offered);
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&t0);
  /* no OpenClipboard: the program that asked has it open */
  HGLOBAL g = src ? GlobalAlloc(GMEM_MOVEABLE, bytes) : NULL;
  void *w = g ? GlobalLock(g) : NULL;
  if (w) {
    memcpy(w, src, bytes);
    GlobalUnlock(g);
  }
  if (src)
    GlobalUnlock(offered);
  if (!w || !SetClipboardData(offered_format, g)) {
    fail(w ? "SetClipboardData" : "GlobalAlloc");
    if (g)
      GlobalFree(g);
    return;
  }
  QueryPerformanceCounter(&t1);
  printf("RENDER %.3f\n", (double)(t1.QuadPart - t0.QuadPart) / (double)f.QuadPart);
  fflush(stdout);
}

static LRESULT CALLBACK offer_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  switch (msg) {
  case WM_RENDERFORMAT:
    if (wp == offered_format)
      render_offered();
    return 0;
  case WM_RENDERALLFORMATS:
    /* going away while the owner: nobody is waiting for the text, so the
     * clipboard is left as it is (the bench empties it) */
    return 0;
  case WM_TIMER:
    PostQuitMessage(0); /* SECONDS are up */
    return 0;
  }
  return DefWindowProcW(hwnd, msg, wp, lp);
}

static int offer(const char *path, DWORD seconds)
{
  DWORD len = 0;
  char *file = read_file(path, &len);
  HWND hwnd = NULL;
  WNDCLASSW wc = {.lpfnWndProc = offer_proc,
                  .hInstance = GetModuleHandleW(NULL),
                  .lpszClassName = L"clip_bridge_offer"};
  MSG m;
  int units = 0, rc = 1;
  if (!file) {
    fprintf(stderr, "clip_bridge: cannot read %s\n", path);
    return 1;
  }
  /* converted once, up front: WM_RENDERFORMAT only copies it */
  offered = put_data(path, file, len, &offered_format, &units);
  if (!offered) {
    fprintf(stderr, "clip_bridge: cannot convert %s for the clipboard\n", path);
    goto out;
  }
  if (!RegisterClassW(&wc)) {
    rc = fail("RegisterClass");
    goto out;
  }
  hwnd = CreateWindowExW(0, wc.lpszClassName, L"clip_bridge offer", 0, 0, 0, 0, 0, HWND_MESSAGE,
                         NULL, wc.hInstance, NULL);
  if (!hwnd) {
    rc = fail("CreateWindowEx");
    goto out;
  }
  if (!OpenClipboard(hwnd)) {
    rc = fail("OpenClipboard");
    goto out;
  }
  EmptyClipboard();
  /* delayed rendering: NULL back is success unless an error is set */
  SetLastError(ERROR_SUCCESS);
  if (!SetClipboardData(offered_format, NULL) && GetLastError() != ERROR_SUCCESS) {
    rc = fail("SetClipboardData");
    CloseClipboard();
    goto out;
  }
  CloseClipboard();
  if (!SetTimer(hwnd, 1, seconds * 1000u, NULL)) {
    rc = fail("SetTimer");
    goto out;
  }
  printf("READY %d\n", units);
  fflush(stdout);
  while (GetMessageW(&m, NULL, 0, 0) > 0) { /* the bench kills it when done */
    TranslateMessage(&m);
    DispatchMessageW(&m);
  }
  rc = 0;
out:
  if (hwnd)
    DestroyWindow(hwnd);
  if (offered)
    GlobalFree(offered);
  free(file);
  return rc;
}

/* units: of the text, or the DIB's bytes */
static int get(bool dib)
{
  LARGE_INTEGER f, t0, t1;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&t0);
  if (!OpenClipboard(NULL))
    return fail("OpenClipboard");
  HANDLE h = GetClipboardData(dib ? CF_DIB : CF_UNICODETEXT);
  const WCHAR *w = h ? GlobalLock(h) : NULL;
  size_t units = !w ? 0 : dib ? GlobalSize(h) : wcslen(w);
  if (w)
    GlobalUnlock(h);
  CloseClipboard();
  QueryPerformanceCounter(&t1);
  if (!units) {
    fprintf(stderr, "clip_bridge: no %s on the clipboard\n", dib ? "DIB" : "text");
    return 1;
  }
  printf("%.3f %zu\n", (double)(t1.QuadPart - t0.QuadPart) / (double)f.QuadPart, units);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 3 && strcmp(argv[1], "put") == 0)
    return put(argv[2], argc > 3 ? (DWORD)atoi(argv[3]) : 120u);
  if (argc >= 3 && strcmp(argv[1], "offer") == 0)
    return offer(argv[2], argc > 3 ? (DWORD)atoi(argv[3]) : 120u);
  if ((argc == 2 || argc == 3) && strcmp(argv[1], "get") == 0)
    return get(argc == 3 && strcmp(argv[2], "dib") == 0);
  if (argc == 2 && strcmp(argv[1], "empty") == 0) {
    if (!OpenClipboard(NULL))
      return fail("OpenClipboard");
    EmptyClipboard();
    CloseClipboard();
    return 0;
  }
  fprintf(stderr,
          "usage: clip_bridge.exe put FILE [SECONDS] | offer FILE [SECONDS] | get [dib] | empty\n");
  return 2;
}
