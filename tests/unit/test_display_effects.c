/* test_display_effects.c - DISPLAY_CONFIG: effects turned off for the
 * session with the user's values saved, restored when no longer asked for
 * and on client disconnect; SET_COLOR_DEPTH through the display ops. */
#include <string.h>

#include "vda_display_effects.h"
#include "vda_test.h"

typedef struct fx {
  uint32_t value[VDA_EFFECT_COUNT];
  int gets, sets;
  bool fail_get, fail_set;
} fx;

static fx X;
static const char *why;

static bool fx_get(void *ctx, vda_effect e, uint32_t *v)
{
  fx *f = ctx;
  f->gets++;
  if (f->fail_get)
    return false;
  *v = f->value[e];
  return true;
}

static bool fx_set(void *ctx, vda_effect e, uint32_t v)
{
  fx *f = ctx;
  f->sets++;
  if (f->fail_set)
    return false;
  f->value[e] = v;
  return true;
}

static const vda_effects_ops OPS = {fx_get, fx_set};

static void reset(vda_effects *e)
{
  memset(&X, 0, sizeof(X));
  X.value[VDA_EFFECT_WALLPAPER] = 1;
  X.value[VDA_EFFECT_FONT_SMOOTH] = 0x5; /* on, ClearType */
  X.value[VDA_EFFECT_ANIMATION] = 0x7;
  vda_effects_init(e);
}

static void test_disable_and_restore_on_disconnect(void)
{
  vda_effects e;
  vda_display_config dc = {VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_WALLPAPER |
                               VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_ANIMATION,
                           0};
  reset(&e);
  CHECK_ACCEPTED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  CHECK_EQ(X.value[VDA_EFFECT_WALLPAPER], 0);
  CHECK_EQ(X.value[VDA_EFFECT_ANIMATION], 0);
  CHECK_EQ(X.value[VDA_EFFECT_FONT_SMOOTH], 0x5); /* not asked: untouched */
  CHECK_EQ(X.sets, 2);
  CHECK_ACCEPTED(vda_effects_restore(&e, &OPS, &X, &why), why);
  CHECK_EQ(X.value[VDA_EFFECT_WALLPAPER], 1);
  CHECK_EQ(X.value[VDA_EFFECT_ANIMATION], 0x7);
  CHECK_EQ(X.sets, 4);
  /* Nothing left to restore. */
  CHECK_ACCEPTED(vda_effects_restore(&e, &OPS, &X, &why), why);
  CHECK_EQ(X.sets, 4);
}

static void test_repeated_config_keeps_user_value(void)
{
  vda_effects e;
  vda_display_config dc = {VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_FONT_SMOOTH, 0};
  reset(&e);
  CHECK_ACCEPTED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  CHECK_ACCEPTED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  CHECK_EQ(X.gets, 1); /* the second did not save the "off" value */
  /* A later config without the flag turns it back on. */
  dc.flags = 0;
  CHECK_ACCEPTED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  CHECK_EQ(X.value[VDA_EFFECT_FONT_SMOOTH], 0x5);
}

static void test_failures_reported(void)
{
  vda_effects e;
  vda_display_config dc = {VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_WALLPAPER, 0};
  reset(&e);
  X.fail_get = true; /* could not save: must not change it */
  CHECK_REFUSED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  CHECK_EQ(X.sets, 0);
  CHECK_EQ(X.value[VDA_EFFECT_WALLPAPER], 1);
  X.fail_get = false;
  X.fail_set = true;
  CHECK_REFUSED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  CHECK(!e.disabled[VDA_EFFECT_WALLPAPER]);
  X.fail_set = false;
  CHECK_ACCEPTED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
  X.fail_set = true; /* restore fails: kept for a later try */
  CHECK_REFUSED(vda_effects_restore(&e, &OPS, &X, &why), why);
  CHECK(e.disabled[VDA_EFFECT_WALLPAPER]);
  X.fail_set = false;
  CHECK_ACCEPTED(vda_effects_restore(&e, &OPS, &X, &why), why);
  CHECK_EQ(X.value[VDA_EFFECT_WALLPAPER], 1);
}

/* Display ops for SET_COLOR_DEPTH: one attached display. */
static vda_display_set DS;
static int depth_commits;
static bool d_enum(void *ctx, vda_display_set *s, const char **w)
{
  (void)ctx;
  (void)w;
  *s = DS;
  return true;
}
static bool d_stage(void *ctx, const vda_guest_display *g, const vda_display_target *t,
                    const char **w)
{
  (void)ctx;
  (void)g;
  (void)w;
  DS.d[t->guest].current = t->mode;
  return true;
}
static bool d_commit(void *ctx, const char **w)
{
  (void)ctx;
  (void)w;
  depth_commits++;
  return true;
}
static const vda_display_ops DOPS = {d_enum, NULL, NULL, d_stage, d_commit, NULL, NULL, NULL};

static void test_set_color_depth(void)
{
  vda_effects e;
  vda_display_config dc = {VD_AGENT_DISPLAY_CONFIG_FLAG_SET_COLOR_DEPTH, 16};
  reset(&e);
  memset(&DS, 0, sizeof(DS));
  DS.count = 1;
  DS.d[0].kind = VDA_ADAPTER_OTHER;
  DS.d[0].attached = DS.d[0].primary = true;
  DS.d[0].current = (vda_mode){1024, 768, 32};
  CHECK_ACCEPTED(vda_effects_configure(&e, &OPS, &X, &dc, &DOPS, NULL, &why), why);
  CHECK_EQ(DS.d[0].current.depth, 16);
  CHECK_EQ(depth_commits, 1);
  CHECK_EQ(X.sets, 0);
  dc.depth = 12;
  CHECK_REFUSED(vda_effects_configure(&e, &OPS, &X, &dc, &DOPS, NULL, &why), why);
  dc.depth = 32;
  CHECK_REFUSED(vda_effects_configure(&e, &OPS, &X, &dc, NULL, NULL, &why), why);
}

int main(void)
{
  RUN_TEST(test_disable_and_restore_on_disconnect);
  RUN_TEST(test_repeated_config_keeps_user_value);
  RUN_TEST(test_failures_reported);
  RUN_TEST(test_set_color_depth);
  return vda_test_report("test_display_effects");
}
