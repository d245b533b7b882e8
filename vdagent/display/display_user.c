/* display_user.c - see display_user.h. */
#include "display_user.h"

#include <windows.h>
#include <wtsapi32.h>

#include "config.h"
#include "log.h"
#include "winerror_text.h"

/* The console user's hive through their token; NULL when there is none
 * (no one signed in, or we are not LocalSystem). */
static HKEY user_hive(void)
{
  HANDLE token = NULL;
  HKEY hive = NULL;
  DWORD session = WTSGetActiveConsoleSessionId();
  if (session == 0xFFFFFFFFu || !WTSQueryUserToken(session, &token))
    return NULL;
  if (ImpersonateLoggedOnUser(token)) {
    if (RegOpenCurrentUser(KEY_READ, &hive) != ERROR_SUCCESS)
      hive = NULL;
    if (!RevertToSelf()) {
      /* Cannot happen short of a broken system; never keep the identity. */
      LOG_ERROR("RevertToSelf: %s", vda_win_strerror(GetLastError()));
      ExitProcess(1);
    }
  }
  CloseHandle(token);
  return hive;
}

static bool read_switch(bool (*fn)(HKEY))
{
  HKEY hive = user_hive();
  bool on;
  if (hive != NULL) {
    on = fn(hive);
    RegCloseKey(hive);
  } else {
    on = fn(HKEY_CURRENT_USER);
  }
  return on;
}

bool vda_display_user_follows(void)
{
  return read_switch(vda_config_user_follow_window);
}

bool vda_display_user_follows_dpi(void)
{
  return read_switch(vda_config_user_follow_dpi);
}
