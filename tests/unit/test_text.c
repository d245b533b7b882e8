/* test_text.c - UTF-8 <-> UTF-16 clipboard text conversion. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vda_test.h"
#include "vda_text.h"

#define FFFD 0xFFFDu

/* Convert s (n bytes) and compare with the expected units; also checks the
 * sizing call agrees and that the output is NUL-terminated. */
static void u8to16(const char *s, size_t n, const uint16_t *exp, size_t nexp, int line)
{
  uint16_t out[256];
  size_t sized = vda_utf8_to_utf16((const uint8_t *)s, n, NULL, 0);
  size_t got = vda_utf8_to_utf16((const uint8_t *)s, n, out, 256);
  CHECK_EQ(sized, got);
  CHECK_EQ(got, nexp);
  if (got != nexp || memcmp(out, exp, nexp * 2) != 0 || out[nexp] != 0) {
    vda_test_failures++;
    fprintf(stderr, "test_text.c:%d: utf8->utf16 mismatch\n", line);
  }
}
#define U8TO16(s, ...)                                      \
  do {                                                      \
    static const uint16_t e_[] = {__VA_ARGS__};             \
    u8to16(s, sizeof(s) - 1, e_, sizeof(e_) / 2, __LINE__); \
  } while (0)

static void u16to8(const uint16_t *in, size_t n, const char *exp, int line)
{
  uint8_t out[256];
  size_t nexp = strlen(exp);
  size_t sized = vda_utf16_to_utf8(in, n, NULL, 0);
  size_t got = vda_utf16_to_utf8(in, n, out, sizeof(out));
  CHECK_EQ(sized, got);
  CHECK_EQ(got, nexp);
  if (got != nexp || memcmp(out, exp, nexp) != 0) {
    vda_test_failures++;
    fprintf(stderr, "test_text.c:%d: utf16->utf8 mismatch\n", line);
  }
}
#define U16TO8(exp, ...)                        \
  do {                                          \
    static const uint16_t i_[] = {__VA_ARGS__}; \
    u16to8(i_, sizeof(i_) / 2, exp, __LINE__);  \
  } while (0)

/* UTF-8 -> 16 -> 8 must give the input back, byte for byte. */
static void round_trip(const char *s)
{
  size_t n = strlen(s);
  size_t m = vda_utf8_to_utf16((const uint8_t *)s, n, NULL, 0);
  uint16_t *w = malloc((m + 1) * sizeof(*w));
  CHECK(w != NULL);
  if (w == NULL)
    return;
  CHECK_EQ(vda_utf8_to_utf16((const uint8_t *)s, n, w, m + 1), m);
  size_t k = vda_utf16_to_utf8(w, m + 1, NULL, 0);
  CHECK_EQ(k, n);
  uint8_t *b = malloc(k + 1);
  CHECK(b != NULL);
  if (b != NULL) {
    CHECK_EQ(vda_utf16_to_utf8(w, m + 1, b, k), n);
    CHECK(memcmp(b, s, n) == 0);
  }
  free(b);
  free(w);
}

static void test_ascii_and_empty(void)
{
  U8TO16("hello", 'h', 'e', 'l', 'l', 'o');
  U16TO8("hello", 'h', 'e', 'l', 'l', 'o');
  uint16_t w[4] = {0x1234, 0x1234, 0x1234, 0x1234};
  CHECK_EQ(vda_utf8_to_utf16((const uint8_t *)"", 0, w, 4), 0);
  CHECK_EQ(w[0], 0);
  CHECK_EQ(vda_utf8_to_utf16(NULL, 0, NULL, 0), 0);
  CHECK_EQ(vda_utf16_to_utf8(NULL, 0, NULL, 0), 0);
  uint8_t b[2] = {0x55, 0x55};
  CHECK_EQ(vda_utf16_to_utf8(w, 0, b, 2), 0);
  CHECK_EQ(b[0], 0x55); /* nothing written, no terminator */
}

