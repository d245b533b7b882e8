/*
 * fuzz_xfer_name.c - invariants of vda_xfer_name_clean() and
 * vda_xfer_name_variant(), checked by code independent of theirs:
 *  - never crashes; REFUSED and CHANGED carry a reason, OK none;
 *  - OK gives the input byte for byte;
 *  - an OK/CHANGED output is non-empty, valid UTF-8 without controls,
 *    within VDA_XFER_SAFE_NAME_MAX UTF-16 units, has none of <>"|?* / \ :,
 *    no bidi override, no leading space, no trailing dot or space, is not
 *    "." / ".." nor a reserved device name; cleaning it again gives OK with
 *    the same bytes;
 *  - variants obey the same within 255 units and are pairwise distinct.
 *    Each input checks n = 0..40, the digit-count boundaries up to 10000
 *    (where the stem starts being trimmed), UINT_MAX and two n taken from
 *    the input; test_xfer_name checks all of 0..10000 for names at the
 *    length limits.
 * Input: the name's bytes (a NUL ends it early).  An input whose first byte
 * is >= 0xF0 (never the start of a short name: 0xF5-0xFF are not UTF-8)
 * instead repeats the rest to 180 + 60 * (low nibble) bytes, so that short
 * inputs reach the 248/255-unit limits and VDA_XFER_NAME_MAX early.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vda_xfer_name.h"

#define REQUIRE(c) \
  do {             \
    if (!(c))      \
      abort();     \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes one code point of valid UTF-8 (Unicode Table 3-7); 0 length on
 * an ill-formed sequence. */
static size_t next_cp(const uint8_t *p, size_t n, uint32_t *cp)
{
  uint8_t b = p[0];
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;
  if (b < 0x80) {
    *cp = b;
    return 1;
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
    return 0;
  if (n < len || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t k = 2; k < len; k++)
    if (p[k] < 0x80 || p[k] > 0xBF)
      return 0;
  *cp = b & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
  for (size_t k = 1; k < len; k++)
    *cp = (*cp << 6) | (p[k] & 0x3Fu);
  return len;
}

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Reserved device name check on the ASCII part before the first '.',
 * trailing spaces dropped; superscript digits matched as UTF-8 bytes. */
static bool reserved(const char *s)
{
  static const char *const names[] = {"con", "prn", "aux", "nul", "conin$", "conout$"};
  size_t e = strcspn(s, ".");
  char low[16];
  while (e > 0 && s[e - 1] == ' ')
    e--;
  if (e >= sizeof(low))
    return false;
  for (size_t i = 0; i < e; i++)
    low[i] = (char)lower((unsigned char)s[i]);
  low[e] = '\0';
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (strcmp(low, names[i]) == 0)
      return true;
  if (strncmp(low, "com", 3) != 0 && strncmp(low, "lpt", 3) != 0)
    return false;
  if (e == 4 && low[3] >= '0' && low[3] <= '9')
    return true;
  return e == 5 && (unsigned char)low[3] == 0xC2 &&
         ((unsigned char)low[4] == 0xB9 || (unsigned char)low[4] == 0xB2 ||
          (unsigned char)low[4] == 0xB3);
}

/* Returns the UTF-16 length. */
static size_t check_safe(const char *s, size_t max_units)
{
  const uint8_t *p = (const uint8_t *)s;
  size_t n = strlen(s), i = 0, units = 0;
  REQUIRE(n > 0);
  REQUIRE(s[0] != ' ');
  REQUIRE(s[n - 1] != ' ' && s[n - 1] != '.');
  REQUIRE(strcmp(s, ".") != 0 && strcmp(s, "..") != 0);
  REQUIRE(strpbrk(s, "<>\"|?*/\\:") == NULL);
  REQUIRE(!reserved(s));
  while (i < n) {
    uint32_t cp;
    size_t len = next_cp(p + i, n - i, &cp);
    REQUIRE(len > 0);
    REQUIRE(cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F));
    REQUIRE(!(cp >= 0x202A && cp <= 0x202E));
    REQUIRE(!(cp >= 0x2066 && cp <= 0x2069));
    units += cp >= 0x10000 ? 2 : 1;
    i += len;
  }
  REQUIRE(units <= max_units);
  return units;
}

