#include "clipboard_feature.h"

#include <stdlib.h>
#include <string.h>

#include "clipboard_incoming.h"
#include "clipboard_win.h"
#include "log.h"
#include "vda_clip_state.h"
#include "vda_views.h"

struct vda_clipboard_feature {
  vda_agent_env env;
  vda_feature *f;
  vda_clipboard_win *clipboard; /* NULL until started */
  int32_t peer_max_clipboard;   /* the client's MAX_CLIPBOARD, -1: none */
  /* the client's CLIPBOARD being received */
  vda_ipc_stream_begin stream;
  vda_clip_incoming in;
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
  vda_clip_incoming_drop(&cf->in);
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

/* The service's reader bounded the size (its limit and the client's
 * MAX_CLIPBOARD) before any byte was sent; ours is checked again before
 * allocating. */
static bool sink_begin(void *ctx, const vda_ipc_stream_begin *b)
{
  vda_clipboard_feature *cf = ctx;
  drop_stream(cf);
  cf->stream = *b;
  if (b->data_size > cf->env.limits->max_clipboard) {
    LOG_WARN("clipboard data of %llu bytes over the limit of %llu: dropped",
             (unsigned long long)b->data_size, (unsigned long long)cf->env.limits->max_clipboard);
    stream_lost(cf);
    return false;
  }
  if (!vda_clip_incoming_begin(&cf->in, b->clipboard_type, b->data_size)) { /* logged */
    stream_lost(cf);
    return false;
  }
  return true;
}

static void sink_data(void *ctx, const uint8_t *data, size_t len)
{
  vda_clipboard_feature *cf = ctx;
  if (!vda_clip_incoming_active(&cf->in))
    return;                                         /* already given up on this stream */
  if (!vda_clip_incoming_add(&cf->in, data, len)) { /* logged */
    stream_lost(cf);
    return;
  }
  if (cf->clipboard)
    vda_clipboard_win_progress(cf->clipboard, len);
}

static void sink_end(void *ctx, bool aborted)
{
  vda_clipboard_feature *cf = ctx;
  vda_clip_payload p;
  size_t got = cf->in.p.len;
  if (!vda_clip_incoming_active(&cf->in))
    return; /* given up in sink_data, which ended the paste's wait */
  if (aborted || !vda_clip_incoming_finish(&cf->in, &p)) {
    LOG_WARN("clipboard stream %s (%zu of %llu bytes): dropped", aborted ? "aborted" : "incomplete",
             got, (unsigned long long)cf->stream.data_size);
    stream_lost(cf);
    return;
  }
  /* the clipboard thread owns it now */
  vda_clipboard_win_data(cf->clipboard, cf->stream.selection, &p);
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
