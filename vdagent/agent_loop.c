#include "agent_loop.h"

#include "display_worker.h"
#include "input_desktop.h"
#include "ipc_link.h"
#include "log.h"
#include "mouse_win.h"
#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_le.h"
#include "vda_views.h"
#include "winerror_text.h"

#define AGENT_QUEUE_LIMIT (4u * 1024u * 1024u)

typedef struct agent {
  vda_ipc_link link;
  vda_caps ours;         /* the agent's own capabilities */
  vda_caps service_caps; /* the service's half (HELLO_ACK) */
  vda_negotiated neg;    /* what the client sees: both halves vs the client */
  vda_limits limits;
  bool locked;
  bool in_stream;
  vda_display_worker *display;
  vda_mouse_mapper mouse;
} agent;

/* What this build of the agent implements. Features add their bits here as
 * they land. */
static void agent_caps(vda_caps *c)
{
  vda_caps_init(c);
  vda_caps_set(c, VD_AGENT_CAP_MOUSE_STATE);
  vda_caps_set(c, VD_AGENT_CAP_MONITORS_CONFIG);
  vda_caps_set(c, VD_AGENT_CAP_REPLY);
  vda_caps_set(c, VD_AGENT_CAP_DISPLAY_CONFIG);
  vda_caps_set(c, VD_AGENT_CAP_SPARSE_MONITORS_CONFIG);
  vda_caps_set(c, VD_AGENT_CAP_GRAPHICS_DEVICE_INFO);
}

static void send_reply(agent *a, uint32_t type, uint32_t error)
{
  vda_body b;
  vda_body_reply(&b, type, error);
  if (!vda_ipc_link_send_message(&a->link, b.type, b.data, b.len))
    LOG_WARN("cannot queue a REPLY");
}

static void on_monitors_config(agent *a, const uint8_t *body, size_t size)
{
  vda_monitors_config mc;
  vda_display_request req;
  const char *why = NULL;

  if (!vda_parse_monitors_config(body, size, &a->neg, &a->limits, &mc, &why) ||
      !vda_display_request_from_config(&mc, &a->neg, &req, &why)) {
    LOG_WARN("monitors config refused: %s", why);
    send_reply(a, VD_AGENT_MONITORS_CONFIG, VD_AGENT_ERROR);
    return;
  }
  LOG_DEBUG("monitors config: %u monitor(s)", (unsigned)req.count);
  vda_display_worker_monitors(a->display, &req);
}

static void on_mouse_state(agent *a, const uint8_t *body, size_t size)
{
  vda_mouse_state st;
  vda_mouse_layout layout;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  const char *why = NULL;
  size_t n;

  if (!vda_parse_mouse_state(body, size, &st, &why)) {
    LOG_WARN("mouse state refused: %s", why);
    return;
  }
  vda_display_worker_mouse_layout(a->display, &layout);
  n = vda_mouse_map_state(&a->mouse, &layout, &st, ev, &why);
  if (why)
    LOG_DEBUG("mouse: %s", why);
  vda_input_desktop_follow();
  if (n > 0 && !vda_mouse_win_inject(ev, n, &why))
    LOG_WARN("mouse input not injected: %s", why);
}

static void on_display_config(agent *a, const uint8_t *body, size_t size)
{
  vda_display_config dc;
  const char *why = NULL;
  if (!vda_parse_display_config(body, size, &dc, &why)) {
    LOG_WARN("display config refused: %s", why);
    send_reply(a, VD_AGENT_DISPLAY_CONFIG, VD_AGENT_ERROR);
    return;
  }
  vda_display_worker_effects(a->display, &dc);
}

static void on_graphics_info(agent *a, const uint8_t *body, size_t size)
{
  vda_gdi_iter it;
  vda_display_idmap map;
  uint32_t count = 0;
  const char *why = NULL;
  if (!vda_parse_graphics_info(body, size, &a->limits, &it, &count, &why)) {
    LOG_WARN("graphics device info refused: %s", why);
    return;
  }
  vda_display_idmap_from_gdi(it, &map);
  vda_display_worker_set_idmap(a->display, &map);
  LOG_INFO("graphics device info: %u display(s)", (unsigned)count);
}

/* The worker finished something: send the REPLYs it owes. */
static void send_display_replies(agent *a)
{
  vda_display_reply r;
  while (vda_display_worker_take_reply(a->display, &r))
    for (uint32_t i = 0; i < r.count; i++)
      send_reply(a, r.type, r.error);
}

static void refresh_negotiated(agent *a, const vda_caps *peer)
{
  vda_caps both;
  for (unsigned w = 0; w < VD_AGENT_CAPS_SIZE; w++)
    both.words[w] = a->ours.words[w] | a->service_caps.words[w];
  vda_negotiated_init(&a->neg, &both);
  if (peer)
    vda_negotiated_set_peer(&a->neg, peer);
}

