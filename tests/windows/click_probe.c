/* A Windows test window that records the mouse input it receives, so the
 * end-to-end tests can check clicks injected by vdagent (under Wine,
 * SendInput clicks reach Windows windows, not bare X).
 * Usage: click_probe.exe OUTFILE SECONDS
 * Covers the virtual screen with a topmost window, writes "ready" when
 * shown, then one line per event: "down L 400 300", "up R 400 300",
 * "down X1 ...", "wheel +1 400 300". */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#include <windowsx.h>
#include <shellapi.h>

static FILE *g_out;

static void record(const char *what, const char *button, LPARAM lp)
{
  POINT p = {GET_X_LPARAM(lp), GET_Y_LPARAM(lp)};
  fprintf(g_out, "%s %s %ld %ld\n", what, button, (long)p.x, (long)p.y);
  fflush(g_out);
}

static LRESULT CALLBACK wndproc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
  switch (msg) {
  case WM_LBUTTONDOWN:
    record("down", "L", lp);
    return 0;
  case WM_LBUTTONUP:
    record("up", "L", lp);
    return 0;
  case WM_MBUTTONDOWN:
    record("down", "M", lp);
    return 0;
  case WM_MBUTTONUP:
    record("up", "M", lp);
    return 0;
  case WM_RBUTTONDOWN:
    record("down", "R", lp);
    return 0;
  case WM_RBUTTONUP:
    record("up", "R", lp);
    return 0;
  case WM_XBUTTONDOWN:
    record("down", GET_XBUTTON_WPARAM(wp) == XBUTTON1 ? "X1" : "X2", lp);
    return TRUE;
  case WM_XBUTTONUP:
    record("up", GET_XBUTTON_WPARAM(wp) == XBUTTON1 ? "X1" : "X2", lp);
    return TRUE;
  case WM_MOUSEWHEEL: {
    /* Wheel positions are in screen coordinates already. */
    short delta = GET_WHEEL_DELTA_WPARAM(wp);
    fprintf(g_out, "wheel %+d %d %d\n", delta / WHEEL_DELTA, GET_X_LPARAM(lp), GET_Y_LPARAM(lp));
    fflush(g_out);
    return 0;
  }
  case WM_DESTROY:
    PostQuitMessage(0);
    return 0;
  }
  return DefWindowProcW(h, msg, wp, lp);
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, LPWSTR cmd, int show)
{
  WNDCLASSW wc = {.lpfnWndProc = wndproc,
                  .hInstance = inst,
                  .lpszClassName = L"vda_click_probe",
                  .hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW)};
  int argc = 0;
  wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
  HWND w;
  MSG m;
  (void)prev, (void)cmd, (void)show;
  if (argc != 3 || !(g_out = _wfopen(argv[1], L"w")))
    return 2;
  SetTimer(NULL, 0, (UINT)_wtoi(argv[2]) * 1000, NULL);
  RegisterClassW(&wc);
  w = CreateWindowExW(WS_EX_TOPMOST, wc.lpszClassName, L"click probe", WS_POPUP | WS_VISIBLE,
                      GetSystemMetrics(SM_XVIRTUALSCREEN), GetSystemMetrics(SM_YVIRTUALSCREEN),
                      GetSystemMetrics(SM_CXVIRTUALSCREEN), GetSystemMetrics(SM_CYVIRTUALSCREEN),
                      NULL, NULL, inst, NULL);
  if (!w)
    return 3;
  UpdateWindow(w);
  fprintf(g_out, "ready\n");
  fflush(g_out);
  while (GetMessageW(&m, NULL, 0, 0) > 0) {
    if (m.message == WM_TIMER && m.hwnd == NULL)
      break;
    TranslateMessage(&m);
    DispatchMessageW(&m);
  }
  fclose(g_out);
  return 0;
}
