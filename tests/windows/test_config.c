/* Registry settings and Group Policy: defaults, precedence, bad values.
 * Most tests use HKCU\Software\vda-test\{setting,policy}; one uses the real
 * HKLM keys of the throwaway unit-test prefix. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "config.h"
#include "log.h"
#include "vda_test.h"

#define TEST_ROOT L"Software\\vda-test"
#define SETTING TEST_ROOT L"\\setting"
#define POLICY TEST_ROOT L"\\policy"

static WCHAR g_dir[MAX_PATH];
static char g_log[16384];

static void clean(void)
{
  RegDeleteTreeW(HKEY_CURRENT_USER, TEST_ROOT);
  RegDeleteKeyW(HKEY_CURRENT_USER, TEST_ROOT);
}

static void set_raw(const wchar_t *subkey, const wchar_t *name, DWORD type, const void *data,
                    DWORD size)
{
  HKEY key;
  CHECK(RegCreateKeyExW(HKEY_CURRENT_USER, subkey, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL) ==
        ERROR_SUCCESS);
  CHECK(RegSetValueExW(key, name, 0, type, data, size) == ERROR_SUCCESS);
  RegCloseKey(key);
}

static void set_dword(const wchar_t *subkey, const wchar_t *name, DWORD v)
{
  set_raw(subkey, name, REG_DWORD, &v, sizeof(v));
}

static void set_sz(const wchar_t *subkey, const wchar_t *name, DWORD type, const wchar_t *s)
{
  set_raw(subkey, name, type, s, (DWORD)((wcslen(s) + 1) * sizeof(wchar_t)));
}

/* Opens a fresh log file for one test; finish_log() closes it and reads it
 * into g_log. */
static void start_log(const wchar_t *component)
{
  vda_log_config cfg;
  vda_log_config_default(&cfg, component);
  cfg.directory = g_dir;
  vda_log_open(&cfg);
}

static void finish_log(const wchar_t *component)
{
  WCHAR path[MAX_PATH];
  FILE *f;
  size_t n = 0;
  vda_log_close();
  _snwprintf(path, MAX_PATH, L"%ls\\%ls.log", g_dir, component);
  f = _wfopen(path, L"rb");
  if (f) {
    n = fread(g_log, 1, sizeof(g_log) - 1, f);
    fclose(f);
  }
  g_log[n] = 0;
}

static void load(vda_config *cfg)
{
  memset(cfg, 0xAB, sizeof(*cfg)); /* no field may be left unset */
  vda_config_load_from(cfg, HKEY_CURRENT_USER, SETTING, POLICY);
}

static void test_defaults_without_keys(void)
{
  vda_config cfg;
  clean();
  start_log(L"defaults");
  load(&cfg);
  finish_log(L"defaults");
  CHECK_EQ(cfg.log_level, VDA_LOG_INFO);
  CHECK_EQ(cfg.clipboard_enabled, 1);
  CHECK_EQ(cfg.max_clipboard_mib, 100);
  CHECK_EQ(cfg.file_xfer_enabled, 1);
  CHECK(cfg.download_dir[0] == 0);
  CHECK_EQ(cfg.source.log_level, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.audio_volume_sync, 1);
  CHECK_EQ(cfg.source.audio_volume_sync, VDA_CONFIG_DEFAULT);
  CHECK(strstr(g_log, "WARN") == NULL); /* missing keys are not errors */
}

static void test_settings_are_read(void)
{
  vda_config cfg;
  clean();
  set_sz(SETTING, L"LogLevel", REG_SZ, L"Debug");
  set_dword(SETTING, L"ClipboardEnabled", 0);
  set_dword(SETTING, L"MaxClipboard", 250);
  set_dword(SETTING, L"FileTransferEnabled", 0);
  set_sz(SETTING, L"DownloadFolder", REG_SZ, L"D:\\Incoming");
  set_dword(SETTING, L"FileTransferNotify", 2);
  set_dword(SETTING, L"AudioVolumeSync", 0);
  load(&cfg);
  CHECK_EQ(cfg.audio_volume_sync, 0);
  CHECK_EQ(cfg.source.audio_volume_sync, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.file_xfer_notify, VDA_CONFIG_NOTIFY_OPEN_FOLDER);
  CHECK_EQ(cfg.source.file_xfer_notify, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.log_level, VDA_LOG_DEBUG);
  CHECK_EQ(cfg.clipboard_enabled, 0);
  CHECK_EQ(cfg.max_clipboard_mib, 250);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.file_xfer_enabled, 0);
  CHECK(wcscmp(cfg.download_dir, L"D:\\Incoming") == 0);
  CHECK_EQ(cfg.source.log_level, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_SETTING);
}

