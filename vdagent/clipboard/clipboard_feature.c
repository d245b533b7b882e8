#include "clipboard_feature.h"

#include <stdlib.h>
#include <string.h>

#include "clipboard_win.h"
#include "log.h"
#include "vda_clip_state.h"
#include "vda_views.h"

struct vda_clipboard_feature {
  vda_agent_env env;
  vda_feature *f;
  vda_clipboard_win *clipboard; /* NULL until started */
  int32_t peer_max_clipboard;   /* the client's MAX_CLIPBOARD, -1: none */
  /* the client's CLIPBOARD being assembled */
  vda_ipc_stream_begin stream;
  uint8_t *buf;
  size_t len;
};

static void tell_clipboard(vda_clipboard_feature *cf, int event)
{
  vda_clipboard_win_negotiated(cf->clipboard, cf->env.neg, cf->peer_max_clipboard, event);
}

static void on_message(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_clipboard_feature *cf = ctx;
  vda_clipboard_win_message(cf->clipboard, vd_type, body, size);
}

static void on_max_clipboard(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_clipboard_feature *cf = ctx;
  const char *why = NULL;
  int32_t max;
  (void)vd_type;
  /* The service's reader validated it already; parsing again keeps this
   * side safe against a service bug rather than trusting a 4-byte body. */
  if (!vda_parse_max_clipboard(body, size, &max, &why)) {
    LOG_WARN("clipboard: MAX_CLIPBOARD ignored: %s", why);
    return;
  }
  cf->peer_max_clipboard = max;
  tell_clipboard(cf, VDA_CLIP_NEG_UPDATE);
}

static void on_peer(void *ctx, vda_peer_event event)
{
  vda_clipboard_feature *cf = ctx;
  int clip_event = VDA_CLIP_NEG_UPDATE;
  /* A new client, or none: its MAX_CLIPBOARD no longer applies and the
   * grab serials start over. */
  if (event == VDA_PEER_CONNECTED || event == VDA_PEER_DISCONNECTED) {
    cf->peer_max_clipboard = -1;
    clip_event = event == VDA_PEER_CONNECTED ? VDA_CLIP_NEG_CONNECTED : VDA_CLIP_NEG_DISCONNECTED;
  }
  tell_clipboard(cf, clip_event);
}

static void drop_stream(vda_clipboard_feature *cf)
{
  free(cf->buf);
  cf->buf = NULL;
  cf->len = 0;
}

/* A paste may be waiting for this stream: it ends now instead of at the
 * render deadline (a client that left mid-paste froze the pasting program
 * for 30 s). */
static void stream_lost(vda_clipboard_feature *cf)
{
  drop_stream(cf);
  if (cf->clipboard)
    vda_clipboard_win_data_lost(cf->clipboard, cf->stream.selection, cf->stream.clipboard_type);
}

/* The clipboard thread needs the data whole. The service's reader bounded
 * the size (its limit and the client's MAX_CLIPBOARD) before any byte was
 * sent; ours is checked again before allocating. */
static bool sink_begin(void *ctx, const vda_ipc_stream_begin *b)
{
  vda_clipboard_feature *cf = ctx;
  drop_stream(cf);
  cf->stream = *b;
  if (b->data_size > cf->env.limits->max_clipboard || b->data_size > SIZE_MAX - 1) {
    LOG_WARN("clipboard data of %llu bytes over the limit of %llu: dropped",
             (unsigned long long)b->data_size, (unsigned long long)cf->env.limits->max_clipboard);
    stream_lost(cf);
    return false;
  }
  cf->buf = malloc(b->data_size ? (size_t)b->data_size : 1);
  if (!cf->buf) {
    LOG_ERROR("out of memory for %llu bytes of clipboard data: dropped",
              (unsigned long long)b->data_size);
    stream_lost(cf);
    return false;
  }
  return true;
}

static void sink_data(void *ctx, const uint8_t *data, size_t len)
{
  vda_clipboard_feature *cf = ctx;
  if (!cf->buf)
    return; /* already given up on this stream */
  if (len > cf->stream.data_size - cf->len) {
    LOG_ERROR("clipboard stream longer than its announced %llu bytes: dropped",
              (unsigned long long)cf->stream.data_size);
    stream_lost(cf);
    return;
  }
  memcpy(cf->buf + cf->len, data, len);
  cf->len += len;
  if (cf->clipboard)
    vda_clipboard_win_progress(cf->clipboard, len);
}

static void sink_end(void *ctx, bool aborted)
{
  vda_clipboard_feature *cf = ctx;
  if (!cf->buf)
    return; /* given up in sink_data, which ended the paste's wait */
  if (aborted || cf->len != cf->stream.data_size) {
    LOG_WARN("clipboard stream %s (%zu of %llu bytes): dropped", aborted ? "aborted" : "incomplete",
             cf->len, (unsigned long long)cf->stream.data_size);
    stream_lost(cf);
    return;
  }
  vda_clipboard_win_data(cf->clipboard, cf->stream.selection, cf->stream.clipboard_type, cf->buf,
                         cf->len);
  cf->buf = NULL; /* the clipboard thread owns it now */
  cf->len = 0;
}

static const vda_msg_handler handlers[] = {
    {VD_AGENT_CLIPBOARD_GRAB, on_message},
    {VD_AGENT_CLIPBOARD_REQUEST, on_message},
    {VD_AGENT_CLIPBOARD_RELEASE, on_message},
    {VD_AGENT_MAX_CLIPBOARD, on_max_clipboard},
};

static const vda_stream_sink sinks[] = {
    {VD_AGENT_CLIPBOARD, sink_begin, sink_data, sink_end},
};

vda_clipboard_feature *vda_clipboard_feature_new(const vda_agent_env *env, bool allowed,
                                                 vda_feature *f)
{
  vda_clipboard_feature *cf = calloc(1, sizeof(*cf));
  if (!cf) {
    LOG_ERROR("out of memory for the clipboard feature");
    return NULL;
  }
  cf->env = *env;
  cf->f = f;
  cf->peer_max_clipboard = -1;
  *f = (vda_feature){.name = "clipboard",
                     .enabled = allowed,
                     .ctx = cf,
                     .handlers = handlers,
                     .nhandlers = sizeof(handlers) / sizeof(handlers[0]),
                     .sinks = sinks,
                     .nsinks = sizeof(sinks) / sizeof(sinks[0]),
                     .on_peer = on_peer};
  vda_caps_init(&f->caps);
  vda_clip_caps(true, &f->caps);
  return cf;
}

void vda_clipboard_feature_start(vda_clipboard_feature *cf, vda_outbox *out)
{
  if (!cf->f->enabled) {
    LOG_INFO("clipboard sharing disabled by policy");
    return;
  }
  cf->clipboard = vda_clipboard_win_start(out, cf->env.limits); /* logs its failure */
  /* Never announce what cannot work. */
  cf->f->enabled = cf->clipboard != NULL;
}

void vda_clipboard_feature_free(vda_clipboard_feature *cf)
{
  if (!cf)
    return;
  vda_clipboard_win_stop(cf->clipboard);
  drop_stream(cf);
  free(cf);
}
