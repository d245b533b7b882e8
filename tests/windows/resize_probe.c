/* resize_probe.exe - which call of the agent's resize path costs handles
 * (issue 13, the soak): runs one step N times in this process and prints
 * the process's own handle count (handle_count.h: the system table, since
 * GetProcessHandleCount returns 0 under Wine) before and after.
 *
 *   wine resize_probe.exe STEP N WxH WxH
 *
 * STEP: cds (a bare ChangeDisplaySettingsExW to each size in turn: what Wine
 * itself costs), apply (the agent's whole apply through vda_display_apply),
 * enum (enumeration only), layout (the mouse layout read), user (the
 * FollowClientWindow switch read), desktop (the input desktop follow).
 * Output: one "i count ms" line per round (ms: the round's wall time, to tell
 * Wine's own mode-change cost from the agent's calls around it), then up to
 * 8 "new TYPE NAME" lines for handles the rounds left behind other than
 * Wine's display-device registry keys (object type index and name),
 * "wine-keys K" (those keys), and last
 * "STEP N before after other" (other: the new handles that are not Wine's
 * keys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

#include "display_user.h"
#include "handle_count.h"
#include "display_win.h"
#include "input_desktop.h"
#include "vda_display_manual.h"

static DWORD handles(void)
{
  return (DWORD)vda_handle_count(GetCurrentProcessId());
}

static bool parse_size(const wchar_t *s, DWORD *w, DWORD *h)
{
  return swscanf(s, L"%lux%lu", w, h) == 2 && *w > 0 && *h > 0;
}

static bool bare_cds(DWORD w, DWORD h)
{
  DEVMODEW dm;
  memset(&dm, 0, sizeof(dm));
  dm.dmSize = sizeof(dm);
  dm.dmFields = DM_PELSWIDTH | DM_PELSHEIGHT;
  dm.dmPelsWidth = w;
  dm.dmPelsHeight = h;
  return ChangeDisplaySettingsExW(NULL, &dm, NULL, 0, NULL) == DISP_CHANGE_SUCCESSFUL;
}

static bool one_step(const wchar_t *step, vda_display_win *w, const wchar_t *size, DWORD sw,
                     DWORD sh)
{
  static vda_display_set s;
  static vda_display_request req;
  static vda_display_result res;
  const char *why = NULL;
  char text[32];
  if (wcscmp(step, L"cds") == 0)
    return bare_cds(sw, sh);
  if (wcscmp(step, L"enum") == 0)
    return vda_display_win_ops.enumerate(w, &s, &why);
  if (wcscmp(step, L"layout") == 0) {
    vda_mouse_layout l;
    return vda_display_win_mouse_layout(w, NULL, &l, &why);
  }
  if (wcscmp(step, L"user") == 0) {
    (void)vda_display_user_follows();
    return true;
  }
  if (wcscmp(step, L"desktop") == 0)
    return vda_input_desktop_follow();
  if (wcscmp(step, L"apply") == 0) {
    snprintf(text, sizeof(text), "%ls", size);
    if (!vda_display_request_from_text(text, &req, &why))
      return false;
    vda_display_apply(&vda_display_win_ops, w, &req, NULL, &res);
    return res.success;
  }
  return false;
}

#define MAX_NEW_SHOWN 8

static bool had(const handle_table *t, DWORD pid, ULONG_PTR h)
{
  for (ULONG_PTR k = 0; k < t->count; k++)
    if (t->entries[k].pid == pid && t->entries[k].handle == h)
      return true;
  return false;
}

/* The own handles in `now` that `then` did not hold. Wine's display-device
 * refresh leaves registry keys under Control\DeviceClasses open in the
 * calling process (3 per refresh): those are counted apart ("wine-keys N");
 * every other new handle is named (up to MAX_NEW_SHOWN) and counted, the
 * count returned. */
static unsigned long show_new(const handle_table *then, const handle_table *now)
{
  DWORD pid = GetCurrentProcessId();
  wchar_t name[1024];
  unsigned long other = 0, wine_keys = 0;
  for (ULONG_PTR k = 0; k < now->count; k++) {
    const handle_entry *e = &now->entries[k];
    bool named;
    if (e->pid != pid || had(then, pid, e->handle))
      continue;
    named = vda_handle_name((HANDLE)e->handle, name, sizeof(name) / sizeof(name[0]));
    if (named && wcsstr(name, L"\\Control\\DeviceClasses\\")) {
      wine_keys++;
      continue;
    }
    if (other++ >= MAX_NEW_SHOWN)
      continue;
    if (named)
      printf("new %u %ls\n", (unsigned)e->type, name);
    else
      printf("new %u (no name)\n", (unsigned)e->type);
  }
  printf("wine-keys %lu\n", wine_keys);
  return other;
}

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
  vda_display_win w;
  DWORD sw[2], sh[2], before, after;
  LARGE_INTEGER freq;
  unsigned long other;
  long n;
  if (argc != 5 || (n = wcstol(argv[2], NULL, 10)) <= 0 || n > 10000 ||
      !parse_size(argv[3], &sw[0], &sh[0]) || !parse_size(argv[4], &sw[1], &sh[1])) {
    fputs("usage: resize_probe cds|apply|enum|layout|user|desktop N WxH WxH\n", stderr);
    return 2;
  }
  vda_display_win_init(&w);
  /* One round first: what is loaded or cached once is not a leak. */
  if (!one_step(argv[1], &w, argv[4], sw[1], sh[1])) {
    fprintf(stderr, "resize_probe: %ls failed in the warm-up round\n", argv[1]);
    return 1;
  }
  handle_table *then = vda_handle_table_read(), *now;
  before = then ? vda_handle_table_count(then, GetCurrentProcessId()) : 0;
  QueryPerformanceFrequency(&freq);
  for (long i = 0; i < n; i++) {
    LARGE_INTEGER t0, t1;
    QueryPerformanceCounter(&t0);
    if (!one_step(argv[1], &w, argv[3 + (i % 2)], sw[i % 2], sh[i % 2])) {
      fprintf(stderr, "resize_probe: %ls failed in round %ld\n", argv[1], i);
      return 1;
    }
    QueryPerformanceCounter(&t1);
    printf("%ld %lu %.1f\n", i, handles(),
           (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)freq.QuadPart);
  }
  after = handles();
  now = vda_handle_table_read();
  if (!then || !now) {
    free(then);
    free(now);
    return 1;
  }
  other = show_new(then, now);
  free(then);
  free(now);
  printf("%ls %ld %lu %lu %lu\n", argv[1], n, before, after, other);
  return 0;
}
