#include "xfer_notify.h"

#include <shellapi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "winerror_text.h"

#define WM_SAVED (WM_APP + 1)
#define TIMER_GATHER 1
#define TIMER_REMOVE 2
#define GATHER_MS 1000u
#define SHOW_MS 15000u
#define NAMES_MAX 4
/* How long the agent's exit waits for the notification thread. The service
 * gives the whole agent 2 s to exit before it terminates it, and the shell
 * may not answer Shell_NotifyIconW(NIM_DELETE) that fast: under Wine with a
 * display, once a balloon was shown, it had not answered after 2 s. */
#define STOP_WAIT_MS 500u

struct vda_xfer_notify {
  DWORD mode;
  HANDLE thread, ready;
  HWND hwnd;
  CRITICAL_SECTION lock;
  /* gathered under the lock until the gather timer fires */
  unsigned count;
  wchar_t names[NAMES_MAX][MAX_PATH];
  wchar_t folder[MAX_PATH];
  wchar_t last[1024];
  HANDLE token;
  bool icon;
};

static const wchar_t *base_name(const wchar_t *path)
{
  const wchar_t *s = wcsrchr(path, L'\\');
  return s ? s + 1 : path;
}

/* Explorer as the user, with the file selected. The path is one quoted
 * argument; a saved name never holds a quote (vda_xfer_name replaces it). */
static void open_folder(vda_xfer_notify *n)
{
  wchar_t cmd[1200];
  STARTUPINFOW si = {.cb = sizeof(si), .lpDesktop = L"winsta0\\default"};
  PROCESS_INFORMATION pi;
  if (swprintf(cmd, 1200, L"explorer.exe /select,\"%ls\"", n->last) < 0)
    return;
  if (!CreateProcessAsUserW(n->token, NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
    LOG_WARN("cannot open the Downloads folder for the user: %s", vda_win_strerror(GetLastError()));
    return;
  }
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  char shown[3 * 1024];
  LOG_INFO("opened the folder for the user: %s", vda_log_utf8(n->last, shown, sizeof(shown)));
}

static void show(vda_xfer_notify *n)
{
  NOTIFYICONDATAW nid = {.cbSize = sizeof(nid), .hWnd = n->hwnd, .uID = 1};
  char t[256], b[1024];
  unsigned count, shown;
  EnterCriticalSection(&n->lock);
  count = n->count;
  shown = count < NAMES_MAX ? count : NAMES_MAX;
  if (count == 1)
    swprintf(nid.szInfoTitle, 64, L"File saved to %ls", base_name(n->folder));
  else
    swprintf(nid.szInfoTitle, 64, L"%u files saved to %ls", count, base_name(n->folder));
  for (unsigned i = 0; i < shown; i++) {
    size_t len = wcslen(nid.szInfo);
    swprintf(nid.szInfo + len, 256 - len, L"%ls%ls", i ? L", " : L"", n->names[i]);
  }
  if (count > shown) {
    size_t len = wcslen(nid.szInfo);
    swprintf(nid.szInfo + len, 256 - len, L", \u2026");
  }
  n->count = 0;
  LeaveCriticalSection(&n->lock);
  if (count == 0)
    return;
  if (n->mode == VDA_XFER_NOTIFY_OPEN_FOLDER) {
    open_folder(n);
    return;
  }
  nid.uFlags = NIF_ICON | NIF_TIP | NIF_INFO;
  nid.hIcon = LoadIconW(NULL, (LPCWSTR)IDI_INFORMATION);
  nid.dwInfoFlags = NIIF_INFO;
  wcsncpy(nid.szTip, nid.szInfoTitle, 127);
  if (Shell_NotifyIconW(n->icon ? NIM_MODIFY : NIM_ADD, &nid)) {
    n->icon = true;
    SetTimer(n->hwnd, TIMER_REMOVE, SHOW_MS, NULL);
    LOG_INFO("told the user: %s: %s", vda_log_utf8(nid.szInfoTitle, t, sizeof(t)),
             vda_log_utf8(nid.szInfo, b, sizeof(b)));
  } else {
    /* No taskbar (a logon screen, a shell without a tray): the log still
     * says where the files went. */
    LOG_INFO("notification not shown (no taskbar): %s: %s",
             vda_log_utf8(nid.szInfoTitle, t, sizeof(t)), vda_log_utf8(nid.szInfo, b, sizeof(b)));
  }
}

static LRESULT CALLBACK wndproc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  vda_xfer_notify *n = (vda_xfer_notify *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);
  if (!n)
    return DefWindowProcW(hwnd, msg, wp, lp);
  switch (msg) {
  case WM_SAVED:
    SetTimer(hwnd, TIMER_GATHER, GATHER_MS, NULL);
    return 0;
  case WM_TIMER:
    KillTimer(hwnd, (UINT_PTR)wp);
    if (wp == TIMER_GATHER) {
      show(n);
    } else if (n->icon) {
      NOTIFYICONDATAW nid = {.cbSize = sizeof(nid), .hWnd = hwnd, .uID = 1};
      Shell_NotifyIconW(NIM_DELETE, &nid);
      n->icon = false;
    }
    return 0;
  case WM_CLOSE:
    if (n->icon) {
      NOTIFYICONDATAW nid = {.cbSize = sizeof(nid), .hWnd = hwnd, .uID = 1};
      Shell_NotifyIconW(NIM_DELETE, &nid);
    }
    DestroyWindow(hwnd);
    return 0;
  case WM_DESTROY:
    PostQuitMessage(0);
    return 0;
  }
  return DefWindowProcW(hwnd, msg, wp, lp);
}

