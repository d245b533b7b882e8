#include "agent_loop.h"

#include <stdlib.h>
#include <string.h>

#include "clipboard_win.h"
#include "config.h"
#include "display_worker.h"
#include "input_desktop.h"
#include "ipc_link.h"
#include "log.h"
#include "mouse_win.h"
#include "outbox.h"
#include "vda_builder.h"
#include "vda_caps.h"
#include "vda_clip_state.h"
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
  int32_t peer_max_clipboard;
  /* a clipboard stream from the client being collected */
  vda_ipc_stream_begin stream;
  uint8_t *stream_buf;
  size_t stream_len;
  vda_display_worker *display;
  vda_outbox *outbox;
  vda_clipboard_win *clipboard; /* NULL when disabled by policy */
  vda_mouse_mapper mouse;
} agent;

/* What this build of the agent implements. Features add their bits here as
 * they land. */
static void agent_caps(vda_caps *c, bool clipboard)
{
  vda_caps_init(c);
  /* Clipboard capabilities only when the policy allows sharing: the client
   * then offers none, in either direction. */
  vda_clip_caps(clipboard, c);
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
  vda_caps_union(&both, &a->ours, &a->service_caps);
  vda_negotiated_init(&a->neg, &both);
  if (peer)
    vda_negotiated_set_peer(&a->neg, peer);
}

static void tell_clipboard(agent *a, int event)
{
  if (a->clipboard)
    vda_clipboard_win_negotiated(a->clipboard, &a->neg, a->peer_max_clipboard, event);
}

/* Clipboard data from the client arrives as a stream; the clipboard needs
 * it whole. The size was bounded by the service's reader (the configured
 * limit and the client's MAX_CLIPBOARD) before any byte was sent. */
static void stream_begin(agent *a, const uint8_t *payload)
{
  vda_ipc_stream_begin_decode(payload, &a->stream);
  free(a->stream_buf);
  a->stream_buf = NULL;
  a->stream_len = 0;
  if (a->stream.vd_type != VD_AGENT_CLIPBOARD || !a->clipboard)
    return; /* file data: not handled by this build */
  if (a->stream.data_size > a->limits.max_clipboard) {
    LOG_WARN("clipboard data of %llu bytes over the limit: dropped",
             (unsigned long long)a->stream.data_size);
    return;
  }
  a->stream_buf = malloc(a->stream.data_size ? (size_t)a->stream.data_size : 1);
  if (!a->stream_buf)
    LOG_ERROR("out of memory for %llu bytes of clipboard data",
              (unsigned long long)a->stream.data_size);
}

static void stream_data(agent *a, const uint8_t *data, size_t len)
{
  if (!a->stream_buf)
    return;
  if (len > a->stream.data_size - a->stream_len) {
    LOG_ERROR("clipboard stream longer than announced: dropped");
    free(a->stream_buf);
    a->stream_buf = NULL;
    return;
  }
  memcpy(a->stream_buf + a->stream_len, data, len);
  a->stream_len += len;
}

static void stream_end(agent *a, bool aborted)
{
  if (!a->stream_buf)
    return;
  if (aborted || a->stream_len != a->stream.data_size) {
    LOG_WARN("clipboard stream %s: dropped", aborted ? "aborted" : "incomplete");
    free(a->stream_buf);
  } else {
    vda_clipboard_win_data(a->clipboard, a->stream.selection, a->stream.clipboard_type,
                           a->stream_buf, a->stream_len);
  }
  a->stream_buf = NULL;
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
    /* request=1 means a client (re)connected: the serials start over. */
    if (request)
      a->peer_max_clipboard = -1;
    tell_clipboard(a, request ? VDA_CLIP_NEG_CONNECTED : VDA_CLIP_NEG_UPDATE);
    break;
  }
  case VD_AGENT_CLIENT_DISCONNECTED:
    LOG_INFO("client disconnected");
    refresh_negotiated(a, NULL);
    a->peer_max_clipboard = -1;
    tell_clipboard(a, VDA_CLIP_NEG_DISCONNECTED);
    vda_display_worker_restore_effects(a->display);
    break;
  case VD_AGENT_MAX_CLIPBOARD:
    a->peer_max_clipboard = (int32_t)vda_le32(body);
    tell_clipboard(a, VDA_CLIP_NEG_UPDATE);
    break;
  case VD_AGENT_CLIPBOARD_GRAB:
  case VD_AGENT_CLIPBOARD_REQUEST:
  case VD_AGENT_CLIPBOARD_RELEASE:
    if (a->clipboard)
      vda_clipboard_win_message(a->clipboard, vd_type, body, size);
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
    stream_begin(a, payload);
    break;
  case VDA_IPC_DATA:
    stream_data(a, payload, size);
    break;
  case VDA_IPC_END:
  case VDA_IPC_ABORT:
    stream_end(a, type == VDA_IPC_ABORT);
    break;
  default:
    LOG_WARN("unexpected frame type %u from the service", (unsigned)type);
    break;
  }
}

