/* test_display_layout.c - layout normalisation: primary at 0,0, no gaps, no
 * overlaps, requested arrangement kept when it is already valid. */
#include <stdint.h>

#include "layout_check.h"
#include "vda_display_layout.h"
#include "vda_test.h"

static const char *why;

#define R(x, y, w, h) ((vda_rect){(x), (y), (w), (h)})

static void test_left_to_right(void)
{
  vda_rect r[3] = {R(5, 5, 1024, 768), R(-9, 9, 1920, 1080), R(7, 7, 800, 600)};
  CHECK_ACCEPTED(vda_layout_normalise(r, 3, 0, false, &why), why);
  CHECK(r[0].x == 0 && r[0].y == 0);
  CHECK(r[1].x == 1024 && r[1].y == 0);
  CHECK(r[2].x == 1024 + 1920 && r[2].y == 0);
  CHECK(layout_is_normal(r, 3, 0));
  /* Primary in the middle of the array: it goes first, others follow. */
  r[0] = R(0, 0, 1024, 768);
  CHECK_ACCEPTED(vda_layout_normalise(r, 3, 1, false, &why), why);
  CHECK(r[1].x == 0 && r[1].y == 0);
  CHECK(r[0].x == 1920);
  CHECK(r[2].x == 1920 + 1024);
  CHECK(layout_is_normal(r, 3, 1));
}

static void test_valid_positions_kept(void)
{
  /* Client coordinates need not start at 0: everything is translated so
     * the primary lands at 0,0, and a valid arrangement is otherwise kept. */
  vda_rect r[3] = {R(1920, 0, 1920, 1080), R(0, 0, 1920, 1080), R(1920, 1080, 1280, 1024)};
  CHECK_ACCEPTED(vda_layout_normalise(r, 3, 0, true, &why), why);
  CHECK(r[0].x == 0 && r[0].y == 0);
  CHECK(r[1].x == -1920 && r[1].y == 0);
  CHECK(r[2].x == 0 && r[2].y == 1080);
  CHECK(layout_is_normal(r, 3, 0));
}

static void test_negative_positions(void)
{
  vda_rect r[2] = {R(0, 0, 1920, 1080), R(-1280, 100, 1280, 1024)};
  CHECK_ACCEPTED(vda_layout_normalise(r, 2, 0, true, &why), why);
  CHECK(r[1].x == -1280 && r[1].y == 100);
  CHECK(layout_is_normal(r, 2, 0));
}

static void test_gaps_closed(void)
{
  vda_rect r[3] = {R(0, 0, 1920, 1080), R(2000, 30, 1024, 768), R(0, 1500, 800, 600)};
  CHECK_ACCEPTED(vda_layout_normalise(r, 3, 0, true, &why), why);
  CHECK(r[1].x == 1920 && r[1].y == 30); /* slid left, height kept */
  CHECK(r[2].x == 0 && r[2].y == 1080);  /* slid up */
  CHECK(layout_is_normal(r, 3, 0));
}

static void test_overlaps_resolved(void)
{
  /* Two windows on the same client monitor: both at 0,0. */
  vda_rect r[2] = {R(0, 0, 1920, 1080), R(0, 0, 1920, 1080)};
  CHECK_ACCEPTED(vda_layout_normalise(r, 2, 0, true, &why), why);
  CHECK(r[0].x == 0 && r[0].y == 0);
  /* Nearest free side: below (1080 away) beats right (1920 away). */
  CHECK(r[1].x == 0 && r[1].y == 1080);
  CHECK(layout_is_normal(r, 2, 0));
  /* Partial overlap of 20 px on the left: pushed out to the left. */
  r[0] = R(0, 0, 1920, 1080);
  r[1] = R(-1900, 0, 1920, 1080);
  CHECK_ACCEPTED(vda_layout_normalise(r, 2, 0, true, &why), why);
  CHECK(r[1].x == -1920 && r[1].y == 0);
  CHECK(layout_is_normal(r, 2, 0));
}

