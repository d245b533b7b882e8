#include "agent_launcher.h"

#include <bcrypt.h>
#include <sddl.h>
#include <stdio.h>

#include "ipc_link.h"
#include "log.h"
#include "winerror_text.h"

/* SYSTEM only, protected from inheritance of other ACEs. */
#define PIPE_SDDL L"D:P(A;;GA;;;SY)"

static DWORD random_pipe_name(WCHAR *out, size_t cap)
{
  unsigned char rnd[16];
  NTSTATUS st = BCryptGenRandom(NULL, rnd, sizeof(rnd), BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  int n;
  if (!BCRYPT_SUCCESS(st))
    return ERROR_GEN_FAILURE;
  n = _snwprintf(out, cap, L"\\\\.\\pipe\\spice-agent-%lu-", (unsigned long)GetCurrentProcessId());
  for (size_t i = 0; i < sizeof(rnd) && n > 0 && (size_t)n + 2 < cap; i++, n += 2)
    _snwprintf(out + n, cap - (size_t)n, L"%02x", rnd[i]);
  return ERROR_SUCCESS;
}

/* Creates the single pipe instance and opens its client end (inheritable). */
static DWORD make_pipe(vds_agent_proc *p, HANDLE *client)
{
  SECURITY_ATTRIBUTES sa = {.nLength = sizeof(sa)};
  PSECURITY_DESCRIPTOR sd = NULL;
  OVERLAPPED ov = {0};
  DWORD err;

  *client = INVALID_HANDLE_VALUE;
  if ((err = random_pipe_name(p->pipe_name, ARRAYSIZE(p->pipe_name))) != ERROR_SUCCESS)
    goto out;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PIPE_SDDL, SDDL_REVISION_1, &sd,
                                                            NULL)) {
    err = GetLastError();
    goto out;
  }
  sa.lpSecurityDescriptor = sd;
  sa.bInheritHandle = FALSE;
  p->pipe = CreateNamedPipeW(
      p->pipe_name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
      VDA_IPC_TO_AGENT_IO /* out: to the agent */, VDA_IPC_TO_SERVICE_IO /* in */, 0, &sa);
  if (p->pipe == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    p->pipe = NULL;
    goto out;
  }
  sa.bInheritHandle = TRUE;
  *client = CreateFileW(p->pipe_name, GENERIC_READ | GENERIC_WRITE, 0, &sa, OPEN_EXISTING,
                        FILE_FLAG_OVERLAPPED, NULL);
  if (*client == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    goto out;
  }
  /* Already connected by the CreateFileW above: this only confirms it. */
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ov.hEvent) {
    err = GetLastError();
    goto out;
  }
  if (!ConnectNamedPipe(p->pipe, &ov)) {
    err = GetLastError();
    if (err == ERROR_IO_PENDING) {
      DWORD ignored;
      err = GetOverlappedResult(p->pipe, &ov, &ignored, TRUE) ? ERROR_SUCCESS : GetLastError();
    } else if (err == ERROR_PIPE_CONNECTED) {
      err = ERROR_SUCCESS;
    }
  } else {
    err = ERROR_SUCCESS;
  }

out:
  if (ov.hEvent)
    CloseHandle(ov.hEvent);
  if (sd)
    LocalFree(sd);
  if (err != ERROR_SUCCESS && *client != INVALID_HANDLE_VALUE) {
    CloseHandle(*client);
    *client = INVALID_HANDLE_VALUE;
  }
  return err;
}

/* The service's own token, moved to `session`. Fails without SeTcbPrivilege
 * (i.e. when not running as LocalSystem, as in `vdservice run`). */
static DWORD session_token(DWORD session, HANDLE *out)
{
  HANDLE self = NULL;
  DWORD err = ERROR_SUCCESS;

  *out = NULL;
  if (!OpenProcessToken(GetCurrentProcess(),
                        TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY |
                            TOKEN_ADJUST_DEFAULT | TOKEN_ADJUST_SESSIONID,
                        &self)) {
    err = GetLastError();
    goto out;
  }
  if (!DuplicateTokenEx(self, MAXIMUM_ALLOWED, NULL, SecurityIdentification, TokenPrimary, out)) {
    err = GetLastError();
    goto out;
  }
  if (!SetTokenInformation(*out, TokenSessionId, &session, sizeof(session))) {
    err = GetLastError();
    CloseHandle(*out);
    *out = NULL;
  }

out:
  if (self)
    CloseHandle(self);
  return err;
}

