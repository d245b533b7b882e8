/* The status pipe, served from the service loop (see status_server.h). */
#include "status_server.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "winerror_text.h"

/* What a client may send is never needed: a small inbound buffer. */
#define IN_BUFFER 512u

DWORD vds_status_pipe_create(const wchar_t *name, HANDLE *out)
{
  SECURITY_ATTRIBUTES sa = {.nLength = sizeof(sa), .bInheritHandle = FALSE};
  PSECURITY_DESCRIPTOR sd = NULL;
  DWORD err = ERROR_SUCCESS;

  *out = NULL;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(VDS_STATUS_PIPE_SDDL, SDDL_REVISION_1,
                                                            &sd, NULL))
    return GetLastError();
  sa.lpSecurityDescriptor = sd;
  /* The first instance, or fail: another process holding the name could
   * answer in our place. The whole reply fits the outbound buffer, so the
   * write completes without waiting for the reader. */
  *out = CreateNamedPipeW(
      name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
      VDS_STATUS_REPLY_MAX, IN_BUFFER, 0, &sa);
  if (*out == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    *out = NULL;
  }
  LocalFree(sd);
  return err;
}

bool vds_status_server_init(vds_status_server *s, const wchar_t *name, const char *version,
                            vds_status_fill_fn fill, void *fill_ctx)
{
  *s = (vds_status_server){.name = name, .version = version, .fill = fill, .fill_ctx = fill_ctx};
  s->snap = malloc(sizeof(*s->snap));
  s->reply = malloc(VDS_STATUS_REPLY_MAX);
  /* Manual reset: each overlapped call resets it when it starts. */
  s->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (!s->snap || !s->reply || !s->ov.hEvent) {
    LOG_ERROR("status pipe: cannot allocate (%s); `vdservice status` will not answer",
              vda_win_strerror(GetLastError()));
    vds_status_server_free(s);
    return false;
  }
  return true;
}

/* Ends the operation in flight without waiting on the client: cancelled,
 * then collected (a pipe completes a cancel at once; bounded anyway). */
static void cancel_pending(vds_status_server *s)
{
  DWORD ignored;
  if (!s->pipe || s->state == VDS_STATUS_IDLE)
    return;
  if (!HasOverlappedIoCompleted(&s->ov)) {
    CancelIoEx(s->pipe, &s->ov);
    if (WaitForSingleObject(s->ov.hEvent, 1000) != WAIT_OBJECT_0) {
      /* Closing the handle ends it for certain. */
      LOG_WARN("status pipe: a cancelled operation did not complete; recreating the pipe");
      CloseHandle(s->pipe);
      s->pipe = NULL;
      s->state = VDS_STATUS_IDLE;
      s->retry_at = GetTickCount64();
      return;
    }
  }
  GetOverlappedResult(s->pipe, &s->ov, &ignored, FALSE);
}

void vds_status_server_free(vds_status_server *s)
{
  cancel_pending(s);
  if (s->pipe)
    CloseHandle(s->pipe);
  if (s->ov.hEvent)
    CloseHandle(s->ov.hEvent);
  free(s->snap);
  free(s->reply);
  *s = (vds_status_server){0};
}

static void fail(vds_status_server *s, const char *what, DWORD err, uint64_t now)
{
  /* Once per distinct error: a name squatted for hours is one line. */
  if (err != s->last_error)
    LOG_WARN("status pipe: %s: %s; retrying every %u s", what, vda_win_strerror(err),
             (unsigned)(VDS_STATUS_RETRY_MS / 1000));
  s->last_error = err;
  if (s->pipe)
    CloseHandle(s->pipe);
  s->pipe = NULL;
  s->state = VDS_STATUS_IDLE;
  s->retry_at = now + VDS_STATUS_RETRY_MS;
}

static void serve(vds_status_server *s, uint64_t now);

/* Waits for the next client. */
static void listen_next(vds_status_server *s, uint64_t now)
{
  DWORD err;
  if (ConnectNamedPipe(s->pipe, &s->ov)) {
    serve(s, now);
    return;
  }
  err = GetLastError();
  if (err == ERROR_IO_PENDING) {
    s->state = VDS_STATUS_LISTENING;
    return;
  }
  if (err == ERROR_PIPE_CONNECTED) { /* connected between create and connect */
    serve(s, now);
    return;
  }
  if (err == ERROR_NO_DATA) { /* connected and closed again in between */
    if (DisconnectNamedPipe(s->pipe)) {
      listen_next(s, now);
      return;
    }
    err = GetLastError();
  }
  fail(s, "ConnectNamedPipe", err, now);
}

