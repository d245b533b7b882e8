/* The service's event loop and the one place that holds the three parts
 * together: the port (port.c), the session agent (agent.c) and the mux
 * between them (mux.c). It waits on their handles, runs their timers,
 * wires their callbacks (the mux's ops table, the port's and the agent's
 * events) and applies back-pressure in both directions. */
#include "service_loop.h"

#include "agent.h"
#include "log.h"
#include "mux.h"
#include "port.h"
#include "session_queue.h"
#include "status_server.h"
#include "winerror_text.h"

/* Queue bounds and back-pressure marks, per direction. */
#define VDS_QUEUE_LIMIT (4u * 1024u * 1024u)
#define VDS_QUEUE_HIGH (1024u * 1024u)
#define VDS_QUEUE_LOW (256u * 1024u)
/* One pipe read's frames land in the port queue after the pause mark (see
 * on_agent_frame), each 2 KiB chunk with its header: twice the read leaves
 * room for that and for what the service sends of its own. */
_Static_assert(VDS_QUEUE_HIGH + 2u * VDA_IPC_TO_SERVICE_IO <= VDS_QUEUE_LIMIT,
               "a pipe read past the pause mark must fit in the port queue");

typedef struct vds_service {
  vds_port port;
  vds_agent agent;
  vds_mux mux;
  vds_status_server status;
} vds_service;

/* --- the mux's view of both sides --- */

static bool op_agent_ready(void *ctx)
{
  return vds_agent_ready(&((vds_service *)ctx)->agent);
}

static bool op_session_locked(void *ctx)
{
  return vds_agent_session_locked(&((vds_service *)ctx)->agent);
}

static bool op_agent_message(void *ctx, uint32_t vd_type, const void *body, size_t size)
{
  return vds_agent_send_message(&((vds_service *)ctx)->agent, vd_type, body, size);
}

static bool op_agent_frame(void *ctx, uint32_t ipc_type, const void *payload, size_t size)
{
  return vds_agent_send(&((vds_service *)ctx)->agent, ipc_type, payload, size);
}

static void op_agent_kill(void *ctx, const char *why)
{
  vds_agent_kill(&((vds_service *)ctx)->agent, why);
}

static bool op_port_open(void *ctx)
{
  return vds_port_is_open(&((vds_service *)ctx)->port);
}

static const vda_negotiated *op_port_negotiated(void *ctx)
{
  return vds_port_negotiated(&((vds_service *)ctx)->port);
}

static void op_port_reset_client(void *ctx)
{
  vds_port_reset_client(&((vds_service *)ctx)->port);
}

static void op_port_set_caps(void *ctx, const vda_caps *ours)
{
  vds_port_set_caps(&((vds_service *)ctx)->port, ours);
}

static void op_port_open_soon(void *ctx)
{
  vds_port_open_soon(&((vds_service *)ctx)->port);
}

static bool op_port_busy(void *ctx)
{
  return vds_port_busy(&((vds_service *)ctx)->port);
}

static void op_port_send(void *ctx, uint32_t vd_type, const void *body, size_t size)
{
  vds_port_send(&((vds_service *)ctx)->port, vd_type, body, size);
}

static void op_port_send_own(void *ctx, const vda_body *b)
{
  vds_port_send_own(&((vds_service *)ctx)->port, b);
}

static void op_port_begin(void *ctx, uint32_t vd_type, uint32_t size)
{
  vds_port_begin(&((vds_service *)ctx)->port, vd_type, size);
}

static void op_port_write(void *ctx, const void *data, size_t len)
{
  vds_port_write(&((vds_service *)ctx)->port, data, len);
}

static void op_port_end(void *ctx)
{
  vds_port_end(&((vds_service *)ctx)->port);
}

static void op_log(void *ctx, vds_log_level level, const char *func, const char *line)
{
  (void)ctx;
  vda_log_write((vda_log_level)level, func, "%s", line);
}

static void op_log_limited(void *ctx, vds_log_level level, const char *func, const void *key,
                           const char *line)
{
  (void)ctx;
  vda_log_limited((vda_log_level)level, func, key, "%s", line);
}

static size_t op_agent_backlog(void *ctx)
{
  return vds_agent_queued(&((vds_service *)ctx)->agent);
}

