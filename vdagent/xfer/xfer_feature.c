/* File transfer: see xfer_feature.h. */
#include "xfer_feature.h"

#include <stdlib.h>
#include <string.h>
#include <wtsapi32.h>

#include "log.h"
#include "vda_views.h"
#include "vda_xfer_meta.h"
#include "vda_xfer_name.h"
#include "vda_xfer_table.h"
#include "winerror_text.h"
#include "xfer_notify.h"
#include "xfer_writer.h"

/* What the feature keeps per transfer beside the table's slot: the writer's
 * key (unique over the agent's life, so a late result of a cancelled
 * transfer can never be taken for a new one with the same client id) and
 * the safe name. */
typedef struct record {
  bool used;
  uint32_t key;
  uint32_t id, generation;
  char name[VDA_XFER_CLEAN_BYTES];
} record;

struct vda_xfer_feature {
  vda_agent_env env;
  vda_feature *feature;
  bool enabled; /* FileTransferEnabled */
  bool locked;  /* the console session is locked (from the service) */
  wchar_t folder_setting[VDA_CONFIG_DIR_MAX + 1];
  DWORD notify_mode;
  vda_xfer_table table;
  record rec[VDA_XFER_MAX_ACTIVE];
  uint32_t generation, next_key;
  vda_xfer_writer *writer;
  vda_xfer_notify *notify;
  HANDLE token;
  /* DATA for an id we do not know: logged once per id, repeats counted, so
   * a client that keeps sending for a failed transfer cannot flood the log */
  uint32_t unknown_id;
  unsigned unknown_repeats;
  /* the FILE_XFER_DATA stream in progress */
  record *stream;
  bool stream_completes;
};

static void send(vda_xfer_feature *x, const vda_body *b)
{
  x->env.send(x->env.send_ctx, b);
}

static void send_status(vda_xfer_feature *x, uint32_t id, uint32_t result)
{
  vda_body b;
  vda_body_xfer_status(&b, x->env.neg, id, result);
  send(x, &b);
}

static void send_error(vda_xfer_feature *x, uint32_t id, uint32_t gio)
{
  vda_body b;
  vda_body_xfer_status_error(&b, x->env.neg, id, gio);
  send(x, &b);
}

static record *rec_by_key(vda_xfer_feature *x, uint32_t key)
{
  for (unsigned i = 0; i < VDA_XFER_MAX_ACTIVE; i++)
    if (x->rec[i].used && x->rec[i].key == key)
      return &x->rec[i];
  return NULL;
}

static record *rec_of(vda_xfer_feature *x, uint32_t id)
{
  for (unsigned i = 0; i < VDA_XFER_MAX_ACTIVE; i++)
    if (x->rec[i].used && x->rec[i].id == id && x->rec[i].generation == x->generation)
      return &x->rec[i];
  return NULL;
}

/* Ends a transfer of ours: its slot and record go, its file is deleted. */
static void drop(vda_xfer_feature *x, record *r, bool delete_file)
{
  vda_xfer_table_cancel(&x->table, r->id, r->generation, NULL);
  if (delete_file && x->writer)
    vda_xfer_writer_discard(x->writer, r->key);
  if (x->stream == r)
    x->stream = NULL;
  r->used = false;
}

/* The writer runs as the session's user; it is started at the first
 * transfer, when a user is known to be logged on. */
static bool ensure_writer(vda_xfer_feature *x)
{
  DWORD session = 0;
  if (x->writer)
    return true;
  if (!x->token) {
    ProcessIdToSessionId(GetCurrentProcessId(), &session);
    if (!WTSQueryUserToken(session, &x->token)) {
      LOG_WARN("no user is logged on in session %lu (%s): file transfers refused",
               (unsigned long)session, vda_win_strerror(GetLastError()));
      x->token = NULL;
      return false;
    }
  }
  x->writer = vda_xfer_writer_start(x->token, x->folder_setting, VDA_XFER_RESERVE_DEFAULT);
  if (x->writer)
    x->feature->event = vda_xfer_writer_event(x->writer);
  return x->writer != NULL;
}

