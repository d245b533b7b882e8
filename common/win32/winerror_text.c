#include "winerror_text.h"

#include <stdio.h>

const char *vda_win_error_text(DWORD code, char *buf, size_t size)
{
  WCHAR wide[256];
  DWORD n;
  int len;

  if (size == 0)
    return buf;
  n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                     MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), wide, ARRAYSIZE(wide), NULL);
  /* System messages end with CR LF: a log line must not. */
  while (n > 0 && (wide[n - 1] == L'\r' || wide[n - 1] == L'\n' || wide[n - 1] == L' ' ||
                   wide[n - 1] == L'.'))
    n--;
  if (n == 0) {
    snprintf(buf, size, "error %lu", (unsigned long)code);
    return buf;
  }
  len = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, buf, (int)(size > 32 ? size - 32 : 0), NULL,
                            NULL);
  if (len <= 0)
    len = 0;
  snprintf(buf + len, size - (size_t)len, " (%lu)", (unsigned long)code);
  return buf;
}

const char *vda_win_strerror(DWORD code)
{
  static _Thread_local char buf[320];
  return vda_win_error_text(code, buf, sizeof(buf));
}