static void test_multibyte(void)
{
  U8TO16("\xC3\xA9", 0x00E9);                                                 /* é */
  U8TO16("\xE6\xBC\xA2\xE5\xAD\x97", 0x6F22, 0x5B57);                         /* 漢字 */
  U8TO16("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", 0x05E9, 0x05DC, 0x05D5, 0x05DD); /* שלום */
  U8TO16("\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", 0x0633, 0x0644, 0x0627, 0x0645); /* سلام */
  U8TO16("\xF0\x9F\x98\x80", 0xD83D, 0xDE00);                                 /* 😀 */
  U8TO16("\xF4\x8F\xBF\xBF", 0xDBFF, 0xDFFF);                                 /* U+10FFFF */
  U8TO16("\xEF\xBF\xBF", 0xFFFF);
  U16TO8("\xF0\x9F\x98\x80", 0xD83D, 0xDE00);
  U16TO8("\xE6\xBC\xA2\xE5\xAD\x97", 0x6F22, 0x5B57);
  U16TO8("\xC3\xA9"
         "a\xDF\xBF",
         0x00E9, 'a', 0x07FF);
  U16TO8("\xEF\xBF\xBD", 0xFFFD);
}

static void test_line_ends_preserved(void)
{
  static const char s[] = "a\r\nb\nc\rd\r\n\r\n";
  U8TO16("a\r\nb\nc\rd\r\n\r\n", 'a', '\r', '\n', 'b', '\n', 'c', '\r', 'd', '\r', '\n', '\r',
         '\n');
  round_trip(s);
}

static void test_invalid_utf8(void)
{
  /* Overlong: C0/C1 and E0 80 80: each byte is its own subpart. */
  U8TO16("\xC0\x80", FFFD, FFFD);
  U8TO16("\xC1\xBF", FFFD, FFFD);
  U8TO16("\xE0\x80\x80", FFFD, FFFD, FFFD);
  U8TO16("\xF0\x80\x80\x80", FFFD, FFFD, FFFD, FFFD);
  /* Surrogates encoded in UTF-8. */
  U8TO16("\xED\xA0\x80", FFFD, FFFD, FFFD);
  U8TO16("\xED\xBF\xBF", FFFD, FFFD, FFFD);
  U8TO16("\xED\x9F\xBF", 0xD7FF); /* just below: valid */
  /* Above U+10FFFF. */
  U8TO16("\xF4\x90\x80\x80", FFFD, FFFD, FFFD, FFFD);
  U8TO16("\xF5\x80", FFFD, FFFD);
  /* Bytes that never occur. */
  U8TO16("\xF8\xF9\xFA\xFB\xFC\xFD\xFE\xFF", FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD);
  /* Lone continuation bytes. */
  U8TO16("a\x80\xBF"
         "b",
         'a', FFFD, FFFD, 'b');
  /* Truncated at the end: the maximal subpart is one U+FFFD. */
  U8TO16("a\xE6\xBC", 'a', FFFD);
  U8TO16("a\xF0\x9F\x98", 'a', FFFD);
  U8TO16("\xC3", FFFD);
  /* Cut short by a non-continuation byte, which is then decoded. */
  U8TO16("\xE6\xBC"
         "A",
         FFFD, 'A');
  U8TO16("\xF0\x9F"
         "\xC3\xA9",
         FFFD, 0xE9);
  /* The Unicode standard's example (Table 3-8 style). */
  U8TO16("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 0x61, FFFD, FFFD, FFFD, 0x62, FFFD,
         0x63, FFFD, FFFD, 0x64);
}

static void test_embedded_nul(void)
{
  /* Text ends at the first NUL, even inside a sequence. */
  U8TO16("ab\0cd", 'a', 'b');
  U8TO16("\xE6\0\xBC", FFFD);
  U8TO16("\0abc");
  U16TO8("ab", 'a', 'b', 0, 'c', 'd');
  U16TO8("", 0, 'x');
  /* n_units bounds the read: no terminator needed. */
  static const uint16_t w[] = {'x', 'y', 'z'};
  uint8_t b[8];
  CHECK_EQ(vda_utf16_to_utf8(w, 2, b, sizeof(b)), 2);
}

