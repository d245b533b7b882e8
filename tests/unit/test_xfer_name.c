/* test_xfer_name.c - safe Windows file names from the client's names. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vda_test.h"
#include "vda_xfer_name.h"

#define OK VDA_XFER_NAME_OK
#define CHANGED VDA_XFER_NAME_CHANGED
#define REFUSED VDA_XFER_NAME_REFUSED

#define EMOJI "\xf0\x9f\x98\x80" /* U+1F600: 4 bytes, 2 UTF-16 units */
#define CJK "\xe6\x96\x87"       /* U+6587: 3 bytes, 1 unit */

static const char *why;

/* Checks verdict, output and reason; prints the case when it fails. */
static void expect(const char *in, vda_xfer_name_verdict v, const char *out)
{
  char buf[VDA_XFER_CLEAN_BYTES];
  vda_xfer_name_verdict got;
  memset(buf, 'Z', sizeof(buf));
  why = "unset";
  got = vda_xfer_name_clean(in, buf, sizeof(buf), &why);
  CHECK_EQ(got, v);
  CHECK(strcmp(buf, out) == 0);
  if (v == OK)
    CHECK(why == NULL);
  else
    CHECK(why != NULL && why[0] != '\0');
  if (got != v || strcmp(buf, out) != 0)
    fprintf(stderr, "  case \"%s\": got %d \"%s\" (%s)\n", in, (int)got, buf, why ? why : "-");
}

/* s = prefix + count copies of unit + suffix, in a static buffer. */
static char *rep(char *dst, size_t cap, const char *prefix, const char *unit, size_t count,
                 const char *suffix)
{
  size_t o = 0;
  size_t pl = strlen(prefix), ul = strlen(unit), sl = strlen(suffix);
  if (pl + ul * count + sl + 1 > cap)
    abort();
  memcpy(dst, prefix, pl);
  o = pl;
  for (size_t i = 0; i < count; i++, o += ul)
    memcpy(dst + o, unit, ul);
  memcpy(dst + o, suffix, sl + 1);
  return dst;
}

static size_t units(const char *s)
{
  size_t u = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p & 0xc0) != 0x80)
      u += *p >= 0xf0 ? 2 : 1;
  }
  return u;
}

