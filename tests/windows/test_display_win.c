/* The Win32 display ops and effects glue, as far as Wine shows them without
 * an X display: enumeration, the custom-mode escape refused once and
 * remembered per adapter, QueryDisplayConfig paths by GDI name, a no-change apply, the mouse layout, and session-only effects.
 * Real mode changes are covered by the end-to-end tests on Xorg dummy. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "config.h"
#include "display_ccd.h"
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
  /* The PCI address is either a GRAPHICS_DEVICE_INFO address or unknown. */
  CHECK(S.d[a].address[0] == '\0' || strncmp(S.d[a].address, "pci/", 4) == 0);
  fprintf(stderr, "display %d: PCI address '%s', output %u\n", a, S.d[a].address,
          (unsigned)S.d[a].output);
  fprintf(stderr, "display %d: %ux%ux%u at %d,%d, %u modes, kind %d\n", a, S.d[a].current.width,
          S.d[a].current.height, S.d[a].current.depth, S.d[a].x, S.d[a].y, S.d[a].nmodes,
          (int)S.d[a].kind);
}

/* The second enumeration reuses the mode lists of the first (same devices),
 * with the same result; forgotten, they are listed afresh. */
static void test_mode_lists_kept(void)
{
  vda_display_set *again = calloc(1, sizeof(*again));
  int a = first_attached();
  CHECK(again != NULL && a >= 0);
  if (again == NULL || a < 0) {
    free(again);
    return;
  }
  vda_display_win_forget_lists(&W);
  CHECK_ACCEPTED(vda_display_win_ops.enumerate(&W, &S, &why), why);
  CHECK(!vda_display_win_lists_kept(&W));
  CHECK_ACCEPTED(vda_display_win_ops.enumerate(&W, again, &why), why);
  CHECK(vda_display_win_lists_kept(&W));
  CHECK_EQ(again->d[a].nmodes, S.d[a].nmodes);
  CHECK(memcmp(again->d[a].modes, S.d[a].modes, S.d[a].nmodes * sizeof(S.d[a].modes[0])) == 0);
  /* Reading the current modes lists nothing and keeps the lists' state. */
  CHECK_ACCEPTED(vda_display_win_ops.read_current(&W, again, &why), why);
  CHECK_EQ(again->d[a].nmodes, 0);
  CHECK_EQ(again->d[a].current.width, S.d[a].current.width);
  vda_display_win_forget_lists(&W);
  CHECK_ACCEPTED(vda_display_win_ops.enumerate(&W, again, &why), why);
  CHECK(!vda_display_win_lists_kept(&W));
  CHECK_EQ(again->d[a].nmodes, S.d[a].nmodes);
  free(again);
}

/* Wine has no QXL: the custom-mode escape is tried through D3DKMT (the
 * adapter opens, the escape answers STATUS_NO_MEMORY) or, without a WDDM
 * adapter, ExtEscape; either way it is refused once and remembered, so the
 * next enumeration no longer offers the custom route for that adapter. */
static void test_escape_refused_and_remembered(void)
{
  int a = first_attached();
  vda_guest_display g;
  CHECK(a >= 0);
  if (a < 0)
    return;
  g = S.d[a];
  fprintf(stderr, "display %d: WDDM adapter %s (LUID %llx), custom route offered %d\n", a,
          g.has_luid ? "opened" : "absent", (unsigned long long)g.adapter_luid,
          (int)g.custom_modes);
  CHECK(g.custom_modes); /* never tried yet: tried, not guessed from a name */
  CHECK_REFUSED(vda_display_win_ops.qxl_custom_mode(&W, &g, g.current, &why), why);
  if (g.has_luid)
    CHECK_EQ(vda_escape_memo_custom(&W.memo, g.adapter_luid), VDA_ESCAPE_REFUSED);
  else
    CHECK(W.xpdm_refused[g.device_index]);
  CHECK_ACCEPTED(vda_display_win_ops.enumerate(&W, &S, &why), why);
  CHECK(!S.d[a].custom_modes);
  CHECK(!vda_display_win_may_escape(&W, &S.d[a]));
  /* A device index past the enumeration is refused too. */
  g.device_index = 99;
  CHECK_REFUSED(vda_display_win_ops.qxl_custom_mode(&W, &g, g.current, &why), why);
}

