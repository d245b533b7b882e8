/* test_mouse_map.c - MOUSE_STATE to absolute events: pixel-exact
 * normalisation over the virtual desktop, per-display offsets, button edges,
 * wheel clicks, and buttons kept when the display is unknown. */
#include <string.h>

#include "vda_mouse_map.h"
#include "vda_test.h"

static const char *why;

/* Back-conversions used by Windows/Wine (floor) and rounding variants. */
static uint64_t back_floor(uint16_t n, uint32_t w)
{
  return ((uint64_t)n * w) >> 16;
}
static uint64_t back_round(uint16_t n, uint32_t w, uint32_t d)
{
  return ((uint64_t)n * w + d / 2) / d;
}

static void test_normalise_pixel_exact(void)
{
  static const uint32_t widths[] = {1, 2, 3, 640, 1024, 1287, 1920, 2048, 3840, 5120, 16384, 16383};
  unsigned bad_floor = 0, bad_round = 0, bad_round5 = 0;
  for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
    uint32_t w = widths[i];
    for (uint32_t p = 0; p < w; p++) {
      uint16_t n = vda_mouse_normalise(p, 0, w);
      bad_floor += back_floor(n, w) != p;
      bad_round += back_round(n, w, 65536) != p;
      bad_round5 += back_round(n, w, 65535) != p;
    }
  }
  CHECK_EQ(bad_floor, 0);
  CHECK_EQ(bad_round, 0);
  CHECK_EQ(bad_round5, 0);
  /* The rig's check: 300,200 on 2048x1536. */
  CHECK_EQ(vda_mouse_normalise(300, 0, 2048), 9600);
  CHECK_EQ(vda_mouse_normalise(200, 0, 1536), 8534);
  CHECK_EQ(back_floor(8534, 1536), 200);
}

static void test_normalise_clamps(void)
{
  CHECK_EQ(vda_mouse_normalise(-5, 0, 1024), 0);
  CHECK_EQ(vda_mouse_normalise(-1280, -1280, 3200), 0);
  CHECK_EQ(vda_mouse_normalise(5000, 0, 1024), vda_mouse_normalise(1023, 0, 1024));
  CHECK_EQ(vda_mouse_normalise(INT64_MAX / 2, INT32_MIN, UINT32_MAX), 65535);
  CHECK_EQ(vda_mouse_normalise(7, 0, 0), 0);
  CHECK_EQ(vda_mouse_normalise(0, 0, 1), 0);
}

static vda_mouse_layout two_displays(void)
{
  /* Display 1 left of the primary, lower: virtual desktop starts at
     * -1280. */
  vda_mouse_layout l;
  memset(&l, 0, sizeof(l));
  l.display[0] = (vda_rect){0, 0, 1920, 1080};
  l.display[1] = (vda_rect){-1280, 100, 1280, 1024};
  l.desktop = vda_layout_bounds(l.display, 2);
  return l;
}

static void test_per_display_offsets(void)
{
  vda_mouse_layout l = two_displays();
  vda_mouse_mapper m;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  vda_mouse_state s = {10, 20, 0, 1};
  size_t n;
  vda_mouse_mapper_init(&m);
  CHECK_EQ(l.desktop.w, 3200);
  CHECK_EQ(l.desktop.h, 1124);
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 1);
  CHECK(why == NULL);
  CHECK_EQ(ev[0].action, VDA_MOUSE_MOVE);
  CHECK(ev[0].absolute);
  /* Display 1 pixel (10,20) is desktop (-1270,120): offset 10,120 from the
     * virtual origin (-1280,0). */
  CHECK_EQ(back_floor(ev[0].nx, 3200), 10);
  CHECK_EQ(back_floor(ev[0].ny, 1124), 120);
  s.display_id = 0;
  s.x = 1919;
  s.y = 5000; /* beyond the display: clamped to its last row */
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 1);
  CHECK_EQ(back_floor(ev[0].nx, 3200), 1280 + 1919);
  CHECK_EQ(back_floor(ev[0].ny, 1124), 1079);
  /* Same position again: no event. */
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 0);
}

static void test_button_edges(void)
{
  vda_mouse_layout l = two_displays();
  vda_mouse_mapper m;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  vda_mouse_state s = {100, 100, VD_AGENT_LBUTTON_MASK, 0};
  size_t n;
  vda_mouse_mapper_init(&m);
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 2);
  CHECK_EQ(ev[0].action, VDA_MOUSE_MOVE);
  CHECK_EQ(ev[1].action, VDA_MOUSE_DOWN);
  CHECK_EQ(ev[1].button, VDA_BUTTON_LEFT);
  CHECK(ev[1].absolute && ev[1].nx == ev[0].nx);
  /* Held: no new edge. */
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 0);
  /* Swap left for right in one state: release first. */
  s.buttons = VD_AGENT_RBUTTON_MASK;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 2);
  CHECK(ev[0].action == VDA_MOUSE_UP && ev[0].button == VDA_BUTTON_LEFT);
  CHECK(ev[1].action == VDA_MOUSE_DOWN && ev[1].button == VDA_BUTTON_RIGHT);
  /* Middle, side and extra together, right released. */
  s.buttons = VD_AGENT_MBUTTON_MASK | VD_AGENT_SBUTTON_MASK | VD_AGENT_EBUTTON_MASK;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 4);
  CHECK(ev[0].action == VDA_MOUSE_UP && ev[0].button == VDA_BUTTON_RIGHT);
  CHECK(ev[1].action == VDA_MOUSE_DOWN && ev[1].button == VDA_BUTTON_MIDDLE);
  CHECK(ev[2].action == VDA_MOUSE_DOWN && ev[2].button == VDA_BUTTON_SIDE);
  CHECK(ev[3].action == VDA_MOUSE_DOWN && ev[3].button == VDA_BUTTON_EXTRA);
  s.buttons = 0;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 3);
}