static void test_policy_wins(void)
{
  vda_config cfg;
  clean();
  set_sz(SETTING, L"LogLevel", REG_SZ, L"debug");
  set_dword(SETTING, L"ClipboardEnabled", 1);
  set_dword(SETTING, L"FileTransferEnabled", 1);
  set_sz(SETTING, L"DownloadFolder", REG_SZ, L"D:\\Incoming");
  set_dword(SETTING, L"MaxClipboard", 250);
  set_dword(POLICY, L"MaxClipboard", 20);
  set_dword(POLICY, L"LogLevel", 1); /* DWORD form: warn */
  set_dword(POLICY, L"ClipboardEnabled", 0);
  /* FileTransferEnabled: no policy, the setting stays */
  set_sz(POLICY, L"DownloadFolder", REG_SZ, L"\\\\server\\share\\drop");
  set_dword(SETTING, L"AudioVolumeSync", 1);
  set_dword(POLICY, L"AudioVolumeSync", 0);
  load(&cfg);
  CHECK_EQ(cfg.audio_volume_sync, 0);
  CHECK_EQ(cfg.source.audio_volume_sync, VDA_CONFIG_POLICY);
  CHECK_EQ(cfg.log_level, VDA_LOG_WARN);
  CHECK_EQ(cfg.source.log_level, VDA_CONFIG_POLICY);
  CHECK_EQ(cfg.clipboard_enabled, 0);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_POLICY);
  CHECK_EQ(cfg.max_clipboard_mib, 20);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_POLICY);
  CHECK_EQ(cfg.file_xfer_enabled, 1);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_SETTING);
  CHECK(wcscmp(cfg.download_dir, L"\\\\server\\share\\drop") == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_POLICY);
}

/* A REG_EXPAND_SZ folder stays unexpanded: the writer expands it for the
 * signed-in user, not with LocalSystem's environment. */
static void test_expand_folder_kept_for_the_user(void)
{
  vda_config cfg;
  clean();
  set_sz(SETTING, L"DownloadFolder", REG_EXPAND_SZ, L"%USERPROFILE%\\Drop");
  set_dword(SETTING, L"FileTransferNotify", 3); /* out of range: ignored */
  set_dword(SETTING, L"AudioVolumeSync", 2);    /* out of range: ignored */
  load(&cfg);
  CHECK_EQ(cfg.audio_volume_sync, 1);
  CHECK_EQ(cfg.source.audio_volume_sync, VDA_CONFIG_DEFAULT);
  CHECK(wcscmp(cfg.download_dir, L"%USERPROFILE%\\Drop") == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.file_xfer_notify, VDA_CONFIG_NOTIFY_BALLOON);
  CHECK_EQ(cfg.source.file_xfer_notify, VDA_CONFIG_DEFAULT);
  /* A relative path is refused even when it comes through a variable. */
  set_sz(SETTING, L"DownloadFolder", REG_EXPAND_SZ, L"%NO_SUCH_VARIABLE_VDA%\\Drop");
  load(&cfg);
  CHECK(cfg.download_dir[0] == 0);
}

static void test_empty_policy_folder_forces_default(void)
{
  vda_config cfg;
  clean();
  set_sz(SETTING, L"DownloadFolder", REG_SZ, L"D:\\Incoming");
  set_sz(POLICY, L"DownloadFolder", REG_SZ, L"");
  load(&cfg);
  CHECK(cfg.download_dir[0] == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_POLICY);
}