/* Drops the client (its unread data is gone: only after it closed, or its
 * time is up) and listens again. */
static void next_client(vds_status_server *s, uint64_t now)
{
  if (!DisconnectNamedPipe(s->pipe)) {
    fail(s, "DisconnectNamedPipe", GetLastError(), now);
    return;
  }
  listen_next(s, now);
}

static vds_status_source source_of(vda_config_source src)
{
  switch (src) {
  case VDA_CONFIG_SETTING:
    return VDS_STATUS_REGISTRY;
  case VDA_CONFIG_POLICY:
    return VDS_STATUS_POLICY;
  case VDA_CONFIG_DEFAULT:
    break;
  }
  return VDS_STATUS_DEFAULT;
}

/* The settings as the registry holds them now (what a restarted agent
 * would use), each with its source. A value the registry holds but that is
 * invalid is reported in the snapshot, not logged: a query every second must
 * not write a warning every second. */
static void add_settings(vds_status *st, vda_config_problems *problems)
{
  static const char *const levels[] = {"error", "warn", "info", "debug"};
  static const char *const notify[] = {"0 (nothing)", "1 (notification)", "2 (open the folder)"};
  vda_config cfg;
  char text[VDS_STATUS_TEXT_MAX], dir[3 * (VDA_CONFIG_DIR_MAX + 1)];

  vda_config_load_checked(&cfg, problems);
  vds_status_add_setting(st, "LogLevel", (unsigned)cfg.log_level < 4 ? levels[cfg.log_level] : "?",
                         source_of(cfg.source.log_level));
  vds_status_add_setting(st, "ClipboardEnabled", cfg.clipboard_enabled ? "1" : "0",
                         source_of(cfg.source.clipboard_enabled));
  snprintf(text, sizeof(text), "%lu MiB", (unsigned long)cfg.max_clipboard_mib);
  vds_status_add_setting(st, "MaxClipboard", text, source_of(cfg.source.max_clipboard_mib));
  vds_status_add_setting(st, "FileTransferEnabled", cfg.file_xfer_enabled ? "1" : "0",
                         source_of(cfg.source.file_xfer_enabled));
  if (cfg.download_dir[0])
    vda_log_utf8(cfg.download_dir, dir, sizeof(dir));
  else
    snprintf(dir, sizeof(dir), "(the user's Downloads)");
  vds_status_add_setting(st, "DownloadFolder", dir, source_of(cfg.source.download_dir));
  vds_status_add_setting(st, "FileTransferNotify",
                         cfg.file_xfer_notify < 3 ? notify[cfg.file_xfer_notify] : "?",
                         source_of(cfg.source.file_xfer_notify));
  vds_status_add_setting(st, "AudioVolumeSync", cfg.audio_volume_sync ? "1" : "0",
                         source_of(cfg.source.audio_volume_sync));
}

/* A client connected: one reply, written in one overlapped call. */
static void serve(vds_status_server *s, uint64_t now)
{
  char recent[VDA_LOG_RECENT_MAX][VDA_LOG_RECENT_LINE];
  char line[VDS_STATUS_TEXT_MAX];
  vda_config_problems problems;
  size_t n, len, room;
  char err_text[VDS_STATUS_TEXT_MAX];
  DWORD err;

  vds_status_init(s->snap);
  snprintf(s->snap->version, sizeof(s->snap->version), "%s", s->version);
  s->fill(s->fill_ctx, s->snap);
  if (s->snap->port_error) {
    snprintf(err_text, sizeof(err_text), "%s", vda_win_strerror(s->snap->port_error));
    snprintf(s->snap->port_error_text, sizeof(s->snap->port_error_text), "%s", err_text);
  }
  add_settings(s->snap, &problems);
  /* The registry's invalid values as they are now, then the newest log
   * lines in the room left. */
  for (unsigned i = 0; i < problems.count; i++) {
    snprintf(line, sizeof(line), "registry now: %s", problems.lines[i]);
    vds_status_add_warning(s->snap, line);
  }
  room = VDS_STATUS_MAX_WARNINGS - s->snap->n_warnings;
  n = vda_log_recent(recent, room < VDA_LOG_RECENT_MAX ? room : VDA_LOG_RECENT_MAX);
  for (size_t i = 0; i < n; i++)
    vds_status_add_warning(s->snap, recent[i]);
  len = vds_status_serialize(s->snap, s->reply, VDS_STATUS_REPLY_MAX);
  if (len == 0) { /* cannot happen with the bounds in status_format.h */
    LOG_ERROR("status pipe: the snapshot does not fit %u bytes", (unsigned)VDS_STATUS_REPLY_MAX);
    next_client(s, now);
    return;
  }
  s->state = VDS_STATUS_WRITING;
  s->deadline = now + VDS_STATUS_CLIENT_MS;
  if (!WriteFile(s->pipe, s->reply, (DWORD)len, NULL, &s->ov) &&
      (err = GetLastError()) != ERROR_IO_PENDING) {
    /* The client left already. */
    LOG_DEBUG("status pipe: WriteFile: %s", vda_win_strerror(err));
    next_client(s, now);
  }
}

