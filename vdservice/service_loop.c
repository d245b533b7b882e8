#include "service_loop.h"

#include <stdlib.h>

#include "log.h"
#include "service_state.h"
#include "session_queue.h"
#include "vda_builder.h"
#include "winerror_text.h"

/* The capabilities the service implements on its own; the agent's are added
 * when it says hello. */
static void service_caps(vda_caps *c)
{
  vda_caps_init(c);
  /* Windows text uses CRLF: the client converts line ends for us. */
  vda_caps_set(c, VD_AGENT_CAP_GUEST_LINEEND_CRLF);
  /* The reader applies the client's clipboard limit to every stream. */
  vda_caps_set(c, VD_AGENT_CAP_MAX_CLIPBOARD);
}

void vds_port_close(vds_state *s, const char *why)
{
  if (!s->port)
    return;
  LOG_INFO("closing port: %s", why);
  vda_stream_close(s->port);
  s->port = NULL;
  s->port_reading = false;
  s->port_broken = false;
  s->ndeferred = 0;
  vda_framer_abort(&s->out);
  vda_reader_reset(s->reader);
}

bool vds_emit_to_port(void *ctx, const uint8_t *chunk, size_t len)
{
  vds_state *s = ctx;
  if (!s->port || !vda_stream_write(s->port, chunk, len)) {
    if (s->port)
      LOG_ERROR("port write queue full (%zu bytes queued): resetting the port",
                vda_stream_queued(s->port));
    s->port_broken = true;
    return false;
  }
  return true;
}

bool vds_mux_send_port_body(vds_state *s, uint32_t type, const void *body, size_t size)
{
  const char *why = NULL;
  if (!s->port)
    return false;
  if (!vda_framer_begin(&s->out, type, (uint32_t)size, vds_emit_to_port, s, &why) ||
      (size > 0 && !vda_framer_write(&s->out, body, size, &why))) {
    LOG_ERROR("cannot send message type %u (%zu bytes): %s", (unsigned)type, size,
              why ? why : "port write failed");
    s->port_broken = true;
    return false;
  }
  return true;
}

void vds_port_send_own(vds_state *s, const vda_body *b)
{
  if (!s->port)
    return;
  if (!vda_framer_active(&s->out)) {
    vds_mux_send_port_body(s, b->type, b->data, b->len);
    return;
  }
  if (s->ndeferred == sizeof(s->deferred) / sizeof(s->deferred[0])) {
    LOG_WARN("too many service messages waiting behind an agent message: type %u dropped",
             (unsigned)b->type);
    return;
  }
  s->deferred[s->ndeferred++] = *b;
}

void vds_port_flush_deferred(vds_state *s)
{
  unsigned i;
  for (i = 0; i < s->ndeferred && s->port && !vda_framer_active(&s->out); i++)
    vds_mux_send_port_body(s, s->deferred[i].type, s->deferred[i].data, s->deferred[i].len);
  s->ndeferred = 0;
}

void vds_port_announce(vds_state *s, bool request)
{
  vda_body b;
  if (!s->port)
    return;
  vda_body_announce_caps(&b, &s->announced, request);
  vds_port_send_own(s, &b);
  LOG_INFO("announced capabilities 0x%08x (request=%d)", (unsigned)s->announced.words[0],
           request);
}

/* Reads from the port only while the agent keeps up: a slow agent
 * back-pressures the host instead of growing our queue. */
void vds_port_update_reading(vds_state *s)
{
  DWORD err;
  if (!s->port || s->port_reading)
    return;
  if (vda_ipc_link_queued(&s->link) > VDS_QUEUE_HIGH)
    return;
  err = vda_stream_read_start(s->port, vda_reader_want(s->reader));
  if (err != ERROR_SUCCESS) {
    vds_port_close(s, vda_win_strerror(err));
    return;
  }
  s->port_reading = true;
}

/* One attempt to open the port; logs only when the reason changes so a
 * missing device does not flood the log. */
static void try_open(vds_state *s, uint64_t now)
{
  DWORD err = vda_stream_open(s->opt->port_path, VDS_QUEUE_LIMIT, &s->port);
  if (err != ERROR_SUCCESS) {
    if (err != s->last_open_error)
      LOG_WARN("cannot open %ls: %s; retrying with backoff up to %u ms", s->opt->port_path,
               vda_win_strerror(err), VDS_OPEN_RETRY_MAX_MS);
    s->last_open_error = err;
    s->open_at = now + s->open_retry_ms;
    s->open_retry_ms = s->open_retry_ms * 2 > VDS_OPEN_RETRY_MAX_MS ? VDS_OPEN_RETRY_MAX_MS
                                                                    : s->open_retry_ms * 2;
    return;
  }
  LOG_INFO("opened %ls", s->opt->port_path);
  s->last_open_error = ERROR_SUCCESS;
  s->open_retry_ms = VDS_OPEN_RETRY_MIN_MS;
  vda_reader_reset(s->reader);
  /* request=1: we want the client's capabilities too. */
  vds_port_announce(s, true);
  vds_port_update_reading(s);
}

static void handle_port_read(vds_state *s)
{
  const unsigned char *data;
  size_t got;
  const char *why = NULL;
  DWORD err = vda_stream_read_finish(s->port, &data, &got);

  if (err == ERROR_IO_INCOMPLETE)
    return;
  s->port_reading = false;
  if (err != ERROR_SUCCESS) {
    vds_port_close(s, err == ERROR_HANDLE_EOF ? "host closed the port" : vda_win_strerror(err));
    return;
  }
  if (vda_reader_push(s->reader, data, got, &why) == VDA_READER_RESYNC) {
    LOG_ERROR("framing error: %s; reopening the port to resynchronise", why);
    vds_port_close(s, "resync needed");
    return;
  }
  if (s->port_broken)
    vds_port_close(s, "write failed");
  else
    vds_port_update_reading(s);
}

