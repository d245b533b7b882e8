/* spice-host-display: the guest's screen as a SPICE display.
 *
 * A host without QXL hardware can still feed libspice-server a display: it
 * registers a QXL interface instance, creates a primary surface in its own
 * memory and hands the server QXL_DRAW_COPY drawables whose source is a bitmap
 * it owns. Here the "framebuffer" is the Xorg dummy screen Wine draws on: a
 * GLib timer reads it (spice-host-xgrab.c), compares it with what was
 * already sent in bands of rows, and queues one drawable per changed band.
 *
 * Why it matters for the tests: with a primary surface whose mouse_mode is set,
 * spice-server allows client-mouse mode, so the client's inputs channel turns
 * into MOUSE_STATE messages for the agent, as with a real VM.
 *
 * Threads: the timer, surface (re)creation and X run on the main thread;
 * spice-server's worker thread calls get_command and release_resource. The
 * command queue is the only state they share (one mutex); the in-flight byte
 * count is atomic.
 *
 * Memory is bounded: at most INFLIGHT_CAP bytes of bitmaps are queued or held
 * by the server; above it a tick is skipped (nothing is lost: the next tick
 * compares against what was really sent). Screens larger than
 * DISPLAY_MAX_DIM on a side are refused.
 *
 * Client monitors config: the callback answers "not handled by the device", so
 * spice-server passes the client's MONITORS_CONFIG on to the agent, as QEMU
 * does with a display device that does not take client monitor configs itself
 * (e.g. QXL with a driver lacking that capability). The agent is what is under
 * test here.
 */
#define _GNU_SOURCE
#include "spice-host-display.h"

#include "spice-host-xgrab.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#define DISPLAY_MAX_DIM 8192
#define UPDATE_BAND 64           /* rows compared and sent per drawable */
#define INFLIGHT_CAP (96u << 20) /* bitmap bytes queued or held by the server */
#define MEMSLOT_GEN_BITS 8       /* QXL address: [slot id][generation][offset] */
#define MEMSLOT_ID_BITS 8

typedef struct Update {
  QXLCommandExt ext;
  QXLDrawable drawable;
  QXLImage image;
  size_t bytes;
  struct Update *next;
  uint8_t bitmap[]; /* top-down 32-bit xRGB rows of the band's rectangle */
} Update;

static struct {
  SpiceServer *server;
  QXLInstance qxl;
  bool verbose;
  unsigned fps;

  XGrabFrame frame; /* the last grab */

  int width, height; /* current primary surface, 0x0 = none */
  int bad_w, bad_h;  /* a screen size whose surface could not be made */
  uint8_t *primary;  /* surface memory, the server's while the surface exists */
  uint8_t *sent;     /* what was queued so far: the base of the comparison */
  bool full;         /* the next frame is sent whole (new surface) */
  uint32_t unique;

  GMutex lock; /* guards head/tail only */
  Update *head, *tail;
  atomic_size_t inflight; /* bytes of Updates not yet released */

  /* figures */
  gint64 started_us;
  guint64 ticks, frames, idle, skipped, updates, bytes, grab_us, resizes;
} dsp;

/* ------------------------------------------------------------------------ */
/* The command queue (shared with the worker thread)                        */

static void queue_push(Update *u)
{
  atomic_fetch_add(&dsp.inflight, u->bytes);
  g_mutex_lock(&dsp.lock);
  if (dsp.tail)
    dsp.tail->next = u;
  else
    dsp.head = u;
  dsp.tail = u;
  g_mutex_unlock(&dsp.lock);
}

static void update_free(Update *u)
{
  atomic_fetch_sub(&dsp.inflight, u->bytes);
  g_free(u);
}

/* drop what the worker has not fetched yet (the surface it was for is going) */
static void queue_clear(void)
{
  g_mutex_lock(&dsp.lock);
  Update *u = dsp.head;
  dsp.head = dsp.tail = NULL;
  g_mutex_unlock(&dsp.lock);
  while (u) {
    Update *next = u->next;
    update_free(u);
    u = next;
  }
}