/* The reply is out: wait for the client to close (a read that ends in
 * ERROR_BROKEN_PIPE), since disconnecting first would discard it. */
static void drain(vds_status_server *s, uint64_t now)
{
  DWORD err;
  s->state = VDS_STATUS_DRAINING;
  if (!ReadFile(s->pipe, s->sink, sizeof(s->sink), NULL, &s->ov) &&
      (err = GetLastError()) != ERROR_IO_PENDING) {
    (void)err; /* ERROR_BROKEN_PIPE: closed already */
    next_client(s, now);
  }
}

void vds_status_server_on_event(vds_status_server *s, uint64_t now)
{
  DWORD got = 0;
  BOOL ok;

  if (!s->pipe || s->state == VDS_STATUS_IDLE)
    return;
  ok = GetOverlappedResult(s->pipe, &s->ov, &got, FALSE);
  if (!ok && GetLastError() == ERROR_IO_INCOMPLETE)
    return; /* not this one's turn yet */
  switch (s->state) {
  case VDS_STATUS_LISTENING:
    if (ok || GetLastError() == ERROR_PIPE_CONNECTED)
      serve(s, now);
    else
      next_client(s, now);
    break;
  case VDS_STATUS_WRITING:
    if (ok)
      drain(s, now);
    else
      next_client(s, now);
    break;
  case VDS_STATUS_DRAINING:
    /* Data (ignored) or the close: either way the client has had its
     * reply; a client still connected after sending is dropped the same. */
    if (ok)
      drain(s, now);
    else
      next_client(s, now);
    break;
  case VDS_STATUS_IDLE:
    break;
  }
}

void vds_status_server_tick(vds_status_server *s, uint64_t now)
{
  if (s->state == VDS_STATUS_IDLE && !s->pipe && now >= s->retry_at && s->ov.hEvent) {
    HANDLE pipe;
    DWORD err = vds_status_pipe_create(s->name, &pipe);
    if (err != ERROR_SUCCESS) {
      fail(s, "CreateNamedPipeW", err, now);
      return;
    }
    if (s->last_error)
      LOG_INFO("status pipe: created after all");
    s->last_error = ERROR_SUCCESS;
    s->pipe = pipe;
    listen_next(s, now);
    return;
  }
  if ((s->state == VDS_STATUS_WRITING || s->state == VDS_STATUS_DRAINING) && now >= s->deadline) {
    LOG_WARN("status pipe: a client kept the pipe %u ms without %s; disconnected",
             (unsigned)VDS_STATUS_CLIENT_MS,
             s->state == VDS_STATUS_WRITING ? "reading the reply" : "closing");
    cancel_pending(s);
    if (s->pipe)
      next_client(s, now);
  }
}

uint64_t vds_status_server_next_due(const vds_status_server *s)
{
  if (s->state == VDS_STATUS_IDLE && !s->pipe && s->ov.hEvent)
    return s->retry_at;
  if (s->state == VDS_STATUS_WRITING || s->state == VDS_STATUS_DRAINING)
    return s->deadline;
  return UINT64_MAX;
}

HANDLE vds_status_server_event(const vds_status_server *s)
{
  return s->pipe && s->state != VDS_STATUS_IDLE ? s->ov.hEvent : NULL;
}
