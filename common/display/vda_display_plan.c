/* vda_display_plan.c - see vda_display_plan.h. */
#include "vda_display_plan.h"

#include <string.h>

static uint32_t set_count(const vda_display_set *s)
{
  /* count is filled by a caller: never trust it past the array. */
  return s->count < VDA_DISPLAY_MAX ? s->count : VDA_DISPLAY_MAX;
}

static bool mode_ok(vda_mode m)
{
  return m.width > 0 && m.height > 0 && m.width <= VDA_DISPLAY_PX_MAX &&
         m.height <= VDA_DISPLAY_PX_MAX && m.depth > 0 && m.depth <= 32;
}

bool vda_display_add_mode(vda_guest_display *g, vda_mode m)
{
  if (!mode_ok(m))
    return false;
  for (uint32_t i = 0; i < g->nmodes && i < VDA_DISPLAY_MODES_MAX; i++)
    if (g->modes[i].width == m.width && g->modes[i].height == m.height &&
        g->modes[i].depth == m.depth)
      return true;
  if (g->nmodes >= VDA_DISPLAY_MODES_MAX)
    return false;
  g->modes[g->nmodes++] = m;
  return true;
}

static bool depth_ok(uint32_t d)
{
  return d == 0 || d == 8 || d == 16 || d == 24 || d == 32;
}

bool vda_display_request_from_config(const vda_monitors_config *mc, const vda_negotiated *n,
                                     vda_display_request *out, const char **why)
{
  bool ok = true;
  memset(out, 0, sizeof(*out));
  if (mc->count > VDA_DISPLAY_REQ_MAX) {
    *why = "MONITORS_CONFIG has more than 64 monitors";
    return false;
  }
  for (uint32_t i = 0; i < mc->count && ok; i++) {
    vda_monitor m;
    vda_monitors_config_get(mc, i, &m);
    if (m.width > VDA_DISPLAY_PX_MAX || m.height > VDA_DISPLAY_PX_MAX) {
      *why = "MONITORS_CONFIG monitor larger than 16384 pixels";
      ok = false;
    } else if (!depth_ok(m.depth)) {
      *why = "MONITORS_CONFIG depth is not 0, 8, 16, 24 or 32";
      ok = false;
    } else if (m.width == 0 || m.height == 0) {
      out->mon[i] = (vda_display_req_mon){0, 0, 0, 0, 0, 0, 0};
    } else {
      out->mon[i] =
          (vda_display_req_mon){m.width, m.height, m.depth, m.x, m.y, m.mm_width, m.mm_height};
    }
  }
  if (ok) {
    out->count = mc->count;
    /* USE_POS alone is not enough: only a client that announced
         * MONITORS_CONFIG_POSITION means its positions. */
    out->use_pos = (mc->flags & VD_AGENT_CONFIG_MONITORS_FLAG_USE_POS) && n != NULL &&
                   vda_use_monitor_position(n);
  } else {
    memset(out, 0, sizeof(*out));
  }
  return ok;
}

void vda_display_idmap_from_gdi(vda_gdi_iter it, vda_display_idmap *out)
{
  vda_gdi_entry e;
  memset(out, 0, sizeof(*out));
  while (vda_gdi_next(&it, &e)) {
    uint64_t id = (uint64_t)e.channel_id + e.monitor_id;
    bool dup = false;
    for (uint32_t k = 0; k < out->count; k++)
      dup = dup || out->e[k].display_id == id;
    if (id >= VDA_DISPLAY_MAX || e.address_len >= VDA_DISPLAY_ADDR_MAX || dup ||
        out->count >= VDA_DISPLAY_MAX) {
      out->skipped++;
      continue;
    }
    out->e[out->count].display_id = (uint32_t)id;
    out->e[out->count].device_display_id = e.device_display_id;
    memcpy(out->e[out->count].address, e.address, e.address_len);
    out->e[out->count].address[e.address_len] = '\0';
    out->count++;
  }
}

static int32_t lowest_free(const int32_t guest_of_id[VDA_DISPLAY_MAX])
{
  for (int32_t id = 0; id < (int32_t)VDA_DISPLAY_MAX; id++)
    if (guest_of_id[id] < 0)
      return id;
  return -1;
}

