/* Routing between the port and the session agent (see mux.h). */
#include "mux.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent_policy.h"
#include "vda_ipc.h"
#include "vda_le.h"
#include "vda_msg_table.h"

#if defined(__MINGW32__)
#define MUX_PRINTF __attribute__((format(gnu_printf, 4, 5)))
#else
#define MUX_PRINTF __attribute__((format(printf, 4, 5)))
#endif

static void mux_log(const vds_mux *m, vds_log_level level, const char *func, const char *fmt,
                    ...) MUX_PRINTF;
static void mux_log(const vds_mux *m, vds_log_level level, const char *func, const char *fmt, ...)
{
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  m->ops->log(m->ctx, level, func, line);
}

#define LOG(m, level, ...) mux_log((m), (level), __func__, __VA_ARGS__)

#if defined(__MINGW32__)
#define MUX_PRINTF_LIMITED __attribute__((format(gnu_printf, 5, 6)))
#else
#define MUX_PRINTF_LIMITED __attribute__((format(printf, 5, 6)))
#endif

/* Refusals of what the host or the agent sent: one line per reason per
 * interval (the service's log must survive a flood). */
static void mux_log_limited(const vds_mux *m, vds_log_level level, const char *func,
                            const void *key, const char *fmt, ...) MUX_PRINTF_LIMITED;
static void mux_log_limited(const vds_mux *m, vds_log_level level, const char *func,
                            const void *key, const char *fmt, ...)
{
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (m->ops->log_limited)
    m->ops->log_limited(m->ctx, level, func, key, line);
  else
    m->ops->log(m->ctx, level, func, line);
}

#define LOG_LIMITED(m, level, key, ...) mux_log_limited((m), (level), __func__, (key), __VA_ARGS__)

/* Keys of the refusals whose reason is not a string of their own. */
static const char key_ungated[] = "ungated";
static const char key_agent_type[] = "agent type";
static const char key_agent_ungated[] = "agent ungated";
static const char key_agent_busy[] = "agent busy";
static const char key_client_gone[] = "client gone";
static const char key_mouse_behind[] = "mouse behind";

void vds_mux_init(vds_mux *m, const vds_mux_ops *ops, void *ctx)
{
  *m = (vds_mux){.ops = ops, .ctx = ctx};
  vda_caps_service(&m->service_caps);
  m->announced = m->service_caps;
}

static void announce(vds_mux *m, bool request)
{
  vda_body b;
  if (!m->ops->port_open(m->ctx))
    return;
  vda_body_announce_caps(&b, &m->announced, request);
  m->ops->port_send_own(m->ctx, &b);
  LOG(m, VDS_LOG_INFO, "announced capabilities 0x%08x (request=%d)",
      (unsigned)m->announced.words[0], request);
}

void vds_mux_port_opened(vds_mux *m, uint64_t now)
{
  /* See mux.h: the host's request, if it comes first, is answered instead. */
  m->announce_pending = true;
  m->announce_due = now + VDS_MUX_ANNOUNCE_GRACE_MS;
}

void vds_mux_tick(vds_mux *m, uint64_t now)
{
  if (!m->announce_pending || now < m->announce_due)
    return;
  m->announce_pending = false;
  /* request=1: we want the client's capabilities too. */
  announce(m, true);
}

uint64_t vds_mux_next_due(const vds_mux *m)
{
  return m->announce_pending ? m->announce_due : UINT64_MAX;
}

static void forward_failed(vds_mux *m, const char *what);

void vds_mux_port_closed(vds_mux *m)
{
  static const uint8_t empty[1];
  m->announce_pending = false;
  if (!m->ops->agent_ready(m->ctx))
    return;
  LOG(m, VDS_LOG_INFO, "port closed: the agent forgets the client");
  if (!m->ops->agent_message(m->ctx, VD_AGENT_CLIENT_DISCONNECTED, empty, 0))
    forward_failed(m, "CLIENT_DISCONNECTED");
}

void vds_mux_agent_ready(vds_mux *m, const vda_caps *agent_caps)
{
  vda_caps_union(&m->announced, &m->service_caps, agent_caps);
  m->ops->port_set_caps(m->ctx, &m->announced);
  /* Capabilities changed: tell the client (the port opens now if needed,
   * and announces on opening). */
  if (m->ops->port_open(m->ctx))
    announce(m, true);
  else
    m->ops->port_open_soon(m->ctx);
}

void vds_mux_agent_gone(vds_mux *m)
{
  m->stream_to_agent = false;
  m->mouse_buttons = 0; /* a new agent starts with every button up */
  m->agent_out_active = false;
  m->agent_out_dropped = false;
  m->announced = m->service_caps;
  m->ops->port_set_caps(m->ctx, &m->announced);
}

