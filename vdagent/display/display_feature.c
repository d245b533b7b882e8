#include "display_feature.h"

#include <stdlib.h>

#include "display_worker.h"
#include "input_desktop.h"
#include "log.h"
#include "mouse_win.h"
#include "vda_views.h"

struct vda_display_feature {
  vda_agent_env env;
  vda_feature *display, *mouse;
  vda_display_worker *worker; /* NULL until started */
  vda_mouse_mapper mapper;
};

static void send_reply(vda_display_feature *df, uint32_t type, uint32_t error)
{
  vda_body b;
  vda_body_reply(&b, type, error);
  df->env.send(df->env.send_ctx, &b);
}

static void on_monitors_config(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_display_feature *df = ctx;
  vda_monitors_config mc;
  vda_display_request req;
  const char *why = NULL;

  (void)vd_type;
  if (!vda_parse_monitors_config(body, size, df->env.neg, df->env.limits, &mc, &why) ||
      !vda_display_request_from_config(&mc, df->env.neg, &req, &why)) {
    LOG_WARN("monitors config refused: %s", why);
    send_reply(df, VD_AGENT_MONITORS_CONFIG, VD_AGENT_ERROR);
    return;
  }
  LOG_DEBUG("monitors config: %u monitor(s)", (unsigned)req.count);
  vda_display_worker_monitors(df->worker, &req);
}

static void on_display_config(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_display_feature *df = ctx;
  vda_display_config dc;
  const char *why = NULL;

  (void)vd_type;
  if (!vda_parse_display_config(body, size, &dc, &why)) {
    LOG_WARN("display config refused: %s", why);
    send_reply(df, VD_AGENT_DISPLAY_CONFIG, VD_AGENT_ERROR);
    return;
  }
  vda_display_worker_effects(df->worker, &dc);
}

static void on_graphics_info(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_display_feature *df = ctx;
  vda_gdi_iter it;
  vda_display_idmap map;
  uint32_t count = 0;
  const char *why = NULL;

  (void)vd_type;
  if (!vda_parse_graphics_info(body, size, df->env.limits, &it, &count, &why)) {
    LOG_WARN("graphics device info refused: %s", why);
    return;
  }
  vda_display_idmap_from_gdi(it, &map);
  vda_display_worker_set_idmap(df->worker, &map);
  LOG_INFO("graphics device info: %u display(s)", (unsigned)count);
}

/* We announce REPLY because we send it; the host has no reason to send one. */
static void on_host_reply(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  (void)ctx, (void)vd_type, (void)body;
  LOG_DEBUG("REPLY from the host (%zu bytes): ignored", size);
}

static void on_mouse_state(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_display_feature *df = ctx;
  vda_mouse_state st;
  vda_mouse_layout layout;
  vda_mouse_event ev[VDA_MOUSE_EVENTS_MAX];
  const char *why = NULL;
  size_t n;

  (void)vd_type;
  if (!vda_parse_mouse_state(body, size, &st, &why)) {
    LOG_WARN("mouse state refused: %s", why);
    return;
  }
  vda_display_worker_mouse_layout(df->worker, &layout);
  n = vda_mouse_map_state(&df->mapper, &layout, &st, ev, &why);
  if (why)
    LOG_DEBUG("mouse: %s", why);
  vda_input_desktop_follow();
  if (n > 0 && !vda_mouse_win_inject(ev, n, &why))
    LOG_WARN("mouse input not injected: %s", why);
}

/* The worker finished something: send the REPLYs it owes. */
static void on_worker_result(void *ctx)
{
  vda_display_feature *df = ctx;
  vda_display_reply r;
  while (vda_display_worker_take_reply(df->worker, &r))
    for (uint32_t i = 0; i < r.count; i++)
      send_reply(df, r.type, r.error);
}

/* The client went away: put the user's display effects back. */
static void on_peer(void *ctx, vda_peer_event event)
{
  vda_display_feature *df = ctx;
  if (event == VDA_PEER_DISCONNECTED)
    vda_display_worker_restore_effects(df->worker);
}

static const vda_msg_handler display_handlers[] = {
    {VD_AGENT_MONITORS_CONFIG, on_monitors_config},
    {VD_AGENT_REPLY, on_host_reply},
    {VD_AGENT_DISPLAY_CONFIG, on_display_config},
    {VD_AGENT_GRAPHICS_DEVICE_INFO, on_graphics_info},
};

static const vda_msg_handler mouse_handlers[] = {
    {VD_AGENT_MOUSE_STATE, on_mouse_state},
};

vda_display_feature *vda_display_feature_new(const vda_agent_env *env, vda_feature *display,
                                             vda_feature *mouse)
{
  vda_display_feature *df = calloc(1, sizeof(*df));
  if (!df) {
    LOG_ERROR("out of memory for the display feature");
    return NULL;
  }
  df->env = *env;
  df->display = display;
  df->mouse = mouse;
  vda_mouse_mapper_init(&df->mapper);

  *display = (vda_feature){.name = "display",
                           .enabled = true,
                           .ctx = df,
                           .handlers = display_handlers,
                           .nhandlers = sizeof(display_handlers) / sizeof(display_handlers[0]),
                           .on_peer = on_peer,
                           .on_event = on_worker_result};
  vda_caps_init(&display->caps);
  vda_caps_set(&display->caps, VD_AGENT_CAP_MONITORS_CONFIG);
  vda_caps_set(&display->caps, VD_AGENT_CAP_REPLY);
  vda_caps_set(&display->caps, VD_AGENT_CAP_DISPLAY_CONFIG);
  vda_caps_set(&display->caps, VD_AGENT_CAP_SPARSE_MONITORS_CONFIG);
  vda_caps_set(&display->caps, VD_AGENT_CAP_GRAPHICS_DEVICE_INFO);

  *mouse = (vda_feature){.name = "mouse",
                         .enabled = true,
                         .ctx = df,
                         .handlers = mouse_handlers,
                         .nhandlers = sizeof(mouse_handlers) / sizeof(mouse_handlers[0])};
  vda_caps_init(&mouse->caps);
  vda_caps_set(&mouse->caps, VD_AGENT_CAP_MOUSE_STATE);
  return df;
}

bool vda_display_feature_start(vda_display_feature *df)
{
  df->worker = vda_display_worker_start(); /* logs its failure */
  df->display->enabled = df->mouse->enabled = df->worker != NULL;
  if (df->worker)
    df->display->event = vda_display_worker_result_event(df->worker);
  return df->worker != NULL;
}

void vda_display_feature_free(vda_display_feature *df)
{
  if (!df)
    return;
  vda_display_worker_stop(df->worker);
  free(df);
}