static void map_gdi(const vda_display_set *s, const vda_display_idmap *map,
                    int32_t guest_of_id[VDA_DISPLAY_MAX], bool taken[])
{
  uint32_t n = set_count(s);
  uint32_t cnt = map->count < VDA_DISPLAY_MAX ? map->count : VDA_DISPLAY_MAX;
  for (uint32_t k = 0; k < cnt; k++) {
    const vda_display_idmap_entry *e = &map->e[k];
    if (e->display_id >= VDA_DISPLAY_MAX || guest_of_id[e->display_id] >= 0)
      continue;
    for (uint32_t g = 0; g < n; g++) {
      const vda_guest_display *d = &s->d[g];
      if (d->kind == VDA_ADAPTER_MIRROR || taken[g] || !d->address[0] ||
          d->output != e->device_display_id ||
          strncmp(d->address, e->address, VDA_DISPLAY_ADDR_MAX) != 0)
        continue;
      guest_of_id[e->display_id] = (int32_t)g;
      taken[g] = true;
      break;
    }
  }
}

void vda_display_map_ids(const vda_display_set *s, const vda_display_idmap *map,
                         int32_t guest_of_id[VDA_DISPLAY_MAX])
{
  uint32_t n = set_count(s);
  bool taken[VDA_DISPLAY_MAX] = {false};
  bool any_qxl = false;
  for (uint32_t id = 0; id < VDA_DISPLAY_MAX; id++)
    guest_of_id[id] = -1;
  if (map)
    map_gdi(s, map, guest_of_id, taken);
  for (uint32_t g = 0; g < n; g++)
    any_qxl = any_qxl || s->d[g].kind == VDA_ADAPTER_QXL;
  if (any_qxl) {
    /* QxlDeviceID first, so an id-less QXL display cannot take the id
         * that belongs to a later one. */
    for (uint32_t g = 0; g < n; g++) {
      const vda_guest_display *d = &s->d[g];
      if (d->kind != VDA_ADAPTER_QXL || taken[g] || !d->has_qxl_id ||
          d->qxl_id >= VDA_DISPLAY_MAX || guest_of_id[d->qxl_id] >= 0)
        continue;
      guest_of_id[d->qxl_id] = (int32_t)g;
      taken[g] = true;
    }
  }
  for (uint32_t g = 0; g < n; g++) {
    const vda_guest_display *d = &s->d[g];
    int32_t id;
    if (taken[g] || d->kind == VDA_ADAPTER_MIRROR || (any_qxl && d->kind != VDA_ADAPTER_QXL))
      continue;
    id = lowest_free(guest_of_id);
    if (id < 0)
      break;
    guest_of_id[id] = (int32_t)g;
    taken[g] = true;
  }
}

/* Depth for size w x h: wanted if listed, else current, else deepest; 0 when
 * the size is not listed at all. */
static uint32_t pick_depth(const vda_guest_display *g, uint32_t w, uint32_t h, uint32_t want)
{
  uint32_t deepest = 0;
  bool has_current = false;
  for (uint32_t i = 0; i < g->nmodes && i < VDA_DISPLAY_MODES_MAX; i++) {
    const vda_mode *m = &g->modes[i];
    if (m->width != w || m->height != h || !mode_ok(*m))
      continue;
    if (m->depth == want)
      return want;
    has_current = has_current || m->depth == g->current.depth;
    if (m->depth > deepest)
      deepest = m->depth;
  }
  return has_current ? g->current.depth : deepest;
}

/* |a/b - rw/rh| compared without division: a's distance scaled by b.h and
 * b's by a.h.  Every factor <= 16384, so products stay below 2^43. */
static int aspect_cmp(const vda_mode *a, const vda_mode *b, uint32_t rw, uint32_t rh)
{
  int64_t da = (int64_t)a->width * rh - (int64_t)a->height * rw;
  int64_t db = (int64_t)b->width * rh - (int64_t)b->height * rw;
  uint64_t ea = (uint64_t)(da < 0 ? -da : da) * b->height;
  uint64_t eb = (uint64_t)(db < 0 ? -db : db) * a->height;
  return ea < eb ? -1 : ea > eb ? 1 : 0;
}

/* Is a better than b?  largest: prefer bigger area (fitting modes), else
 * smaller area (nothing fits).  Ties: aspect closest, then wider. */
static bool better(const vda_mode *a, const vda_mode *b, uint32_t rw, uint32_t rh, bool largest)
{
  uint64_t aa = (uint64_t)a->width * a->height;
  uint64_t ab = (uint64_t)b->width * b->height;
  int ac;
  if (aa != ab)
    return largest ? aa > ab : aa < ab;
  ac = aspect_cmp(a, b, rw, rh);
  if (ac != 0)
    return ac < 0;
  return a->width > b->width;
}

