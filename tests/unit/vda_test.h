/*
 * vda_test.h - a minimal test harness (no external framework).
 *
 * CHECK*() record a failure with file:line and the expectation but keep
 * going, so one run shows every broken expectation.  RUN_TEST() fails a test
 * that made no check at all: assertion-free tests are not allowed.
 * TEST_MAIN() returns non-zero if anything failed.
 */
#ifndef VDA_TEST_H
#define VDA_TEST_H

#include <stdio.h>
#include <string.h>

extern unsigned vda_test_checks;
extern unsigned vda_test_failures;

#define CHECK(cond)                                                        \
  do {                                                                     \
    vda_test_checks++;                                                     \
    if (!(cond)) {                                                         \
      vda_test_failures++;                                                 \
      fprintf(stderr, "%s:%d: expected: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                      \
  } while (0)

#define CHECK_EQ(a, b)                                                                          \
  do {                                                                                          \
    unsigned long long va_ = (unsigned long long)(a);                                           \
    unsigned long long vb_ = (unsigned long long)(b);                                           \
    vda_test_checks++;                                                                          \
    if (va_ != vb_) {                                                                           \
      vda_test_failures++;                                                                      \
      fprintf(stderr, "%s:%d: expected: %s == %s (%llu != %llu)\n", __FILE__, __LINE__, #a, #b, \
              va_, vb_);                                                                        \
    }                                                                                           \
  } while (0)

/* A refusal must carry a reason. */
#define CHECK_REFUSED(expr, whyvar)                                                        \
  do {                                                                                     \
    whyvar = NULL;                                                                         \
    vda_test_checks++;                                                                     \
    if ((expr)) {                                                                          \
      vda_test_failures++;                                                                 \
      fprintf(stderr, "%s:%d: expected refusal: %s\n", __FILE__, __LINE__, #expr);         \
    } else if (whyvar == NULL || whyvar[0] == '\0') {                                      \
      vda_test_failures++;                                                                 \
      fprintf(stderr, "%s:%d: refusal without a reason: %s\n", __FILE__, __LINE__, #expr); \
    }                                                                                      \
  } while (0)

#define CHECK_ACCEPTED(expr, whyvar)                                                               \
  do {                                                                                             \
    whyvar = NULL;                                                                                 \
    vda_test_checks++;                                                                             \
    if (!(expr)) {                                                                                 \
      vda_test_failures++;                                                                         \
      fprintf(stderr, "%s:%d: expected acceptance: %s (refused: %s)\n", __FILE__, __LINE__, #expr, \
              whyvar ? whyvar : "?");                                                              \
    }                                                                                              \
  } while (0)

void vda_test_run(const char *name, void (*fn)(void));
int vda_test_report(const char *suite);

#define RUN_TEST(fn) vda_test_run(#fn, fn)

#endif /* VDA_TEST_H */