int vda_agent_loop_run(HANDLE pipe, bool hang)
{
  agent a = {.peer_max_clipboard = -1};
  vda_config conf;
  DWORD err;
  int rc = 0;

  vda_config_load(&conf);
  vda_config_log(&conf);
  agent_caps(&a.ours, conf.clipboard_enabled != 0);
  refresh_negotiated(&a, NULL);
  vda_limits_default(&a.limits);
  vda_mouse_mapper_init(&a.mouse);
  a.display = vda_display_worker_start();
  a.outbox = vda_outbox_new();
  if (!a.display || !a.outbox) {
    vda_display_worker_stop(a.display);
    vda_outbox_free(a.outbox);
    CloseHandle(pipe);
    return 1;
  }
  if (conf.clipboard_enabled) {
    a.clipboard = vda_clipboard_win_start(a.outbox, &a.limits);
    if (!a.clipboard)
      vda_clip_caps(false, &a.ours); /* never announce what cannot work */
  } else {
    LOG_INFO("clipboard sharing disabled by policy");
  }
  err = vda_ipc_link_open(&a.link, pipe, AGENT_QUEUE_LIMIT, on_frame, &a);
  if (err != ERROR_SUCCESS) {
    LOG_ERROR("cannot use the service pipe: %s", vda_win_strerror(err));
    return 1;
  }
  if (!vda_ipc_link_send_hello(&a.link, VDA_IPC_HELLO, &a.ours)) {
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
    HANDLE waits[4];
    DWORD n = 0, w;
    const char *why = NULL;

    if (vda_ipc_link_read_pending(&a.link))
      waits[n++] = vda_ipc_link_read_event(&a.link);
    waits[n++] = vda_ipc_link_write_event(&a.link);
    waits[n++] = vda_display_worker_result_event(a.display);
    if (!vda_outbox_blocked(a.outbox))
      waits[n++] = vda_outbox_event(a.outbox);
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
    if (waits[w - WAIT_OBJECT_0] == vda_outbox_event(a.outbox)) {
      if (!vda_outbox_pump(a.outbox, &a.link)) {
        LOG_ERROR("cannot queue clipboard data on the service pipe");
        rc = 1;
        break;
      }
      continue;
    }
    if (waits[w - WAIT_OBJECT_0] == vda_ipc_link_write_event(&a.link)) {
      err = vda_ipc_link_on_write(&a.link);
      /* The pipe drained: continue a large message that was held back. */
      if (err == ERROR_SUCCESS && vda_outbox_blocked(a.outbox) &&
          !vda_outbox_pump(a.outbox, &a.link))
        err = ERROR_NOT_ENOUGH_QUOTA;
    } else {
      err = vda_ipc_link_on_read(&a.link, &why);
    }
    if (err != ERROR_SUCCESS) {
      LOG_INFO("service pipe closed: %s", why ? why : vda_win_strerror(err));
      break;
    }
  }

out:
  vda_clipboard_win_stop(a.clipboard);
  vda_display_worker_stop(a.display);
  vda_outbox_free(a.outbox);
  free(a.stream_buf);
  vda_ipc_link_close(&a.link);
  return rc;
}