static const vds_mux_ops mux_ops = {
    .agent_ready = op_agent_ready,
    .session_locked = op_session_locked,
    .agent_message = op_agent_message,
    .agent_frame = op_agent_frame,
    .agent_kill = op_agent_kill,
    .agent_backlog = op_agent_backlog,
    .port_open = op_port_open,
    .port_negotiated = op_port_negotiated,
    .port_reset_client = op_port_reset_client,
    .port_set_caps = op_port_set_caps,
    .port_open_soon = op_port_open_soon,
    .port_busy = op_port_busy,
    .port_send = op_port_send,
    .port_send_own = op_port_send_own,
    .port_begin = op_port_begin,
    .port_write = op_port_write,
    .port_end = op_port_end,
    .log = op_log,
    .log_limited = op_log_limited,
};

/* --- the agent's and the port's events --- */

static void on_agent_ready(void *ctx, const vda_caps *agent_caps)
{
  vds_mux_agent_ready(&((vds_service *)ctx)->mux, agent_caps);
}

/* The port is open only while an agent can act on what arrives: an open
 * port makes the host send absolute mouse events, and nobody would inject
 * them (the "dead mouse"). The mux forgets the agent first, so aborting a
 * stream while the port closes is not forwarded to the dead agent. */
static void on_agent_gone(void *ctx, const char *why)
{
  vds_service *s = ctx;
  vds_mux_agent_gone(&s->mux);
  vds_port_close(&s->port, why);
}

static void on_agent_frame(void *ctx, uint32_t type, const uint8_t *payload, size_t size)
{
  vds_service *s = ctx;
  vds_mux_on_agent_frame(&s->mux, type, payload, size);
  /* Paused here, between frames, the link starts no next read after this
   * one: the port queue then stays within VDS_QUEUE_HIGH plus the rest of one
   * pipe read, well under VDS_QUEUE_LIMIT. Deciding after the read's frames
   * were all delivered would leave one more read in flight, a second read's
   * worth over the mark. */
  if (vds_port_queued(&s->port) > VDS_QUEUE_HIGH)
    vds_agent_pause(&s->agent, true);
}

static const vds_agent_events agent_events = {
    .ready = on_agent_ready,
    .gone = on_agent_gone,
    .frame = on_agent_frame,
};

static void on_port_opened(void *ctx)
{
  vds_mux_port_opened(&((vds_service *)ctx)->mux, GetTickCount64());
}

/* Reads from the port only while the agent keeps up: a slow agent
 * back-pressures the host instead of growing our queue. */
static bool port_may_read(void *ctx)
{
  return vds_agent_queued(&((vds_service *)ctx)->agent) <= VDS_QUEUE_HIGH;
}

static void on_port_closed(void *ctx)
{
  vds_mux_port_closed(&((vds_service *)ctx)->mux);
}

static const vds_port_events port_events = {
    .opened = on_port_opened,
    .closed = on_port_closed,
    .may_read = port_may_read,
};

/* --- `vdservice status`: what the loop's parts say, read-only --- */

static void fill_status(void *ctx, vds_status *out)
{
  vds_service *s = ctx;
  const vda_negotiated *n = vds_port_negotiated(&s->port);

  out->port_open = vds_port_is_open(&s->port);
  out->port_error = out->port_open ? 0 : vds_port_last_error(&s->port);
  out->agent_running = vds_agent_running(&s->agent);
  out->agent_ready = vds_agent_ready(&s->agent);
  out->agent_pid = vds_agent_pid(&s->agent);
  out->agent_session = vds_agent_session(&s->agent);
  /* A client announced since the port opened and has not disconnected
   * (the reader forgets it on CLIENT_DISCONNECTED and on every reopen). */
  out->client_connected = out->port_open && n->peer_known;
  out->guest_caps = n->ours;
  if (out->client_connected)
    out->client_caps = n->peer;
}

/* --- the loop --- */

static void handle_port_write(vds_service *s)
{
  vds_port_on_write(&s->port);
  /* The host drained: let the agent send again. */
  if (vds_port_is_open(&s->port) && vds_agent_paused(&s->agent) &&
      vds_port_queued(&s->port) < VDS_QUEUE_LOW)
    vds_agent_pause(&s->agent, false);
}

static void handle_link_read(vds_service *s)
{
  /* An agent producing faster than the host drains is paused as its
   * frames arrive (on_agent_frame). */
  vds_agent_on_read(&s->agent);
  vds_port_close_if_broken(&s->port);
}

static void handle_link_write(vds_service *s)
{
  vds_agent_on_write(&s->agent);
  if (vds_agent_queued(&s->agent) < VDS_QUEUE_LOW)
    vds_port_update_reading(&s->port);
}