static bool pick_fallback(const vda_guest_display *g, uint32_t rw, uint32_t rh, vda_mode *out)
{
  const vda_mode *best = NULL;
  bool fits = false;
  for (uint32_t i = 0; i < g->nmodes && i < VDA_DISPLAY_MODES_MAX; i++) {
    const vda_mode *m = &g->modes[i];
    bool f;
    if (!mode_ok(*m))
      continue;
    f = m->width <= rw && m->height <= rh;
    if (best == NULL || (f && !fits) || (f == fits && better(m, best, rw, rh, fits))) {
      best = m;
      fits = f;
    }
  }
  if (best == NULL) {
    if (!mode_ok(g->current))
      return false;
    *out = g->current;
    return true;
  }
  *out = *best;
  return true;
}

/* Mode for an enabled managed monitor; false when none can be set. */
static bool choose_mode(const vda_guest_display *g, const vda_display_req_mon *m,
                        vda_display_target *t)
{
  uint32_t want = m->depth ? m->depth : g->current.depth;
  uint32_t depth = pick_depth(g, m->width, m->height, want);
  t->requested = (vda_mode){m->width, m->height, m->depth};
  if (depth) {
    t->source = VDA_MODE_EXACT;
    t->mode = (vda_mode){m->width, m->height, depth};
    return true;
  }
  if (g->custom_modes) {
    t->source = VDA_MODE_CUSTOM;
    t->mode = (vda_mode){m->width, m->height, want ? want : 32};
    return true;
  }
  if (!pick_fallback(g, m->width, m->height, &t->mode))
    return false;
  t->mode.depth = pick_depth(g, t->mode.width, t->mode.height, want);
  if (t->mode.depth == 0) /* fell back to the current mode, not listed */
    t->mode.depth = g->current.depth;
  t->source = VDA_MODE_FALLBACK;
  return true;
}

static bool req_enabled(const vda_display_req_mon *m)
{
  return m->width != 0 && m->height != 0;
}

static void plan_target(const vda_display_set *s, const vda_display_request *r,
                        vda_display_target *t, vda_display_plan *out)
{
  const vda_guest_display *g = &s->d[t->guest];
  const vda_display_req_mon *m;
  if (t->display_id < 0) { /* unmanaged: keep as it is */
    t->enable = g->attached && mode_ok(g->current);
    t->source = VDA_MODE_KEEP;
    t->mode = g->current;
    return;
  }
  if ((uint32_t)t->display_id >= r->count || !req_enabled(&r->mon[t->display_id])) {
    t->enable = false;
    t->source = VDA_MODE_DETACH;
    return;
  }
  m = &r->mon[t->display_id];
  if (choose_mode(g, m, t)) {
    t->enable = true;
    if (t->source == VDA_MODE_FALLBACK)
      out->fallbacks++;
    return;
  }
  /* Nothing can be set: leave the display as it is, and say so. */
  t->enable = g->attached && mode_ok(g->current);
  t->source = VDA_MODE_KEEP;
  t->mode = g->current;
  out->fallbacks++;
}

/* Lay out the enabled targets; returns false with *why on bad sizes. */
static bool layout(const vda_display_set *s, const vda_display_request *r, vda_display_plan *out,
                   int32_t primary_id, const int32_t guest_of_id[VDA_DISPLAY_MAX],
                   const int32_t target_of_guest[VDA_DISPLAY_MAX], const char **why)
{
  vda_rect rects[VDA_LAYOUT_MAX];
  uint32_t who[VDA_LAYOUT_MAX], n = 0;
  bool ok;
  /* Managed, display id order: the primary (lowest id) comes first. */
  for (int32_t id = primary_id; id < (int32_t)VDA_DISPLAY_MAX; id++) {
    vda_display_target *t;
    if (guest_of_id[id] < 0)
      continue;
    t = &out->t[target_of_guest[guest_of_id[id]]];
    if (!t->enable)
      continue;
    rects[n] = (vda_rect){0, 0, t->mode.width, t->mode.height};
    if (r->use_pos && (uint32_t)id < r->count) {
      rects[n].x = r->mon[id].x;
      rects[n].y = r->mon[id].y;
    }
    who[n++] = (uint32_t)(t - out->t);
  }
  /* Unmanaged: where they are now (same origin as the old desktop). */
  for (uint32_t k = 0; k < out->count; k++) {
    vda_display_target *t = &out->t[k];
    if (t->display_id >= 0 || !t->enable)
      continue;
    rects[n] = (vda_rect){s->d[t->guest].x, s->d[t->guest].y, t->mode.width, t->mode.height};
    who[n++] = k;
  }
  ok = vda_layout_normalise(rects, n, 0, r->use_pos, why);
  for (uint32_t i = 0; ok && i < n; i++) {
    out->t[who[i]].x = rects[i].x;
    out->t[who[i]].y = rects[i].y;
  }
  return ok;
}

