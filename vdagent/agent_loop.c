#include "agent_loop.h"

#include <stdio.h>

#include "agent_dispatch.h"
#include "agent_features.h"
#include "config.h"
#include "ipc_link.h"
#include "log.h"
#include "outbox.h"
#include "vda_caps.h"
#include "vda_le.h"
#include "vda_msg_table.h"
#include "winerror_text.h"

#define AGENT_QUEUE_LIMIT (4u * 1024u * 1024u)
/* Waits: the pipe's read and write events, the outbox, one per feature. */
#define AGENT_WAITS_MAX (3u + VDA_FEATURE_COUNT)

typedef struct agent {
  vda_ipc_link link;
  vda_caps ours;         /* the agent's own capabilities: its enabled features' */
  vda_caps service_caps; /* the service's half (HELLO_ACK) */
  vda_negotiated neg;    /* what the client sees: both halves vs the client */
  vda_limits limits;
  vda_outbox *outbox;
  vda_agent_features features;
  vda_dispatch dispatch;
} agent;

static bool send_body(void *ctx, const vda_body *b)
{
  agent *a = ctx;
  if (vda_ipc_link_send_message(&a->link, b->type, b->data, b->len))
    return true;
  LOG_WARN("cannot queue a %s for the client", vda_type_name(b->type));
  return false;
}

static void refresh_negotiated(agent *a, const vda_caps *peer)
{
  vda_caps both;
  vda_caps_union(&both, &a->ours, &a->service_caps);
  vda_negotiated_init(&a->neg, &both);
  if (peer)
    vda_negotiated_set_peer(&a->neg, peer);
}

/* The session feature: the client's side of the negotiation. */
static void on_announce(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  agent *a = ctx;
  vda_caps peer;
  uint32_t request;
  const char *why = NULL;

  (void)vd_type;
  if (!vda_caps_parse(body, size, &peer, &request, &why)) {
    LOG_WARN("client capabilities refused: %s", why);
    return;
  }
  refresh_negotiated(a, &peer);
  LOG_DEBUG("client capabilities 0x%08x (request=%u)", (unsigned)peer.words[0], (unsigned)request);
  /* request=1 means a client (re)connected: its limits and serials start over. */
  vda_dispatch_peer(&a->dispatch, request ? VDA_PEER_CONNECTED : VDA_PEER_UPDATE);
}

static void on_client_disconnected(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  agent *a = ctx;
  (void)vd_type, (void)body, (void)size;
  /* The host can repeat it at will (e2e_hostile_host): limited. */
  LOG_INFO_LIMITED("client disconnected", "client disconnected");
  refresh_negotiated(a, NULL);
  vda_dispatch_peer(&a->dispatch, VDA_PEER_DISCONNECTED);
}

static const vda_msg_handler session_handlers[] = {
    {VD_AGENT_ANNOUNCE_CAPABILITIES, on_announce},
    {VD_AGENT_CLIENT_DISCONNECTED, on_client_disconnected},
};

static void on_stream_begin(agent *a, const uint8_t *payload)
{
  vda_ipc_stream_begin b;
  vda_ipc_stream_begin_decode(payload, &b);
  if (vda_dispatch_stream_begin(&a->dispatch, &b) == VDA_STREAM_NO_SINK)
    LOG_DEBUG("stream of %s (%llu bytes): not handled by this agent", vda_type_name(b.vd_type),
              (unsigned long long)b.data_size);
}

