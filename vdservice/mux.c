/* Routing between the port and the session agent.
 *
 * Host -> agent: every validated message is forwarded whole as a MESSAGE
 * frame, and clipboard/file data as STREAM_BEGIN + DATA pieces + END, so the
 * service never holds a whole clipboard. The service itself answers what it
 * owns: ANNOUNCE_CAPABILITIES (with the service's and the agent's
 * capabilities), CLIENT_DISCONNECTED (resets the client side, then tells the
 * agent) and FILE_XFER_START while the session is locked or no agent is
 * ready.
 *
 * Agent -> host: only the message types an agent may send pass; each is
 * framed into chunks on the port's queue. */
#include <string.h>

#include "log.h"
#include "service_state.h"
#include "vda_builder.h"
#include "vda_le.h"

static vds_state *state(void *ctx)
{
  return ctx;
}

/* A forwarding failure means the agent cannot keep up even with
 * back-pressure, or is gone: drop it rather than desynchronise it. */
static void forward_failed(vds_state *s, const char *what)
{
  if (vda_ipc_link_is_open(&s->link)) {
    LOG_ERROR("cannot forward %s to the agent (%zu bytes queued)", what,
              vda_ipc_link_queued(&s->link));
    vds_agent_kill(s, "IPC queue overflow");
  }
}

static void refuse_xfer(vds_state *s, const uint8_t *body, uint32_t result, const char *why)
{
  vda_body b;
  uint32_t id = vda_le32(body);
  vda_body_xfer_status(&b, vda_reader_negotiated(s->reader), id, result);
  LOG_INFO("file transfer %u refused: %s", (unsigned)id, why);
  vds_port_send_own(s, &b);
}

static void on_message(void *ctx, unsigned port, uint32_t type, const uint8_t *body, size_t size)
{
  vds_state *s = state(ctx);
  (void)port;

  switch (type) {
  case VD_AGENT_ANNOUNCE_CAPABILITIES: {
    const vda_negotiated *n = vda_reader_negotiated(s->reader);
    uint32_t request = vda_le32(body);
    LOG_INFO("client capabilities 0x%08x (request=%u)", (unsigned)n->peer.words[0],
             (unsigned)request);
    /* Always answer request=1: the server drops what we wrote before a client
     * attached, so this is how the client learns ours. */
    if (request)
      vds_port_announce(s, false);
    break;
  }
  case VD_AGENT_CLIENT_DISCONNECTED:
    LOG_INFO("client disconnected");
    vda_reader_reset_client(s->reader);
    break;
  case VD_AGENT_FILE_XFER_START: {
    uint32_t verdict = vds_xfer_start_verdict(s->agent_ready, s->session_locked);
    if (verdict != VDS_XFER_FORWARD) {
      refuse_xfer(s, body, verdict, s->agent_ready ? "session locked" : "no session agent");
      return;
    }
    break;
  }
  default:
    break;
  }
  if (!s->agent_ready)
    return;
  if (!vda_ipc_link_send_message(&s->link, type, body, size))
    forward_failed(s, "a message");
}

static void on_rejected(void *ctx, unsigned port, uint32_t type, uint32_t size, const char *why)
{
  (void)ctx;
  LOG_WARN("refused message type %u (%u bytes) on port %u: %s", (unsigned)type, (unsigned)size,
           port, why);
}

static void on_stream_begin(void *ctx, const vda_stream_info *info)
{
  vds_state *s = state(ctx);
  vda_ipc_stream_begin b = {.vd_type = info->type,
                            .body_size = info->body_size,
                            .data_size = info->data_size,
                            .clipboard_type = info->clipboard_type,
                            .xfer_id = info->xfer_id,
                            .selection = info->selection};
  uint8_t buf[VDA_IPC_STREAM_BEGIN_SIZE];
  if (!s->agent_ready)
    return;
  vda_ipc_stream_begin_encode(buf, &b);
  if (!vda_ipc_link_send(&s->link, VDA_IPC_STREAM_BEGIN, buf, sizeof(buf)))
    forward_failed(s, "a stream start");
}

static void on_stream_data(void *ctx, unsigned port, const uint8_t *data, size_t len)
{
  vds_state *s = state(ctx);
  (void)port;
  if (s->agent_ready && !vda_ipc_link_send(&s->link, VDA_IPC_DATA, data, len))
    forward_failed(s, "stream data");
}

static void on_stream_end(void *ctx, unsigned port)
{
  vds_state *s = state(ctx);
  (void)port;
  if (s->agent_ready && !vda_ipc_link_send(&s->link, VDA_IPC_END, NULL, 0))
    forward_failed(s, "a stream end");
}

static void on_stream_abort(void *ctx, unsigned port, const char *why)
{
  vds_state *s = state(ctx);
  LOG_WARN("stream on port %u aborted: %s", port, why);
  if (s->agent_ready && !vda_ipc_link_send(&s->link, VDA_IPC_ABORT, NULL, 0))
    forward_failed(s, "a stream abort");
}

const vda_reader_ops vds_reader_ops = {
    .on_message = on_message,
    .on_rejected = on_rejected,
    .on_stream_begin = on_stream_begin,
    .on_stream_data = on_stream_data,
    .on_stream_end = on_stream_end,
    .on_stream_abort = on_stream_abort,
};

