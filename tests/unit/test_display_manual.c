/* test_display_manual.c - `vdagent --resolution WxH[,WxH...]` parsing. */
#include <string.h>

#include "vda_display_manual.h"
#include "vda_test.h"

static vda_display_request R;
static const char *why;

static void test_one_and_several(void)
{
  CHECK_ACCEPTED(vda_display_request_from_text("1920x1080", &R, &why), why);
  CHECK_EQ(R.count, 1);
  CHECK_EQ(R.mon[0].width, 1920);
  CHECK_EQ(R.mon[0].height, 1080);
  CHECK_EQ(R.mon[0].depth, 0); /* keep the current depth */
  CHECK(!R.use_pos);
  CHECK_ACCEPTED(vda_display_request_from_text("1280x1024,1920X1080,800x600", &R, &why), why);
  CHECK_EQ(R.count, 3);
  CHECK(R.use_pos);
  CHECK_EQ(R.mon[1].x, 1280); /* left to right */
  CHECK_EQ(R.mon[2].x, 3200);
  CHECK_EQ(R.mon[2].y, 0);
  CHECK_EQ(R.mon[2].height, 600);
  CHECK_ACCEPTED(vda_display_request_from_text("16384x1", &R, &why), why);
}

static void test_refused(void)
{
  static const char *bad[] = {
      "",         "1920",      "1920x",    "x1080",      "0x600",           "800x0",
      "0800x600", "16385x100", "800x600,", ",800x600",   "800x600x32",      "-800x600",
      " 800x600", "800 x 600", "999999x1", "800x600;rm", "800x600,,640x480"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    CHECK_REFUSED(vda_display_request_from_text(bad[i], &R, &why), why);
  CHECK_REFUSED(vda_display_request_from_text(NULL, &R, &why), why);
}

static void test_too_many(void)
{
  char text[17 * 10 + 1] = "";
  for (int i = 0; i < 17; i++)
    strcat(text, i ? ",800x600" : "800x600");
  CHECK_REFUSED(vda_display_request_from_text(text, &R, &why), why);
  text[strlen(text) - 8] = '\0'; /* 16 */
  CHECK_ACCEPTED(vda_display_request_from_text(text, &R, &why), why);
  CHECK_EQ(R.count, 16);
}

int main(void)
{
  RUN_TEST(test_one_and_several);
  RUN_TEST(test_refused);
  RUN_TEST(test_too_many);
  return vda_test_report("test_display_manual");
}