/* ------------------------------------------------------------------------ */
/* QXLInterface                                                              */

static void qxl_attached_worker(QXLInstance *qin)
{
  /* one slot covering the whole host address space: a QXLPHYSICAL is then
   * simply the host pointer (slot 0, generation 0 in the unused top bits) */
  QXLDevMemSlot slot = {
      .slot_group_id = 0,
      .slot_id = 0,
      .generation = 0,
      .virt_start = 0,
      .virt_end = UINTPTR_MAX,
      .addr_delta = 0,
      .qxl_ram_size = UINT32_MAX,
  };
  spice_qxl_add_memslot(qin, &slot);
}

static void qxl_set_compression_level(QXLInstance *qin, int level)
{
  (void)qin;
  if (dsp.verbose)
    fprintf(stderr, "spice-host: display compression level %d\n", level);
}

static void qxl_get_init_info(QXLInstance *qin, QXLDevInitInfo *info)
{
  (void)qin;
  memset(info, 0, sizeof *info);
  info->num_memslots_groups = 1;
  info->num_memslots = 1;
  info->memslot_gen_bits = MEMSLOT_GEN_BITS;
  info->memslot_id_bits = MEMSLOT_ID_BITS;
  info->qxl_ram_size = 16u << 20; /* no device RAM: informational only */
  info->internal_groupslot_id = 0;
  info->n_surfaces = 1; /* the primary only */
}

static int qxl_get_command(QXLInstance *qin, QXLCommandExt *ext)
{
  (void)qin;
  g_mutex_lock(&dsp.lock);
  Update *u = dsp.head;
  if (u) {
    dsp.head = u->next;
    if (!dsp.head)
      dsp.tail = NULL;
  }
  g_mutex_unlock(&dsp.lock);
  if (!u)
    return 0;
  *ext = u->ext;
  return 1;
}

static int qxl_req_cmd_notification(QXLInstance *qin)
{
  (void)qin;
  /* every push is followed by spice_qxl_wakeup, so "notify me" is always safe
   * when the queue is empty; with commands waiting the worker must go on */
  g_mutex_lock(&dsp.lock);
  bool empty = dsp.head == NULL;
  g_mutex_unlock(&dsp.lock);
  return empty;
}

static void qxl_release_resource(QXLInstance *qin, QXLReleaseInfoExt rel)
{
  (void)qin;
  Update *u = (Update *)(uintptr_t)rel.info->id;
  if (u)
    update_free(u);
}

static int qxl_get_cursor_command(QXLInstance *qin, QXLCommandExt *ext)
{
  (void)qin;
  (void)ext;
  return 0; /* no cursor commands: the client draws its own pointer */
}

static int qxl_req_cursor_notification(QXLInstance *qin)
{
  (void)qin;
  return 1;
}

static void qxl_notify_update(QXLInstance *qin, uint32_t update_id)
{
  (void)qin;
  (void)update_id;
}

static int qxl_flush_resources(QXLInstance *qin)
{
  (void)qin;
  return 0; /* nothing cached on our side to give back */
}

static void qxl_async_complete(QXLInstance *qin, uint64_t cookie)
{
  (void)qin;
  (void)cookie; /* only synchronous calls are used */
}

static void qxl_update_area_complete(QXLInstance *qin, uint32_t surface_id, QXLRect *rects,
                                     uint32_t n)
{
  (void)qin;
  (void)surface_id;
  (void)rects;
  (void)n;
}

static void qxl_set_client_capabilities(QXLInstance *qin, uint8_t client_present,
                                        uint8_t caps[SPICE_CAPABILITIES_SIZE])
{
  (void)qin;
  (void)caps;
  if (dsp.verbose)
    fprintf(stderr, "spice-host: display client %s\n", client_present ? "present" : "gone");
}

static int qxl_client_monitors_config(QXLInstance *qin, VDAgentMonitorsConfig *mc)
{
  (void)qin;
  if (mc && dsp.verbose)
    fprintf(stderr, "spice-host: client monitors config (%u monitors) left to the agent\n",
            mc->num_of_monitors);
  /* 0 = the device does not handle it: the server forwards it to the agent */
  return 0;
}