static DWORD WINAPI notify_thread(void *arg)
{
  vda_xfer_notify *n = arg;
  WNDCLASSW wc = {.lpfnWndProc = wndproc,
                  .lpszClassName = L"vda_xfer_notify",
                  .hInstance = GetModuleHandleW(NULL)};
  MSG msg;
  RegisterClassW(&wc);
  n->hwnd = CreateWindowExW(0, wc.lpszClassName, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                            wc.hInstance, NULL);
  if (n->hwnd)
    SetWindowLongPtrW(n->hwnd, GWLP_USERDATA, (LONG_PTR)n);
  else
    LOG_WARN("no window for notifications: %s", vda_win_strerror(GetLastError()));
  SetEvent(n->ready);
  while (n->hwnd && GetMessageW(&msg, NULL, 0, 0) > 0) {
    TranslateMessage(&msg);
    DispatchMessageW(&msg);
  }
  return 0;
}

vda_xfer_notify *vda_xfer_notify_start(DWORD mode)
{
  vda_xfer_notify *n;
  if (mode == VDA_XFER_NOTIFY_NONE)
    return NULL;
  n = calloc(1, sizeof(*n));
  if (!n)
    return NULL;
  n->mode = mode;
  InitializeCriticalSection(&n->lock);
  n->ready = CreateEventW(NULL, TRUE, FALSE, NULL);
  n->thread = n->ready ? CreateThread(NULL, 0, notify_thread, n, 0, NULL) : NULL;
  if (!n->thread) {
    LOG_WARN("notifications unavailable: %s", vda_win_strerror(GetLastError()));
    if (n->ready)
      CloseHandle(n->ready);
    DeleteCriticalSection(&n->lock);
    free(n);
    return NULL;
  }
  WaitForSingleObject(n->ready, 5000);
  return n;
}

void vda_xfer_notify_stop(vda_xfer_notify *n)
{
  if (!n)
    return;
  if (n->hwnd)
    PostMessageW(n->hwnd, WM_CLOSE, 0, 0);
  if (WaitForSingleObject(n->thread, STOP_WAIT_MS) != WAIT_OBJECT_0) {
    /* The thread is still inside the shell and still uses n: leave both to
     * the process exit, which follows (the agent stops only to exit). */
    LOG_WARN("notifications: the shell did not remove the tray icon within %u ms; "
             "exiting without waiting for it",
             STOP_WAIT_MS);
    return;
  }
  CloseHandle(n->thread);
  CloseHandle(n->ready);
  if (n->token)
    CloseHandle(n->token);
  DeleteCriticalSection(&n->lock);
  free(n);
}

void vda_xfer_notify_saved(vda_xfer_notify *n, const wchar_t *path, HANDLE token)
{
  const wchar_t *name;
  if (!n || !n->hwnd)
    return;
  name = base_name(path);
  EnterCriticalSection(&n->lock);
  if (n->count < NAMES_MAX)
    wcsncpy(n->names[n->count], name, MAX_PATH - 1);
  n->count++;
  wcsncpy(n->last, path, 1023);
  wcsncpy(n->folder, path, MAX_PATH - 1);
  n->folder[name - path > 0 && name - path - 1 < MAX_PATH ? name - path - 1 : 0] = 0;
  if (!n->token && token)
    DuplicateHandle(GetCurrentProcess(), token, GetCurrentProcess(), &n->token, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
  LeaveCriticalSection(&n->lock);
  PostMessageW(n->hwnd, WM_SAVED, 0, 0);
}
