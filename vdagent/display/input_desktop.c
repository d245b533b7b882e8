#include "input_desktop.h"

#include <windows.h>

#include "log.h"
#include "winerror_text.h"

/* Per thread: the desktop we switched to (closed when we leave it) and the
 * last failure reported, so a persistent refusal is logged once. */
static _Thread_local HDESK t_current;
static _Thread_local DWORD t_last_error;

static bool same_desktop(HDESK a, HDESK b)
{
  WCHAR na[64], nb[64];
  DWORD n;
  if (!GetUserObjectInformationW(a, UOI_NAME, na, sizeof(na), &n) ||
      !GetUserObjectInformationW(b, UOI_NAME, nb, sizeof(nb), &n))
    return false;
  return _wcsicmp(na, nb) == 0;
}

bool vda_input_desktop_follow(void)
{
  HDESK input = OpenInputDesktop(0, FALSE, GENERIC_ALL);
  HDESK thread_desk = GetThreadDesktop(GetCurrentThreadId());
  DWORD err;
  WCHAR name[64] = L"?";
  DWORD n;

  if (!input) {
    err = GetLastError();
    goto fail;
  }
  if (thread_desk && same_desktop(input, thread_desk)) {
    CloseDesktop(input);
    t_last_error = 0;
    return true;
  }
  if (!SetThreadDesktop(input)) {
    err = GetLastError();
    CloseDesktop(input);
    goto fail;
  }
  GetUserObjectInformationW(input, UOI_NAME, name, sizeof(name), &n);
  LOG_INFO("now acting on the input desktop '%ls'", name);
  if (t_current)
    CloseDesktop(t_current);
  t_current = input;
  t_last_error = 0;
  return true;

fail:
  if (err != t_last_error)
    LOG_WARN("cannot follow the input desktop: %s", vda_win_strerror(err));
  t_last_error = err;
  return false;
}
