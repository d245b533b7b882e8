/* vda_display_apply.c - see vda_display_apply.h. */
#include "vda_display_apply.h"

#include <stdlib.h>
#include <string.h>

typedef struct work {
  vda_display_set prev;  /* as enumerated: what a failed apply restores */
  vda_display_set cur;   /* prev plus tested modes, minus failed escapes */
  vda_display_set after; /* read back after a commit */
  bool staged[VDA_DISPLAY_MAX];
} work;

static bool size_listed(const vda_guest_display *g, uint32_t w, uint32_t h)
{
  for (uint32_t i = 0; i < g->nmodes && i < VDA_DISPLAY_MODES_MAX; i++)
    if (g->modes[i].width == w && g->modes[i].height == h)
      return true;
  return false;
}

/* Drivers accept sizes they do not list (QXL WDDM after an escape, some
 * virtual GPUs): ask with CDS_TEST before settling for a fallback. */
static void add_tested_modes(const vda_display_ops *ops, void *ctx, vda_display_set *s,
                             const vda_display_request *r, const vda_display_idmap *map)
{
  int32_t guest_of_id[VDA_DISPLAY_MAX];
  uint32_t rc = r->count < VDA_DISPLAY_MAX ? r->count : VDA_DISPLAY_MAX;
  if (ops->test_mode == NULL)
    return;
  vda_display_map_ids(s, map, guest_of_id);
  for (uint32_t id = 0; id < rc; id++) {
    const vda_display_req_mon *m = &r->mon[id];
    vda_guest_display *g;
    vda_mode want;
    if (m->width == 0 || m->height == 0 || guest_of_id[id] < 0)
      continue;
    g = &s->d[guest_of_id[id]];
    if (size_listed(g, m->width, m->height))
      continue;
    want = (vda_mode){m->width, m->height,
                      m->depth           ? m->depth
                      : g->current.depth ? g->current.depth
                                         : 32};
    if (ops->test_mode(ctx, g, want))
      (void)vda_display_add_mode(g, want); /* full list: fallback */
  }
}

/* Plan; run the QXL escape for CUSTOM targets; a display whose escape fails
 * loses the custom route and everything is planned again (its fallback size
 * changes the layout).  Each round removes one route, so it ends. */
static bool plan_with_escapes(const vda_display_ops *ops, void *ctx, vda_display_set *s,
                              const vda_display_request *r, const vda_display_idmap *map,
                              vda_display_plan *plan, const char **why)
{
  for (uint32_t round = 0; round <= VDA_DISPLAY_MAX; round++) {
    bool again = false;
    if (!vda_display_plan_make(s, r, map, plan, why))
      return false;
    for (uint32_t k = 0; k < plan->count; k++) {
      const vda_display_target *t = &plan->t[k];
      const char *ew = NULL;
      if (t->source != VDA_MODE_CUSTOM)
        continue;
      if (ops->qxl_custom_mode == NULL ||
          !ops->qxl_custom_mode(ctx, &s->d[t->guest], t->mode, &ew)) {
        s->d[t->guest].custom_modes = false;
        again = true;
      }
    }
    if (!again)
      return true;
  }
  *why = "QXL custom modes kept failing";
  return false;
}

/* Stage the previous state of every staged display again and commit. */
static bool restore_previous(const vda_display_ops *ops, void *ctx, work *w)
{
  bool ok = true, any = false;
  const char *ignored = NULL;
  for (uint32_t g = 0; g < w->prev.count && g < VDA_DISPLAY_MAX; g++) {
    const vda_guest_display *d = &w->prev.d[g];
    vda_display_target t;
    if (!w->staged[g])
      continue;
    memset(&t, 0, sizeof(t));
    t.guest = g;
    t.display_id = -1;
    t.enable = d->attached;
    t.primary = d->primary;
    t.changed = true;
    t.source = VDA_MODE_KEEP;
    t.mode = d->current;
    t.x = d->x;
    t.y = d->y;
    any = true;
    if (!ops->stage(ctx, d, &t, &ignored))
      ok = false;
  }
  if (any && !ops->commit(ctx, &ignored))
    ok = false;
  return ok;
}

/* Stage changed targets, primary first (Windows takes the origin from it),
 * then commit once. */
static bool stage_and_commit(const vda_display_ops *ops, void *ctx, work *w,
                             const vda_display_plan *plan, bool *committed, const char **why)
{
  bool any = false;
  *committed = false;
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t k = 0; k < plan->count; k++) {
      const vda_display_target *t = &plan->t[k];
      if (!t->changed || t->primary != (pass == 0))
        continue;
      w->staged[t->guest] = true; /* a failed stage may be half-done */
      any = true;
      if (!ops->stage(ctx, &w->cur.d[t->guest], t, why))
        return false;
    }
  }
  if (any && !ops->commit(ctx, why))
    return false;
  *committed = any;
  return true;
}

static bool any_change(const vda_display_plan *plan)
{
  for (uint32_t k = 0; k < plan->count && k < VDA_DISPLAY_MAX; k++)
    if (plan->t[k].changed)
      return true;
  return false;
}

/* Does what the guest reports now match the plan?  Every enabled display
 * has its planned size; every disabled one is detached. */