static void mark_changes(const vda_display_set *s, vda_display_plan *out)
{
  for (uint32_t k = 0; k < out->count; k++) {
    vda_display_target *t = &out->t[k];
    const vda_guest_display *g = &s->d[t->guest];
    if (t->enable != g->attached)
      t->changed = true;
    else if (t->enable)
      t->changed = t->mode.width != g->current.width || t->mode.height != g->current.height ||
                   t->mode.depth != g->current.depth || t->x != g->x || t->y != g->y ||
                   t->primary != g->primary;
    else
      t->changed = false;
  }
}

bool vda_display_plan_make(const vda_display_set *s, const vda_display_request *r,
                           const vda_display_idmap *map, vda_display_plan *out, const char **why)
{
  int32_t guest_of_id[VDA_DISPLAY_MAX];
  int32_t target_of_guest[VDA_DISPLAY_MAX];
  int32_t id_of_guest[VDA_DISPLAY_MAX];
  int32_t primary_id = -1;
  uint32_t n = set_count(s);
  uint32_t rc = r->count < VDA_DISPLAY_REQ_MAX ? r->count : VDA_DISPLAY_REQ_MAX;
  bool ok = true;

  memset(out, 0, sizeof(*out));
  vda_display_map_ids(s, map, guest_of_id);
  for (uint32_t g = 0; g < VDA_DISPLAY_MAX; g++) {
    id_of_guest[g] = -1;
    target_of_guest[g] = -1;
  }
  for (int32_t id = 0; id < (int32_t)VDA_DISPLAY_MAX; id++)
    if (guest_of_id[id] >= 0)
      id_of_guest[guest_of_id[id]] = id;
  for (uint32_t i = 0; i < rc; i++)
    if (req_enabled(&r->mon[i]) && (i >= VDA_DISPLAY_MAX || guest_of_id[i] < 0))
      out->unmapped++;

  for (uint32_t g = 0; g < n; g++) {
    vda_display_target *t;
    if (s->d[g].kind == VDA_ADAPTER_MIRROR)
      continue;
    target_of_guest[g] = (int32_t)out->count;
    t = &out->t[out->count++];
    t->guest = g;
    t->display_id = id_of_guest[g];
    plan_target(s, r, t, out);
    if (t->enable && t->display_id >= 0 && (primary_id < 0 || t->display_id < primary_id))
      primary_id = t->display_id;
  }

  if (out->count == 0) {
    *why = "the guest has no display to configure";
    ok = false;
  } else if (primary_id < 0) {
    *why = "no monitor of the config maps to an enabled guest display";
    ok = false;
  } else {
    out->t[target_of_guest[guest_of_id[primary_id]]].primary = true;
    ok = layout(s, r, out, primary_id, guest_of_id, target_of_guest, why);
  }
  if (ok) {
    mark_changes(s, out);
    out->exact = out->unmapped == 0 && out->fallbacks == 0;
  } else {
    memset(out, 0, sizeof(*out));
  }
  return ok;
}

vda_rect vda_display_current_rects(const vda_display_set *s, const vda_display_idmap *map,
                                   vda_rect rects[VDA_DISPLAY_MAX])
{
  int32_t guest_of_id[VDA_DISPLAY_MAX];
  vda_rect all[VDA_DISPLAY_MAX];
  uint32_t n = 0;
  vda_display_map_ids(s, map, guest_of_id);
  for (uint32_t id = 0; id < VDA_DISPLAY_MAX; id++) {
    const vda_guest_display *g;
    rects[id] = (vda_rect){0, 0, 0, 0};
    if (guest_of_id[id] < 0)
      continue;
    g = &s->d[guest_of_id[id]];
    if (g->attached && mode_ok(g->current))
      rects[id] = (vda_rect){g->x, g->y, g->current.width, g->current.height};
  }
  for (uint32_t g = 0; g < set_count(s); g++) {
    const vda_guest_display *d = &s->d[g];
    if (d->kind != VDA_ADAPTER_MIRROR && d->attached && mode_ok(d->current))
      all[n++] = (vda_rect){d->x, d->y, d->current.width, d->current.height};
  }
  return n ? vda_layout_bounds(all, n) : (vda_rect){0, 0, 0, 0};
}
