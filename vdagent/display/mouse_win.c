/* mouse_win.c - see mouse_win.h. */
#include "mouse_win.h"

#include <string.h>

vda_rect vda_mouse_win_desktop(void)
{
  vda_rect r;
  int w = GetSystemMetrics(SM_CXVIRTUALSCREEN);
  int h = GetSystemMetrics(SM_CYVIRTUALSCREEN);
  r.x = GetSystemMetrics(SM_XVIRTUALSCREEN);
  r.y = GetSystemMetrics(SM_YVIRTUALSCREEN);
  r.w = w > 0 ? (uint32_t)w : 0;
  r.h = h > 0 ? (uint32_t)h : 0;
  return r;
}

static DWORD button_flags(const vda_mouse_event *e, DWORD *data)
{
  bool down = e->action == VDA_MOUSE_DOWN;
  switch (e->button) {
  case VDA_BUTTON_LEFT:
    return down ? MOUSEEVENTF_LEFTDOWN : MOUSEEVENTF_LEFTUP;
  case VDA_BUTTON_MIDDLE:
    return down ? MOUSEEVENTF_MIDDLEDOWN : MOUSEEVENTF_MIDDLEUP;
  case VDA_BUTTON_RIGHT:
    return down ? MOUSEEVENTF_RIGHTDOWN : MOUSEEVENTF_RIGHTUP;
  case VDA_BUTTON_SIDE:
    *data = XBUTTON1;
    return down ? MOUSEEVENTF_XDOWN : MOUSEEVENTF_XUP;
  case VDA_BUTTON_EXTRA:
    *data = XBUTTON2;
    return down ? MOUSEEVENTF_XDOWN : MOUSEEVENTF_XUP;
  default:
    return 0;
  }
}

void vda_mouse_win_to_inputs(const vda_mouse_event *ev, size_t n, INPUT *out)
{
  for (size_t i = 0; i < n; i++) {
    const vda_mouse_event *e = &ev[i];
    MOUSEINPUT *mi = &out[i].mi;
    DWORD data = 0, flags = 0;
    memset(&out[i], 0, sizeof(out[i]));
    out[i].type = INPUT_MOUSE;
    if (e->action == VDA_MOUSE_DOWN || e->action == VDA_MOUSE_UP)
      flags = button_flags(e, &data);
    else if (e->action == VDA_MOUSE_WHEEL) {
      flags = MOUSEEVENTF_WHEEL;
      data = (DWORD)(e->wheel * WHEEL_DELTA);
    }
    if (e->absolute) {
      flags |= MOUSEEVENTF_MOVE | MOUSEEVENTF_ABSOLUTE | MOUSEEVENTF_VIRTUALDESK;
      mi->dx = e->nx;
      mi->dy = e->ny;
    }
    mi->dwFlags = flags;
    mi->mouseData = data;
  }
}

bool vda_mouse_win_inject(const vda_mouse_event *ev, size_t n, const char **why)
{
  INPUT in[VDA_MOUSE_QUEUE_MAX];
  UINT sent;
  if (n == 0)
    return true;
  if (n > VDA_MOUSE_QUEUE_MAX) {
    *why = "too many mouse events in one batch";
    return false;
  }
  vda_mouse_win_to_inputs(ev, n, in);
  sent = SendInput((UINT)n, in, (int)sizeof(INPUT));
  if (sent != n)
    *why = "SendInput injected fewer events (desktop switched or UIPI)";
  return sent == n;
}