static void handle_session_events(vds_service *s)
{
  DWORD event, session;
  while (vds_session_queue_pop(&event, &session))
    vds_agent_on_session_event(&s->agent, event, session);
}

static DWORD until(uint64_t at, uint64_t now, DWORD current)
{
  DWORD d = at <= now ? 0 : (at - now > 0x7fffffff ? 0x7fffffff : (DWORD)(at - now));
  return d < current ? d : current;
}

typedef enum {
  W_STOP,
  W_SESSION,
  W_AGENT,
  W_LINK_RD,
  W_LINK_WR,
  W_PORT_RD,
  W_PORT_WR,
  W_STATUS
} wait_kind;

int vds_loop_run(const vds_loop_options *opt, HANDLE stop_event)
{
  vds_service s;
  int rc = 0;

  vds_mux_init(&s.mux, &mux_ops, &s);
  if (!vds_port_init(&s.port, opt->port_path, VDS_QUEUE_LIMIT, &vds_mux_reader_ops, &s.mux,
                     &s.mux.announced, &port_events, &s))
    return 1;
  if (opt->max_clipboard) {
    vda_limits lim;
    vda_limits_default(&lim);
    lim.max_clipboard = opt->max_clipboard;
    vda_reader_set_limits(s.port.reader, &lim);
  }
  vds_agent_init(&s.agent, opt->agent_path, VDS_QUEUE_LIMIT, &s.mux.service_caps, &agent_events,
                 &s);
  vds_agent_launch_now(&s.agent);
  /* Without it the service still runs: only `vdservice status` is mute. */
  vds_status_server_init(&s.status, VDS_STATUS_PIPE_NAME, VDA_VERSION_STRING, fill_status, &s);

  for (;;) {
    HANDLE waits[10];
    wait_kind kinds[10];
    DWORD n = 0, timeout = INFINITE, w;
    uint64_t now = GetTickCount64();
    HANDLE h;

    vds_agent_tick(&s.agent, now);
    vds_mux_tick(&s.mux, now);
    vds_status_server_tick(&s.status, now);
    if (vds_agent_ready(&s.agent))
      vds_port_try_open(&s.port, now);

    timeout = until(vds_agent_next_due(&s.agent, now), now, timeout);
    timeout = until(vds_status_server_next_due(&s.status), now, timeout);
    timeout = until(vds_mux_next_due(&s.mux), now, timeout);
    /* "N similar lines suppressed" once a flood's interval is over. */
    {
      unsigned long due = vda_log_flush_suppressed();
      if (due != 0xfffffffful)
        timeout = until(now + due, now, timeout);
    }
    if (vds_agent_ready(&s.agent) && !vds_port_is_open(&s.port))
      timeout = until(vds_port_open_at(&s.port), now, timeout);

#define ADD(h, k) (waits[n] = (h), kinds[n++] = (k))
    ADD(stop_event, W_STOP);
    ADD(vds_session_queue_event(), W_SESSION);
    if (s.agent.proc.process)
      ADD(s.agent.proc.process, W_AGENT);
    if ((h = vds_agent_read_event(&s.agent)) != NULL)
      ADD(h, W_LINK_RD);
    if ((h = vds_agent_write_event(&s.agent)) != NULL)
      ADD(h, W_LINK_WR);
    if ((h = vds_port_read_event(&s.port)) != NULL)
      ADD(h, W_PORT_RD);
    if ((h = vds_port_write_event(&s.port)) != NULL)
      ADD(h, W_PORT_WR);
    if ((h = vds_status_server_event(&s.status)) != NULL)
      ADD(h, W_STATUS);
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
      vds_agent_on_exit(&s.agent);
      break;
    case W_LINK_RD:
      handle_link_read(&s);
      break;
    case W_LINK_WR:
      handle_link_write(&s);
      break;
    case W_PORT_RD:
      vds_port_on_read(&s.port);
      vds_mux_flush(&s.mux);
      break;
    case W_PORT_WR:
      handle_port_write(&s);
      break;
    case W_STATUS:
      vds_status_server_on_event(&s.status, GetTickCount64());
      break;
    }
  }

stop:
  vds_port_close(&s.port, "service stopping");
  vds_agent_stop(&s.agent);
  vds_port_free(&s.port);
  vds_status_server_free(&s.status);
  return rc;
}
