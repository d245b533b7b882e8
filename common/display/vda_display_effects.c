/* vda_display_effects.c - see vda_display_effects.h. */
#include "vda_display_effects.h"

#include <string.h>

static const uint32_t effect_flag[VDA_EFFECT_COUNT] = {
    [VDA_EFFECT_WALLPAPER] = VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_WALLPAPER,
    [VDA_EFFECT_FONT_SMOOTH] = VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_FONT_SMOOTH,
    [VDA_EFFECT_ANIMATION] = VD_AGENT_DISPLAY_CONFIG_FLAG_DISABLE_ANIMATION,
};

void vda_effects_init(vda_effects *e)
{
  memset(e, 0, sizeof(*e));
}

static bool disable(vda_effects *e, const vda_effects_ops *ops, void *ctx, vda_effect k,
                    const char **why)
{
  uint32_t v = 0;
  if (e->disabled[k])
    return true; /* keep the user's value saved the first time */
  if (!ops->get(ctx, k, &v)) {
    /* Never change what we could not save: it could not be restored. */
    *why = "could not read a visual effect setting";
    return false;
  }
  if (!ops->set(ctx, k, 0)) {
    *why = "could not turn a visual effect off";
    return false;
  }
  e->saved[k] = v;
  e->disabled[k] = true;
  return true;
}

static bool restore(vda_effects *e, const vda_effects_ops *ops, void *ctx, vda_effect k,
                    const char **why)
{
  if (!e->disabled[k])
    return true;
  if (!ops->set(ctx, k, e->saved[k])) {
    /* Stay "disabled" so a later restore tries again. */
    *why = "could not restore a visual effect setting";
    return false;
  }
  e->disabled[k] = false;
  return true;
}

bool vda_effects_configure(vda_effects *e, const vda_effects_ops *ops, void *ctx,
                           const vda_display_config *dc, const vda_display_ops *dops, void *dctx,
                           const char **why)
{
  bool ok = true;
  const char *w = NULL;
  for (int k = 0; k < VDA_EFFECT_COUNT; k++) {
    bool step = (dc->flags & effect_flag[k]) ? disable(e, ops, ctx, (vda_effect)k, &w)
                                             : restore(e, ops, ctx, (vda_effect)k, &w);
    if (!step && ok) {
      ok = false;
      *why = w;
    }
  }
  if (dc->flags & VD_AGENT_DISPLAY_CONFIG_FLAG_SET_COLOR_DEPTH) {
    bool step;
    if (dops == NULL) {
      w = "SET_COLOR_DEPTH is not supported here";
      step = false;
    } else {
      step = vda_display_set_depth(dops, dctx, dc->depth, &w);
    }
    if (!step && ok) {
      ok = false;
      *why = w;
    }
  }
  return ok;
}

bool vda_effects_restore(vda_effects *e, const vda_effects_ops *ops, void *ctx, const char **why)
{
  bool ok = true;
  const char *w = NULL;
  for (int k = 0; k < VDA_EFFECT_COUNT; k++) {
    if (!restore(e, ops, ctx, (vda_effect)k, &w) && ok) {
      ok = false;
      *why = w;
    }
  }
  return ok;
}
