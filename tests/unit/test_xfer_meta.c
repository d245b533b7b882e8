/* test_xfer_meta.c - FILE_XFER_START key-file parser. */
#include <string.h>

#include "vda_test.h"
#include "vda_xfer_meta.h"

static const char *why;
static vda_xfer_meta m;

/* Parse a C string including its NUL terminator. */
static bool parse(const char *s)
{
  return vda_xfer_meta_parse((const uint8_t *)s, strlen(s) + 1, &m, &why);
}

static void test_valid(void)
{
  CHECK_ACCEPTED(parse("[vdagent-file-xfer]\nname=report.pdf\nsize=1234\n"), why);
  CHECK(strcmp(m.name, "report.pdf") == 0);
  CHECK_EQ(m.name_len, 10);
  CHECK_EQ(m.size, 1234);
  /* Without trailing newline, with CRLF, comments, blanks, spaces. */
  CHECK_ACCEPTED(parse("# c\r\n\r\n  [vdagent-file-xfer]\r\nsize = 0\r\n"
                       "name = a b\r\n"),
                 why);
  CHECK(strcmp(m.name, "a b") == 0);
  CHECK_EQ(m.size, 0);
  CHECK_ACCEPTED(parse("[vdagent-file-xfer]\nname=x\nsize=18446744073709551615"), why);
  CHECK_EQ(m.size, UINT64_MAX);
  /* Unknown keys and other groups are ignored. */
  CHECK_ACCEPTED(parse("[other]\nname=zzz\n[vdagent-file-xfer]\nname=y\n"
                       "name[fr]=z\nmtime=5\nsize=1\n"),
                 why);
  CHECK(strcmp(m.name, "y") == 0);
  /* UTF-8 and GKeyFile escapes. */
  CHECK_ACCEPTED(parse("[vdagent-file-xfer]\nname=\\sr\xc3\xa9sum\xc3\xa9 "
                       "\xe2\x82\xac \xf0\x9f\x98\x80\\\\\nsize=3\n"),
                 why);
  CHECK(strcmp(m.name, " r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\\") == 0);
}

static void test_missing_and_duplicates(void)
{
  CHECK_REFUSED(parse(""), why);
  CHECK_REFUSED(parse("name=a\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\n"), why);
  CHECK_REFUSED(parse("[other]\nname=a\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\nname=b\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\nsize=1\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\nsize=1\n"
                      "[vdagent-file-xfer]\n"),
                why);
}

static void test_bad_size(void)
{
  static const char *bad[] = {"",
                              "-1",
                              "+1",
                              " 1x",
                              "1 ",
                              "0x10",
                              "1e3",
                              "18446744073709551616",
                              "99999999999999999999",
                              "123456789012345678901"};
  char buf[128];
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    strcpy(buf, "[vdagent-file-xfer]\nname=a\nsize=");
    strcat(buf, bad[i]);
    strcat(buf, "\n");
    CHECK_REFUSED(parse(buf), why);
  }
}

static void test_bad_name_and_syntax(void)
{
  static const uint8_t nul[] = "[vdagent-file-xfer]\nname=a\0b\nsize=1\n";
  static const uint8_t unterminated[] = {'[', 'a', ']'};
  char big[VDA_XFER_NAME_MAX + 64];
  CHECK_REFUSED(vda_xfer_meta_parse(nul, sizeof(nul), &m, &why), why);
  CHECK_REFUSED(vda_xfer_meta_parse(unterminated, sizeof(unterminated), &m, &why), why);
  CHECK_REFUSED(vda_xfer_meta_parse(nul, 0, &m, &why), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\\\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\\x\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\\nb\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\x01\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=\xc0\xaf\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=\xed\xa0\x80\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=\xf4\x90\x80\x80\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=\xe2\x82\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\nname=a\ngarbage\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer\nname=a\nsize=1\n"), why);
  CHECK_REFUSED(parse("[]\n[vdagent-file-xfer]\nname=a\nsize=1\n"), why);
  CHECK_REFUSED(parse("[vdagent-file-xfer]\n=a\nname=a\nsize=1\n"), why);
  /* Name length: at the limit accepted, one over refused. */
  strcpy(big, "[vdagent-file-xfer]\nsize=1\nname=");
  memset(big + strlen(big), 'n', VDA_XFER_NAME_MAX);
  big[32 + VDA_XFER_NAME_MAX] = '\0';
  CHECK_ACCEPTED(parse(big), why);
  CHECK_EQ(m.name_len, VDA_XFER_NAME_MAX);
  big[32 + VDA_XFER_NAME_MAX] = 'n';
  big[33 + VDA_XFER_NAME_MAX] = '\0';
  CHECK_REFUSED(parse(big), why);
}

int main(void)
{
  RUN_TEST(test_valid);
  RUN_TEST(test_missing_and_duplicates);
  RUN_TEST(test_bad_size);
  RUN_TEST(test_bad_name_and_syntax);
  return vda_test_report("test_xfer_meta");
}
