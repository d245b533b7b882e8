/* test_ratelimit.c - one log line per reason per interval, and the count of
 * what was suppressed (the service's answer to a flood of refusals). */
#include <stdint.h>
#include <string.h>

#include "vda_ratelimit.h"
#include "vda_test.h"

static const char reason_a[] = "unknown type";
static const char reason_b[] = "size above the limit";
#define KEY(p) ((uintptr_t)(p))

typedef struct report_log {
  unsigned calls;
  uint64_t total;
  char last_what[VDA_RATELIMIT_WHAT];
  uint64_t last_interval;
} report_log;

static void on_report(void *ctx, const char *what, uint64_t n, uint64_t interval_ms)
{
  report_log *r = ctx;
  r->calls++;
  r->total += n;
  r->last_interval = interval_ms;
  strncpy(r->last_what, what, sizeof(r->last_what) - 1);
}

/* A flood of 20 000 lines of one reason within an interval: one passes,
 * the rest are counted and reported once, with the first line's text. */
static void test_flood_one_line(void)
{
  vda_ratelimit rl;
  report_log rep = {0};
  unsigned passed = 0;
  vda_ratelimit_init(&rl, 10000, 1);
  for (unsigned i = 0; i < 20000; i++) {
    vda_ratelimit_verdict v = vda_ratelimit_check(&rl, KEY(reason_a), "refused: unknown", 1000);
    passed += v.pass;
    CHECK_EQ(v.suppressed, 0);
  }
  CHECK_EQ(passed, 1);
  CHECK_EQ(vda_ratelimit_next_due(&rl, 1000), 10000);
  CHECK_EQ(vda_ratelimit_next_due(&rl, 6000), 5000);
  vda_ratelimit_expire(&rl, 5000, on_report, &rep); /* not yet */
  CHECK_EQ(rep.calls, 0);
  vda_ratelimit_expire(&rl, 11000, on_report, &rep);
  CHECK_EQ(rep.calls, 1);
  CHECK_EQ(rep.total, 19999);
  CHECK_EQ(rep.last_interval, 10000);
  CHECK(strcmp(rep.last_what, "refused: unknown") == 0);
  /* Nothing more to say, and a quiet interval forgets the key. */
  CHECK_EQ(vda_ratelimit_next_due(&rl, 11000), UINT64_MAX);
  vda_ratelimit_expire(&rl, 21000, on_report, &rep);
  CHECK_EQ(rep.calls, 1);
  CHECK(vda_ratelimit_check(&rl, KEY(reason_a), "again", 21001).pass);
}

/* Reasons are limited separately: a flood of one does not hide the other. */
static void test_reasons_separate(void)
{
  vda_ratelimit rl;
  vda_ratelimit_init(&rl, 10000, 1);
  CHECK(vda_ratelimit_check(&rl, KEY(reason_a), "a", 0).pass);
  CHECK(!vda_ratelimit_check(&rl, KEY(reason_a), "a", 1).pass);
  CHECK(vda_ratelimit_check(&rl, KEY(reason_b), "b", 2).pass);
  CHECK(!vda_ratelimit_check(&rl, KEY(reason_b), "b", 3).pass);
}

/* A flood that goes on: one summary per interval, no new lines; the
 * summary also comes through the key's own next line when it is due. */
static void test_continuing_flood(void)
{
  vda_ratelimit rl;
  report_log rep = {0};
  vda_ratelimit_verdict v;
  vda_ratelimit_init(&rl, 1000, 1);
  CHECK(vda_ratelimit_check(&rl, KEY(reason_a), "a", 0).pass);
  for (unsigned t = 1; t < 1000; t++)
    CHECK(!vda_ratelimit_check(&rl, KEY(reason_a), "a", t).pass);
  v = vda_ratelimit_check(&rl, KEY(reason_a), "a", 1000);
  CHECK(!v.pass);
  CHECK_EQ(v.suppressed, 999);
  CHECK_EQ(v.interval_ms, 1000);
  CHECK(v.what && strcmp(v.what, "a") == 0);
  for (unsigned t = 1001; t < 2000; t++)
    CHECK(!vda_ratelimit_check(&rl, KEY(reason_a), "a", t).pass);
  vda_ratelimit_expire(&rl, 2000, on_report, &rep);
  CHECK_EQ(rep.calls, 1);
  CHECK_EQ(rep.total, 1000); /* the line at 1000 and the 999 after it */
}

/* A burst of 3: three pass, then counting. */
static void test_burst(void)
{
  vda_ratelimit rl;
  unsigned passed = 0;
  vda_ratelimit_init(&rl, 1000, 3);
  for (unsigned i = 0; i < 10; i++)
    passed += vda_ratelimit_check(&rl, KEY(reason_a), "a", 5).pass;
  CHECK_EQ(passed, 3);
}

/* More keys than slots: the extra ones share the overflow slot, still
 * limited (bounded memory whatever the callers pass). */
static void test_overflow_bounded(void)
{
  static char keys[VDA_RATELIMIT_SLOTS + 10];
  vda_ratelimit rl;
  report_log rep = {0};
  unsigned passed = 0;
  vda_ratelimit_init(&rl, 1000, 1);
  for (unsigned round = 0; round < 3; round++)
    for (size_t i = 0; i < sizeof(keys); i++)
      passed += vda_ratelimit_check(&rl, KEY(&keys[i]), "k", 10).pass;
  CHECK_EQ(passed, VDA_RATELIMIT_SLOTS + 1);
  vda_ratelimit_expire(&rl, 1010, on_report, &rep);
  CHECK_EQ(rep.total, 3 * sizeof(keys) - (VDA_RATELIMIT_SLOTS + 1));
}

/* A long description is cut, never overrun. */
static void test_long_what(void)
{
  char what[300];
  vda_ratelimit rl;
  report_log rep = {0};
  memset(what, 'x', sizeof(what) - 1);
  what[sizeof(what) - 1] = 0;
  vda_ratelimit_init(&rl, 1000, 1);
  CHECK(vda_ratelimit_check(&rl, KEY(reason_a), what, 0).pass);
  CHECK(!vda_ratelimit_check(&rl, KEY(reason_a), what, 1).pass);
  vda_ratelimit_expire(&rl, 1000, on_report, &rep);
  CHECK_EQ(strlen(rep.last_what), VDA_RATELIMIT_WHAT - 1);
}

int main(void)
{
  RUN_TEST(test_flood_one_line);
  RUN_TEST(test_reasons_separate);
  RUN_TEST(test_continuing_flood);
  RUN_TEST(test_burst);
  RUN_TEST(test_overflow_bounded);
  RUN_TEST(test_long_what);
  return vda_test_report("test_ratelimit");
}