/* IPC frame kinds; agent messages go through the dispatch table. */
static void on_frame(void *ctx, uint32_t type, const uint8_t *payload, size_t size)
{
  agent *a = ctx;
  switch (type) {
  case VDA_IPC_HELLO_ACK: {
    uint32_t version;
    const char *why = NULL;
    if (!vda_caps_parse(payload, size, &a->service_caps, &version, &why))
      LOG_WARN("service hello: %s", why);
    refresh_negotiated(a, NULL);
    break;
  }
  case VDA_IPC_PING:
    if (!vda_ipc_link_send(&a->link, VDA_IPC_PONG, payload, size))
      LOG_WARN("cannot queue a heartbeat answer");
    break;
  case VDA_IPC_SESSION: {
    bool locked = (vda_le32(payload) & VDA_IPC_SESSION_LOCKED) != 0;
    LOG_INFO("session %s", locked ? "locked" : "unlocked");
    vda_dispatch_session(&a->dispatch, locked);
    break;
  }
  case VDA_IPC_MESSAGE: {
    uint32_t vd_type = vda_le32(payload);
    if (!vda_dispatch_message(&a->dispatch, vd_type, payload + 4, size - 4))
      LOG_DEBUG("%s (type %u, %zu bytes): not handled by this agent", vda_type_name(vd_type),
                (unsigned)vd_type, size - 4);
    break;
  }
  case VDA_IPC_STREAM_BEGIN:
    on_stream_begin(a, payload);
    break;
  case VDA_IPC_DATA:
    vda_dispatch_stream_data(&a->dispatch, payload, size);
    break;
  case VDA_IPC_END:
  case VDA_IPC_ABORT:
    vda_dispatch_stream_end(&a->dispatch, type == VDA_IPC_ABORT);
    break;
  default:
    LOG_WARN("unexpected frame type %u from the service", (unsigned)type);
    break;
  }
}

/* "MOUSE_STATE MONITORS_CONFIG ..." for the log. */
static void caps_text(const vda_caps *c, char *out, size_t cap)
{
  size_t len = 0;
  out[0] = 0;
  for (unsigned i = 0; i < VD_AGENT_END_CAP && len < cap; i++) {
    if (!vda_caps_has(c, i))
      continue;
    int n = snprintf(out + len, cap - len, "%s%s", len ? " " : "", vda_cap_name(i));
    if (n < 0)
      break;
    len += (size_t)n;
  }
}

/* Describes and starts the features, then builds the dispatch table and
 * the announced set from what actually runs. */
static bool agent_start(agent *a, const vda_config *conf)
{
  vda_agent_env env = {.neg = &a->neg, .limits = &a->limits, .send = send_body, .send_ctx = a};
  vda_feature *session;
  const char *why = NULL;

  vda_limits_default(&a->limits);
  a->limits.max_clipboard = (uint64_t)conf->max_clipboard_mib * 1024u * 1024u;
  a->outbox = vda_outbox_new();
  if (!a->outbox || !vda_agent_features_describe(&a->features, conf, &env) ||
      !vda_agent_features_start(&a->features, a->outbox))
    return false;
  session = &a->features.list[VDA_FEATURE_SESSION];
  *session = (vda_feature){.name = "session",
                           .enabled = true,
                           .ctx = a,
                           .handlers = session_handlers,
                           .nhandlers = sizeof(session_handlers) / sizeof(session_handlers[0])};
  vda_caps_init(&session->caps);
  if (!vda_dispatch_build(&a->dispatch, a->features.list, VDA_FEATURE_COUNT, &why)) {
    LOG_ERROR("the agent's features are inconsistent: %s", why);
    return false;
  }
  vda_dispatch_caps(&a->dispatch, &a->ours);
  refresh_negotiated(a, NULL);
  return true;
}

static void agent_stop(agent *a)
{
  vda_dispatch_stream_end(&a->dispatch, true);
  vda_agent_features_free(&a->features);
  vda_outbox_free(a->outbox);
}

