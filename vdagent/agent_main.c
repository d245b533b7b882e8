/* vdagent.exe: the SPICE session agent.
 *
 * Started by vdservice in the active console session with the client end of
 * a private pipe (`--ipc <handle>`); it never opens the virtio port itself.
 * It says hello with its capabilities, answers heartbeats, and carries out
 * what the client asks on this session's desktop. It exits when the pipe
 * closes (the service stopped or gave up on it).
 *
 * By hand: `vdagent --resolution WxH[,WxH...]` sets a layout and exits
 * (vdagent/display/display_manual.h).
 */
#include <stdlib.h>
#include <wchar.h>
#include <windows.h>
#include <shellapi.h>

#include "agent_loop.h"
#include "config.h"
#include "display_manual.h"
#include "log.h"
#include "winerror_text.h"

/* Test switch (HKLM\SOFTWARE\SPICE Agent\Test, AgentTestMode): lets the
 * end-to-end tests make the agent crash at start or hang, to prove the
 * service's backoff and hang detection. Absent in normal installs. */
static void read_test_mode(WCHAR *out, DWORD cap)
{
  DWORD size = cap * sizeof(WCHAR);
  out[0] = 0;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\SPICE Agent\\Test", L"AgentTestMode",
                   RRF_RT_REG_SZ, NULL, out, &size) != ERROR_SUCCESS)
    out[0] = 0;
}

/* `--resolution WxH[,WxH...]` (display_manual.h): its value, or NULL.  A
 * flag without a value gives "" (refused with a message). */
static const wchar_t *resolution_arg(int argc, wchar_t **argv)
{
  for (int i = 1; i < argc; i++)
    if (wcscmp(argv[i], L"--resolution") == 0)
      return i + 1 < argc ? argv[i + 1] : L"";
  return NULL;
}

static HANDLE parse_ipc_handle(int argc, wchar_t **argv)
{
  for (int i = 1; i + 1 < argc; i++) {
    if (wcscmp(argv[i], L"--ipc") == 0) {
      wchar_t *end = NULL;
      unsigned long long v = wcstoull(argv[i + 1], &end, 10);
      if (end && *end == 0 && v != 0)
        return (HANDLE)(ULONG_PTR)v;
    }
  }
  return NULL;
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, LPWSTR cmd, int show)
{
  vda_log_config cfg;
  vda_config conf;
  WCHAR test_mode[32];
  wchar_t **argv;
  int argc = 0, rc = 1;
  HANDLE pipe;

  (void)inst, (void)prev, (void)show;
  vda_log_config_default(&cfg, L"vdagent");
  vda_log_open(&cfg);
  vda_config_load(&conf);
  vda_log_set_level(conf.log_level);
  argv = CommandLineToArgvW(GetCommandLineW(), &argc);
  (void)cmd;
  if (argv && resolution_arg(argc, argv) != NULL) {
    /* By hand, in the user's session: apply and exit (no pipe, no port). */
    rc = vda_display_manual_run(resolution_arg(argc, argv));
    goto out;
  }
  pipe = argv ? parse_ipc_handle(argc, argv) : NULL;
  if (!pipe) {
    LOG_ERROR("started without --ipc <handle>: vdagent.exe is launched by the spice-agent "
              "service, not by hand");
    goto out;
  }
  read_test_mode(test_mode, ARRAYSIZE(test_mode));
  if (wcscmp(test_mode, L"exit-at-start") == 0) {
    LOG_WARN("test mode exit-at-start: exiting");
    rc = 3;
    goto out;
  }
  LOG_INFO("agent started (version %s) in session %lu", VDA_VERSION_STRING,
           (unsigned long)WTSGetActiveConsoleSessionId());
  rc = vda_agent_loop_run(pipe, wcscmp(test_mode, L"hang") == 0);
  LOG_INFO("agent exiting (code %d)", rc);

out:
  if (argv)
    LocalFree(argv);
  vda_log_close();
  return rc;
}