static QXLInterface qxl_sif = {
    .base =
        {
            .type = SPICE_INTERFACE_QXL,
            .description = "spice-host X screen",
            .major_version = SPICE_INTERFACE_QXL_MAJOR,
            .minor_version = SPICE_INTERFACE_QXL_MINOR,
        },
    .attached_worker = qxl_attached_worker,
    .set_compression_level = qxl_set_compression_level,
    .get_init_info = qxl_get_init_info,
    .get_command = qxl_get_command,
    .req_cmd_notification = qxl_req_cmd_notification,
    .release_resource = qxl_release_resource,
    .get_cursor_command = qxl_get_cursor_command,
    .req_cursor_notification = qxl_req_cursor_notification,
    .notify_update = qxl_notify_update,
    .flush_resources = qxl_flush_resources,
    .async_complete = qxl_async_complete,
    .update_area_complete = qxl_update_area_complete,
    .set_client_capabilities = qxl_set_client_capabilities,
    .client_monitors_config = qxl_client_monitors_config,
};

/* ------------------------------------------------------------------------ */
/* Surface and updates                                                       */

static void surface_destroy(void)
{
  queue_clear();
  if (dsp.width) {
    /* synchronous: afterwards the worker no longer draws into dsp.primary */
    spice_qxl_destroy_primary_surface(&dsp.qxl, 0);
    dsp.width = dsp.height = 0;
  }
  g_free(dsp.primary);
  g_free(dsp.sent);
  dsp.primary = dsp.sent = NULL;
}

static bool surface_create(int w, int h)
{
  if (w <= 0 || h <= 0 || w > DISPLAY_MAX_DIM || h > DISPLAY_MAX_DIM) {
    fprintf(stderr, "spice-host: X screen %dx%d out of range (max %d per side)\n", w, h,
            DISPLAY_MAX_DIM);
    return false;
  }
  if (!xgrab_resize(w, h))
    return false;
  size_t size = (size_t)w * (size_t)h * 4;
  dsp.primary = g_malloc0(size);
  dsp.sent = g_malloc0(size);
  QXLDevSurfaceCreate s = {
      .width = (uint32_t)w,
      .height = (uint32_t)h,
      .stride = w * 4,
      .format = SPICE_SURFACE_FMT_32_xRGB,
      .position = 0,
      .mouse_mode = 1, /* what lets spice-server offer client-mouse mode */
      .flags = 0,
      .type = 0,
      .mem = (uintptr_t)dsp.primary,
      .group_id = 0,
  };
  spice_qxl_create_primary_surface(&dsp.qxl, 0, &s);
  dsp.width = w;
  dsp.height = h;
  dsp.full = true;
  dsp.resizes++;
  printf("DISPLAY %dx%d\n", w, h);
  fprintf(stderr, "spice-host: display surface %dx%d\n", w, h);
  return true;
}