static void test_ordinary_names_kept(void)
{
  static const char *const names[] = {
      "report.pdf",
      "a",
      ".bashrc",
      "..hidden",
      ".con", /* leading dot: no device stem */
      "archive.tar.gz",
      "My Document (1).docx",
      EMOJI ".png",
      EMOJI EMOJI " party " EMOJI,
      CJK "\xe4\xbb\xb6.txt",                 /* CJK */
      "\xd9\x85\xd9\x84\xd9\x81.txt",         /* Arabic (RTL) */
      "\xd7\xa7\xd7\x95\xd7\x91\xd7\xa5.pdf", /* Hebrew (RTL) */
      "\xe2\x80\x8f\xd7\xa7.txt",             /* RLM is ordinary RTL text */
      "r\xc3\xa9sum\xc3\xa9.pdf",
      "CONSOLE.txt",
      "COM10.txt",
      "COM",
      "LPT.txt",
      "nul_file",
      "con-1.txt",
      "AUX1",
      "COM\302\2710", /* COM + superscript + digit */
      "COM\xc2\xb4",  /* U+00B4 is no superscript digit */
      "a b",
      "x\xc2\xa0",      /* trailing NBSP is not a space */
      "a\357\274\217b", /* fullwidth solidus U+FF0F */
      "[1] {2} #3 %4 ;5 ,6 '7 =8 +9 &10 @11 ~12 !13 $14 `15",
      "file.with.many.dots.txt",
      "_CON",
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    expect(names[i], OK, names[i]);
}

static void test_addressing_refused(void)
{
  static const char *const names[] = {
      "",
      ".",
      "..",
      "../etc/passwd",
      "..\\windows\\system32",
      "a/b",
      "a\\b",
      "/etc/passwd",
      "\\etc",
      "dir\\",
      "\\\\server\\share",
      "\\\\?\\C:\\x",
      "\\\\.\\PhysicalDrive0",
      "\\\\?\\UNC\\srv\\s",
      "//server/share",
      "C:",
      "C:evil.txt",
      "c:\\windows\\x",
      "z:x",
      "file.txt:stream",
      "file.txt::$DATA",
      "a:b",
      ":",
      "CON:",
      "a\tb",
      "a\nb",
      "a\x01",
      "\x1f",
      "\x7f",
      "a\302\205b",
      "\xff",
      "a\xfe",
      "\xc0\xaf",
      "\xe0\x80\xaf",
      "\xed\xa0\x80",
      "\xf4\x90\x80\x80",
      "\xe6\x96",
      "\x80",
      "\xf8\x88\x80\x80\x80",
      "   ",
      "...",
      ". .",
      " ..",
      " . ",
      ". . .   ",
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    expect(names[i], REFUSED, "");
}

static void test_refusal_reasons(void)
{
  char buf[VDA_XFER_CLEAN_BYTES];
  CHECK_EQ(vda_xfer_name_clean("\\\\?\\C:\\x", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "UNC") != NULL);
  CHECK_EQ(vda_xfer_name_clean("C:x", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "drive") != NULL);
  CHECK_EQ(vda_xfer_name_clean("a/b", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "separator") != NULL);
  CHECK_EQ(vda_xfer_name_clean("ab:c", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "stream") != NULL);
  CHECK_EQ(vda_xfer_name_clean("..", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "'..'") != NULL);
  CHECK_EQ(vda_xfer_name_clean("a\x01", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "control") != NULL);
  CHECK_EQ(vda_xfer_name_clean("\xff", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "UTF-8") != NULL);
  CHECK_EQ(vda_xfer_name_clean(" . ", buf, sizeof(buf), &why), REFUSED);
  CHECK(strstr(why, "empty") != NULL);
}

static void test_cosmetic_changes(void)
{
  expect("a<b>c", CHANGED, "a_b_c");
  expect("what?.txt", CHANGED, "what_.txt");
  expect("*.*", CHANGED, "_._");
  expect("say \"hi\".txt", CHANGED, "say _hi_.txt");
  expect("a|b", CHANGED, "a_b");
  expect("a?", CHANGED, "a_");
  expect("file.", CHANGED, "file");
  expect("file.txt. . .", CHANGED, "file.txt");
  expect("file.txt   ", CHANGED, "file.txt");
  expect("  file.txt", CHANGED, "file.txt");
  expect("  a b  ", CHANGED, "a b");
  expect(". x", OK, ". x");
  /* invoice<RLO>fdp.exe would display as invoiceexe.pdf */
  expect("invoice\342\200\256fdp.exe", CHANGED, "invoice_fdp.exe");
  expect("\xe2\x81\xa6x\xe2\x81\xa9", CHANGED, "_x_"); /* U+2066/2069 */
  expect("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", CHANGED, "____");
  CHECK_EQ(vda_xfer_name_clean("a?", (char[8]){0}, 8, &why), CHANGED);
  CHECK(strstr(why, "forbids") != NULL);
}

static void test_reserved_names(void)
{
  static const char *const base[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
  static const char *const sup[] = {"\xc2\xb9", "\xc2\xb2", "\xc2\xb3"};
  char names[64][16];
  size_t n = 0;
  for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
    snprintf(names[n++], sizeof(names[0]), "%s", base[i]);
  for (char d = '0'; d <= '9'; d++) {
    snprintf(names[n++], sizeof(names[0]), "COM%c", d);
    snprintf(names[n++], sizeof(names[0]), "LPT%c", d);
  }
  for (size_t i = 0; i < 3; i++) {
    snprintf(names[n++], sizeof(names[0]), "COM%s", sup[i]);
    snprintf(names[n++], sizeof(names[0]), "LPT%s", sup[i]);
  }
  CHECK_EQ(n, 32);
  for (size_t i = 0; i < n; i++) {
    char in[64], out[64], low[16], mixed[16];
    size_t len = strlen(names[i]);
    for (size_t k = 0; k <= len; k++) {
      char c = names[i][k];
      low[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
      mixed[k] = (k % 2 && c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    /* alone, lower case, mixed case, with extensions, with the
         * spaces Win32 ignores before the extension or at the end */
    snprintf(out, sizeof(out), "_%s", names[i]);
    expect(names[i], CHANGED, out);
    snprintf(out, sizeof(out), "_%s", low);
    expect(low, CHANGED, out);
    snprintf(out, sizeof(out), "_%s", mixed);
    expect(mixed, CHANGED, out);
    snprintf(in, sizeof(in), "%s.txt", names[i]);
    snprintf(out, sizeof(out), "_%s.txt", names[i]);
    expect(in, CHANGED, out);
    snprintf(in, sizeof(in), "%s.tar.gz", low);
    snprintf(out, sizeof(out), "_%s.tar.gz", low);
    expect(in, CHANGED, out);
    snprintf(in, sizeof(in), "%s .txt", mixed);
    snprintf(out, sizeof(out), "_%s .txt", mixed);
    expect(in, CHANGED, out);
    snprintf(in, sizeof(in), " %s  ", names[i]);
    snprintf(out, sizeof(out), "_%s", names[i]);
    expect(in, CHANGED, out);
    snprintf(in, sizeof(in), "%s.", names[i]);
    expect(in, CHANGED, out);
    /* not a device name: longer stem */
    snprintf(in, sizeof(in), "%sX.txt", names[i]);
    expect(in, OK, in);
  }
  CHECK_EQ(vda_xfer_name_clean("nul.txt", (char[16]){0}, 16, &why), CHANGED);
  CHECK(strstr(why, "reserved") != NULL);
}

static void test_length_limits(void)
{
  static char in[4096], out[4096];
  CHECK_EQ(VDA_XFER_SAFE_NAME_MAX, 248);
  /* ASCII at the boundary */
  expect(rep(in, sizeof(in), "", "a", 248, ""), OK, in);
  rep(out, sizeof(out), "", "a", 248, "");
  expect(rep(in, sizeof(in), "", "a", 249, ""), CHANGED, out);
  expect(rep(in, sizeof(in), "", "a", VDA_XFER_NAME_MAX, ""), CHANGED, out);
  expect(rep(in, sizeof(in), "", "a", VDA_XFER_NAME_MAX + 1, ""), REFUSED, "");
  /* 3-byte characters: 248 units = 744 bytes, the largest clean name */
  expect(rep(in, sizeof(in), "", CJK, 248, ""), OK, in);
  CHECK_EQ(strlen(in) + 1, VDA_XFER_CLEAN_BYTES);
  rep(out, sizeof(out), "", CJK, 248, "");
  expect(rep(in, sizeof(in), "", CJK, 249, ""), CHANGED, out);
  /* 4-byte characters count 2 units */
  expect(rep(in, sizeof(in), "", EMOJI, 124, ""), OK, in);
  rep(out, sizeof(out), "", EMOJI, 124, "");
  expect(rep(in, sizeof(in), "", EMOJI, 124, "a"), CHANGED, out);
  expect(rep(in, sizeof(in), "", EMOJI, 123, "ab"), OK, in);
  /* 249 units; the cut cannot split the emoji: 247 units remain */
  rep(out, sizeof(out), "a", EMOJI, 123, "");
  expect(rep(in, sizeof(in), "a", EMOJI, 124, ""), CHANGED, out);
  CHECK_EQ(units(out), 247);
  expect(rep(in, sizeof(in), "", EMOJI, 125, ""), CHANGED,
         rep(out, sizeof(out), "", EMOJI, 124, ""));
  /* the stem is cut, the extension kept */
  rep(out, sizeof(out), "", "a", 244, ".txt");
  expect(rep(in, sizeof(in), "", "a", 245, ".txt"), CHANGED, out);
  expect(rep(in, sizeof(in), "", "a", 600, ".txt"), CHANGED, out);
  rep(out, sizeof(out), "", EMOJI, 122, ".txt");
  expect(rep(in, sizeof(in), "", EMOJI, 123, ".txt"), CHANGED, out);
  CHECK_EQ(units(out), 248);
  /* extension of exactly VDA_XFER_EXT_KEEP_MAX units is kept */
  {
    char ext[64];
    rep(ext, sizeof(ext), ".", "x", VDA_XFER_EXT_KEEP_MAX - 1, "");
    rep(out, sizeof(out), "", "a", 248 - VDA_XFER_EXT_KEEP_MAX, ext);
    expect(rep(in, sizeof(in), "", "a", 300, ext), CHANGED, out);
    /* one unit longer: absurd, the whole name is cut */
    rep(ext, sizeof(ext), ".", "x", VDA_XFER_EXT_KEEP_MAX, "");
    expect(rep(in, sizeof(in), "", "a", 300, ext), CHANGED,
           rep(out, sizeof(out), "", "a", 248, ""));
  }
  expect(rep(in, sizeof(in), "a.", "b", 300, ""), CHANGED,
         rep(out, sizeof(out), "a.", "b", 246, ""));
  /* a leading-dot name has no extension to keep */
  expect(rep(in, sizeof(in), ".", "b", 300, ""), CHANGED, rep(out, sizeof(out), ".", "b", 247, ""));
  /* the cut exposes trailing spaces: stripped again */
  rep(out, sizeof(out), "", "a", 247, "");
  expect(rep(in, sizeof(in), out, " ", 1, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), CHANGED,
         out);
  /* ... down to nothing: "." then spaces is refused */
  expect(rep(in, sizeof(in), ".", " ", 300, "x"), REFUSED, "");
  /* a reserved stem keeps its '_' when the rest is cut */
  expect(rep(in, sizeof(in), "CON.", "x", 300, ""), CHANGED,
         rep(out, sizeof(out), "_CON.", "x", 243, ""));
  CHECK_EQ(vda_xfer_name_clean(rep(in, sizeof(in), "", "a", 249, ""), out, sizeof(out), &why),
           CHANGED);
  CHECK(strstr(why, "long") != NULL);
}

static void test_output_buffer(void)
{
  char small[5];
  CHECK_EQ(vda_xfer_name_clean("report.pdf", small, sizeof(small), &why), REFUSED);
  CHECK(why != NULL && small[0] == '\0');
  CHECK_EQ(vda_xfer_name_clean("abcd", small, sizeof(small), &why), OK);
  CHECK(strcmp(small, "abcd") == 0);
  CHECK_EQ(vda_xfer_name_clean("abcde", small, sizeof(small), &why), REFUSED);
}

static void expect_variant(const char *clean, unsigned n, const char *out)
{
  char buf[VDA_XFER_VARIANT_BYTES];
  bool ok = vda_xfer_name_variant(clean, n, buf, sizeof(buf));
  CHECK(ok);
  CHECK(strcmp(buf, out) == 0);
  if (!ok || strcmp(buf, out) != 0)
    fprintf(stderr, "  variant \"%s\" %u: got \"%s\"\n", clean, n, buf);
}

static void test_variants(void)
{
  static char in[2048], out[2048];
  char buf[VDA_XFER_VARIANT_BYTES];
  expect_variant("report.pdf", 0, "report.pdf");
  expect_variant("report.pdf", 1, "report (1).pdf");
  expect_variant("report", 2, "report (2)");
  expect_variant(".bashrc", 1, ".bashrc (1)");
  expect_variant(".config.old", 1, ".config (1).old");
  expect_variant("archive.tar.gz", 3, "archive.tar (3).gz");
  expect_variant("x", UINT_MAX, "x (4294967295)");
  expect_variant("_CON", 1, "_CON (1)");
  expect_variant(EMOJI ".png", 12, EMOJI " (12).png");
  /* at the limits: 248 + " (1)" fits; " (10000)" needs the stem cut */
  rep(in, sizeof(in), "", "a", 248, "");
  expect_variant(in, 1, rep(out, sizeof(out), "", "a", 248, " (1)"));
  expect_variant(in, 9999, rep(out, sizeof(out), "", "a", 248, " (9999)"));
  expect_variant(in, 10000, rep(out, sizeof(out), "", "a", 247, " (10000)"));
  rep(in, sizeof(in), "", "a", 244, ".txt");
  expect_variant(in, 1000, rep(out, sizeof(out), "", "a", 244, " (1000).txt"));
  expect_variant(in, 10000, rep(out, sizeof(out), "", "a", 243, " (10000).txt"));
  rep(in, sizeof(in), "", EMOJI, 122, ".txt");
  expect_variant(in, 10000, rep(out, sizeof(out), "", EMOJI, 121, " (10000).txt"));
  CHECK_EQ(units(out), 254);
  /* a long extension is no extension: the suffix goes at the end */
  rep(in, sizeof(in), "a.", "b", 246, "");
  expect_variant(in, 1, rep(out, sizeof(out), "a.", "b", 246, " (1)"));
  expect_variant(in, 100000, rep(out, sizeof(out), "a.", "b", 244, " (100000)"));
  /* only clean names have variants */
  CHECK(!vda_xfer_name_variant("CON", 1, buf, sizeof(buf)));
  CHECK(buf[0] == '\0');
  CHECK(!vda_xfer_name_variant("a/b", 1, buf, sizeof(buf)));
  CHECK(!vda_xfer_name_variant("file.", 1, buf, sizeof(buf)));
  CHECK(!vda_xfer_name_variant("", 0, buf, sizeof(buf)));
  CHECK(!vda_xfer_name_variant(rep(in, sizeof(in), "", "a", 249, ""), 1, buf, sizeof(buf)));
  /* too small an output */
  CHECK(!vda_xfer_name_variant("report.pdf", 1, buf, 14));
  CHECK(vda_xfer_name_variant("report.pdf", 1, buf, 15));
  CHECK(!vda_xfer_name_variant("report.pdf", 0, buf, 10));
  CHECK(!vda_xfer_name_variant("report.pdf", 1, buf, 0));
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every n in 0..10000 for names at the limits: within 255 units, safe
 * (cleaning a variant that is short enough gives it back), distinct. */
static void test_variants_all(void)
{
  enum { N = 10001 };
  static char names[6][2048];
  char **v = malloc(N * sizeof(*v));
  char *store = malloc((size_t)N * VDA_XFER_VARIANT_BYTES);
  size_t bad = 0, dup = 0;
  rep(names[0], sizeof(names[0]), "", "report", 1, ".pdf");
  rep(names[1], sizeof(names[1]), "", "a", 248, "");
  rep(names[2], sizeof(names[2]), "", "a", 244, ".txt");
  rep(names[3], sizeof(names[3]), "", EMOJI, 122, ".txt");
  rep(names[4], sizeof(names[4]), ".", "b", 247, "");
  rep(names[5], sizeof(names[5]), "a.", CJK, 246, "");
  CHECK(v != NULL && store != NULL);
  if (!v || !store)
    goto out;
  for (size_t k = 0; k < 6; k++) {
    for (unsigned n = 0; n < N; n++) {
      char again[VDA_XFER_CLEAN_BYTES];
      v[n] = store + (size_t)n * VDA_XFER_VARIANT_BYTES;
      if (!vda_xfer_name_variant(names[k], n, v[n], VDA_XFER_VARIANT_BYTES) ||
          units(v[n]) > VDA_XFER_NAME_UNITS_MAX || strpbrk(v[n], "<>\"|?*/\\:") != NULL) {
        bad++;
        continue;
      }
      if (units(v[n]) <= VDA_XFER_SAFE_NAME_MAX &&
          (vda_xfer_name_clean(v[n], again, sizeof(again), &why) != OK || strcmp(again, v[n]) != 0))
        bad++;
    }
    qsort(v, N, sizeof(*v), cmp_str);
    for (size_t i = 1; i < N; i++)
      if (strcmp(v[i - 1], v[i]) == 0)
        dup++;
  }
  CHECK_EQ(bad, 0);
  CHECK_EQ(dup, 0);
out:
  free(store);
  free(v);
}

int main(void)
{
  RUN_TEST(test_ordinary_names_kept);
  RUN_TEST(test_addressing_refused);
  RUN_TEST(test_refusal_reasons);
  RUN_TEST(test_cosmetic_changes);
  RUN_TEST(test_reserved_names);
  RUN_TEST(test_length_limits);
  RUN_TEST(test_output_buffer);
  RUN_TEST(test_variants);
  RUN_TEST(test_variants_all);
  return vda_test_report("test_xfer_name");
}
