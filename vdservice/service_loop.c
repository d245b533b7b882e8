#include "service_loop.h"

#include <stdbool.h>
#include <stdlib.h>

#include "log.h"
#include "port.h"
#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_reader.h"
#include "winerror_text.h"

/* Bytes the service may have queued towards the host before it applies
 * back-pressure: a few large clipboard chunks' worth. */
#define PORT_QUEUE_LIMIT (4u * 1024u * 1024u)
/* Waiting for the port: retry with exponential backoff, never a busy loop. */
#define OPEN_RETRY_MIN_MS 250u
#define OPEN_RETRY_MAX_MS 5000u

typedef struct vds_loop {
  const vds_loop_options *opt;
  HANDLE stop;
  vda_port *port;
  vda_reader *reader;
  vda_caps ours;
  DWORD last_open_error;
  unsigned retry_ms;
  bool port_broken; /* set by callbacks; the loop closes and reopens */
} vds_loop;

/* The capabilities this build of the service implements on its own. They
 * grow as features land; the session agent's are added to them. */
static void service_caps(vda_caps *c)
{
  vda_caps_init(c);
  /* Windows text uses CRLF: the client converts line ends for us. */
  vda_caps_set(c, VD_AGENT_CAP_GUEST_LINEEND_CRLF);
  /* The reader honours the client's clipboard limit. */
  vda_caps_set(c, VD_AGENT_CAP_MAX_CLIPBOARD);
}

static bool emit_to_port(void *ctx, const uint8_t *chunk, size_t len)
{
  vds_loop *l = ctx;
  if (!vda_port_write(l->port, chunk, len)) {
    LOG_ERROR("port write queue full (%zu bytes queued): dropping the port", vda_port_queued(l->port));
    l->port_broken = true;
    return false;
  }
  return true;
}

static void send_body(vds_loop *l, const vda_body *b)
{
  const char *why = NULL;
  if (!vda_emit_body(b, emit_to_port, l, &why))
    LOG_ERROR("cannot send message type %u: %s", (unsigned)b->type, why ? why : "emit failed");
}

static void announce(vds_loop *l, bool request)
{
  vda_body b;
  vda_body_announce_caps(&b, &l->ours, request);
  send_body(l, &b);
  LOG_INFO("announced capabilities 0x%08x (request=%d)", (unsigned)l->ours.words[0], request);
}

static void on_message(void *ctx, unsigned port, uint32_t type, const uint8_t *body, size_t size)
{
  vds_loop *l = ctx;
  (void)body;

  switch (type) {
  case VD_AGENT_ANNOUNCE_CAPABILITIES: {
    const vda_negotiated *n = vda_reader_negotiated(l->reader);
    uint32_t request = size >= 4 ? (uint32_t)body[0] | (uint32_t)body[1] << 8 |
                                       (uint32_t)body[2] << 16 | (uint32_t)body[3] << 24
                                 : 0;
    LOG_INFO("client capabilities 0x%08x (request=%u)", (unsigned)n->peer.words[0],
             (unsigned)request);
    /* Always answer request=1: the server drops what we sent before a client
     * was attached, so this is how the client learns ours. */
    if (request)
      announce(l, false);
    break;
  }
  case VD_AGENT_CLIENT_DISCONNECTED:
    LOG_INFO("client disconnected");
    vda_reader_reset_client(l->reader);
    break;
  default:
    LOG_DEBUG("message type %u (%zu bytes) on port %u: not handled yet", (unsigned)type, size,
              port);
    break;
  }
}

static void on_rejected(void *ctx, unsigned port, uint32_t type, uint32_t size, const char *why)
{
  (void)ctx;
  LOG_WARN("refused message type %u (%u bytes) on port %u: %s", (unsigned)type, (unsigned)size,
           port, why);
}

static void on_stream_begin(void *ctx, const vda_stream_info *info)
{
  (void)ctx;
  LOG_DEBUG("stream type %u (%llu bytes) on port %u: not handled yet", (unsigned)info->type,
            (unsigned long long)info->data_size, info->port);
}

static const vda_reader_ops reader_ops = {
    .on_message = on_message,
    .on_rejected = on_rejected,
    .on_stream_begin = on_stream_begin,
};