static void queue_rect(int x0, int y0, int x1, int y1)
{
  int bw = x1 - x0, bh = y1 - y0;
  size_t row = (size_t)bw * 4;
  Update *u = g_malloc0(sizeof *u + row * (size_t)bh);
  u->bytes = sizeof *u + row * (size_t)bh;
  const uint8_t *src = dsp.frame.data;
  size_t sstride = dsp.frame.stride, dstride = (size_t)dsp.width * 4;
  for (int y = 0; y < bh; y++) {
    const uint8_t *line = src + (size_t)(y0 + y) * sstride + (size_t)x0 * 4;
    memcpy(u->bitmap + (size_t)y * row, line, row);
    memcpy(dsp.sent + (size_t)(y0 + y) * dstride + (size_t)x0 * 4, line, row);
  }

  QXLImage *img = &u->image;
  QXL_SET_IMAGE_ID(img, QXL_IMAGE_GROUP_DEVICE, dsp.unique++);
  img->descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
  img->descriptor.width = (uint32_t)bw;
  img->descriptor.height = (uint32_t)bh;
  img->bitmap.format = SPICE_BITMAP_FMT_32BIT;
  img->bitmap.flags = QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN;
  img->bitmap.x = (uint32_t)bw;
  img->bitmap.y = (uint32_t)bh;
  img->bitmap.stride = (uint32_t)row;
  img->bitmap.data = (uintptr_t)u->bitmap;

  QXLDrawable *d = &u->drawable;
  d->release_info.id = (uintptr_t)u;
  d->surface_id = 0;
  d->effect = QXL_EFFECT_OPAQUE;
  d->type = QXL_DRAW_COPY;
  d->bbox.left = x0;
  d->bbox.top = y0;
  d->bbox.right = x1;
  d->bbox.bottom = y1;
  d->clip.type = SPICE_CLIP_TYPE_NONE;
  for (int i = 0; i < 3; i++)
    d->surfaces_dest[i] = -1;
  d->u.copy.src_bitmap = (uintptr_t)img;
  d->u.copy.src_area.right = bw;
  d->u.copy.src_area.bottom = bh;
  d->u.copy.rop_descriptor = SPICE_ROPD_OP_PUT;

  u->ext.cmd.type = QXL_CMD_DRAW;
  u->ext.cmd.data = (uintptr_t)d;
  u->ext.group_id = 0;
  queue_push(u);
  dsp.updates++;
  dsp.bytes += row * (size_t)bh;
}

/* first and last differing pixel of a row, as [*x0, *x1) */
static void row_extent(const uint32_t *a, const uint32_t *b, int w, int *x0, int *x1)
{
  int l = 0, r = w;
  while (l < w && a[l] == b[l])
    l++;
  while (r > l && a[r - 1] == b[r - 1])
    r--;
  *x0 = l;
  *x1 = r;
}

/* compare the grab with what was sent, band by band; queue what changed */
static bool queue_changes(void)
{
  bool queued = false;
  size_t sstride = dsp.frame.stride, dstride = (size_t)dsp.width * 4;
  for (int by = 0; by < dsp.height; by += UPDATE_BAND) {
    int bend = MIN(by + UPDATE_BAND, dsp.height);
    int x0 = dsp.width, x1 = 0, y0 = -1, y1 = -1;
    for (int y = by; y < bend; y++) {
      const uint8_t *now = dsp.frame.data + (size_t)y * sstride;
      const uint8_t *was = dsp.sent + (size_t)y * dstride;
      int l = 0, r = dsp.width;
      if (!dsp.full) {
        if (memcmp(now, was, dstride) == 0)
          continue;
        row_extent((const uint32_t *)now, (const uint32_t *)was, dsp.width, &l, &r);
      }
      x0 = MIN(x0, l);
      x1 = MAX(x1, r);
      if (y0 < 0)
        y0 = y;
      y1 = y + 1;
    }
    if (y0 >= 0 && x1 > x0) {
      queue_rect(x0, y0, x1, y1);
      queued = true;
    }
  }
  dsp.full = false;
  return queued;
}

