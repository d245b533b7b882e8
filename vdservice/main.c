/* vdservice.exe: the SPICE agent's Windows service.
 *
 *   vdservice install     register the auto-start service "spice-agent"
 *   vdservice uninstall   stop and remove it
 *   vdservice run         run in this console (for debugging), Ctrl+C stops
 *   vdservice status      ask the running service how it is (status_cmd.h)
 *   (no arguments)        started by the Service Control Manager
 */
#include <stdio.h>
#include <windows.h>
#include <wtsapi32.h>

#include "config.h"
#include "eventlog.h"
#include "log.h"
#include "service_install.h"
#include "service_loop.h"
#include "session_queue.h"
#include "status_cmd.h"
#include "winerror_text.h"

static HANDLE g_stop;
static WCHAR g_agent_path[MAX_PATH];
static vds_loop_options g_opt = {.port_path = VDS_PORT_PATH, .agent_path = g_agent_path};
static SERVICE_STATUS_HANDLE g_status_handle;
static SERVICE_STATUS g_status = {.dwServiceType = SERVICE_WIN32_OWN_PROCESS};

static void report(DWORD state, DWORD exit_code, DWORD wait_hint)
{
  static DWORD checkpoint = 1;

  g_status.dwCurrentState = state;
  g_status.dwWin32ExitCode = exit_code;
  g_status.dwWaitHint = wait_hint;
  g_status.dwControlsAccepted =
      state == SERVICE_START_PENDING
          ? 0
          : SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_SESSIONCHANGE;
  g_status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : checkpoint++;
  if (!SetServiceStatus(g_status_handle, &g_status))
    LOG_WARN("SetServiceStatus: %s", vda_win_strerror(GetLastError()));
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
  (void)type, (void)data, (void)ctx;
  switch (control) {
  case SERVICE_CONTROL_STOP:
  case SERVICE_CONTROL_SHUTDOWN:
    LOG_INFO("%s requested", control == SERVICE_CONTROL_STOP ? "stop" : "shutdown");
    report(SERVICE_STOP_PENDING, NO_ERROR, 5000);
    SetEvent(g_stop);
    return NO_ERROR;
  case SERVICE_CONTROL_SESSIONCHANGE:
    /* Handled on the loop's thread: this one only queues. */
    vds_session_queue_push(type, data ? ((WTSSESSION_NOTIFICATION *)data)->dwSessionId : 0);
    return NO_ERROR;
  case SERVICE_CONTROL_INTERROGATE:
    return NO_ERROR;
  default:
    return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

/* vdagent.exe lives beside vdservice.exe. */
static bool find_agent(void)
{
  DWORD n = GetModuleFileNameW(NULL, g_agent_path, MAX_PATH);
  WCHAR *slash;
  if (n == 0 || n >= MAX_PATH - 16)
    return false;
  slash = wcsrchr(g_agent_path, L'\\');
  if (!slash)
    return false;
  wcscpy(slash + 1, L"vdagent.exe");
  return true;
}

static void open_log(bool console)
{
  vda_log_config cfg;
  vda_config conf;
  vda_log_config_default(&cfg, L"vdservice");
  cfg.to_stderr = console;
  vda_log_open(&cfg);
  /* The level comes from the registry (setting or Group Policy). */
  vda_config_load(&conf);
  vda_log_set_level(conf.log_level);
  vda_config_log(&conf);
  /* The reader bounds every clipboard stream from the client by it. */
  g_opt.max_clipboard = (uint64_t)conf.max_clipboard_mib * 1024u * 1024u;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  int rc;

  (void)argc, (void)argv;
  g_status_handle = RegisterServiceCtrlHandlerExW(L"spice-agent", control_handler, NULL);
  if (!g_status_handle) {
    LOG_ERROR("RegisterServiceCtrlHandlerExW: %s", vda_win_strerror(GetLastError()));
    return;
  }
  report(SERVICE_START_PENDING, NO_ERROR, 3000);
  report(SERVICE_RUNNING, NO_ERROR, 0);
  vds_apply_recovery();
  LOG_INFO("service started (version %s)", VDA_VERSION_STRING);
  vds_eventlog_report(VDS_EVENT_INFO, "SPICE Agent service %s started", VDA_VERSION_STRING);
  rc = vds_loop_run(&g_opt, g_stop);
  LOG_INFO("service stopped (exit code %d)", rc);
  vds_eventlog_report(rc == 0 ? VDS_EVENT_INFO : VDS_EVENT_ERROR,
                      "SPICE Agent service stopped (exit code %d)%s", rc,
                      rc == 0 ? "" : ": see C:\\ProgramData\\SPICE Agent\\vdservice.log");
  report(SERVICE_STOPPED, rc == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR, 0);
}

static BOOL WINAPI console_ctrl(DWORD type)
{
  (void)type;
  SetEvent(g_stop);
  return TRUE;
}

static int run_console(void)
{
  LOG_INFO("running in console (version %s); Ctrl+C stops", VDA_VERSION_STRING);
  SetConsoleCtrlHandler(console_ctrl, TRUE);
  return vds_loop_run(&g_opt, g_stop);
}

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
  SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)L"spice-agent", service_main}, {NULL, NULL}};
  int rc = 0;

  /* Manual-reset: every wait on it, now and later, sees the stop. */
  g_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!g_stop) {
    fprintf(stderr, "vdservice: CreateEventW failed (%lu)\n", (unsigned long)GetLastError());
    return 1;
  }
  if (!vds_session_queue_init() || !find_agent()) {
    fprintf(stderr, "vdservice: cannot initialise (%lu)\n", (unsigned long)GetLastError());
    return 1;
  }
  if (argc >= 2 && _wcsicmp(argv[1], L"status") == 0) {
    /* A query only: it writes neither to the service's log nor its ring. */
    rc = vds_status_command();
  } else if (argc >= 2) {
    open_log(true);
    if (_wcsicmp(argv[1], L"install") == 0)
      rc = vds_install();
    else if (_wcsicmp(argv[1], L"uninstall") == 0)
      rc = vds_uninstall();
    else if (_wcsicmp(argv[1], L"run") == 0)
      rc = run_console();
    else {
      fprintf(stderr, "usage: vdservice install | uninstall | run | status\n");
      rc = 2;
    }
  } else {
    open_log(false);
    if (!StartServiceCtrlDispatcherW(table)) {
      DWORD err = GetLastError();
      LOG_ERROR("StartServiceCtrlDispatcherW: %s%s", vda_win_strerror(err),
                err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT
                    ? " (not started by the SCM: use 'vdservice run' in a console)"
                    : "");
      rc = 1;
    }
  }
  vda_log_close();
  CloseHandle(g_stop);
  return rc;
}