static void close_port(vds_loop *l, const char *why)
{
  if (!l->port)
    return;
  LOG_INFO("closing port: %s", why);
  vda_port_close(l->port);
  l->port = NULL;
  l->port_broken = false;
  vda_reader_reset(l->reader);
}

/* One attempt to open the port; logs only when the reason changes so a
 * missing device does not flood the log. */
static bool try_open(vds_loop *l)
{
  DWORD err = vda_port_open(l->opt->port_path, PORT_QUEUE_LIMIT, &l->port);
  if (err != ERROR_SUCCESS) {
    if (err != l->last_open_error)
      LOG_WARN("cannot open %ls: %s; retrying with backoff up to %u ms", l->opt->port_path,
               vda_win_strerror(err), OPEN_RETRY_MAX_MS);
    l->last_open_error = err;
    return false;
  }
  LOG_INFO("opened %ls", l->opt->port_path);
  l->last_open_error = ERROR_SUCCESS;
  l->retry_ms = OPEN_RETRY_MIN_MS;
  vda_reader_reset(l->reader);
  /* request=1: we want the client's capabilities too. */
  announce(l, true);
  return true;
}

static DWORD start_read(vds_loop *l)
{
  size_t want = vda_reader_want(l->reader);
  return vda_port_read_start(l->port, want);
}

static void handle_read(vds_loop *l)
{
  const unsigned char *data;
  size_t got;
  const char *why = NULL;
  DWORD err = vda_port_read_finish(l->port, &data, &got);

  if (err == ERROR_IO_INCOMPLETE)
    return;
  if (err != ERROR_SUCCESS) {
    close_port(l, err == ERROR_HANDLE_EOF ? "host closed the port" : vda_win_strerror(err));
    return;
  }
  if (vda_reader_push(l->reader, data, got, &why) == VDA_READER_RESYNC) {
    LOG_ERROR("framing error: %s; reopening the port to resynchronise", why);
    close_port(l, "resync needed");
    return;
  }
  if (l->port_broken)
    close_port(l, "write failed");
  else if ((err = start_read(l)) != ERROR_SUCCESS)
    close_port(l, vda_win_strerror(err));
}

int vds_loop_run(const vds_loop_options *opt, HANDLE stop_event)
{
  vds_loop l = {.opt = opt, .stop = stop_event, .retry_ms = OPEN_RETRY_MIN_MS};
  int rc = 0;

  service_caps(&l.ours);
  l.reader = vda_reader_new(&reader_ops, &l, &l.ours, NULL);
  if (!l.reader) {
    LOG_ERROR("out of memory creating the protocol reader");
    return 1;
  }

  for (;;) {
    HANDLE waits[3];
    DWORD n = 0, timeout = INFINITE, w, err;

    if (!l.port) {
      if (!try_open(&l)) {
        timeout = l.retry_ms;
        l.retry_ms = l.retry_ms * 2 > OPEN_RETRY_MAX_MS ? OPEN_RETRY_MAX_MS : l.retry_ms * 2;
      } else if ((err = start_read(&l)) != ERROR_SUCCESS) {
        close_port(&l, vda_win_strerror(err));
        timeout = l.retry_ms;
      }
    }
    waits[n++] = l.stop;
    if (l.port) {
      waits[n++] = vda_port_read_event(l.port);
      waits[n++] = vda_port_write_event(l.port);
    }
    w = WaitForMultipleObjects(n, waits, FALSE, timeout);
    if (w == WAIT_OBJECT_0)
      break;
    if (w == WAIT_TIMEOUT)
      continue;
    if (w == WAIT_OBJECT_0 + 1) {
      handle_read(&l);
    } else if (w == WAIT_OBJECT_0 + 2) {
      if ((err = vda_port_write_continue(l.port)) != ERROR_SUCCESS)
        close_port(&l, vda_win_strerror(err));
    } else {
      LOG_ERROR("WaitForMultipleObjects: %s", vda_win_strerror(GetLastError()));
      rc = 1;
      break;
    }
  }

  close_port(&l, "service stopping");
  vda_reader_free(l.reader);
  return rc;
}
