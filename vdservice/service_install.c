#include "service_install.h"

#include <windows.h>

#include "eventlog.h"
#include "log.h"
#include "winerror_text.h"

/* Restart after a crash: quickly at first, then backing off; the failure
 * count resets after a day without failures. */
static void set_recovery(SC_HANDLE svc)
{
  SC_ACTION actions[3] = {
      {SC_ACTION_RESTART, 2000},
      {SC_ACTION_RESTART, 10000},
      {SC_ACTION_RESTART, 60000},
  };
  SERVICE_FAILURE_ACTIONSW fa = {
      .dwResetPeriod = 24 * 60 * 60, .cActions = ARRAYSIZE(actions), .lpsaActions = actions};
  SERVICE_FAILURE_ACTIONS_FLAG flag = {.fFailureActionsOnNonCrashFailures = TRUE};

  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa))
    LOG_WARN("cannot set recovery actions: %s", vda_win_strerror(GetLastError()));
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag))
    LOG_DEBUG("cannot set non-crash failure flag: %s", vda_win_strerror(GetLastError()));
}

void vds_apply_recovery(void)
{
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc = NULL;
  if (!scm) {
    LOG_WARN("OpenSCManagerW: %s", vda_win_strerror(GetLastError()));
    return;
  }
  svc = OpenServiceW(scm, VDS_SERVICE_NAME, SERVICE_CHANGE_CONFIG);
  if (svc)
    set_recovery(svc);
  else
    LOG_WARN("OpenServiceW: %s", vda_win_strerror(GetLastError()));
  if (svc)
    CloseServiceHandle(svc);
  CloseServiceHandle(scm);
}

int vds_install(void)
{
  WCHAR path[MAX_PATH + 2];
  WCHAR quoted[MAX_PATH + 4];
  SC_HANDLE scm = NULL, svc = NULL;
  SERVICE_DESCRIPTIONW desc = {.lpDescription = (LPWSTR)VDS_SERVICE_DESCRIPTION};
  int rc = 1;
  DWORD n;

  n = GetModuleFileNameW(NULL, path, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) {
    LOG_ERROR("GetModuleFileNameW: %s", vda_win_strerror(GetLastError()));
    goto out;
  }
  /* Quoted: an unquoted path with spaces is a classic privilege escalation. */
  _snwprintf(quoted, ARRAYSIZE(quoted), L"\"%ls\"", path);
  quoted[ARRAYSIZE(quoted) - 1] = 0;

  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE | SC_MANAGER_CONNECT);
  if (!scm) {
    LOG_ERROR("OpenSCManagerW: %s", vda_win_strerror(GetLastError()));
    goto out;
  }
  svc = CreateServiceW(scm, VDS_SERVICE_NAME, VDS_SERVICE_DISPLAY, SERVICE_ALL_ACCESS,
                       SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, quoted,
                       NULL, NULL, NULL, NULL /* LocalSystem */, NULL);
  if (!svc && GetLastError() == ERROR_SERVICE_EXISTS) {
    /* Re-running install updates the registration in place. */
    svc = OpenServiceW(scm, VDS_SERVICE_NAME, SERVICE_ALL_ACCESS);
    if (svc && !ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                                     SERVICE_ERROR_NORMAL, quoted, NULL, NULL, NULL, NULL, NULL,
                                     VDS_SERVICE_DISPLAY)) {
      LOG_ERROR("ChangeServiceConfigW: %s", vda_win_strerror(GetLastError()));
      goto out;
    }
  }
  if (!svc) {
    LOG_ERROR("CreateServiceW(%ls): %s", VDS_SERVICE_NAME, vda_win_strerror(GetLastError()));
    goto out;
  }
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc))
    LOG_WARN("cannot set description: %s", vda_win_strerror(GetLastError()));
  set_recovery(svc);
  vds_eventlog_register(path);
  LOG_INFO("service '%ls' installed: %ls", VDS_SERVICE_NAME, quoted);
  rc = 0;

out:
  if (svc)
    CloseServiceHandle(svc);
  if (scm)
    CloseServiceHandle(scm);
  return rc;
}

/* Asks a running service to stop and waits up to `ms` for it. */
static void stop_and_wait(SC_HANDLE svc, DWORD ms)
{
  SERVICE_STATUS st;
  DWORD waited = 0;

  if (!ControlService(svc, SERVICE_CONTROL_STOP, &st))
    return; /* not running, or cannot be stopped: nothing to wait for */
  while (st.dwCurrentState != SERVICE_STOPPED && waited < ms) {
    Sleep(100);
    waited += 100;
    if (!QueryServiceStatus(svc, &st))
      break;
  }
  if (st.dwCurrentState != SERVICE_STOPPED)
    LOG_WARN("service did not stop within %lu ms", (unsigned long)ms);
}

int vds_uninstall(void)
{
  SC_HANDLE scm = NULL, svc = NULL;
  int rc = 1;

  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (!scm) {
    LOG_ERROR("OpenSCManagerW: %s", vda_win_strerror(GetLastError()));
    goto out;
  }
  svc = OpenServiceW(scm, VDS_SERVICE_NAME, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
  if (!svc) {
    DWORD err = GetLastError();
    if (err == ERROR_SERVICE_DOES_NOT_EXIST) {
      LOG_INFO("service '%ls' is not installed", VDS_SERVICE_NAME);
      rc = 0;
    } else {
      LOG_ERROR("OpenServiceW: %s", vda_win_strerror(err));
    }
    goto out;
  }
  stop_and_wait(svc, 10000);
  if (!DeleteService(svc) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE) {
    LOG_ERROR("DeleteService: %s", vda_win_strerror(GetLastError()));
    goto out;
  }
  vds_eventlog_unregister();
  LOG_INFO("service '%ls' removed", VDS_SERVICE_NAME);
  rc = 0;

out:
  if (svc)
    CloseServiceHandle(svc);
  if (scm)
    CloseServiceHandle(scm);
  return rc;
}