static void test_bad_values_are_logged_and_ignored(void)
{
  vda_config cfg;
  wchar_t long_path[400];
  clean();
  set_sz(SETTING, L"LogLevel", REG_SZ, L"loud");
  set_sz(SETTING, L"ClipboardEnabled", REG_SZ, L"0"); /* wrong type */
  set_dword(SETTING, L"FileTransferEnabled", 2);      /* out of range */
  set_dword(SETTING, L"DownloadFolder", 7);           /* wrong type */
  set_sz(SETTING, L"MaxClipboard", REG_SZ, L"200");   /* wrong type */
  /* Policy: over-long folder, 64-bit LogLevel, relative clipboard nonsense */
  wcscpy(long_path, L"C:\\");
  for (int i = 0; i < 300; i++)
    wcscat(long_path, L"a");
  set_sz(POLICY, L"DownloadFolder", REG_SZ, long_path);
  {
    unsigned long long q = 3;
    set_raw(POLICY, L"LogLevel", REG_QWORD, &q, sizeof(q));
  }
  set_dword(POLICY, L"ClipboardEnabled", 0xffffffffu);
  set_dword(POLICY, L"MaxClipboard", 0); /* out of range */

  start_log(L"bad");
  load(&cfg);
  finish_log(L"bad");
  /* Every value keeps its default. */
  CHECK_EQ(cfg.log_level, VDA_LOG_INFO);
  CHECK_EQ(cfg.clipboard_enabled, 1);
  CHECK_EQ(cfg.max_clipboard_mib, 100);
  CHECK_EQ(cfg.file_xfer_enabled, 1);
  CHECK(cfg.download_dir[0] == 0);
  CHECK_EQ(cfg.source.log_level, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_DEFAULT);
  /* ...and each was logged as a warning naming key, value and reason. */
  CHECK(strstr(g_log, "WARN") != NULL);
  CHECK(strstr(g_log, "HKCU\\Software\\vda-test\\setting\\LogLevel: \"loud\" is not one of") !=
        NULL);
  CHECK(strstr(g_log, "setting\\ClipboardEnabled: expected REG_DWORD, found REG_SZ") != NULL);
  CHECK(strstr(g_log, "setting\\FileTransferEnabled: 2 is out of range 0..1; ignored") != NULL);
  CHECK(strstr(g_log, "setting\\DownloadFolder: expected REG_SZ or REG_EXPAND_SZ, found "
                      "REG_DWORD") != NULL);
  CHECK(strstr(g_log, "policy\\DownloadFolder: too long") != NULL);
  CHECK(strstr(g_log, "policy\\LogLevel: expected REG_SZ (error, warn, info, debug) or "
                      "REG_DWORD 0..3, found REG_QWORD") != NULL);
  CHECK(strstr(g_log, "policy\\ClipboardEnabled: 4294967295 is out of range") != NULL);
  CHECK(strstr(g_log, "setting\\MaxClipboard: expected REG_DWORD, found REG_SZ") != NULL);
  CHECK(strstr(g_log, "policy\\MaxClipboard: 0 is out of range 1..1024; ignored") != NULL);
  fputs(g_log, stderr); /* shows what an administrator would read */
}

static void test_bad_policy_keeps_setting(void)
{
  vda_config cfg;
  clean();
  set_dword(SETTING, L"ClipboardEnabled", 0);
  set_sz(POLICY, L"ClipboardEnabled", REG_SZ, L"1");
  set_sz(SETTING, L"DownloadFolder", REG_SZ, L"E:\\x");
  set_sz(POLICY, L"DownloadFolder", REG_SZ, L"relative\\dir");
  start_log(L"badpolicy");
  load(&cfg);
  finish_log(L"badpolicy");
  CHECK_EQ(cfg.clipboard_enabled, 0);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_SETTING);
  CHECK(wcscmp(cfg.download_dir, L"E:\\x") == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_SETTING);
  CHECK(strstr(g_log, "\"relative\\dir\" is not an absolute path") != NULL);
}

/* MaxClipboard's bounds are inclusive; a bad policy keeps a good setting. */
static void test_max_clipboard_range(void)
{
  vda_config cfg;
  clean();
  set_dword(SETTING, L"MaxClipboard", 1);
  load(&cfg);
  CHECK_EQ(cfg.max_clipboard_mib, 1);
  set_dword(SETTING, L"MaxClipboard", 1024);
  load(&cfg);
  CHECK_EQ(cfg.max_clipboard_mib, 1024);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_SETTING);
  set_dword(POLICY, L"MaxClipboard", 1025);
  start_log(L"maxclip");
  load(&cfg);
  finish_log(L"maxclip");
  CHECK_EQ(cfg.max_clipboard_mib, 1024);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_SETTING);
  CHECK(strstr(g_log, "policy\\MaxClipboard: 1025 is out of range 1..1024; ignored") != NULL);
  set_dword(SETTING, L"MaxClipboard", 0);
  load(&cfg);
  CHECK_EQ(cfg.max_clipboard_mib, 100);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_DEFAULT);
  {
    unsigned long long q = 50;
    set_raw(POLICY, L"MaxClipboard", REG_QWORD, &q, sizeof(q));
  }
  load(&cfg);
  CHECK_EQ(cfg.max_clipboard_mib, 100);
  CHECK_EQ(cfg.source.max_clipboard_mib, VDA_CONFIG_DEFAULT);
}

