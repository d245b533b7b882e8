/* `vdservice status` (see status_cmd.h). */
#include "status_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status_format.h"
#include "winerror_text.h"

/* The reply is complete once its last line is "end". */
static bool complete(const char *buf, size_t len)
{
  return len >= 5 && memcmp(buf + len - 5, "\nend\n", 5) == 0;
}

static DWORD remaining(ULONGLONG deadline)
{
  ULONGLONG now = GetTickCount64();
  return now >= deadline ? 0 : (DWORD)(deadline - now);
}

/* Opens the pipe, waiting while another client has its one instance. */
static DWORD open_pipe(const wchar_t *name, ULONGLONG deadline, HANDLE *out)
{
  for (;;) {
    DWORD err, left;
    *out = CreateFileW(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (*out != INVALID_HANDLE_VALUE)
      return ERROR_SUCCESS;
    *out = NULL;
    err = GetLastError();
    if (err != ERROR_PIPE_BUSY)
      return err;
    left = remaining(deadline);
    if (left == 0)
      return ERROR_TIMEOUT;
    /* Fails at once when the instance is gone; then CreateFileW says why. */
    if (!WaitNamedPipeW(name, left)) {
      if (GetLastError() == ERROR_SEM_TIMEOUT)
        return ERROR_TIMEOUT;
      Sleep(20); /* never a busy loop, whatever WaitNamedPipeW says */
    }
  }
}

DWORD vds_status_query(const wchar_t *name, DWORD timeout_ms, char *buf, size_t cap, size_t *len)
{
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  OVERLAPPED ov = {0};
  HANDLE pipe = NULL;
  DWORD err;

  *len = 0;
  buf[0] = 0;
  if ((err = open_pipe(name, deadline, &pipe)) != ERROR_SUCCESS)
    goto out;
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!ov.hEvent) {
    err = GetLastError();
    goto out;
  }
  while (!complete(buf, *len)) {
    DWORD got = 0;
    if (*len + 1 >= cap) {
      err = ERROR_INSUFFICIENT_BUFFER;
      goto out;
    }
    if (!ReadFile(pipe, buf + *len, (DWORD)(cap - 1 - *len), NULL, &ov) &&
        (err = GetLastError()) != ERROR_IO_PENDING)
      goto out; /* ERROR_BROKEN_PIPE: the service closed before "end" */
    if (WaitForSingleObject(ov.hEvent, remaining(deadline)) != WAIT_OBJECT_0) {
      CancelIoEx(pipe, &ov);
      GetOverlappedResult(pipe, &ov, &got, TRUE); /* a cancelled pipe read ends at once */
      err = ERROR_TIMEOUT;
      goto out;
    }
    if (!GetOverlappedResult(pipe, &ov, &got, FALSE)) {
      err = GetLastError();
      goto out;
    }
    *len += got;
    buf[*len] = 0;
  }
  err = ERROR_SUCCESS;

out:
  if (ov.hEvent)
    CloseHandle(ov.hEvent);
  if (pipe)
    CloseHandle(pipe);
  return err;
}

/* What the SCM says of "spice-agent", as words for the first line. */
static void scm_state(char *out, size_t cap, bool *running)
{
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), svc = NULL;
  SERVICE_STATUS st;
  const char *word = NULL;

  *running = false;
  if (!scm) {
    snprintf(out, cap, "unknown (OpenSCManagerW: %s)", vda_win_strerror(GetLastError()));
    return;
  }
  svc = OpenServiceW(scm, L"spice-agent", SERVICE_QUERY_STATUS);
  if (!svc) {
    DWORD err = GetLastError();
    if (err == ERROR_SERVICE_DOES_NOT_EXIST)
      snprintf(out, cap, "not installed");
    else
      snprintf(out, cap, "unknown (OpenServiceW: %s)", vda_win_strerror(err));
    goto out;
  }
  if (!QueryServiceStatus(svc, &st)) {
    snprintf(out, cap, "unknown (QueryServiceStatus: %s)", vda_win_strerror(GetLastError()));
    goto out;
  }
  switch (st.dwCurrentState) {
  case SERVICE_STOPPED:
    word = "stopped";
    break;
  case SERVICE_START_PENDING:
    word = "starting";
    break;
  case SERVICE_STOP_PENDING:
    word = "stopping";
    break;
  case SERVICE_RUNNING:
    word = "running";
    *running = true;
    break;
  case SERVICE_PAUSED:
  case SERVICE_PAUSE_PENDING:
  case SERVICE_CONTINUE_PENDING:
    word = "paused";
    break;
  }
  snprintf(out, cap, "%s", word ? word : "unknown");

out:
  if (svc)
    CloseServiceHandle(svc);
  CloseServiceHandle(scm);
}

int vds_status_command(void)
{
  char *reply = malloc(VDS_STATUS_REPLY_MAX + 1), *text = malloc(2 * VDS_STATUS_REPLY_MAX);
  vds_status *st = malloc(sizeof(*st));
  const char *why = NULL;
  bool running;
  size_t len = 0;
  DWORD err;
  int rc = 2;

  if (!reply || !text || !st) {
    fprintf(stderr, "vdservice status: out of memory\n");
    goto out;
  }
  vds_status_init(st);
  scm_state(st->service_state, sizeof(st->service_state), &running);
  err = vds_status_query(VDS_STATUS_PIPE_NAME, VDS_STATUS_QUERY_MS, reply, VDS_STATUS_REPLY_MAX + 1,
                         &len);
  if (err == ERROR_ACCESS_DENIED) {
    fprintf(stderr, "vdservice status: access denied: only Administrators and SYSTEM may query "
                    "the service (run it from an elevated prompt)\n");
    goto out;
  }
  if (err == ERROR_SUCCESS) {
    if (!vds_status_parse(reply, len, st, &why)) {
      fprintf(stderr, "vdservice status: the service's reply is malformed: %s\n", why);
      goto out;
    }
    /* `vdservice run` serves the pipe too, outside the SCM. */
    if (!running)
      snprintf(st->service_state, sizeof(st->service_state), "running (console)");
  } else if (running || err != ERROR_FILE_NOT_FOUND) {
    /* Running, yet no answer: say why, and it is not "up". */
    fprintf(stderr, "vdservice status: the service does not answer on %ls: %s\n",
            VDS_STATUS_PIPE_NAME, vda_win_strerror(err));
    if (err == ERROR_TIMEOUT || err == ERROR_INSUFFICIENT_BUFFER)
      goto out;
  }
  vds_status_format(st, text, 2 * VDS_STATUS_REPLY_MAX);
  fputs(text, stdout);
  fflush(stdout);
  rc = vds_status_problems(st) == 0 ? 0 : 1;

out:
  free(reply);
  free(text);
  free(st);
  return rc;
}
