/* fuzz_text.c - invariants of the UTF-8 <-> UTF-16 clipboard conversion:
 *  - sizing calls agree with converting calls, outputs stay in bounds;
 *  - UTF-8 -> UTF-16 always yields well-formed UTF-16 without NUL;
 *  - UTF-16 -> UTF-8 always yields well-formed UTF-8 without NUL;
 *  - well-formed UTF-8 (up to its first NUL) round-trips byte for byte;
 *  - conversion of repaired text is idempotent;
 *  - a truncated conversion is a prefix of the full one. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vda_text.h"

#define REQUIRE(c) \
  do {             \
    if (!(c))      \
      abort();     \
  } while (0)

/* Independent check of well-formedness (Unicode Table 3-7). */
static bool utf8_valid(const uint8_t *p, size_t n)
{
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xC2 && b <= 0xDF)
      len = 2;
    else if (b == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if (b >= 0xE1 && b <= 0xEC)
      len = 3;
    else if (b == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (b >= 0xEE && b <= 0xEF)
      len = 3;
    else if (b == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3)
      len = 4;
    else if (b == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else
      return false;
    if (n - i < len)
      return false;
    if (p[i + 1] < lo || p[i + 1] > hi)
      return false;
    for (size_t k = 2; k < len; k++)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF)
        return false;
    i += len;
  }
  return true;
}

static bool utf16_valid(const uint16_t *w, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (w[i] >= 0xD800 && w[i] <= 0xDBFF) {
      if (i + 1 >= n || w[i + 1] < 0xDC00 || w[i + 1] > 0xDFFF)
        return false;
      i++;
    } else if (w[i] >= 0xDC00 && w[i] <= 0xDFFF) {
      return false;
    }
  }
  return true;
}

static void check_utf8_input(const uint8_t *d, size_t n, size_t cap)
{
  size_t m = vda_utf8_to_utf16(d, n, NULL, 0);
  REQUIRE(m <= n);
  uint16_t *w = malloc((m + 1) * sizeof(*w));
  REQUIRE(w != NULL);
  REQUIRE(vda_utf8_to_utf16(d, n, w, m + 1) == m);
  REQUIRE(w[m] == 0);
  for (size_t i = 0; i < m; i++)
    REQUIRE(w[i] != 0);
  REQUIRE(utf16_valid(w, m));

  /* Truncated: a NUL-terminated prefix of the full output. */
  if (cap <= m) {
    uint16_t *t = malloc((cap + 1) * sizeof(*t));
    REQUIRE(t != NULL);
    REQUIRE(vda_utf8_to_utf16(d, n, t, cap + 1) == m);
    size_t k = 0;
    while (t[k] != 0)
      k++;
    REQUIRE(k <= cap);
    REQUIRE(memcmp(t, w, k * sizeof(*t)) == 0);
    REQUIRE(utf16_valid(t, k));
    free(t);
  }

  size_t b = vda_utf16_to_utf8(w, m + 1, NULL, 0);
  uint8_t *u = malloc(b ? b : 1);
  REQUIRE(u != NULL);
  REQUIRE(vda_utf16_to_utf8(w, m + 1, u, b) == b);
  REQUIRE(utf8_valid(u, b));

  const uint8_t *nul = memchr(d, 0, n);
  size_t text = nul ? (size_t)(nul - d) : n;
  if (utf8_valid(d, text)) {
    REQUIRE(b == text);
    REQUIRE(memcmp(u, d, b) == 0);
  }
  /* Repaired text converts to itself. */
  REQUIRE(vda_utf8_to_utf16(u, b, NULL, 0) == m);
  free(u);
  free(w);
}

static void check_utf16_input(const uint8_t *d, size_t n, size_t cap)
{
  size_t nu = n / 2;
  uint16_t *w = malloc((nu ? nu : 1) * sizeof(*w));
  REQUIRE(w != NULL);
  for (size_t i = 0; i < nu; i++)
    w[i] = (uint16_t)(d[2 * i] | (d[2 * i + 1] << 8));
  size_t b = vda_utf16_to_utf8(w, nu, NULL, 0);
  REQUIRE(b <= 3 * nu);
  uint8_t *u = malloc(b ? b : 1);
  REQUIRE(u != NULL);
  size_t wr = 0;
  REQUIRE(vda_utf16_to_utf8_ex(w, nu, u, b, &wr) == b);
  REQUIRE(wr == b);
  REQUIRE(utf8_valid(u, b));
  for (size_t i = 0; i < b; i++)
    REQUIRE(u[i] != 0);

  if (cap < b) {
    uint8_t *t = malloc(cap ? cap : 1);
    REQUIRE(t != NULL);
    REQUIRE(vda_utf16_to_utf8_ex(w, nu, t, cap, &wr) == b);
    REQUIRE(wr <= cap);
    REQUIRE(memcmp(t, u, wr) == 0);
    REQUIRE(utf8_valid(t, wr));
    free(t);
  }

  /* The repaired UTF-8 round-trips exactly. */
  size_t m = vda_utf8_to_utf16(u, b, NULL, 0);
  uint16_t *w2 = malloc((m + 1) * sizeof(*w2));
  REQUIRE(w2 != NULL);
  vda_utf8_to_utf16(u, b, w2, m + 1);
  uint8_t *u2 = malloc(b ? b : 1);
  REQUIRE(u2 != NULL);
  REQUIRE(vda_utf16_to_utf8(w2, m, u2, b) == b);
  REQUIRE(memcmp(u, u2, b) == 0);
  free(u2);
  free(w2);
  free(u);
  free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t cap = data[0]; /* output room for the truncation checks */
  check_utf8_input(data + 1, size - 1, cap);
  check_utf16_input(data + 1, size - 1, cap);
  return 0;
}