static void handle_port_write(vds_state *s)
{
  DWORD err = vda_stream_write_continue(s->port);
  if (err != ERROR_SUCCESS) {
    vds_port_close(s, vda_win_strerror(err));
    return;
  }
  /* The host drained: let the agent send again. */
  if (vda_ipc_link_is_open(&s->link) && s->link.reading_paused &&
      vda_stream_queued(s->port) < VDS_QUEUE_LOW)
    vda_ipc_link_pause(&s->link, false);
}

static void handle_link_read(vds_state *s)
{
  const char *why = NULL;
  DWORD err = vda_ipc_link_on_read(&s->link, &why);
  if (err != ERROR_SUCCESS) {
    vds_agent_link_closed(s, why ? why : vda_win_strerror(err));
    return;
  }
  if (s->port_broken)
    vds_port_close(s, "write failed");
  /* The agent is producing faster than the host drains: stop reading it. */
  if (vda_ipc_link_is_open(&s->link) && s->port && vda_stream_queued(s->port) > VDS_QUEUE_HIGH)
    vda_ipc_link_pause(&s->link, true);
}

static void handle_link_write(vds_state *s)
{
  DWORD err = vda_ipc_link_on_write(&s->link);
  if (err != ERROR_SUCCESS) {
    vds_agent_link_closed(s, vda_win_strerror(err));
    return;
  }
  if (vda_ipc_link_queued(&s->link) < VDS_QUEUE_LOW)
    vds_port_update_reading(s);
}

static void handle_session_events(vds_state *s)
{
  DWORD event, session;
  while (vds_session_queue_pop(&event, &session))
    vds_agent_on_session_event(s, event, session);
}

static DWORD until(uint64_t at, uint64_t now, DWORD current)
{
  DWORD d = at <= now ? 0 : (at - now > 0x7fffffff ? 0x7fffffff : (DWORD)(at - now));
  return d < current ? d : current;
}

typedef enum { W_STOP, W_SESSION, W_AGENT, W_LINK_RD, W_LINK_WR, W_PORT_RD, W_PORT_WR } wait_kind;

int vds_loop_run(const vds_loop_options *opt, HANDLE stop_event)
{
  vds_state s = {.opt = opt, .stop = stop_event, .open_retry_ms = VDS_OPEN_RETRY_MIN_MS};
  int rc = 0;

  service_caps(&s.service_caps);
  s.announced = s.service_caps;
  s.reader = vda_reader_new(&vds_reader_ops, &s, &s.announced, NULL);
  if (!s.reader) {
    LOG_ERROR("out of memory creating the protocol reader");
    vda_reader_free(s.reader);
    return 1;
  }
  vds_agent_init(&s);
  vds_agent_launch_now(&s);

  for (;;) {
    HANDLE waits[8];
    wait_kind kinds[8];
    DWORD n = 0, timeout = INFINITE, w;
    uint64_t now = GetTickCount64();

    vds_agent_tick(&s, now);
    /* The port is open only while an agent can act on what arrives: an open
     * port makes the host send absolute mouse events, and nobody would
     * inject them (the "dead mouse"). */
    if (s.agent_ready && !s.port && now >= s.open_at)
      try_open(&s, now);

    if (s.launch_due)
      timeout = until(s.launch_at, now, timeout);
    if (s.agent_ready && !s.port)
      timeout = until(s.open_at, now, timeout);
    if (vda_ipc_link_is_open(&s.link))
      timeout = until(now + vds_heartbeat_next_ms(&s.hb, now), now, timeout);

#define ADD(h, k) (waits[n] = (h), kinds[n++] = (k))
    ADD(s.stop, W_STOP);
    ADD(vds_session_queue_event(), W_SESSION);
    if (s.agent.process)
      ADD(s.agent.process, W_AGENT);
    if (vda_ipc_link_is_open(&s.link)) {
      if (vda_ipc_link_read_pending(&s.link))
        ADD(vda_ipc_link_read_event(&s.link), W_LINK_RD);
      ADD(vda_ipc_link_write_event(&s.link), W_LINK_WR);
    }
    if (s.port) {
      if (s.port_reading)
        ADD(vda_stream_read_event(s.port), W_PORT_RD);
      ADD(vda_stream_write_event(s.port), W_PORT_WR);
    }
#undef ADD
    w = WaitForMultipleObjects(n, waits, FALSE, timeout);
    if (w == WAIT_TIMEOUT)
      continue;
    if (w >= WAIT_OBJECT_0 + n) {
      LOG_ERROR("WaitForMultipleObjects: %s", vda_win_strerror(GetLastError()));
      rc = 1;
      break;
    }
    switch (kinds[w - WAIT_OBJECT_0]) {
    case W_STOP:
      goto stop;
    case W_SESSION:
      handle_session_events(&s);
      break;
    case W_AGENT:
      vds_agent_on_exit(&s);
      break;
    case W_LINK_RD:
      handle_link_read(&s);
      break;
    case W_LINK_WR:
      handle_link_write(&s);
      break;
    case W_PORT_RD:
      handle_port_read(&s);
      break;
    case W_PORT_WR:
      handle_port_write(&s);
      break;
    }
  }

stop:
  vds_port_close(&s, "service stopping");
  vds_agent_stop(&s);
  vda_reader_free(s.reader);
  return rc;
}