/* What a session agent may say to the client. */
static bool agent_may_send(uint32_t vd_type)
{
  switch (vd_type) {
  case VD_AGENT_REPLY:
  case VD_AGENT_CLIPBOARD:
  case VD_AGENT_CLIPBOARD_GRAB:
  case VD_AGENT_CLIPBOARD_REQUEST:
  case VD_AGENT_CLIPBOARD_RELEASE:
  case VD_AGENT_FILE_XFER_STATUS:
    return true;
  default:
    return false;
  }
}

static void on_hello(vds_state *s, const uint8_t *payload, size_t size)
{
  uint32_t version;
  const char *why = NULL;

  /* Same layout as ANNOUNCE_CAPABILITIES: u32 then capability words. */
  if (!vda_caps_parse(payload, size, &s->agent_caps, &version, &why)) {
    vds_agent_kill(s, why);
    return;
  }
  s->agent_ready = true;
  vds_backoff_healthy(&s->backoff);
  vda_caps_union(&s->announced, &s->service_caps, &s->agent_caps);
  vda_reader_set_ours(s->reader, &s->announced);
  LOG_INFO("agent pid %lu ready, capabilities 0x%08x", (unsigned long)s->agent.pid,
           (unsigned)s->agent_caps.words[0]);

  /* The agent learns the service's half, so it can build the negotiated view
   * of what the client sees as "ours". */
  vda_ipc_link_send_hello(&s->link, VDA_IPC_HELLO_ACK, &s->service_caps);
  vds_agent_send_session_state(s);
  /* Capabilities changed: tell the client (the port opens now if needed). */
  if (s->port)
    vds_port_announce(s, true);
  else
    s->open_at = 0;
}

static void on_agent_message(vds_state *s, const uint8_t *payload, size_t size)
{
  uint32_t vd_type = vda_le32(payload);
  if (!agent_may_send(vd_type)) {
    LOG_WARN("agent sent message type %u, which agents may not send: dropped",
             (unsigned)vd_type);
    return;
  }
  if (!s->port) {
    LOG_DEBUG("port closed: agent message type %u dropped", (unsigned)vd_type);
    return;
  }
  if (vda_framer_active(&s->out)) {
    LOG_ERROR("agent message type %u inside a large message: protocol error",
              (unsigned)vd_type);
    vds_agent_kill(s, "IPC protocol error");
    return;
  }
  vds_mux_send_port_body(s, vd_type, payload + 4, size - 4);
}

static void on_out_begin(vds_state *s, const uint8_t *payload)
{
  uint32_t vd_type = vda_le32(payload), body_size = vda_le32(payload + 4);
  const char *why = NULL;

  if (vd_type != VD_AGENT_CLIPBOARD || s->agent_out_active) {
    vds_agent_kill(s, "bad large message from the agent");
    return;
  }
  s->agent_out_active = true;
  if (!s->port)
    return; /* swallowed until END */
  if (!vda_framer_begin(&s->out, vd_type, body_size, vds_emit_to_port, s, &why)) {
    LOG_ERROR("cannot start agent message: %s", why);
    s->port_broken = true;
  }
}

static void on_out_data(vds_state *s, const uint8_t *data, size_t len)
{
  const char *why = NULL;
  if (!s->agent_out_active) {
    vds_agent_kill(s, "data frame outside a large message");
    return;
  }
  if (!s->port || !vda_framer_active(&s->out))
    return;
  if (!vda_framer_write(&s->out, data, len, &why)) {
    LOG_ERROR("agent message data refused: %s", why);
    /* The message is cut short on the wire: only a port reset recovers. */
    s->port_broken = true;
    return;
  }
  if (!vda_framer_active(&s->out))
    vds_port_flush_deferred(s);
}

static void on_out_end(vds_state *s, bool aborted)
{
  if (!s->agent_out_active) {
    vds_agent_kill(s, "end frame outside a large message");
    return;
  }
  s->agent_out_active = false;
  if (s->port && vda_framer_active(&s->out)) {
    LOG_ERROR("agent message %s before its declared size: resetting the port",
              aborted ? "aborted" : "ended");
    vda_framer_abort(&s->out);
    s->port_broken = true;
  }
  vds_port_flush_deferred(s);
}

void vds_mux_on_frame(void *ctx, uint32_t type, const uint8_t *payload, size_t size)
{
  vds_state *s = state(ctx);

  vds_heartbeat_rx(&s->hb, GetTickCount64());
  if (type != VDA_IPC_HELLO && !s->agent_ready) {
    vds_agent_kill(s, "frame before hello");
    return;
  }
  switch (type) {
  case VDA_IPC_HELLO:
    on_hello(s, payload, size);
    break;
  case VDA_IPC_PONG:
    break;
  case VDA_IPC_MESSAGE:
    on_agent_message(s, payload, size);
    break;
  case VDA_IPC_OUT_BEGIN:
    on_out_begin(s, payload);
    break;
  case VDA_IPC_DATA:
    on_out_data(s, payload, size);
    break;
  case VDA_IPC_END:
  case VDA_IPC_ABORT:
    on_out_end(s, type == VDA_IPC_ABORT);
    break;
  default:
    LOG_ERROR("agent sent frame type %u, which only the service sends", (unsigned)type);
    vds_agent_kill(s, "IPC protocol error");
    break;
  }
}