static void test_lone_surrogates(void)
{
  U16TO8("\xEF\xBF\xBD", 0xD800); /* high at end */
  U16TO8("\xEF\xBF\xBD"
         "a",
         0xD83D, 'a');                                /* high + other */
  U16TO8("\xEF\xBF\xBD", 0xDC00);                     /* lone low */
  U16TO8("\xEF\xBF\xBD\xEF\xBF\xBD", 0xDE00, 0xD83D); /* reversed pair */
  U16TO8("\xEF\xBF\xBD\xF0\x9F\x98\x80", 0xD83D, 0xD83D, 0xDE00);
  /* A pair cut by n_units: the high half alone is invalid. */
  static const uint16_t w[] = {0xD83D, 0xDE00};
  uint8_t b[8];
  CHECK_EQ(vda_utf16_to_utf8(w, 1, b, sizeof(b)), 3);
  CHECK(memcmp(b, "\xEF\xBF\xBD", 3) == 0);
}

static void test_truncation(void)
{
  /* "a😀" needs 3 units; with room for 2 (+NUL) the pair is not split. */
  static const uint8_t s[] = "a\xF0\x9F\x98\x80";
  uint16_t w[4] = {7, 7, 7, 7};
  CHECK_EQ(vda_utf8_to_utf16(s, 5, w, 3), 3);
  CHECK_EQ(w[0], 'a');
  CHECK_EQ(w[1], 0);
  CHECK_EQ(w[2], 7);
  CHECK_EQ(vda_utf8_to_utf16(s, 5, w, 4), 3);
  CHECK_EQ(w[1], 0xD83D);
  CHECK_EQ(w[2], 0xDE00);
  CHECK_EQ(w[3], 0);
  CHECK_EQ(vda_utf8_to_utf16(s, 5, w, 1), 3);
  CHECK_EQ(w[0], 0);
  /* Stops for good after the first character that does not fit. */
  static const uint8_t t[] = "\xF0\x9F\x98\x80"
                             "b";
  w[0] = w[1] = w[2] = 7;
  CHECK_EQ(vda_utf8_to_utf16(t, 5, w, 2), 3);
  CHECK_EQ(w[0], 0);

  /* UTF-8 output: whole sequences only. */
  static const uint16_t u[] = {'a', 0x6F22, 'b'};
  uint8_t b[8];
  size_t wr = 99;
  memset(b, 0x55, sizeof(b));
  CHECK_EQ(vda_utf16_to_utf8_ex(u, 3, b, 3, &wr), 5);
  CHECK_EQ(wr, 1);
  CHECK_EQ(b[0], 'a');
  CHECK_EQ(b[1], 0x55);
  CHECK_EQ(vda_utf16_to_utf8_ex(u, 3, b, 4, &wr), 5);
  CHECK_EQ(wr, 4);
  CHECK_EQ(vda_utf16_to_utf8_ex(u, 3, b, 5, &wr), 5);
  CHECK_EQ(wr, 5);
  CHECK(memcmp(b,
               "a\xE6\xBC\xA2"
               "b",
               5) == 0);
  CHECK_EQ(vda_utf16_to_utf8_ex(u, 3, NULL, 5, &wr), 5);
  CHECK_EQ(wr, 0);
}