/* QueryDisplayConfig works under Wine: the attached display's active path
 * is found by its GDI name, with the current size. */
static void test_ccd_query(void)
{
  int a = first_attached();
  vda_ccd_raw raw;
  static vda_ccd_config cfg;
  bool found = false;
  memset(&raw, 0, sizeof(raw));
  CHECK(a >= 0);
  if (a < 0)
    return;
  CHECK_ACCEPTED(vda_ccd_query((const WCHAR(*)[32])W.name, W.count, &raw, &cfg, &why), why);
  CHECK(cfg.count >= 1);
  for (uint32_t i = 0; i < cfg.count; i++)
    if (cfg.p[i].active && cfg.p[i].guest == a) {
      found = true;
      CHECK(cfg.p[i].available);
      CHECK_EQ(cfg.p[i].width, S.d[a].current.width);
      CHECK_EQ(cfg.p[i].height, S.d[a].current.height);
    }
  CHECK(found);
  vda_ccd_raw_free(&raw);
}

/* FollowClientWindow under a user hive: absent -> follow, 0 -> not, 1 ->
 * follow, a wrong type -> the default (logged). */
static void test_user_follow_window(void)
{
  HKEY root, key;
  DWORD zero = 0, one = 1;
  CHECK_EQ(RegCreateKeyExW(HKEY_CURRENT_USER, L"Software\\vda-test-user", 0, NULL, 0,
                           KEY_ALL_ACCESS, NULL, &root, NULL),
           ERROR_SUCCESS);
  CHECK(vda_config_user_follow_window(root)); /* no key at all */
  CHECK_EQ(RegCreateKeyExW(root, VDA_CONFIG_USER_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL),
           ERROR_SUCCESS);
  CHECK(vda_config_user_follow_window(root)); /* no value */
  RegSetValueExW(key, VDA_CONFIG_USER_VALUE_FOLLOW_WINDOW, 0, REG_DWORD, (const BYTE *)&zero, 4);
  CHECK(!vda_config_user_follow_window(root));
  RegSetValueExW(key, VDA_CONFIG_USER_VALUE_FOLLOW_WINDOW, 0, REG_DWORD, (const BYTE *)&one, 4);
  CHECK(vda_config_user_follow_window(root));
  RegSetValueExW(key, VDA_CONFIG_USER_VALUE_FOLLOW_WINDOW, 0, REG_SZ, (const BYTE *)L"0", 4);
  CHECK(vda_config_user_follow_window(root)); /* wrong type: default */
  zero = 2;
  RegSetValueExW(key, VDA_CONFIG_USER_VALUE_FOLLOW_WINDOW, 0, REG_DWORD, (const BYTE *)&zero, 4);
  CHECK(vda_config_user_follow_window(root)); /* out of range: default */
  CHECK(vda_config_user_follow_dpi(root));    /* its own value, default 1 */
  zero = 0;
  RegSetValueExW(key, VDA_CONFIG_USER_VALUE_FOLLOW_DPI, 0, REG_DWORD, (const BYTE *)&zero, 4);
  CHECK(!vda_config_user_follow_dpi(root));
  CHECK(vda_config_user_follow_window(root)); /* independent */
  RegCloseKey(key);
  RegDeleteTreeW(root, NULL);
  RegCloseKey(root);
  RegDeleteKeyW(HKEY_CURRENT_USER, L"Software\\vda-test-user");
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
      rq.mon[id] = (vda_display_req_mon){g->current.width, g->current.height, 0, g->x, g->y, 0, 0};
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
  RUN_TEST(test_mode_lists_kept);
  RUN_TEST(test_escape_refused_and_remembered);
  RUN_TEST(test_ccd_query);
  RUN_TEST(test_user_follow_window);
  RUN_TEST(test_apply_current_is_no_change);
  RUN_TEST(test_mouse_layout);
  RUN_TEST(test_disp_change_text);
  RUN_TEST(test_effects_session_round_trip);
  vda_display_win_release(&W);
  return vda_test_report("test_display_win");
}