static void test_expand_sz_and_length_limits(void)
{
  vda_config cfg;
  wchar_t path[MAX_PATH + 8];
  clean();
  SetEnvironmentVariableW(L"VDA_TEST_DROP", L"C:\\drop");
  set_sz(SETTING, L"DownloadFolder", REG_EXPAND_SZ, L"%VDA_TEST_DROP%\\in");
  load(&cfg);
  /* Valid once expanded, kept as written for the user's expansion. */
  CHECK(wcscmp(cfg.download_dir, L"%VDA_TEST_DROP%\\in") == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_SETTING);

  /* Exactly VDA_CONFIG_DIR_MAX characters, stored without a terminator. */
  wcscpy(path, L"C:\\");
  while (wcslen(path) < VDA_CONFIG_DIR_MAX)
    wcscat(path, L"b");
  set_raw(SETTING, L"DownloadFolder", REG_SZ, path, (DWORD)(wcslen(path) * sizeof(wchar_t)));
  load(&cfg);
  CHECK_EQ(wcslen(cfg.download_dir), VDA_CONFIG_DIR_MAX);
  CHECK(wcscmp(cfg.download_dir, path) == 0);

  /* One more is too long; so is a short REG_EXPAND_SZ that expands past it. */
  wcscat(path, L"b");
  set_sz(SETTING, L"DownloadFolder", REG_SZ, path);
  load(&cfg);
  CHECK(cfg.download_dir[0] == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_DEFAULT);
  path[200] = 0;
  SetEnvironmentVariableW(L"VDA_TEST_DROP", path);
  set_sz(SETTING, L"DownloadFolder", REG_EXPAND_SZ, L"%VDA_TEST_DROP%\\%VDA_TEST_DROP%");
  load(&cfg);
  CHECK(cfg.download_dir[0] == 0);
  CHECK_EQ(cfg.source.download_dir, VDA_CONFIG_DEFAULT);
}

static void test_log_line_names_sources(void)
{
  vda_config cfg;
  clean();
  set_dword(POLICY, L"FileTransferEnabled", 0);
  set_dword(POLICY, L"MaxClipboard", 64);
  set_sz(SETTING, L"LogLevel", REG_SZ, L"warn");
  start_log(L"summary");
  load(&cfg);
  vda_config_log(&cfg);
  finish_log(L"summary");
  CHECK(strstr(g_log, "LogLevel=warn (setting) ClipboardEnabled=1 (default) "
                      "MaxClipboard=64 MiB (policy) FileTransferEnabled=0 (policy) "
                      "DownloadFolder=\"\" (the user's "
                      "Downloads) (default)") != NULL);
  CHECK(strcmp(vda_config_source_name(VDA_CONFIG_POLICY), "policy") == 0);
}

/* The production entry point reads HKLM (the prefix is throwaway). */
/* vda_config_load_from_checked (`vdservice status`, at every query): the
 * same values and sources, but bad values are recorded, never logged, and
 * the record is bounded. */
