/* spice-host-core: libspice-server's SpiceCoreInterface on a GLib main loop.
 *
 * Timers and fd watches become GLib sources on the default main context, so
 * the server, the pty and the display timer all run on one thread (the
 * server's display worker thread does not use these).
 */
#include "spice-host-core.h"

#include <stdio.h>

#include <glib.h>
#include <glib-unix.h>

struct SpiceTimer {
  SpiceTimerFunc func;
  void *opaque;
  GSource *source;
};

struct SpiceWatch {
  int fd;
  int mask;
  SpiceWatchFunc func;
  void *opaque;
  GSource *source;
};

static gboolean timer_dispatch(gpointer data)
{
  SpiceTimer *t = data;
  /* the callback may restart or remove the timer: forget the source first */
  g_source_unref(t->source);
  t->source = NULL;
  t->func(t->opaque);
  return G_SOURCE_REMOVE;
}

static SpiceTimer *core_timer_add(SpiceTimerFunc func, void *opaque)
{
  SpiceTimer *t = g_new0(SpiceTimer, 1);
  t->func = func;
  t->opaque = opaque;
  return t;
}

static void core_timer_cancel(SpiceTimer *t)
{
  if (t->source) {
    g_source_destroy(t->source);
    g_source_unref(t->source);
    t->source = NULL;
  }
}

static void core_timer_start(SpiceTimer *t, uint32_t ms)
{
  core_timer_cancel(t);
  t->source = g_timeout_source_new(ms);
  g_source_set_callback(t->source, timer_dispatch, t, NULL);
  g_source_attach(t->source, NULL);
}

static void core_timer_remove(SpiceTimer *t)
{
  core_timer_cancel(t);
  g_free(t);
}

static gboolean watch_dispatch(gint fd, GIOCondition cond, gpointer data)
{
  SpiceWatch *w = data;
  int events = 0;
  if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    events |= SPICE_WATCH_EVENT_READ;
  if (cond & (G_IO_OUT | G_IO_ERR))
    events |= SPICE_WATCH_EVENT_WRITE;
  events &= w->mask;
  /* the callback may remove (free) the watch: do not touch w afterwards */
  if (events)
    w->func(fd, events, w->opaque);
  return G_SOURCE_CONTINUE;
}

static void watch_attach(SpiceWatch *w)
{
  GIOCondition cond = 0;
  if (w->source) {
    g_source_destroy(w->source);
    g_source_unref(w->source);
    w->source = NULL;
  }
  if (w->mask & SPICE_WATCH_EVENT_READ)
    cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (w->mask & SPICE_WATCH_EVENT_WRITE)
    cond |= G_IO_OUT | G_IO_ERR;
  if (!cond)
    return;
  w->source = g_unix_fd_source_new(w->fd, cond);
  g_source_set_callback(w->source, G_SOURCE_FUNC(watch_dispatch), w, NULL);
  g_source_attach(w->source, NULL);
}

static SpiceWatch *core_watch_add(int fd, int mask, SpiceWatchFunc func, void *opaque)
{
  SpiceWatch *w = g_new0(SpiceWatch, 1);
  w->fd = fd;
  w->mask = mask;
  w->func = func;
  w->opaque = opaque;
  watch_attach(w);
  return w;
}

static void core_watch_update_mask(SpiceWatch *w, int mask)
{
  if (w->mask == mask && w->source)
    return;
  w->mask = mask;
  watch_attach(w);
}

static void core_watch_remove(SpiceWatch *w)
{
  if (w->source) {
    g_source_destroy(w->source);
    g_source_unref(w->source);
  }
  g_free(w);
}

static bool verbose;

static void core_channel_event(int event, SpiceChannelEventInfo *info)
{
  if (verbose)
    fprintf(stderr, "spice-host: channel event %d type %d id %d\n", event, info ? info->type : -1,
            info ? info->id : -1);
}

static SpiceCoreInterface core = {
    .base =
        {
            .type = SPICE_INTERFACE_CORE,
            .description = "spice-host glib core",
            .major_version = SPICE_INTERFACE_CORE_MAJOR,
            .minor_version = SPICE_INTERFACE_CORE_MINOR,
        },
    .timer_add = core_timer_add,
    .timer_start = core_timer_start,
    .timer_cancel = core_timer_cancel,
    .timer_remove = core_timer_remove,
    .watch_add = core_watch_add,
    .watch_update_mask = core_watch_update_mask,
    .watch_remove = core_watch_remove,
    .channel_event = core_channel_event,
};

SpiceCoreInterface *host_core(bool v)
{
  verbose = v;
  return &core;
}
