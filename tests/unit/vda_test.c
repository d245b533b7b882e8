/* vda_test.c - harness bookkeeping (see vda_test.h). */
#include "vda_test.h"

unsigned vda_test_checks;
unsigned vda_test_failures;
static unsigned tests_run;

void vda_test_run(const char *name, void (*fn)(void))
{
  unsigned before = vda_test_checks;
  unsigned failed = vda_test_failures;
  fn();
  tests_run++;
  if (vda_test_checks == before) {
    vda_test_failures++;
    fprintf(stderr, "%s: test made no checks\n", name);
  }
  fprintf(stderr, "%s %s\n", vda_test_failures == failed ? "PASS" : "FAIL", name);
}

int vda_test_report(const char *suite)
{
  fprintf(stderr, "%s: %u tests, %u checks, %u failures\n", suite, tests_run, vda_test_checks,
          vda_test_failures);
  return vda_test_failures == 0 && tests_run > 0 ? 0 : 1;
}