/* A forwarding failure means the agent cannot keep up even with
 * back-pressure: drop it rather than desynchronise it. */
static void forward_failed(vds_mux *m, const char *what)
{
  LOG(m, VDS_LOG_ERROR, "cannot forward %s to the agent: its queue is full", what);
  m->ops->agent_kill(m->ctx, "IPC queue overflow");
}

/* Whether a message from the host goes on to the agent. */
static bool for_agent(vds_mux *m, uint32_t type)
{
  if (!vda_type_for_agent(type) || !m->ops->agent_ready(m->ctx))
    return false;
  if (!vda_type_gate_open(type, &m->announced)) {
    LOG_LIMITED(m, VDS_LOG_WARN, key_ungated,
                "%s from the host dropped: we did not announce its capability",
                vda_type_name(type));
    return false;
  }
  return true;
}

static void refuse_xfer(vds_mux *m, const uint8_t *body, uint32_t result, const char *why)
{
  vda_body b;
  uint32_t id = vda_le32(body);
  vda_body_xfer_status(&b, m->ops->port_negotiated(m->ctx), id, result);
  LOG(m, VDS_LOG_INFO, "file transfer %u refused: %s", (unsigned)id, why);
  m->ops->port_send_own(m->ctx, &b);
}

/* A host flooding MOUSE_STATE (e2e_hostile_host's mouse_flood: 20 000 in
 * 0.8 MB) would queue more input than the agent can inject (SendInput takes
 * about a millisecond under Wine) and starve its heartbeat answers until
 * the service killed it as hung. A real server coalesces mouse states while
 * the agent is behind; the service does the same for a host that does not:
 * while the agent's queue holds more than VDS_MUX_MOUSE_BACKLOG, a state
 * whose buttons equal the last forwarded one's is only a position, and the
 * next one supersedes it. Button changes always pass. */
static bool mouse_superseded(vds_mux *m, const uint8_t *body)
{
  uint32_t buttons = vda_le32(body + 8);
  if (m->ops->agent_backlog && buttons == m->mouse_buttons &&
      m->ops->agent_backlog(m->ctx) > VDS_MUX_MOUSE_BACKLOG) {
    LOG_LIMITED(m, VDS_LOG_INFO, key_mouse_behind,
                "mouse position dropped: the agent is behind (a newer one follows)");
    return true;
  }
  m->mouse_buttons = buttons;
  return false;
}

static void on_message(void *ctx, unsigned port, uint32_t type, const uint8_t *body, size_t size)
{
  vds_mux *m = ctx;
  (void)port;

  /* What the service answers itself; the table says who else hears it. */
  switch (type) {
  case VD_AGENT_ANNOUNCE_CAPABILITIES: {
    const vda_negotiated *n = m->ops->port_negotiated(m->ctx);
    uint32_t request = vda_le32(body);
    LOG(m, VDS_LOG_INFO, "client capabilities 0x%08x (request=%u)", (unsigned)n->peer.words[0],
        (unsigned)request);
    /* The server drops what we wrote before a client attached, so the
     * client's request is how it learns ours. */
    if (request) {
      m->announce_pending = false; /* this answer is our one announce */
      announce(m, false);
    }
    break;
  }
  case VD_AGENT_CLIENT_DISCONNECTED:
    /* Server-made, but a hostile host can repeat it at will. */
    LOG_LIMITED(m, VDS_LOG_INFO, key_client_gone, "client disconnected");
    /* The agent hears that the client left before its cut stream aborts:
     * a paste woken by the abort is at once followed by Wine's (or an
     * application's) next request, which must find no client to ask rather
     * than send a REQUEST nobody will answer. */
    if (for_agent(m, type) && !m->ops->agent_message(m->ctx, type, body, size))
      forward_failed(m, "CLIENT_DISCONNECTED");
    m->ops->port_reset_client(m->ctx);
    return;
  case VD_AGENT_MOUSE_STATE:
    if (mouse_superseded(m, body))
      return;
    break;
  case VD_AGENT_FILE_XFER_START: {
    bool ready = m->ops->agent_ready(m->ctx);
    uint32_t verdict = vds_xfer_start_verdict(ready, m->ops->session_locked(m->ctx));
    if (verdict != VDS_XFER_FORWARD) {
      refuse_xfer(m, body, verdict, ready ? "session locked" : "no session agent");
      return;
    }
    break;
  }
  default:
    break;
  }
  if (for_agent(m, type) && !m->ops->agent_message(m->ctx, type, body, size))
    forward_failed(m, "a message");
}

