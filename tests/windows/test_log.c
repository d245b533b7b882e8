/* The rotating log: size cap, generations, levels, line format. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "log.h"
#include "vda_test.h"
#include "winerror_text.h"

static WCHAR g_dir[MAX_PATH];

static long file_size(const WCHAR *name)
{
  WCHAR path[MAX_PATH];
  WIN32_FILE_ATTRIBUTE_DATA a;
  _snwprintf(path, MAX_PATH, L"%ls\\%ls", g_dir, name);
  if (!GetFileAttributesExW(path, GetFileExInfoStandard, &a))
    return -1;
  return (long)a.nFileSizeLow;
}

static void read_file(const WCHAR *name, char *buf, size_t cap)
{
  WCHAR path[MAX_PATH];
  FILE *f;
  size_t n = 0;
  _snwprintf(path, MAX_PATH, L"%ls\\%ls", g_dir, name);
  f = _wfopen(path, L"rb");
  if (f) {
    n = fread(buf, 1, cap - 1, f);
    fclose(f);
  }
  buf[n] = 0;
}

static void test_rotation_keeps_generations_and_cap(void)
{
  vda_log_config cfg;
  vda_log_config_default(&cfg, L"rot");
  cfg.directory = g_dir;
  cfg.max_bytes = 300;
  cfg.generations = 2;
  vda_log_open(&cfg);
  for (int i = 0; i < 40; i++)
    LOG_INFO("line %d with some padding to fill the file", i);
  vda_log_close();

  CHECK(file_size(L"rot.log") > 0);
  CHECK(file_size(L"rot.log") <= 300);
  CHECK(file_size(L"rot.1.log") > 0);
  CHECK(file_size(L"rot.1.log") <= 300);
  CHECK(file_size(L"rot.2.log") > 0);
  CHECK_EQ(file_size(L"rot.3.log"), -1); /* only two generations are kept */

  char text[1024];
  read_file(L"rot.log", text, sizeof(text));
  CHECK(strstr(text, "line 39 with") != NULL); /* the newest line is in the live file */
  CHECK(strstr(text, "INFO  rot[") != NULL);
  CHECK(strstr(text, "test_rotation_keeps_generations_and_cap: ") != NULL);
}

static void test_level_filters(void)
{
  vda_log_config cfg;
  char text[2048];
  vda_log_config_default(&cfg, L"lvl");
  cfg.directory = g_dir;
  cfg.level = VDA_LOG_WARN;
  vda_log_open(&cfg);
  LOG_DEBUG("hidden-debug");
  LOG_INFO("hidden-info");
  LOG_WARN("shown-warn");
  LOG_ERROR("shown-error %s", vda_win_strerror(ERROR_FILE_NOT_FOUND));
  vda_log_close();
  read_file(L"lvl.log", text, sizeof(text));
  CHECK(strstr(text, "hidden") == NULL);
  CHECK(strstr(text, "shown-warn") != NULL);
  CHECK(strstr(text, "shown-error") != NULL);
  CHECK(strstr(text, "(2)") != NULL); /* the Win32 code is in the text */
  CHECK(strstr(text, "\r\n") != NULL);
}

static void test_level_parse(void)
{
  vda_log_level l = VDA_LOG_INFO;
  CHECK(vda_log_level_parse("debug", &l) && l == VDA_LOG_DEBUG);
  CHECK(vda_log_level_parse("WARNING", &l) && l == VDA_LOG_WARN);
  CHECK(vda_log_level_parse("0", &l) && l == VDA_LOG_ERROR);
  CHECK(!vda_log_level_parse("loud", &l));
  CHECK(!vda_log_level_parse("4", &l));
}

static void test_error_text(void)
{
  char buf[16];
  CHECK(strstr(vda_win_strerror(ERROR_ACCESS_DENIED), "(5)") != NULL);
  /* A tiny buffer is still terminated and never overrun. */
  vda_win_error_text(ERROR_ACCESS_DENIED, buf, sizeof(buf));
  CHECK(strlen(buf) < sizeof(buf));
}

int main(void)
{
  WCHAR tmp[MAX_PATH];
  GetTempPathW(MAX_PATH, tmp);
  _snwprintf(g_dir, MAX_PATH, L"%lsvda-log-test-%lu", tmp, (unsigned long)GetCurrentProcessId());
  CreateDirectoryW(g_dir, NULL);
  RUN_TEST(test_rotation_keeps_generations_and_cap);
  RUN_TEST(test_level_filters);
  RUN_TEST(test_level_parse);
  RUN_TEST(test_error_text);
  return vda_test_report("win32 log");
}