static void on_message(agent *a, uint32_t vd_type, const uint8_t *body, size_t size)
{
  switch (vd_type) {
  case VD_AGENT_ANNOUNCE_CAPABILITIES: {
    vda_caps peer;
    uint32_t request;
    const char *why = NULL;
    if (vda_caps_parse(body, size, &peer, &request, &why))
      refresh_negotiated(a, &peer);
    LOG_DEBUG("client capabilities 0x%08x", (unsigned)peer.words[0]);
    break;
  }
  case VD_AGENT_CLIENT_DISCONNECTED:
    LOG_INFO("client disconnected");
    refresh_negotiated(a, NULL);
    vda_display_worker_restore_effects(a->display);
    break;
  case VD_AGENT_MONITORS_CONFIG:
    on_monitors_config(a, body, size);
    break;
  case VD_AGENT_MOUSE_STATE:
    on_mouse_state(a, body, size);
    break;
  case VD_AGENT_DISPLAY_CONFIG:
    on_display_config(a, body, size);
    break;
  case VD_AGENT_GRAPHICS_DEVICE_INFO:
    on_graphics_info(a, body, size);
    break;
  default:
    LOG_DEBUG("message type %u (%zu bytes): not handled by this build", (unsigned)vd_type, size);
    break;
  }
}

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
  case VDA_IPC_SESSION:
    a->locked = (vda_le32(payload) & VDA_IPC_SESSION_LOCKED) != 0;
    LOG_INFO("session %s", a->locked ? "locked" : "unlocked");
    break;
  case VDA_IPC_MESSAGE:
    on_message(a, vda_le32(payload), payload + 4, size - 4);
    break;
  case VDA_IPC_STREAM_BEGIN:
    a->in_stream = true;
    break;
  case VDA_IPC_DATA:
    break;
  case VDA_IPC_END:
  case VDA_IPC_ABORT:
    a->in_stream = false;
    break;
  default:
    LOG_WARN("unexpected frame type %u from the service", (unsigned)type);
    break;
  }
}

static bool say_hello(agent *a)
{
  vda_body b;
  vda_body_announce_caps(&b, &a->ours, false);
  /* Same layout as an announce, with the IPC version in the first word. */
  vda_put_le32(b.data, VDA_IPC_VERSION);
  return vda_ipc_link_send(&a->link, VDA_IPC_HELLO, b.data, b.len);
}

int vda_agent_loop_run(HANDLE pipe, bool hang)
{
  agent a = {0};
  DWORD err;
  int rc = 0;

  agent_caps(&a.ours);
  refresh_negotiated(&a, NULL);
  vda_limits_default(&a.limits);
  vda_mouse_mapper_init(&a.mouse);
  a.display = vda_display_worker_start();
  if (!a.display) {
    CloseHandle(pipe);
    return 1;
  }
  err = vda_ipc_link_open(&a.link, pipe, AGENT_QUEUE_LIMIT, on_frame, &a);
  if (err != ERROR_SUCCESS) {
    LOG_ERROR("cannot use the service pipe: %s", vda_win_strerror(err));
    return 1;
  }
  if (!say_hello(&a)) {
    LOG_ERROR("cannot queue the hello");
    rc = 1;
    goto out;
  }
  LOG_INFO("hello sent, capabilities 0x%08x", (unsigned)a.ours.words[0]);
  if (hang) {
    LOG_WARN("test mode hang: no longer answering");
    /* Flush the hello, then stop reading and answering for good. */
    WaitForSingleObject(vda_ipc_link_write_event(&a.link), 5000);
    vda_ipc_link_on_write(&a.link);
    Sleep(INFINITE);
  }

  for (;;) {
    HANDLE waits[3];
    DWORD n = 0, w;
    const char *why = NULL;

    if (vda_ipc_link_read_pending(&a.link))
      waits[n++] = vda_ipc_link_read_event(&a.link);
    waits[n++] = vda_ipc_link_write_event(&a.link);
    waits[n++] = vda_display_worker_result_event(a.display);
    w = WaitForMultipleObjects(n, waits, FALSE, INFINITE);
    if (w >= WAIT_OBJECT_0 + n) {
      LOG_ERROR("WaitForMultipleObjects: %s", vda_win_strerror(GetLastError()));
      rc = 1;
      break;
    }
    if (waits[w - WAIT_OBJECT_0] == vda_display_worker_result_event(a.display)) {
      send_display_replies(&a);
      continue;
    }
    if (waits[w - WAIT_OBJECT_0] == vda_ipc_link_write_event(&a.link))
      err = vda_ipc_link_on_write(&a.link);
    else
      err = vda_ipc_link_on_read(&a.link, &why);
    if (err != ERROR_SUCCESS) {
      LOG_INFO("service pipe closed: %s", why ? why : vda_win_strerror(err));
      break;
    }
  }

out:
  vda_display_worker_stop(a.display);
  vda_ipc_link_close(&a.link);
  return rc;
}