/* Waits for and handles one event. False: the pipe is gone or broken. */
static bool agent_step(agent *a, int *rc)
{
  HANDLE waits[AGENT_WAITS_MAX];
  vda_feature *owner[AGENT_WAITS_MAX] = {0};
  DWORD n = 0, w, err;
  const char *why = NULL;
  bool hold = false;

  for (size_t i = 0; i < VDA_FEATURE_COUNT; i++) {
    vda_feature *f = &a->features.list[i];
    if (f->enabled && f->hold_input && f->hold_input(f->ctx))
      hold = true;
  }
  if (hold != a->link.reading_paused &&
      (err = vda_ipc_link_pause(&a->link, hold)) != ERROR_SUCCESS) {
    LOG_INFO("service pipe closed: %s", vda_win_strerror(err));
    return false;
  }
  if (vda_ipc_link_read_pending(&a->link))
    waits[n++] = vda_ipc_link_read_event(&a->link);
  waits[n++] = vda_ipc_link_write_event(&a->link);
  if (!vda_outbox_blocked(a->outbox))
    waits[n++] = vda_outbox_event(a->outbox);
  for (size_t i = 0; i < VDA_FEATURE_COUNT; i++) {
    vda_feature *f = &a->features.list[i];
    if (f->enabled && f->event && f->on_event) {
      owner[n] = f;
      waits[n++] = f->event;
    }
  }
  w = WaitForMultipleObjects(n, waits, FALSE, INFINITE);
  if (w >= WAIT_OBJECT_0 + n) {
    LOG_ERROR("WaitForMultipleObjects: %s", vda_win_strerror(GetLastError()));
    *rc = 1;
    return false;
  }
  w -= WAIT_OBJECT_0;
  if (owner[w]) {
    owner[w]->on_event(owner[w]->ctx);
    return true;
  }
  if (waits[w] == vda_outbox_event(a->outbox)) {
    if (vda_outbox_pump(a->outbox, &a->link))
      return true;
    LOG_ERROR("cannot queue clipboard data on the service pipe");
    *rc = 1;
    return false;
  }
  if (waits[w] == vda_ipc_link_write_event(&a->link)) {
    err = vda_ipc_link_on_write(&a->link);
    /* The pipe drained: continue a large message that was held back. */
    if (err == ERROR_SUCCESS && vda_outbox_blocked(a->outbox) &&
        !vda_outbox_pump(a->outbox, &a->link))
      err = ERROR_NOT_ENOUGH_QUOTA;
  } else {
    err = vda_ipc_link_on_read(&a->link, &why);
  }
  if (err != ERROR_SUCCESS) {
    LOG_INFO("service pipe closed: %s", why ? why : vda_win_strerror(err));
    return false;
  }
  return true;
}

int vda_agent_loop_run(HANDLE pipe, bool hang)
{
  agent a = {0};
  vda_config conf;
  char caps[512];
  DWORD err;
  int rc = 0;

  vda_config_load(&conf);
  vda_config_log(&conf);
  if (!agent_start(&a, &conf)) {
    agent_stop(&a);
    CloseHandle(pipe);
    return 1;
  }
  err = vda_ipc_link_open(&a.link, pipe, AGENT_QUEUE_LIMIT, VDA_IPC_TO_AGENT_IO,
                          VDA_IPC_TO_SERVICE_IO, on_frame, &a);
  if (err != ERROR_SUCCESS) {
    LOG_ERROR("cannot use the service pipe: %s", vda_win_strerror(err));
    agent_stop(&a);
    return 1;
  }
  if (!vda_ipc_link_send_hello(&a.link, VDA_IPC_HELLO, &a.ours)) {
    LOG_ERROR("cannot queue the hello");
    rc = 1;
    goto out;
  }
  caps_text(&a.ours, caps, sizeof(caps));
  LOG_INFO("hello sent, capabilities 0x%08x: %s", (unsigned)a.ours.words[0], caps);
  if (hang) {
    LOG_WARN("test mode hang: no longer answering");
    /* Flush the hello, then stop reading and answering for good. */
    WaitForSingleObject(vda_ipc_link_write_event(&a.link), 5000);
    vda_ipc_link_on_write(&a.link);
    Sleep(INFINITE);
  }
  while (agent_step(&a, &rc))
    ;

out:
  agent_stop(&a);
  vda_ipc_link_close(&a.link);
  return rc;
}
