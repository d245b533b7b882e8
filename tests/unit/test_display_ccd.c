/* test_display_ccd.c - a display plan as one atomic CCD commit: sizes,
 * positions and disabled heads together; monitor-less targets (an IDD, a
 * passed-through GPU with nothing plugged in) never committed; heads the
 * plan does not cover kept. */
#include <string.h>

#include "vda_display_ccd_plan.h"
#include "vda_test.h"

static vda_ccd_config CUR, OUT;
static vda_display_plan PLAN;
static const char *why;

static vda_ccd_path *path(uint64_t adapter, uint32_t src, uint32_t tgt, int32_t guest, bool active,
                          bool available)
{
  vda_ccd_path *p = &CUR.p[CUR.count];
  memset(p, 0, sizeof(*p));
  p->adapter = adapter;
  p->source_id = src;
  p->target_id = tgt;
  p->raw = CUR.count++;
  p->guest = guest;
  p->active = active;
  p->available = available;
  if (active) {
    p->width = 1024;
    p->height = 768;
    p->x = (int32_t)(1024 * src);
  }
  return p;
}

static void target(uint32_t guest, bool enable, uint32_t w, uint32_t h, int32_t x, int32_t y)
{
  vda_display_target *t = &PLAN.t[PLAN.count++];
  memset(t, 0, sizeof(*t));
  t->guest = guest;
  t->display_id = (int32_t)guest;
  t->enable = enable;
  t->changed = true;
  t->mode = (vda_mode){w, h, 32};
  t->x = x;
  t->y = y;
}

static void reset(void)
{
  memset(&CUR, 0, sizeof(CUR));
  memset(&PLAN, 0, sizeof(PLAN));
}

static const vda_ccd_path *find(uint32_t src, uint32_t tgt)
{
  for (uint32_t i = 0; i < OUT.count; i++)
    if (OUT.p[i].source_id == src && OUT.p[i].target_id == tgt)
      return &OUT.p[i];
  return NULL;
}

/* QXL with two heads on: resize both and move the second, in one commit. */
static void test_two_heads_sizes_and_positions(void)
{
  reset();
  path(0x3f0, 0, 0, 0, true, true);
  path(0x3f0, 0, 1, 0, false, true);
  path(0x3f0, 1, 0, 1, false, true);
  path(0x3f0, 1, 1, 1, true, true);
  target(0, true, 1920, 1080, 0, 0);
  target(1, true, 1287, 803, 1920, 100);
  CHECK_ACCEPTED(vda_ccd_plan(&CUR, &PLAN, &OUT, &why), why);
  CHECK_EQ(OUT.count, 2);
  CHECK(find(0, 0) != NULL && find(1, 1) != NULL);
  if (find(1, 1)) {
    CHECK_EQ(find(1, 1)->width, 1287);
    CHECK_EQ(find(1, 1)->height, 803);
    CHECK_EQ(find(1, 1)->x, 1920);
    CHECK_EQ(find(1, 1)->y, 100);
    CHECK(find(1, 1)->active);
    CHECK_EQ(find(1, 1)->raw, 3); /* the Win32 layer rebuilds from this */
  }
  if (find(0, 0))
    CHECK_EQ(find(0, 0)->width, 1920);
}

/* Turning a head off leaves its path out; turning one on picks a free
 * target of its source. */
static void test_disable_and_enable_heads(void)
{
  reset();
  path(0x3f0, 0, 0, 0, true, true);
  path(0x3f0, 1, 1, 1, true, true);
  path(0x3f0, 2, 0, 2, false, true); /* target 0 is taken by source 0 */
  path(0x3f0, 2, 2, 2, false, true);
  target(0, true, 1024, 768, 0, 0);
  target(1, false, 0, 0, 0, 0);
  target(2, true, 800, 600, 1024, 0);
  CHECK_ACCEPTED(vda_ccd_plan(&CUR, &PLAN, &OUT, &why), why);
  CHECK_EQ(OUT.count, 2);
  CHECK(find(1, 1) == NULL);
  CHECK(find(2, 2) != NULL);
  CHECK(find(2, 0) == NULL);
  if (find(2, 2)) {
    CHECK_EQ(find(2, 2)->width, 800);
    CHECK_EQ(find(2, 2)->x, 1024);
  }
}

/* An IDD / passthrough GPU with no monitor: its paths never committed,
 * whether active or not; a GPU head the plan does not cover (no GDI
 * display mapped, e.g. unmanaged) is kept as it was. */
static void test_monitorless_ignored_and_others_kept(void)
{
  reset();
  path(0x3f0, 0, 0, 0, true, true);
  path(0x999, 0, 0, 1, true, false);           /* IDD: no monitor */
  path(0x999, 0, 1, 1, false, false);          /* ... none on any target */
  path(0x555, 0, 0, -1, true, true)->x = 5000; /* another GPU's head */
  target(0, true, 1287, 803, 0, 0);
  CHECK_ACCEPTED(vda_ccd_plan(&CUR, &PLAN, &OUT, &why), why);
  CHECK_EQ(OUT.count, 2);
  for (uint32_t i = 0; i < OUT.count; i++)
    CHECK(OUT.p[i].adapter != 0x999);
  for (uint32_t i = 0; i < OUT.count; i++)
    if (OUT.p[i].adapter == 0x555) {
      CHECK_EQ(OUT.p[i].x, 5000);
      CHECK_EQ(OUT.p[i].width, 1024);
    }
}

/* Enabling a display whose only target has no monitor cannot be done in
 * CCD: refused (the caller falls back to ChangeDisplaySettingsEx). */
static void test_enabled_without_monitor_refused(void)
{
  reset();
  path(0x3f0, 0, 0, 0, true, true);
  path(0x999, 0, 0, 1, false, false);
  target(0, true, 1024, 768, 0, 0);
  target(1, true, 1024, 768, 1024, 0);
  CHECK_REFUSED(vda_ccd_plan(&CUR, &PLAN, &OUT, &why), why);
  reset();
  path(0x3f0, 0, 0, 0, true, true);
  target(0, false, 0, 0, 0, 0);
  CHECK_REFUSED(vda_ccd_plan(&CUR, &PLAN, &OUT, &why), why); /* nothing left on */
}

int main(void)
{
  RUN_TEST(test_two_heads_sizes_and_positions);
  RUN_TEST(test_disable_and_enable_heads);
  RUN_TEST(test_monitorless_ignored_and_others_kept);
  RUN_TEST(test_enabled_without_monitor_refused);
  return vda_test_report("test_display_ccd");
}
