/* vda_display_ccd_plan.c - see vda_display_ccd_plan.h. */
#include "vda_display_ccd_plan.h"

#include <string.h>

static const vda_display_target *target_of(const vda_display_plan *plan, int32_t guest)
{
  for (uint32_t k = 0; k < plan->count && k < VDA_DISPLAY_MAX; k++)
    if ((int32_t)plan->t[k].guest == guest)
      return &plan->t[k];
  return NULL;
}

static bool target_used(const vda_ccd_config *out, const vda_ccd_path *p)
{
  for (uint32_t i = 0; i < out->count; i++)
    if (out->p[i].adapter == p->adapter && out->p[i].target_id == p->target_id)
      return true;
  return false;
}

static bool source_used(const vda_ccd_config *out, const vda_ccd_path *p)
{
  for (uint32_t i = 0; i < out->count; i++)
    if (out->p[i].adapter == p->adapter && out->p[i].source_id == p->source_id)
      return true;
  return false;
}

static void add(vda_ccd_config *out, const vda_ccd_path *p, const vda_display_target *t)
{
  vda_ccd_path *o = &out->p[out->count++];
  *o = *p;
  o->active = true;
  if (t != NULL) {
    o->x = t->x;
    o->y = t->y;
    o->width = t->mode.width;
    o->height = t->mode.height;
  }
}

/* The path for an enabled display: its active one first, then a free one. */
static const vda_ccd_path *path_for(const vda_ccd_config *cur, const vda_ccd_config *out,
                                    int32_t guest)
{
  uint32_t n = cur->count < VDA_CCD_PATHS_MAX ? cur->count : VDA_CCD_PATHS_MAX;
  for (uint32_t i = 0; i < n; i++) {
    const vda_ccd_path *p = &cur->p[i];
    if (p->guest == guest && p->active && p->available && !target_used(out, p))
      return p;
  }
  for (uint32_t i = 0; i < n; i++) {
    const vda_ccd_path *p = &cur->p[i];
    if (p->guest == guest && p->available && !target_used(out, p) && !source_used(out, p))
      return p;
  }
  return NULL;
}

bool vda_ccd_plan(const vda_ccd_config *cur, const vda_display_plan *plan, vda_ccd_config *out,
                  const char **why)
{
  uint32_t n = cur->count < VDA_CCD_PATHS_MAX ? cur->count : VDA_CCD_PATHS_MAX;
  memset(out, 0, sizeof(*out));
  /* Heads the plan covers, in plan order. */
  for (uint32_t k = 0; k < plan->count && k < VDA_DISPLAY_MAX; k++) {
    const vda_display_target *t = &plan->t[k];
    const vda_ccd_path *p;
    if (!t->enable)
      continue;
    p = path_for(cur, out, (int32_t)t->guest);
    if (p == NULL) {
      *why = "CCD: an enabled display has no path with a monitor";
      return false;
    }
    add(out, p, t);
  }
  /* Active heads the plan does not cover stay as they are. */
  for (uint32_t i = 0; i < n; i++) {
    const vda_ccd_path *p = &cur->p[i];
    if (!p->active || !p->available || (p->guest >= 0 && target_of(plan, p->guest) != NULL))
      continue;
    if (!target_used(out, p) && !source_used(out, p) && out->count < VDA_CCD_PATHS_MAX)
      add(out, p, NULL);
  }
  if (out->count == 0) {
    *why = "CCD: the plan leaves no display active";
    return false;
  }
  return true;
}