static void test_ascii_runs(void)
{
  /* An ASCII run cut by the room: the units that fit, then the NUL; the
   * count is still the whole conversion's. */
  static const uint8_t s[] = "abcdef";
  uint16_t w[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  CHECK_EQ(vda_utf8_to_utf16(s, 6, w, 4), 6);
  CHECK_EQ(w[0], 'a');
  CHECK_EQ(w[2], 'c');
  CHECK_EQ(w[3], 0);
  CHECK_EQ(w[4], 7);
  /* Runs between a multi-byte sequence and an invalid byte, and a run
   * that ends at a NUL. */
  static const uint8_t m[] = "ab\xC3\xA9"
                             "cd\xFF"
                             "e\0f";
  static const uint16_t want[] = {'a', 'b', 0xE9, 'c', 'd', VDA_REPLACEMENT_CHAR, 'e', 0};
  CHECK_EQ(vda_utf8_to_utf16(m, sizeof(m) - 1, w, 8), 7);
  CHECK(memcmp(w, want, sizeof(want)) == 0);

  /* The other direction: a run cut by out_cap, and runs around a
   * surrogate pair and a lone surrogate. */
  static const uint16_t a[] = {'a', 'b', 'c', 'd'};
  uint8_t b[12];
  size_t wr = 99;
  memset(b, 0x55, sizeof(b));
  CHECK_EQ(vda_utf16_to_utf8_ex(a, 4, b, 3, &wr), 4);
  CHECK_EQ(wr, 3);
  CHECK(memcmp(b, "abc\x55", 4) == 0);
  static const uint16_t p[] = {'x', 0xD83D, 0xDE00, 'y', 0xDC00, 'z'};
  CHECK_EQ(vda_utf16_to_utf8_ex(p, 6, b, sizeof(b), &wr), 10);
  CHECK_EQ(wr, 10);
  CHECK(memcmp(b, "x\xF0\x9F\x98\x80y\xEF\xBF\xBDz", 10) == 0);
}

static void test_round_trips(void)
{
  round_trip("");
  round_trip("plain ASCII text");
  round_trip("caf\xC3\xA9 \xE6\xBC\xA2\xE5\xAD\x97 \xF0\x9F\x98\x80 "
             "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD8\xB3\xD9\x84\xD8\xA7"
             "\xD9\x85\r\nline2\n");
  round_trip("\xF4\x8F\xBF\xBF\xEE\x80\x80\xEF\xBF\xBD\xC2\x80");

  /* Every scalar value: UTF-16 -> UTF-8 -> UTF-16 gives it back. */
  unsigned bad = 0;
  for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF)
      continue;
    uint16_t w[3];
    size_t nw = 1;
    if (cp < 0x10000) {
      w[0] = (uint16_t)cp;
    } else {
      w[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
      w[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
      nw = 2;
    }
    uint8_t b[4];
    size_t n = vda_utf16_to_utf8(w, nw, b, sizeof(b));
    uint16_t back[3] = {0, 0, 0};
    size_t k = vda_utf8_to_utf16(b, n, back, 3);
    if (k != nw || back[0] != w[0] || (nw == 2 && back[1] != w[1]))
      bad++;
  }
  CHECK_EQ(bad, 0);
}

/* Feeds in[0..n) to the stream in pieces cut at cuts[] (ascending, < n) and
 * compares with the whole conversion; returns whether they agree. */
static bool stream_matches(const uint8_t *in, size_t n, const size_t *cuts, size_t ncuts)
{
  uint16_t whole[64], got[64];
  size_t nwhole = vda_utf8_to_utf16(in, n, whole, 64), units = 0, at = 0;
  vda_utf8_stream s;
  vda_utf8_stream_init(&s, got, n + 1);
  for (size_t k = 0; k <= ncuts; k++) {
    size_t to = k < ncuts ? cuts[k] : n;
    vda_utf8_stream_feed(&s, in + at, to - at);
    at = to;
  }
  return vda_utf8_stream_end(&s, &units) && units == nwhole &&
         memcmp(got, whole, (nwhole + 1) * sizeof(uint16_t)) == 0;
}

/* The client's text arrives in pieces cut anywhere, inside characters too:
 * converting as it arrives must give exactly the whole conversion, broken
 * sequences and NULs included. */
static void test_stream_pieces(void)
{
  /* Bytes that matter to the decoder: ASCII, NUL, every kind of lead, the
   * edges of the continuation ranges, never-valid bytes. */
  static const uint8_t alphabet[] = {'a',  0x00, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0,
                                     0xF4, 0xF5, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0};
  static const char *valid[] = {"\xC3\xA9",         "\xE6\xBC\xA2", "\xF0\x9F\x98\x80",
                                "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xE0\xA0\x80"};
  unsigned seed = 12345, bad = 0, cases = 0;
  for (int t = 0; t < 20000; t++) {
    uint8_t in[40];
    size_t n = 0, cuts[8], ncuts = 0;
    size_t len = 1 + (seed = seed * 1103515245u + 12345u) % 30;
    while (n < len) {
      unsigned r = (seed = seed * 1103515245u + 12345u) >> 8;
      if (r % 3 == 0) {
        const char *v = valid[(r / 3) % 6];
        for (size_t k = 0; v[k] && n < sizeof(in); k++)
          in[n++] = (uint8_t)v[k];
      } else if (r % 7 != 0 || t % 4 == 0) { /* NULs in a quarter of the cases only */
        in[n++] = alphabet[1 + (r / 3) % (sizeof(alphabet) - 1)];
      } else {
        in[n++] = 'a';
      }
    }
    if (t % 4 == 0)
      in[((seed >> 4) % n)] = 0;
    /* Every single cut, then a few random sets of cuts. */
    for (size_t c = 0; c < n; c++) {
      cuts[0] = c;
      bad += !stream_matches(in, n, cuts, 1);
      cases++;
    }
    for (int k = 0; k < 4; k++) {
      size_t at = 0;
      ncuts = 0;
      while (ncuts < 8 && at < n) {
        at += (seed = seed * 1103515245u + 12345u) >> 8 & 3;
        if (at < n && (ncuts == 0 || at >= cuts[ncuts - 1]))
          cuts[ncuts++] = at;
      }
      bad += !stream_matches(in, n, cuts, ncuts);
      cases++;
    }
  }
  CHECK_EQ(bad, 0);
  CHECK(cases > 20000);

  /* One byte at a time, and empty pieces in between. */
  static const uint8_t mix[] = "a\xF0\x9F\x98\x80"
                               "b\xE6\xBC\xE6\xBC\xA2\xF0\x9F\xC3\xA9";
  size_t all[sizeof(mix)];
  for (size_t k = 0; k < sizeof(mix) - 1; k++)
    all[k] = k;
  CHECK(stream_matches(mix, sizeof(mix) - 1, all, sizeof(mix) - 1));

  /* Cut short by the end of the text: one U+FFFD. */
  uint16_t out[8];
  size_t units = 9;
  vda_utf8_stream s;
  vda_utf8_stream_init(&s, out, 8);
  vda_utf8_stream_feed(&s, (const uint8_t *)"x\xF0\x9F", 3);
  vda_utf8_stream_feed(&s, (const uint8_t *)"\x98", 1);
  CHECK(vda_utf8_stream_end(&s, &units));
  CHECK_EQ(units, 2);
  CHECK_EQ(out[0], 'x');
  CHECK_EQ(out[1], FFFD);
  CHECK_EQ(out[2], 0);

  /* An output too small is reported, never overrun. */
  uint16_t small[4] = {0, 0, 0, 0x7777};
  vda_utf8_stream_init(&s, small, 3);
  vda_utf8_stream_feed(&s, (const uint8_t *)"abcdef", 6);
  CHECK(!vda_utf8_stream_end(&s, &units));
  CHECK_EQ(small[3], 0x7777);
}

int main(void)
{
  RUN_TEST(test_ascii_and_empty);
  RUN_TEST(test_multibyte);
  RUN_TEST(test_line_ends_preserved);
  RUN_TEST(test_invalid_utf8);
  RUN_TEST(test_embedded_nul);
  RUN_TEST(test_lone_surrogates);
  RUN_TEST(test_truncation);
  RUN_TEST(test_ascii_runs);
  RUN_TEST(test_round_trips);
  RUN_TEST(test_stream_pieces);
  return vda_test_report("text");
}