static void test_wheel_clicks(void)
{
  vda_mouse_layout l = two_displays();
  vda_mouse_mapper m;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  vda_mouse_state s = {5, 5, 0, 0};
  size_t n;
  vda_mouse_mapper_init(&m);
  (void)vda_mouse_map_state(&m, &l, &s, ev, &why);
  s.buttons = VD_AGENT_UBUTTON_MASK;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 1);
  CHECK(ev[0].action == VDA_MOUSE_WHEEL && ev[0].wheel == 1);
  /* A second state with the bit (press, release, press coalesced by the
     * server) is a second click. */
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 1);
  s.buttons = 0;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 0); /* the release of a wheel "button" is nothing */
  s.buttons = VD_AGENT_DBUTTON_MASK | VD_AGENT_LBUTTON_MASK;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, 2);
  CHECK(ev[0].action == VDA_MOUSE_DOWN);
  CHECK(ev[1].action == VDA_MOUSE_WHEEL && ev[1].wheel == -1);
  /* Maximum: move, 5 edges, 2 wheel clicks. */
  vda_mouse_mapper_init(&m);
  s.buttons = 0xfe;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK_EQ(n, VDA_MOUSE_EVENTS_MAX);
}

static void test_unknown_display_keeps_buttons(void)
{
  vda_mouse_layout l = two_displays();
  vda_mouse_mapper m;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  vda_mouse_state s = {5, 5, VD_AGENT_LBUTTON_MASK, 7};
  size_t n;
  vda_mouse_mapper_init(&m);
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK(why != NULL);
  CHECK_EQ(n, 1);
  CHECK(ev[0].action == VDA_MOUSE_DOWN && !ev[0].absolute);
  s.display_id = 200;
  s.buttons = 0;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK(why != NULL);
  CHECK_EQ(n, 1);
  CHECK(ev[0].action == VDA_MOUSE_UP);
  memset(&l.desktop, 0, sizeof(l.desktop));
  s.display_id = 0;
  n = vda_mouse_map_state(&m, &l, &s, ev, &why);
  CHECK(why != NULL);
  CHECK_EQ(n, 0);
}

/* No display known (IDD or passthrough GPU alone, enumeration failed): the
 * primary monitor takes display 0, so the mouse still works there. */
static void test_unknown_layout_falls_back_to_primary(void)
{
  vda_mouse_layout l;
  vda_mouse_mapper m;
  vda_mouse_state s;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  const char *w = NULL;
  size_t n;
  memset(&l, 0, sizeof(l));
  memset(&s, 0, sizeof(s));
  vda_mouse_mapper_init(&m);
  s.x = 300;
  s.y = 200;
  n = vda_mouse_map_state(&m, &l, &s, ev, &w);
  CHECK_EQ(n, 0); /* dead without the fallback */
  CHECK(vda_mouse_layout_fallback(&l, (vda_rect){0, 0, 1024, 768}));
  CHECK_EQ(l.display[0].w, 1024);
  CHECK_EQ(l.desktop.h, 768);
  w = NULL;
  n = vda_mouse_map_state(&m, &l, &s, ev, &w);
  CHECK(n >= 1);
  CHECK(ev[0].action == VDA_MOUSE_MOVE && ev[0].absolute);
  CHECK_EQ(ev[0].nx, vda_mouse_normalise(300, 0, 1024));
  /* A known layout is never replaced, and a known desktop is kept. */
  CHECK(!vda_mouse_layout_fallback(&l, (vda_rect){0, 0, 640, 480}));
  CHECK_EQ(l.display[0].w, 1024);
  memset(&l, 0, sizeof(l));
  l.desktop = (vda_rect){-100, 0, 3000, 768};
  CHECK(vda_mouse_layout_fallback(&l, (vda_rect){0, 0, 1024, 768}));
  CHECK(l.desktop.x == -100 && l.desktop.w == 3000);
  memset(&l, 0, sizeof(l));
  CHECK(!vda_mouse_layout_fallback(&l, (vda_rect){0, 0, 0, 0})); /* nothing to fall back to */
}

int main(void)
{
  RUN_TEST(test_unknown_layout_falls_back_to_primary);
  RUN_TEST(test_normalise_pixel_exact);
  RUN_TEST(test_normalise_clamps);
  RUN_TEST(test_per_display_offsets);
  RUN_TEST(test_button_edges);
  RUN_TEST(test_wheel_clicks);
  RUN_TEST(test_unknown_display_keeps_buttons);
  return vda_test_report("test_mouse_map");
}