static void on_stream_begin(void *ctx, const vda_stream_info *info);
static void stream_done(vds_mux *m, uint32_t ipc_type, const char *what);

static void on_rejected(void *ctx, unsigned port, uint32_t type, uint32_t size, const char *why)
{
  vds_mux *m = ctx;
  LOG_LIMITED(m, VDS_LOG_WARN, why, "refused message type %u (%s, %u bytes) on port %u: %s",
              (unsigned)type, vda_type_name(type), (unsigned)size, port, why);
  /* A paste in the guest may be waiting for this CLIPBOARD (over the limit,
   * malformed): the agent hears it as a stream that aborted at once, of an
   * unknown type, so the paste ends now rather than at its deadline. */
  if (type == VD_AGENT_CLIPBOARD) {
    vda_stream_info lost = {.port = port, .type = type, .clipboard_type = VD_AGENT_CLIPBOARD_NONE};
    on_stream_begin(m, &lost);
    stream_done(m, VDA_IPC_ABORT, "a refused clipboard");
  }
}

static void on_stream_begin(void *ctx, const vda_stream_info *info)
{
  vds_mux *m = ctx;
  vda_ipc_stream_begin b = {.vd_type = info->type,
                            .body_size = info->body_size,
                            .data_size = info->data_size,
                            .clipboard_type = info->clipboard_type,
                            .xfer_id = info->xfer_id,
                            .selection = info->selection};
  uint8_t buf[VDA_IPC_STREAM_BEGIN_SIZE];

  /* Its pieces follow only when its start went to the agent. */
  m->stream_to_agent = false;
  m->batch_len = 0;
  if (!for_agent(m, info->type))
    return;
  vda_ipc_stream_begin_encode(buf, &b);
  if (!m->ops->agent_frame(m->ctx, VDA_IPC_STREAM_BEGIN, buf, sizeof(buf))) {
    forward_failed(m, "a stream start");
    return;
  }
  m->stream_to_agent = true;
}

static bool flush_batch(vds_mux *m)
{
  size_t len = m->batch_len;
  m->batch_len = 0;
  if (len > 0 && !m->ops->agent_frame(m->ctx, VDA_IPC_DATA, m->batch, len)) {
    forward_failed(m, "stream data");
    return false;
  }
  return true;
}

static void on_stream_data(void *ctx, unsigned port, const uint8_t *data, size_t len)
{
  vds_mux *m = ctx;
  (void)port;
  while (m->stream_to_agent && len > 0) {
    size_t n = VDS_MUX_BATCH - m->batch_len;
    if (n > len)
      n = len;
    memcpy(m->batch + m->batch_len, data, n);
    m->batch_len += n;
    data += n;
    len -= n;
    if (m->batch_len == VDS_MUX_BATCH && !flush_batch(m))
      return;
  }
}

void vds_mux_flush(vds_mux *m)
{
  if (m->stream_to_agent)
    flush_batch(m);
}

static void stream_done(vds_mux *m, uint32_t ipc_type, const char *what)
{
  if (!m->stream_to_agent)
    return;
  /* An aborted stream's data is moot: the agent drops the stream anyway. */
  if (ipc_type == VDA_IPC_ABORT)
    m->batch_len = 0;
  else if (!flush_batch(m))
    return;
  m->stream_to_agent = false;
  if (!m->ops->agent_frame(m->ctx, ipc_type, NULL, 0))
    forward_failed(m, what);
}

static void on_stream_end(void *ctx, unsigned port)
{
  (void)port;
  stream_done(ctx, VDA_IPC_END, "a stream end");
}

static void on_stream_abort(void *ctx, unsigned port, const char *why)
{
  LOG_LIMITED((vds_mux *)ctx, VDS_LOG_WARN, why, "stream on port %u aborted: %s", port, why);
  stream_done(ctx, VDA_IPC_ABORT, "a stream abort");
}

const vda_reader_ops vds_mux_reader_ops = {
    .on_message = on_message,
    .on_rejected = on_rejected,
    .on_stream_begin = on_stream_begin,
    .on_stream_data = on_stream_data,
    .on_stream_end = on_stream_end,
    .on_stream_abort = on_stream_abort,
};

/* What a session agent may say to the host: the table's agent types, except
 * ANNOUNCE_CAPABILITIES, which the service makes for both processes (the
 * agent's half arrives in its HELLO). */