static void check_clean_again(const char *s)
{
  char again[VDA_XFER_CLEAN_BYTES];
  const char *why = "x";
  REQUIRE(vda_xfer_name_clean(s, again, sizeof(again), &why) == VDA_XFER_NAME_OK);
  REQUIRE(why == NULL);
  REQUIRE(strcmp(again, s) == 0);
}

#define NVAR 64
static char variants[NVAR][VDA_XFER_VARIANT_BYTES];

static void check_variants(const char *clean, const uint8_t *data, size_t size)
{
  static const unsigned edges[] = {99, 100, 999, 1000, 9999, 10000, UINT_MAX};
  unsigned ns[NVAR];
  size_t count = 0;
  for (unsigned n = 0; n <= 40; n++)
    ns[count++] = n;
  for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
    ns[count++] = edges[i];
  if (size >= 2) {
    ns[count++] = 41 + (((unsigned)data[0] << 8 | data[1]) % 9960);
    ns[count++] = 41 + (((unsigned)data[size - 1] << 8 | data[size - 2]) % 9960);
  }
  for (size_t i = 0; i < count; i++) {
    char *v = variants[i];
    REQUIRE(vda_xfer_name_variant(clean, ns[i], v, VDA_XFER_VARIANT_BYTES));
    size_t units = check_safe(v, VDA_XFER_NAME_UNITS_MAX);
    if (ns[i] == 0)
      REQUIRE(strcmp(v, clean) == 0);
    /* A variant short enough to be a clean name is one. */
    if (units <= VDA_XFER_SAFE_NAME_MAX)
      check_clean_again(v);
    for (size_t j = 0; j < i; j++)
      if (ns[j] != ns[i])
        REQUIRE(strcmp(variants[j], v) != 0);
  }
  /* Too small a buffer is refused, never overrun. */
  {
    char tiny[4];
    size_t need = strlen(variants[1]) + 1;
    if (need > sizeof(tiny))
      REQUIRE(!vda_xfer_name_variant(clean, 1, tiny, sizeof(tiny)));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char in[VDA_XFER_NAME_MAX + 64];
  char out[VDA_XFER_CLEAN_BYTES];
  char out2[VDA_XFER_CLEAN_BYTES];
  const char *why = NULL, *why2 = NULL;
  vda_xfer_name_verdict r, r2;
  size_t n;

  if (size >= 2 && data[0] >= 0xF0) {
    size_t want = 180 + 60 * (size_t)(data[0] & 0x0F); /* <= 1080 */
    for (n = 0; n < want; n++)
      in[n] = (char)data[1 + n % (size - 1)];
  } else {
    n = size < sizeof(in) - 1 ? size : sizeof(in) - 1;
    memcpy(in, data, n);
  }
  in[n] = '\0';
  r = vda_xfer_name_clean(in, out, sizeof(out), &why);
  r2 = vda_xfer_name_clean(in, out2, sizeof(out2), &why2);
  REQUIRE(r == r2 && strcmp(out, out2) == 0);
  if (r == VDA_XFER_NAME_REFUSED) {
    REQUIRE(why != NULL && why[0] != '\0');
    REQUIRE(out[0] == '\0');
    /* Only clean names have variants. */
    REQUIRE(!vda_xfer_name_variant(in, 1, out2, sizeof(out2)));
    return 0;
  }
  if (r == VDA_XFER_NAME_OK) {
    REQUIRE(why == NULL);
    REQUIRE(strcmp(out, in) == 0);
  } else {
    REQUIRE(r == VDA_XFER_NAME_CHANGED);
    REQUIRE(why != NULL && why[0] != '\0');
    REQUIRE(strcmp(out, in) != 0);
  }
  check_safe(out, VDA_XFER_SAFE_NAME_MAX);
  check_clean_again(out);
  check_variants(out, data, size);
  return 0;
}