static gboolean tick_cb(gpointer data)
{
  (void)data;
  int w, h;
  dsp.ticks++;
  if (!xgrab_size(&w, &h))
    return G_SOURCE_CONTINUE;
  if (w != dsp.width || h != dsp.height) {
    if (w == dsp.bad_w && h == dsp.bad_h)
      return G_SOURCE_CONTINUE; /* this size failed already: wait for another one */
    surface_destroy();
    if (!surface_create(w, h)) {
      dsp.bad_w = w; /* logged once per size */
      dsp.bad_h = h;
      return G_SOURCE_CONTINUE;
    }
    dsp.bad_w = dsp.bad_h = 0;
  }
  if (atomic_load(&dsp.inflight) > INFLIGHT_CAP) {
    dsp.skipped++;
    return G_SOURCE_CONTINUE;
  }
  /* nothing drawn: no grab; still a full compare once a second, in case
   * damage reporting ever missed something */
  if (!xgrab_changed() && !dsp.full && dsp.ticks % dsp.fps != 0) {
    dsp.idle++;
    return G_SOURCE_CONTINUE;
  }
  gint64 t0 = g_get_monotonic_time();
  bool ok = xgrab_frame(&dsp.frame);
  if (ok) {
    dsp.frames++;
    if (queue_changes())
      spice_qxl_wakeup(&dsp.qxl);
  }
  dsp.grab_us += (guint64)(g_get_monotonic_time() - t0);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */

bool host_display_parse_compression(const char *name, SpiceImageCompression *out)
{
  static const struct {
    const char *name;
    SpiceImageCompression c;
  } names[] = {
      {"off", SPICE_IMAGE_COMPRESSION_OFF},         {"lz", SPICE_IMAGE_COMPRESSION_LZ},
      {"quic", SPICE_IMAGE_COMPRESSION_QUIC},       {"glz", SPICE_IMAGE_COMPRESSION_GLZ},
      {"auto_lz", SPICE_IMAGE_COMPRESSION_AUTO_LZ}, {"auto_glz", SPICE_IMAGE_COMPRESSION_AUTO_GLZ},
      {"lz4", SPICE_IMAGE_COMPRESSION_LZ4},
  };
  if (!name) {
    *out = SPICE_IMAGE_COMPRESSION_OFF;
    return true;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    if (strcmp(name, names[i].name) == 0) {
      *out = names[i].c;
      return true;
    }
  }
  return false;
}

void host_display_server_settings(SpiceServer *s, SpiceImageCompression compression)
{
  spice_server_set_image_compression(s, compression);
  spice_server_set_jpeg_compression(s, SPICE_WAN_COMPRESSION_NEVER);
  spice_server_set_zlib_glz_compression(s, SPICE_WAN_COMPRESSION_NEVER);
  spice_server_set_streaming_video(s, SPICE_STREAM_VIDEO_OFF);
}

bool host_display_start(SpiceServer *server, const HostDisplayConfig *cfg)
{
  dsp.server = server;
  dsp.verbose = cfg->verbose;
  dsp.fps = CLAMP(cfg->fps, 1u, 60u);
  g_mutex_init(&dsp.lock);
  if (!xgrab_open(cfg->x_display))
    return false;

  dsp.qxl.base.sif = &qxl_sif.base;
  dsp.qxl.id = 0;
  if (spice_server_add_interface(server, &dsp.qxl.base) != 0) {
    fprintf(stderr, "spice-host: adding the QXL interface failed\n");
    return false;
  }
  spice_server_vm_start(server);

  int w, h;
  if (!xgrab_size(&w, &h) || !surface_create(w, h))
    return false;
  dsp.started_us = g_get_monotonic_time();
  g_timeout_add(1000 / dsp.fps, tick_cb, NULL);
  tick_cb(NULL);
  return true;
}

void host_display_report(void)
{
  if (!dsp.started_us)
    return;
  double secs = (double)(g_get_monotonic_time() - dsp.started_us) / 1e6;
  fprintf(stderr,
          "spice-host: display %dx%d: %" G_GUINT64_FORMAT
          " ticks in %.1f s (%.1f/s, target %u): %" G_GUINT64_FORMAT " grabbed, %" G_GUINT64_FORMAT
          " idle (nothing drawn), %" G_GUINT64_FORMAT " skipped (memory cap); %" G_GUINT64_FORMAT
          " updates, %.1f MiB sent, "
          "grab+compare %.2f ms/grab, %" G_GUINT64_FORMAT " surfaces\n",
          dsp.width, dsp.height, dsp.ticks, secs, secs > 0 ? (double)dsp.ticks / secs : 0.0,
          dsp.fps, dsp.frames, dsp.idle, dsp.skipped, dsp.updates, (double)dsp.bytes / (1 << 20),
          dsp.frames ? (double)dsp.grab_us / 1000.0 / (double)dsp.frames : 0.0, dsp.resizes);
}