HANDLE vds_agent_job_create(void)
{
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION info = {0};
  HANDLE job = CreateJobObjectW(NULL, NULL);
  if (!job) {
    LOG_WARN("CreateJobObjectW: %s", vda_win_strerror(GetLastError()));
    return NULL;
  }
  info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof(info))) {
    LOG_WARN("SetInformationJobObject: %s", vda_win_strerror(GetLastError()));
    CloseHandle(job);
    return NULL;
  }
  return job;
}

DWORD vds_agent_launch(const wchar_t *exe_path, DWORD session, HANDLE job, vds_agent_proc *out)
{
  WCHAR cmdline[MAX_PATH + 64];
  STARTUPINFOEXW si = {.StartupInfo.cb = sizeof(si)};
  PROCESS_INFORMATION pi = {0};
  SIZE_T attr_size = 0;
  HANDLE client = INVALID_HANDLE_VALUE, token = NULL;
  DWORD err;
  BOOL ok;

  ZeroMemory(out, sizeof(*out));
  if ((err = make_pipe(out, &client)) != ERROR_SUCCESS) {
    LOG_ERROR("cannot create the agent pipe: %s", vda_win_strerror(err));
    goto out;
  }
  /* The child learns its end by handle value: nothing to look up by name. */
  _snwprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" --ipc %llu", exe_path,
             (unsigned long long)(ULONG_PTR)client);
  cmdline[ARRAYSIZE(cmdline) - 1] = 0;

  /* Inherit exactly the pipe handle, nothing else the service has open. */
  InitializeProcThreadAttributeList(NULL, 1, 0, &attr_size);
  si.lpAttributeList = HeapAlloc(GetProcessHeap(), 0, attr_size);
  if (!si.lpAttributeList ||
      !InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &attr_size) ||
      !UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, &client,
                                 sizeof(client), NULL, NULL)) {
    err = si.lpAttributeList ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
    LOG_ERROR("cannot prepare the handle list: %s", vda_win_strerror(err));
    goto out;
  }
  si.StartupInfo.lpDesktop = (LPWSTR)L"winsta0\\default";

  err = session_token(session, &token);
  if (err == ERROR_SUCCESS) {
    /* The agent runs as the same account as the service (SYSTEM), so it
     * inherits the service's environment: a fresh block for the same token
     * would be the same, and under Wine it would lose DISPLAY. */
    ok = CreateProcessAsUserW(token, exe_path, cmdline, NULL, NULL, TRUE,
                              EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW, NULL, NULL,
                              &si.StartupInfo, &pi);
  } else {
    /* Not LocalSystem (console mode): the agent runs beside us instead. */
    LOG_WARN("cannot move a token to session %lu (%s): starting the agent in this session",
             (unsigned long)session, vda_win_strerror(err));
    ok = CreateProcessW(exe_path, cmdline, NULL, NULL, TRUE,
                        EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW, NULL, NULL,
                        &si.StartupInfo, &pi);
  }
  if (!ok) {
    err = GetLastError();
    LOG_ERROR("cannot start '%ls': %s", exe_path, vda_win_strerror(err));
    goto out;
  }
  err = ERROR_SUCCESS;
  if (job && !AssignProcessToJobObject(job, pi.hProcess))
    LOG_WARN("cannot tie the agent to the service's job: %s", vda_win_strerror(GetLastError()));
  CloseHandle(pi.hThread);
  out->process = pi.hProcess;
  out->pid = pi.dwProcessId;
  out->session = session;
  LOG_INFO("started agent pid %lu in session %lu", (unsigned long)pi.dwProcessId,
           (unsigned long)session);
  /* Not a secret: the pipe's one instance is already connected and its DACL
   * admits SYSTEM only (the IPC end-to-end test uses this line). */
  LOG_INFO("agent pipe %ls", out->pipe_name);

out:
  if (token)
    CloseHandle(token);
  if (client != INVALID_HANDLE_VALUE)
    CloseHandle(client);
  if (si.lpAttributeList) {
    DeleteProcThreadAttributeList(si.lpAttributeList);
    HeapFree(GetProcessHeap(), 0, si.lpAttributeList);
  }
  if (err != ERROR_SUCCESS)
    vds_agent_proc_release(out);
  return err;
}

void vds_agent_proc_release(vds_agent_proc *p)
{
  if (p->process)
    CloseHandle(p->process);
  if (p->pipe)
    CloseHandle(p->pipe);
  ZeroMemory(p, sizeof(*p));
}
