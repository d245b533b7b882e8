#include "eventlog.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "messages.h"
#include "winerror_text.h"

#define SOURCE L"spice-agent"
#define SOURCE_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\spice-agent"

DWORD vds_eventlog_register(const wchar_t *exe_path)
{
  HKEY key = NULL;
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  DWORD err =
      RegCreateKeyExW(HKEY_LOCAL_MACHINE, SOURCE_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
  if (err != ERROR_SUCCESS)
    goto out;
  err = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe_path,
                       (DWORD)((wcslen(exe_path) + 1) * sizeof(WCHAR)));
  if (err == ERROR_SUCCESS)
    err = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof(types));

out:
  if (key)
    RegCloseKey(key);
  if (err != ERROR_SUCCESS)
    LOG_WARN("cannot register the Event Log source: %s", vda_win_strerror(err));
  return err;
}

void vds_eventlog_unregister(void)
{
  DWORD err = RegDeleteKeyW(HKEY_LOCAL_MACHINE, SOURCE_KEY);
  if (err != ERROR_SUCCESS && err != ERROR_FILE_NOT_FOUND)
    LOG_WARN("cannot remove the Event Log source: %s", vda_win_strerror(err));
}

void vds_eventlog_report(vds_event_kind kind, const char *fmt, ...)
{
  static const WORD types[] = {EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE,
                               EVENTLOG_ERROR_TYPE};
  static const DWORD ids[] = {VDS_MSG_INFO, VDS_MSG_WARNING, VDS_MSG_ERROR};
  char text[1024];
  WCHAR wide[1024];
  LPCWSTR strings[1] = {wide};
  HANDLE source;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if (!MultiByteToWideChar(CP_UTF8, 0, text, -1, wide, ARRAYSIZE(wide)))
    wide[0] = 0;
  source = RegisterEventSourceW(NULL, SOURCE);
  if (!source) {
    LOG_WARN("RegisterEventSourceW: %s", vda_win_strerror(GetLastError()));
    return;
  }
  if (!ReportEventW(source, types[kind], 0, ids[kind], NULL, 1, 0, strings, NULL))
    LOG_WARN("ReportEventW: %s", vda_win_strerror(GetLastError()));
  DeregisterEventSource(source);
}
