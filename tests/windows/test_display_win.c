/* The Win32 display ops and effects glue, as far as Wine shows them without
 * an X display: enumeration, the QXL escape refusing cleanly on a non-QXL
 * adapter, a no-change apply, the mouse layout, and session-only effects.
 * Real mode changes are covered by the end-to-end tests on Xorg dummy. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "display_effects_win.h"
#include "display_win.h"
#include "vda_test.h"

static vda_display_win W;
static vda_display_set S;
static const char *why;

static int first_attached(void)
{
  for (uint32_t i = 0; i < S.count; i++)
    if (S.d[i].attached && S.d[i].kind != VDA_ADAPTER_MIRROR)
      return (int)i;
  return -1;
}

static void test_enumerate(void)
{
  int a;
  vda_display_win_init(&W);
  CHECK_ACCEPTED(vda_display_win_ops.enumerate(&W, &S, &why), why);
  CHECK(S.count >= 1);
  CHECK_EQ(W.count, S.count);
  a = first_attached();
  CHECK(a >= 0);
  if (a < 0)
    return;
  CHECK(S.d[a].current.width > 0 && S.d[a].current.height > 0);
  CHECK(S.d[a].nmodes >= 1);
  CHECK(wcsncmp(W.name[a], L"\\\\.\\DISPLAY", 11) == 0);
  fprintf(stderr, "display %d: %ux%ux%u at %d,%d, %u modes, kind %d\n", a, S.d[a].current.width,
          S.d[a].current.height, S.d[a].current.depth, S.d[a].x, S.d[a].y, S.d[a].nmodes,
          (int)S.d[a].kind);
}

static void test_escape_refused_without_qxl(void)
{
  int a = first_attached();
  vda_guest_display g;
  CHECK(a >= 0);
  if (a < 0)
    return;
  g = S.d[a];
  g.kind = VDA_ADAPTER_OTHER;
  CHECK_REFUSED(vda_display_win_ops.qxl_custom_mode(&W, &g, g.current, &why), why);
  /* A device index past the enumeration is refused too. */
  g.kind = VDA_ADAPTER_QXL;
  g.device_index = 99;
  CHECK_REFUSED(vda_display_win_ops.qxl_custom_mode(&W, &g, g.current, &why), why);
}

static void test_apply_current_is_no_change(void)
{
  int a = first_attached();
  vda_display_request rq;
  vda_display_result *res = calloc(1, sizeof(*res));
  int32_t ids[VDA_DISPLAY_MAX];
  CHECK(a >= 0 && res != NULL);
  if (a < 0 || res == NULL) {
    free(res);
    return;
  }
  memset(&rq, 0, sizeof(rq));
  vda_display_map_ids(&S, NULL, ids);
  for (uint32_t id = 0; id < VDA_DISPLAY_MAX; id++) {
    const vda_guest_display *g;
    if (ids[id] < 0)
      continue;
    g = &S.d[ids[id]];
    rq.count = id + 1;
    if (g->attached)
      rq.mon[id] = (vda_display_req_mon){g->current.width, g->current.height, 0, g->x, g->y};
  }
  rq.use_pos = true;
  CHECK(vda_display_apply(&vda_display_win_ops, &W, &rq, NULL, res));
  CHECK(!res->applied);
  CHECK_EQ(vda_display_reply_error(res), VD_AGENT_SUCCESS);
  free(res);
}

static void test_mouse_layout(void)
{
  vda_mouse_layout l;
  CHECK_ACCEPTED(vda_display_win_mouse_layout(&W, NULL, &l, &why), why);
  CHECK(l.desktop.w > 0 && l.desktop.h > 0);
  CHECK(l.display[0].w > 0);
  CHECK(l.display[0].w <= l.desktop.w);
}

static void test_disp_change_text(void)
{
  CHECK(strcmp(vda_disp_change_text(DISP_CHANGE_BADMODE), "the display driver has no such mode") ==
        0);
  CHECK(vda_disp_change_text(-1234) != NULL);
}

static void test_effects_session_round_trip(void)
{
  vda_effects e;
  vda_effects_win ctx;
  vda_display_config dc = {VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_FONT_SMOOTH |
                               VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_ANIMATION |
                               VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_WALLPAPER,
                           0};
  BOOL on = TRUE;
  uint32_t before = 0, after = 1;
  memset(&ctx, 0, sizeof(ctx));
  vda_effects_init(&e);
  CHECK(vda_effects_win_ops.get(&ctx, VDA_EFFECT_FONT_SMOOTH, &before));
  CHECK(vda_effects_win_ops.set(&ctx, VDA_EFFECT_FONT_SMOOTH, 1));
  CHECK_ACCEPTED(vda_effects_configure(&e, &vda_effects_win_ops, &ctx, &dc, NULL, NULL, &why), why);
  CHECK(SystemParametersInfoW(SPI_GETFONTSMOOTHING, 0, &on, 0));
  CHECK(!on);
  CHECK_ACCEPTED(vda_effects_restore(&e, &vda_effects_win_ops, &ctx, &why), why);
  CHECK(SystemParametersInfoW(SPI_GETFONTSMOOTHING, 0, &on, 0));
  CHECK(on);
  CHECK(vda_effects_win_ops.set(&ctx, VDA_EFFECT_FONT_SMOOTH, before));
  CHECK(vda_effects_win_ops.get(&ctx, VDA_EFFECT_FONT_SMOOTH, &after));
  CHECK_EQ(after & 1u, before & 1u);
}

int main(void)
{
  RUN_TEST(test_enumerate);
  RUN_TEST(test_escape_refused_without_qxl);
  RUN_TEST(test_apply_current_is_no_change);
  RUN_TEST(test_mouse_layout);
  RUN_TEST(test_disp_change_text);
  RUN_TEST(test_effects_session_round_trip);
  return vda_test_report("test_display_win");
}