static void test_corner_only_is_a_gap(void)
{
  vda_rect r[2] = {R(0, 0, 1920, 1080), R(1920, 1080, 800, 600)};
  CHECK(!layout_is_normal(r, 2, 0));
  CHECK_ACCEPTED(vda_layout_normalise(r, 2, 0, true, &why), why);
  CHECK(layout_is_normal(r, 2, 0));
  CHECK(r[1].x == 1920 && r[1].y == 1079); /* one pixel of shared edge */
}

static void test_sixteen_stacked(void)
{
  vda_rect r[16];
  for (int i = 0; i < 16; i++)
    r[i] = R(0, 0, 640u + 16u * (unsigned)i, 480);
  CHECK_ACCEPTED(vda_layout_normalise(r, 16, 3, true, &why), why);
  CHECK(layout_is_normal(r, 16, 3));
  for (int i = 0; i < 16; i++)
    r[i] = R(0, 0, 640, 480);
  CHECK_ACCEPTED(vda_layout_normalise(r, 16, 0, false, &why), why);
  CHECK(layout_is_normal(r, 16, 0));
  CHECK(r[15].x == 15 * 640);
}

static void test_extreme_coordinates(void)
{
  /* Translating INT32_MIN by INT32_MAX must not overflow (UBSan). */
  vda_rect r[3] = {R(INT32_MAX, INT32_MAX, 16384, 16384), R(INT32_MIN, INT32_MIN, 16384, 16384),
                   R(INT32_MAX, INT32_MIN, 1, 1)};
  CHECK_ACCEPTED(vda_layout_normalise(r, 3, 0, true, &why), why);
  CHECK(layout_is_normal(r, 3, 0));
  CHECK(r[0].x == 0 && r[0].y == 0);
}

static void test_refusals(void)
{
  vda_rect r[17];
  for (int i = 0; i < 17; i++)
    r[i] = R(0, 0, 100, 100);
  CHECK_REFUSED(vda_layout_normalise(r, 0, 0, false, &why), why);
  CHECK_REFUSED(vda_layout_normalise(r, 17, 0, false, &why), why);
  CHECK_REFUSED(vda_layout_normalise(r, 2, 2, false, &why), why);
  r[1].w = 0;
  CHECK_REFUSED(vda_layout_normalise(r, 2, 0, true, &why), why);
  r[1].w = 16385;
  CHECK_REFUSED(vda_layout_normalise(r, 2, 0, true, &why), why);
  r[1].w = 16384;
  CHECK_ACCEPTED(vda_layout_normalise(r, 2, 0, true, &why), why);
}

static void test_oracle_and_bounds(void)
{
  vda_rect ok[2] = {R(0, 0, 100, 50), R(-30, 50, 60, 40)};
  vda_rect overlap[2] = {R(0, 0, 100, 50), R(99, 0, 10, 10)};
  vda_rect off[1] = {R(1, 0, 10, 10)};
  vda_rect b;
  CHECK(layout_is_normal(ok, 2, 0));
  CHECK(!layout_is_normal(overlap, 2, 0));
  CHECK(!layout_is_normal(off, 1, 0));
  CHECK(!layout_is_normal(ok, 0, 0));
  b = vda_layout_bounds(ok, 2);
  CHECK(b.x == -30 && b.y == 0);
  CHECK_EQ(b.w, 130);
  CHECK_EQ(b.h, 90);
}

int main(void)
{
  RUN_TEST(test_left_to_right);
  RUN_TEST(test_valid_positions_kept);
  RUN_TEST(test_negative_positions);
  RUN_TEST(test_gaps_closed);
  RUN_TEST(test_overlaps_resolved);
  RUN_TEST(test_corner_only_is_a_gap);
  RUN_TEST(test_sixteen_stacked);
  RUN_TEST(test_extreme_coordinates);
  RUN_TEST(test_refusals);
  RUN_TEST(test_oracle_and_bounds);
  return vda_test_report("test_display_layout");
}