static bool agent_may_send(vds_mux *m, uint32_t vd_type)
{
  if (!vda_type_from_agent(vd_type) || vd_type == VD_AGENT_ANNOUNCE_CAPABILITIES) {
    LOG_LIMITED(m, VDS_LOG_WARN, key_agent_type,
                "agent sent message type %u (%s), which agents may not send: dropped",
                (unsigned)vd_type, vda_type_name(vd_type));
    return false;
  }
  if (!vda_type_gate_open(vd_type, &m->announced)) {
    LOG_LIMITED(m, VDS_LOG_WARN, key_agent_ungated,
                "agent sent %s without announcing its capability: dropped", vda_type_name(vd_type));
    return false;
  }
  return true;
}

static void kill_agent(vds_mux *m, const char *why)
{
  LOG(m, VDS_LOG_ERROR, "agent protocol error: %s", why);
  m->ops->agent_kill(m->ctx, why);
}

static void on_agent_message(vds_mux *m, const uint8_t *payload, size_t size)
{
  uint32_t vd_type;

  if (size < 4) {
    kill_agent(m, "MESSAGE frame without a type");
    return;
  }
  vd_type = vda_le32(payload);
  if (!agent_may_send(m, vd_type))
    return;
  if (!m->ops->port_open(m->ctx)) {
    LOG(m, VDS_LOG_DEBUG, "port closed: agent message type %u dropped", (unsigned)vd_type);
    return;
  }
  if (m->ops->port_busy(m->ctx)) {
    /* The agent's main thread answers (a REPLY to a resize, a transfer
     * status) while its clipboard thread streams a large message: it waits
     * behind that message, as the service's own do, since messages of one
     * port may not interleave. Only small ones come this way. */
    vda_body b = {.type = vd_type, .len = size - 4};
    if (b.len > sizeof(b.data)) {
      LOG_LIMITED(m, VDS_LOG_WARN, key_agent_busy,
                  "agent message type %u (%zu bytes) during a large message: dropped",
                  (unsigned)vd_type, b.len);
      return;
    }
    memcpy(b.data, payload + 4, b.len);
    m->ops->port_send_own(m->ctx, &b);
    return;
  }
  m->ops->port_send(m->ctx, vd_type, payload + 4, size - 4);
}

static void on_out_begin(vds_mux *m, const uint8_t *payload, size_t size)
{
  uint32_t vd_type, body_size;
  const vda_msg_info *info;

  if (size < 8 || m->agent_out_active) {
    kill_agent(m, "bad large message from the agent");
    return;
  }
  vd_type = vda_le32(payload);
  body_size = vda_le32(payload + 4);
  info = vda_msg_info_of(vd_type);
  /* Only streamed types travel as large messages (the clipboard). */
  if (!info || !info->streamed || !(info->from & VDA_FROM_AGENT)) {
    kill_agent(m, "bad large message from the agent");
    return;
  }
  m->agent_out_active = true;
  m->agent_out_dropped = !agent_may_send(m, vd_type);
  if (!m->agent_out_dropped)
    m->ops->port_begin(m->ctx, vd_type, body_size);
}

static void on_out_data(vds_mux *m, const uint8_t *data, size_t len)
{
  if (!m->agent_out_active) {
    kill_agent(m, "data frame outside a large message");
    return;
  }
  if (!m->agent_out_dropped)
    m->ops->port_write(m->ctx, data, len);
}

static void on_out_end(vds_mux *m, bool aborted)
{
  if (!m->agent_out_active) {
    kill_agent(m, "end frame outside a large message");
    return;
  }
  m->agent_out_active = false;
  if (m->agent_out_dropped) {
    m->agent_out_dropped = false;
    return;
  }
  if (m->ops->port_busy(m->ctx))
    LOG(m, VDS_LOG_ERROR, "agent message %s before its declared size: resetting the port",
        aborted ? "aborted" : "ended");
  m->ops->port_end(m->ctx);
}

void vds_mux_on_agent_frame(vds_mux *m, uint32_t type, const uint8_t *payload, size_t size)
{
  switch (type) {
  case VDA_IPC_MESSAGE:
    on_agent_message(m, payload, size);
    break;
  case VDA_IPC_OUT_BEGIN:
    on_out_begin(m, payload, size);
    break;
  case VDA_IPC_DATA:
    on_out_data(m, payload, size);
    break;
  case VDA_IPC_END:
  case VDA_IPC_ABORT:
    on_out_end(m, type == VDA_IPC_ABORT);
    break;
  default:
    LOG(m, VDS_LOG_ERROR, "agent sent frame type %u, which only the service sends", (unsigned)type);
    m->ops->agent_kill(m->ctx, "IPC protocol error");
    break;
  }
}