static void on_start(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_xfer_feature *x = ctx;
  vda_xfer_start xs;
  vda_xfer_meta meta;
  record *r = NULL;
  const char *why = NULL;
  char clean[VDA_XFER_CLEAN_BYTES];

  (void)vd_type;
  if (!vda_parse_xfer_start(body, size, x->env.limits, &xs, &why)) {
    LOG_WARN_LIMITED(why, "file transfer start refused: %s", why);
    return;
  }
  if (x->locked) {
    LOG_INFO_LIMITED("xfer locked", "file transfer %u refused: the session is locked",
                     (unsigned)xs.id);
    send_status(x, xs.id, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
    return;
  }
  if (!x->enabled) {
    LOG_INFO_LIMITED("xfer disabled", "file transfer %u refused: disabled by FileTransferEnabled",
                     (unsigned)xs.id);
    send_status(x, xs.id, VD_AGENT_FILE_XFER_STATUS_DISABLED);
    return;
  }
  if (!vda_xfer_meta_parse(xs.meta, xs.meta_size, &meta, &why) ||
      vda_xfer_name_clean(meta.name, clean, sizeof(clean), &why) == VDA_XFER_NAME_REFUSED) {
    LOG_WARN_LIMITED(why, "file transfer %u refused: invalid file name: %s", (unsigned)xs.id, why);
    send_error(x, xs.id, VDA_GIO_ERROR_INVALID_FILENAME);
    return;
  }
  if (why)
    LOG_INFO("file transfer %u: name made safe (%s): '%s'", (unsigned)xs.id, why, clean);
  switch (vda_xfer_table_start(&x->table, xs.id, x->generation, meta.size, &why)) {
  case VDA_XFER_START_OK:
    break;
  case VDA_XFER_START_DUPLICATE:
    LOG_WARN_LIMITED(why, "file transfer %u refused: %s", (unsigned)xs.id, why);
    send_error(x, xs.id, VDA_GIO_ERROR_EXISTS);
    return;
  case VDA_XFER_START_FULL:
    LOG_WARN_LIMITED(why, "file transfer %u refused: %s", (unsigned)xs.id, why);
    send_error(x, xs.id, VDA_GIO_ERROR_TOO_MANY_OPEN_FILES);
    return;
  }
  for (unsigned i = 0; i < VDA_XFER_MAX_ACTIVE && !r; i++)
    if (!x->rec[i].used)
      r = &x->rec[i];
  /* The table holds at most as many transfers as there are records, and
   * both drop a transfer together; a mismatch is a bug, refused cleanly. */
  if (!r) {
    LOG_ERROR("file transfer %u refused: no record free", (unsigned)xs.id);
    vda_xfer_table_cancel(&x->table, xs.id, x->generation, NULL);
    send_error(x, xs.id, VDA_GIO_ERROR_TOO_MANY_OPEN_FILES);
    return;
  }
  *r = (record){.used = true, .key = ++x->next_key, .id = xs.id, .generation = x->generation};
  strcpy(r->name, clean);
  if (!ensure_writer(x) || !vda_xfer_writer_create(x->writer, r->key, meta.size)) {
    send_status(x, xs.id, VD_AGENT_FILE_XFER_STATUS_SESSION_LOCKED);
    drop(x, r, false);
    return;
  }
  LOG_INFO("file transfer %u: '%s', %llu bytes", (unsigned)xs.id, clean,
           (unsigned long long)meta.size);
}

static void on_status(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_xfer_feature *x = ctx;
  vda_xfer_status st;
  const char *why = NULL;
  record *r;

  (void)vd_type;
  if (!vda_parse_xfer_status(body, size, x->env.neg, &st, &why)) {
    LOG_WARN_LIMITED(why, "file transfer status refused: %s", why);
    return;
  }
  r = rec_of(x, st.id);
  if (!r) {
    LOG_WARN_LIMITED("xfer status unknown",
                     "file transfer %u: status %u for an unknown transfer dropped", (unsigned)st.id,
                     (unsigned)st.result);
    return;
  }
  LOG_INFO("file transfer %u %s by the client: partial file deleted", (unsigned)st.id,
           st.result == VD_AGENT_FILE_XFER_STATUS_CANCELLED ? "cancelled" : "failed");
  drop(x, r, true);
}

static void fail(vda_xfer_feature *x, record *r, uint32_t gio, const char *why)
{
  LOG_WARN("file transfer %u failed: %s", (unsigned)r->id, why);
  send_error(x, r->id, gio);
  drop(x, r, true);
}

static bool sink_begin(void *ctx, const vda_ipc_stream_begin *b)
{
  vda_xfer_feature *x = ctx;
  vda_xfer_slot *slot = NULL;
  const char *why = NULL;
  record *r = rec_of(x, b->xfer_id);

  switch (vda_xfer_table_data(&x->table, b->xfer_id, x->generation, b->data_size, &slot, &why)) {
  case VDA_XFER_DATA_MORE:
  case VDA_XFER_DATA_COMPLETE:
    x->stream = r;
    x->stream_completes = slot->received == slot->size;
    return r != NULL;
  case VDA_XFER_DATA_IGNORED:
    return false;
  case VDA_XFER_DATA_UNKNOWN:
    if (b->xfer_id == x->unknown_id && x->unknown_repeats > 0) {
      x->unknown_repeats++;
      return false;
    }
    if (x->unknown_repeats > 1)
      LOG_WARN_LIMITED("xfer data repeats",
                       "file transfer %u: %u more data messages for it dropped",
                       (unsigned)x->unknown_id, x->unknown_repeats - 1);
    x->unknown_id = b->xfer_id;
    x->unknown_repeats = 1;
    /* Limited too: a host cycling through ids defeats the repeat count. */
    LOG_WARN_LIMITED(
        "xfer data unknown",
        "file transfer %u: %llu bytes of data for an unknown transfer dropped (repeats "
        "are counted, not logged)",
        (unsigned)b->xfer_id, (unsigned long long)b->data_size);
    return false;
  case VDA_XFER_DATA_OVERFLOW:
  case VDA_XFER_DATA_UNEXPECTED:
    if (r)
      fail(x, r, VDA_GIO_ERROR_FAILED, why);
    return false;
  }
  return false;
}

static void sink_data(void *ctx, const uint8_t *data, size_t len)
{
  vda_xfer_feature *x = ctx;
  if (x->stream && !vda_xfer_writer_write(x->writer, x->stream->key, data, len))
    fail(x, x->stream, VDA_GIO_ERROR_FAILED, "cannot queue data for the disk");
}

static void sink_end(void *ctx, bool aborted)
{
  vda_xfer_feature *x = ctx;
  record *r = x->stream;
  x->stream = NULL;
  if (!r)
    return;
  if (aborted) {
    fail(x, r, VDA_GIO_ERROR_FAILED, "a data message was cut short");
    return;
  }
  if (x->stream_completes && !vda_xfer_writer_commit(x->writer, r->key, r->name))
    fail(x, r, VDA_GIO_ERROR_FAILED, "cannot queue the rename");
}

static uint32_t gio_of(DWORD err)
{
  switch (err) {
  case ERROR_ACCESS_DENIED:
    return VDA_GIO_ERROR_PERMISSION_DENIED;
  case ERROR_DISK_FULL:
  case ERROR_HANDLE_DISK_FULL:
    return VDA_GIO_ERROR_NO_SPACE;
  case ERROR_INVALID_NAME:
  case ERROR_FILENAME_EXCED_RANGE:
    return VDA_GIO_ERROR_INVALID_FILENAME;
  default:
    return VDA_GIO_ERROR_FAILED;
  }
}

/* Results from the writer thread. */
static void on_writer(void *ctx)
{
  vda_xfer_feature *x = ctx;
  vda_xfer_result res;
  while (vda_xfer_writer_take(x->writer, &res)) {
    record *r = rec_by_key(x, res.id);
    vda_body b;
    if (!r) {
      /* Cancelled meanwhile: make sure its file goes too. */
      if (res.kind == VDA_XFER_CREATED)
        vda_xfer_writer_discard(x->writer, res.id);
      continue;
    }
    switch (res.kind) {
    case VDA_XFER_CREATED:
      switch (vda_xfer_table_ready(&x->table, r->id, r->generation, r)) {
      case VDA_XFER_READY_SEND_DATA:
        send_status(x, r->id, VD_AGENT_FILE_XFER_STATUS_CAN_SEND_DATA);
        break;
      case VDA_XFER_READY_COMPLETE:
        if (!vda_xfer_writer_commit(x->writer, r->key, r->name))
          fail(x, r, VDA_GIO_ERROR_FAILED, "cannot queue the rename");
        break;
      case VDA_XFER_READY_UNKNOWN:
        drop(x, r, true);
        break;
      }
      break;
    case VDA_XFER_NO_SPACE:
      LOG_WARN("file transfer %u refused: not enough space (%llu bytes usable)", (unsigned)r->id,
               (unsigned long long)vda_xfer_usable(res.free_bytes, VDA_XFER_RESERVE_DEFAULT));
      vda_body_xfer_status_no_space(&b, x->env.neg, r->id,
                                    vda_xfer_usable(res.free_bytes, VDA_XFER_RESERVE_DEFAULT));
      send(x, &b);
      drop(x, r, false);
      break;
    case VDA_XFER_FAILED:
      LOG_WARN("file transfer %u failed: %s", (unsigned)r->id, vda_win_strerror(res.err));
      send_error(x, r->id, gio_of(res.err));
      drop(x, r, false);
      break;
    case VDA_XFER_COMMITTED: {
      char shown[3 * VDA_XFER_PATH_MAX];
      LOG_INFO("file transfer %u done: saved as %s", (unsigned)r->id,
               vda_log_utf8(res.path, shown, sizeof(shown)));
      send_status(x, r->id, VD_AGENT_FILE_XFER_STATUS_SUCCESS);
      vda_xfer_table_finish(&x->table, r->id, r->generation, NULL);
      r->used = false;
      vda_xfer_notify_saved(x->notify, res.path, x->token);
      break;
    }
    }
  }
}

/* The client went away or a new one came: its transfers cannot continue. */
static void cancel_all(vda_xfer_feature *x, const char *why)
{
  unsigned n = 0;
  for (unsigned i = 0; i < VDA_XFER_MAX_ACTIVE; i++) {
    if (x->rec[i].used) {
      drop(x, &x->rec[i], true);
      n++;
    }
  }
  if (n)
    LOG_INFO("%u file transfer(s) cancelled (%s): partial files deleted", n, why);
  x->generation++;
}

static void on_peer(void *ctx, vda_peer_event event)
{
  vda_xfer_feature *x = ctx;
  if (event == VDA_PEER_DISCONNECTED)
    cancel_all(x, "client disconnected");
  else if (event == VDA_PEER_CONNECTED)
    cancel_all(x, "a new client connected");
}

static void on_session(void *ctx, bool locked)
{
  vda_xfer_feature *x = ctx;
  x->locked = locked;
}

/* Back-pressure: while the disk is behind, the agent stops reading the
 * service's pipe, which stops the service reading the port. */
static bool hold_input(void *ctx)
{
  vda_xfer_feature *x = ctx;
  return x->writer && vda_xfer_writer_backlog(x->writer) > VDA_XFER_WRITER_HIGH;
}

static const vda_msg_handler handlers[] = {
    {VD_AGENT_FILE_XFER_START, on_start},
    {VD_AGENT_FILE_XFER_STATUS, on_status},
};

static const vda_stream_sink sinks[] = {
    {VD_AGENT_FILE_XFER_DATA, sink_begin, sink_data, sink_end},
};

vda_xfer_feature *vda_xfer_feature_new(const vda_agent_env *env, const vda_config *conf,
                                       vda_feature *f)
{
  vda_xfer_feature *x = calloc(1, sizeof(*x));
  if (!x) {
    LOG_ERROR("out of memory for the file-transfer feature");
    return NULL;
  }
  x->env = *env;
  x->feature = f;
  x->enabled = conf->file_xfer_enabled != 0;
  x->notify_mode = conf->file_xfer_notify;
  wcscpy(x->folder_setting, conf->download_dir);
  vda_xfer_table_init(&x->table);
  *f = (vda_feature){.name = "file transfer",
                     .enabled = true,
                     .ctx = x,
                     .handlers = handlers,
                     .nhandlers = sizeof(handlers) / sizeof(handlers[0]),
                     .sinks = sinks,
                     .nsinks = sizeof(sinks) / sizeof(sinks[0]),
                     .on_peer = on_peer,
                     .on_session = on_session,
                     .on_event = on_writer,
                     .hold_input = hold_input};
  vda_caps_init(&f->caps);
  if (x->enabled) {
    /* Clients may then send ERROR details and the statuses above SUCCESS. */
    vda_caps_set(&f->caps, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
  } else {
    /* Tells the client not to offer transfers at all. */
    vda_caps_set(&f->caps, VD_AGENT_CAP_FILE_XFER_DISABLED);
  }
  return x;
}

void vda_xfer_feature_start(vda_xfer_feature *x)
{
  x->notify = vda_xfer_notify_start(x->notify_mode);
}

void vda_xfer_feature_free(vda_xfer_feature *x)
{
  if (!x)
    return;
  /* Stopping the writer deletes every unfinished file. */
  vda_xfer_writer_stop(x->writer);
  vda_xfer_notify_stop(x->notify);
  if (x->token)
    CloseHandle(x->token);
  free(x);
}
