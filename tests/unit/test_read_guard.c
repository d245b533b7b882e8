/* vdservice/read_guard.c: when gathering port reads fall back to exact
 * sizes. */
#include "read_guard.h"
#include "vda_test.h"

/* Empty reads with nothing else going on: the fallback after the limit. */
static void test_idle_spin_falls_back(void)
{
  vds_read_guard g;
  vds_read_guard_reset(&g);
  for (unsigned i = 0; i < VDS_READ_GUARD_EMPTY_MAX; i++)
    CHECK(!vds_read_guard_empty(&g));
  CHECK(vds_read_guard_empty(&g));
  CHECK_EQ(vds_read_guard_count(&g), VDS_READ_GUARD_EMPTY_MAX + 1u);
}

/* A long guest -> client paste: every port write that completes ends the
 * run, however many empty reads there are in all. */
static void test_writes_end_the_run(void)
{
  vds_read_guard g;
  vds_read_guard_reset(&g);
  for (unsigned i = 0; i < 100 * VDS_READ_GUARD_EMPTY_MAX; i++) {
    CHECK(!vds_read_guard_empty(&g));
    if (i % 8 == 7)
      vds_read_guard_progress(&g);
  }
  CHECK(vds_read_guard_count(&g) < VDS_READ_GUARD_EMPTY_MAX);
}

/* Data ends the run too, and a fresh port starts from nothing. */
static void test_data_and_reset(void)
{
  vds_read_guard g;
  vds_read_guard_reset(&g);
  for (unsigned i = 0; i < VDS_READ_GUARD_EMPTY_MAX; i++)
    (void)vds_read_guard_empty(&g);
  vds_read_guard_progress(&g);
  CHECK_EQ(vds_read_guard_count(&g), 0u);
  for (unsigned i = 0; i < VDS_READ_GUARD_EMPTY_MAX; i++)
    (void)vds_read_guard_empty(&g);
  vds_read_guard_reset(&g);
  CHECK(!vds_read_guard_empty(&g));
}

int main(void)
{
  RUN_TEST(test_idle_spin_falls_back);
  RUN_TEST(test_writes_end_the_run);
  RUN_TEST(test_data_and_reset);
  return vda_test_report("test_read_guard");
}