static bool read_back(const vda_display_ops *ops, void *ctx, work *w, const vda_display_plan *plan,
                      const char **why)
{
  const char *ew = NULL;
  bool (*read)(void *, vda_display_set *, const char **) =
      ops->read_current != NULL ? ops->read_current : ops->enumerate;
  if (!read(ctx, &w->after, &ew)) {
    *why = "reading the displays back after the change failed";
    return false;
  }
  for (uint32_t k = 0; k < plan->count && k < VDA_DISPLAY_MAX; k++) {
    const vda_display_target *t = &plan->t[k];
    const vda_guest_display *g;
    if (t->guest >= w->after.count) {
      *why = "a display vanished while the layout was applied";
      return false;
    }
    g = &w->after.d[t->guest];
    if (t->enable && (!g->attached || g->current.width != t->mode.width ||
                      g->current.height != t->mode.height)) {
      *why = "read back, a display does not show its planned size";
      return false;
    }
    if (!t->enable && g->attached) {
      *why = "read back, a display planned off is still attached";
      return false;
    }
  }
  return true;
}

/* The atomic route: true when commit_layout applied the plan, as read back. */
static bool commit_whole_layout(const vda_display_ops *ops, void *ctx, work *w,
                                const vda_display_plan *plan, vda_display_result *res)
{
  const char *why = NULL;
  if (ops->commit_layout == NULL)
    return false;
  if (!ops->commit_layout(ctx, &w->cur, plan, &why)) {
    res->layout_fell_back = true;
    res->layout_why = why ? why : "the atomic layout commit failed";
    return false;
  }
  if (!read_back(ops, ctx, w, plan, &why)) {
    /* It said yes and changed nothing (Wine's SetDisplayConfig is a stub
     * that answers ERROR_SUCCESS): never trust it again. */
    if (ops->layout_ineffective != NULL)
      ops->layout_ineffective(ctx);
    res->layout_fell_back = true;
    res->layout_why = "the atomic layout commit reported success but changed nothing";
    return false;
  }
  res->by_layout = true;
  return true;
}

static void fail_and_restore(const vda_display_ops *ops, void *ctx, work *w,
                             vda_display_result *res, const char *why)
{
  res->restored = restore_previous(ops, ctx, w);
  res->why = res->restored ? why
                           : "applying the display config failed and "
                             "restoring the previous layout failed too";
}

static void run(const vda_display_ops *ops, void *ctx, const vda_display_request *r,
                const vda_display_idmap *map, work *w, vda_display_result *res)
{
  const char *why = "display enumeration failed";
  bool committed = false;
  if (!ops->enumerate(ctx, &w->prev, &why)) {
    res->why = why;
    return;
  }
  w->cur = w->prev;
  add_tested_modes(ops, ctx, &w->cur, r, map);
  if (!plan_with_escapes(ops, ctx, &w->cur, r, map, &res->plan, &why)) {
    res->why = why;
    return;
  }
  if (any_change(&res->plan) && commit_whole_layout(ops, ctx, w, &res->plan, res)) {
    committed = true;
  } else if (!stage_and_commit(ops, ctx, w, &res->plan, &committed, &why)) {
    fail_and_restore(ops, ctx, w, res, why);
    return;
  }
  res->applied = committed;
  res->success = res->plan.exact;
  if (committed && !res->by_layout && !read_back(ops, ctx, w, &res->plan, &why)) {
    res->success = false;
    res->why = why;
  } else if (res->plan.unmapped)
    res->why = "a monitor of the config has no guest display";
  else if (res->plan.fallbacks)
    res->why = "a monitor got a fallback mode, not its exact size";
}

bool vda_display_apply(const vda_display_ops *ops, void *ctx, const vda_display_request *r,
                       const vda_display_idmap *map, vda_display_result *res)
{
  work *w = calloc(1, sizeof(*w));
  memset(res, 0, sizeof(*res));
  if (w == NULL)
    res->why = "out of memory for the display sets";
  else
    run(ops, ctx, r, map, w, res);
  free(w);
  return res->success;
}

static bool depth_run(const vda_display_ops *ops, void *ctx, uint32_t depth, work *w,
                      const char **why)
{
  vda_display_plan *plan = calloc(1, sizeof(*plan));
  vda_display_result res;
  bool committed = false, ok = false;
  memset(&res, 0, sizeof(res));
  if (plan == NULL) {
    *why = "out of memory for the display plan";
  } else if (ops->enumerate(ctx, &w->prev, why)) {
    w->cur = w->prev;
    for (uint32_t g = 0; g < w->cur.count && g < VDA_DISPLAY_MAX; g++) {
      const vda_guest_display *d = &w->cur.d[g];
      vda_display_target *t = &plan->t[plan->count];
      if (d->kind == VDA_ADAPTER_MIRROR || !d->attached)
        continue;
      plan->count++;
      *t = (vda_display_target){.guest = g,
                                .display_id = -1,
                                .enable = true,
                                .primary = d->primary,
                                .changed = d->current.depth != depth,
                                .source = VDA_MODE_KEEP,
                                .mode = d->current,
                                .x = d->x,
                                .y = d->y};
      t->mode.depth = depth;
    }
    ok = stage_and_commit(ops, ctx, w, plan, &committed, why);
    if (!ok) {
      fail_and_restore(ops, ctx, w, &res, *why);
      *why = res.why;
    }
  }
  free(plan);
  return ok;
}

bool vda_display_set_depth(const vda_display_ops *ops, void *ctx, uint32_t depth, const char **why)
{
  work *w;
  bool ok = false;
  if (depth != 8 && depth != 16 && depth != 24 && depth != 32) {
    *why = "SET_COLOR_DEPTH depth is not 8, 16, 24 or 32";
    return false;
  }
  w = calloc(1, sizeof(*w));
  if (w == NULL)
    *why = "out of memory for the display sets";
  else
    ok = depth_run(ops, ctx, depth, w, why);
  free(w);
  return ok;
}

uint32_t vda_display_reply_error(const vda_display_result *res)
{
  return res->success ? VD_AGENT_SUCCESS : VD_AGENT_ERROR;
}
