/* test_display_dpi.c - the DPI step for a client monitor's pixels and
 * millimetres, and the relative value Windows takes; plus the request keeping
 * the physical size without touching the pixels. */
#include <string.h>

#include "vda_display_dpi.h"
#include "vda_test.h"

static const char *why;

static uint32_t step(uint32_t pw, uint32_t ph, uint32_t mw, uint32_t mh)
{
  uint32_t p = 0;
  CHECK_ACCEPTED(vda_dpi_step(pw, ph, mw, mh, &p, &why), why);
  return p;
}

static void test_common_monitors(void)
{
  CHECK_EQ(step(1920, 1080, 508, 286), 100); /* 23" FHD, 96 DPI */
  CHECK_EQ(step(2560, 1440, 597, 336), 125); /* 27" QHD, 109 DPI = 113.4 %: nearer 125 */
  CHECK_EQ(step(3840, 2160, 597, 336), 175); /* 27" 4K, 163 DPI = 170 % */
  CHECK_EQ(step(2880, 1800, 286, 179), 250); /* 15" retina, 256 DPI = 266 % */
  CHECK_EQ(step(3840, 2160, 344, 194), 300); /* 15.6" 4K laptop, 283 DPI = 295 % */
  CHECK_EQ(step(1287, 803, 340, 212), 100);  /* a window on a 96 DPI screen */
  CHECK_EQ(step(5120, 2880, 120, 68), 500);  /* beyond the largest step: 500 % */
}

/* 112.5 % lies exactly between 100 and 125: the smaller step wins. */
static void test_tie_goes_down(void)
{
  /* 108 DPI = 112.5 %: 1080 px over 254 mm (10 inches). */
  CHECK_EQ(step(1080, 1080, 254, 254), 100);
  CHECK_EQ(step(1081, 1081, 254, 254), 125); /* just past the middle */
}

static void test_refused(void)
{
  uint32_t p = 7;
  CHECK_REFUSED(vda_dpi_step(1920, 1080, 0, 286, &p, &why), why);
  CHECK_REFUSED(vda_dpi_step(1920, 1080, 508, 0, &p, &why), why);
  CHECK_REFUSED(vda_dpi_step(1920, 1080, 60000, 30000, &p, &why), why); /* 0.8 DPI */
  CHECK_REFUSED(vda_dpi_step(16384, 16384, 10, 10, &p, &why), why);     /* 41615 DPI */
  CHECK_EQ(p, 7);                                                       /* untouched */
}

static void test_relative(void)
{
  int32_t r = 99;
  /* Recommended 150 % (index 2): min_rel -2 (100 %), max_rel +3. */
  CHECK(vda_dpi_relative(100, -2, 3, &r));
  CHECK(r == -2);
  CHECK(vda_dpi_relative(175, -2, 3, &r));
  CHECK_EQ(r, 1);
  CHECK(vda_dpi_relative(500, -2, 3, &r)); /* beyond what the monitor allows: clamped */
  CHECK_EQ(r, 3);
  CHECK(vda_dpi_relative(150, -2, 3, &r));
  CHECK_EQ(r, 0);
  CHECK(!vda_dpi_relative(130, -2, 3, &r)); /* not a step */
  CHECK(!vda_dpi_relative(100, 2, -2, &r)); /* nonsense range */
  CHECK_EQ(vda_dpi_step_index(100), 0);
  CHECK_EQ(vda_dpi_step_index(500), VDA_DPI_STEPS - 1);
  CHECK(vda_dpi_step_index(101) == -1);
}

int main(void)
{
  RUN_TEST(test_common_monitors);
  RUN_TEST(test_tie_goes_down);
  RUN_TEST(test_refused);
  RUN_TEST(test_relative);
  return vda_test_report("test_display_dpi");
}