static void test_checked_load_records_instead_of_logging(void)
{
  vda_config cfg, plain;
  vda_config_problems problems;

  clean();
  set_sz(SETTING, VDA_CONFIG_VALUE_CLIPBOARD, REG_SZ, L"yes");
  set_dword(SETTING, VDA_CONFIG_VALUE_MAX_CLIPBOARD, 5000);
  set_dword(SETTING, VDA_CONFIG_VALUE_FILE_XFER, 0);
  set_dword(POLICY, VDA_CONFIG_VALUE_XFER_NOTIFY, 2);
  start_log(L"checked");
  memset(&cfg, 0xAB, sizeof(cfg));
  memset(&problems, 0xAB, sizeof(problems));
  vda_config_load_from_checked(&cfg, HKEY_CURRENT_USER, SETTING, POLICY, &problems);
  finish_log(L"checked");
  CHECK(strstr(g_log, "ignored") == NULL); /* nothing logged */
  CHECK_EQ(problems.count, 2);
  CHECK_EQ(problems.more, 0);
  CHECK(strstr(problems.lines[0], "HKCU\\Software\\vda-test\\setting\\ClipboardEnabled: "
                                  "expected REG_DWORD") != NULL);
  CHECK(strstr(problems.lines[1], "MaxClipboard: 5000 is out of range") != NULL);
  CHECK(strstr(problems.lines[1], "; ignored") != NULL);
  /* Same values and sources as the logging load. */
  vda_config_load_from(&plain, HKEY_CURRENT_USER, SETTING, POLICY);
  CHECK_EQ(cfg.clipboard_enabled, 1);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.file_xfer_enabled, 0);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.file_xfer_notify, 2);
  CHECK_EQ(cfg.source.file_xfer_notify, VDA_CONFIG_POLICY);
  CHECK(memcmp(&cfg, &plain, sizeof(cfg)) == 0);

  /* More bad values than lines: counted. */
  set_sz(SETTING, VDA_CONFIG_VALUE_LOG_LEVEL, REG_SZ, L"loud");
  set_sz(SETTING, VDA_CONFIG_VALUE_DOWNLOAD_DIR, REG_SZ, L"relative\\dir");
  set_sz(SETTING, VDA_CONFIG_VALUE_FILE_XFER, REG_SZ, L"no");
  set_dword(POLICY, VDA_CONFIG_VALUE_CLIPBOARD, 7);
  vda_config_load_from_checked(&cfg, HKEY_CURRENT_USER, SETTING, POLICY, &problems);
  CHECK_EQ(problems.count, VDA_CONFIG_PROBLEMS_MAX);
  CHECK_EQ(problems.more, 6 - VDA_CONFIG_PROBLEMS_MAX);
  clean();
}

static void test_hklm_keys(void)
{
  vda_config cfg;
  HKEY key;
  DWORD zero = 0;
  CHECK(RegCreateKeyExW(HKEY_LOCAL_MACHINE, VDA_CONFIG_KEY, 0, NULL, 0,
                        KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL) == ERROR_SUCCESS);
  CHECK(RegSetValueExW(key, L"ClipboardEnabled", 0, REG_DWORD, (BYTE *)&zero, sizeof(zero)) ==
        ERROR_SUCCESS);
  RegCloseKey(key);
  CHECK(RegCreateKeyExW(HKEY_LOCAL_MACHINE, VDA_CONFIG_POLICY_KEY, 0, NULL, 0,
                        KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL) == ERROR_SUCCESS);
  CHECK(RegSetValueExW(key, L"FileTransferEnabled", 0, REG_DWORD, (BYTE *)&zero, sizeof(zero)) ==
        ERROR_SUCCESS);
  RegCloseKey(key);

  vda_config_load(&cfg);
  CHECK_EQ(cfg.clipboard_enabled, 0);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_SETTING);
  CHECK_EQ(cfg.file_xfer_enabled, 0);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_POLICY);
  CHECK_EQ(cfg.source.log_level, VDA_CONFIG_DEFAULT);

  RegDeleteKeyExW(HKEY_LOCAL_MACHINE, VDA_CONFIG_KEY, KEY_WOW64_64KEY, 0);
  RegDeleteKeyExW(HKEY_LOCAL_MACHINE, VDA_CONFIG_POLICY_KEY, KEY_WOW64_64KEY, 0);
  vda_config_load(&cfg);
  CHECK_EQ(cfg.source.clipboard_enabled, VDA_CONFIG_DEFAULT);
  CHECK_EQ(cfg.source.file_xfer_enabled, VDA_CONFIG_DEFAULT);
}

int main(void)
{
  WCHAR tmp[MAX_PATH];
  GetTempPathW(MAX_PATH, tmp);
  _snwprintf(g_dir, MAX_PATH, L"%lsvda-config-test-%lu", tmp, (unsigned long)GetCurrentProcessId());
  CreateDirectoryW(g_dir, NULL);
  RUN_TEST(test_defaults_without_keys);
  RUN_TEST(test_settings_are_read);
  RUN_TEST(test_policy_wins);
  RUN_TEST(test_empty_policy_folder_forces_default);
  RUN_TEST(test_expand_folder_kept_for_the_user);
  RUN_TEST(test_bad_values_are_logged_and_ignored);
  RUN_TEST(test_bad_policy_keeps_setting);
  RUN_TEST(test_max_clipboard_range);
  RUN_TEST(test_expand_sz_and_length_limits);
  RUN_TEST(test_log_line_names_sources);
  RUN_TEST(test_checked_load_records_instead_of_logging);
  RUN_TEST(test_hklm_keys);
  clean();
  return vda_test_report("win32 config");
}
