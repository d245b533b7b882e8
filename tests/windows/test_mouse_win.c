/* MOUSE_STATE events to INPUT: flags, mouseData for X buttons and the
 * wheel, and a real SendInput that lands on the expected pixel. */
#include <string.h>
#include <windows.h>

#include "mouse_win.h"
#include "vda_test.h"

static const char *why;

static void test_to_inputs(void)
{
  vda_mouse_event ev[5] = {
      {VDA_MOUSE_MOVE, VDA_BUTTON_NONE, 0, true, 100, 200},
      {VDA_MOUSE_DOWN, VDA_BUTTON_LEFT, 0, true, 100, 200},
      {VDA_MOUSE_UP, VDA_BUTTON_SIDE, 0, false, 0, 0},
      {VDA_MOUSE_DOWN, VDA_BUTTON_EXTRA, 0, false, 0, 0},
      {VDA_MOUSE_WHEEL, VDA_BUTTON_NONE, -1, false, 0, 0},
  };
  INPUT in[5];
  const DWORD abs = MOUSEEVENTF_MOVE | MOUSEEVENTF_ABSOLUTE | MOUSEEVENTF_VIRTUALDESK;
  vda_mouse_win_to_inputs(ev, 5, in);
  CHECK_EQ(in[0].type, INPUT_MOUSE);
  CHECK_EQ(in[0].mi.dwFlags, abs);
  CHECK_EQ(in[0].mi.dx, 100);
  CHECK_EQ(in[0].mi.dy, 200);
  CHECK_EQ(in[1].mi.dwFlags, abs | MOUSEEVENTF_LEFTDOWN);
  CHECK_EQ(in[2].mi.dwFlags, MOUSEEVENTF_XUP);
  CHECK_EQ(in[2].mi.mouseData, XBUTTON1);
  CHECK_EQ(in[3].mi.dwFlags, MOUSEEVENTF_XDOWN);
  CHECK_EQ(in[3].mi.mouseData, XBUTTON2);
  CHECK_EQ(in[4].mi.dwFlags, MOUSEEVENTF_WHEEL);
  CHECK((int)in[4].mi.mouseData == -WHEEL_DELTA);
}

static void test_move_lands_on_pixel(void)
{
  vda_mouse_layout l;
  vda_mouse_mapper m;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  vda_mouse_state s = {0, 0, 0, 0};
  POINT p = {-1, -1};
  size_t n;
  memset(&l, 0, sizeof(l));
  l.desktop = vda_mouse_win_desktop();
  l.display[0] = l.desktop;
  CHECK(l.desktop.w > 0 && l.desktop.h > 0);
  fprintf(stderr, "virtual desktop %d,%d %ux%u\n", l.desktop.x, l.desktop.y, l.desktop.w,
          l.desktop.h);
  vda_mouse_mapper_init(&m);
  s.x = l.desktop.w * 3 / 10 + 1;
  s.y = l.desktop.h / 4 + 1;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 1);
  CHECK_ACCEPTED(vda_mouse_win_inject(ev, n, &why), why);
  CHECK(GetCursorPos(&p));
  CHECK_EQ(p.x, l.desktop.x + (LONG)s.x);
  CHECK_EQ(p.y, l.desktop.y + (LONG)s.y);
  CHECK_ACCEPTED(vda_mouse_win_inject(ev, 0, &why), why);
  /* Edges and odd pixels: where a naive p * 65535 / w scaling is off by one
   * (on a desktop of an odd size, e.g. under Xorg dummy at 1287x803). */
  for (uint32_t i = 0; i < 6; i++) {
    const uint32_t xs[6] = {
        0, 1, l.desktop.w / 3, l.desktop.w / 2 + 1, l.desktop.w - 2, l.desktop.w - 1};
    s.x = xs[i];
    s.y = l.desktop.h - 1 - i;
    n = vda_mouse_map_state(&m, &l, &s, ev, &why);
    CHECK_ACCEPTED(vda_mouse_win_inject(ev, n, &why), why);
    CHECK(GetCursorPos(&p));
    CHECK_EQ(p.x, l.desktop.x + (LONG)s.x);
    CHECK_EQ(p.y, l.desktop.y + (LONG)s.y);
  }
}

int main(void)
{
  RUN_TEST(test_to_inputs);
  RUN_TEST(test_move_lands_on_pixel);
  return vda_test_report("test_mouse_win");
}
