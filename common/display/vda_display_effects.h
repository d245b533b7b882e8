/*
 * vda_display_effects.h - DISPLAY_CONFIG: visual effects for the session.
 *
 * A client on a slow link asks the guest to drop the wallpaper, font
 * smoothing and animations (flags DISABLE_WALLPAPER, DISABLE_FONT_SMOOTH,
 * DISABLE_ANIMATION) and may ask for a colour depth (SET_COLOR_DEPTH).  The
 * agent disables what is asked, remembers what it changed, turns back on
 * what a later DISPLAY_CONFIG no longer asks to disable, and restores
 * everything when the client disconnects (CLIENT_DISCONNECTED or port
 * closed): the next client, or the user at the console, gets the desktop
 * the user configured.
 *
 * The Windows layer changes these for the session only (SystemParametersInfo
 * without SPIF_UPDATEINIFILE), so a crash of the agent cannot make them
 * permanent: the next logon reads the user's settings.  The depth is not
 * restored on disconnect (a mode change flickers every display, and spice
 * clients do not send SET_COLOR_DEPTH any more).
 *
 * Values are opaque u32 per effect, owned by the ops: 0 means "off"; the
 * value get() returned is what set() restores.  Tested with a fake.
 */
#ifndef VDA_DISPLAY_EFFECTS_H
#define VDA_DISPLAY_EFFECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_display_apply.h"
#include "vda_views.h"

typedef enum vda_effect {
  VDA_EFFECT_WALLPAPER,
  VDA_EFFECT_FONT_SMOOTH,
  VDA_EFFECT_ANIMATION,
  VDA_EFFECT_COUNT
} vda_effect;

typedef struct vda_effects_ops {
  bool (*get)(void *ctx, vda_effect e, uint32_t *value);
  bool (*set)(void *ctx, vda_effect e, uint32_t value);
} vda_effects_ops;

typedef struct vda_effects {
  bool disabled[VDA_EFFECT_COUNT];  /* we turned it off */
  uint32_t saved[VDA_EFFECT_COUNT]; /* value to restore */
} vda_effects;

void vda_effects_init(vda_effects *e);

/* Apply one DISPLAY_CONFIG.  Effects asked for are saved then turned off
 * (once: a repeated flag keeps the first saved value, the user's);
 * effects no longer asked for are restored.  SET_COLOR_DEPTH goes through
 * vda_display_set_depth(dops, dctx, ...) (dops may be NULL: refused).
 * Every step is tried; returns false (first reason in *why) if any failed:
 * that is the REPLY's ERROR. */
bool vda_effects_configure(vda_effects *e, const vda_effects_ops *ops, void *ctx,
                           const vda_display_config *dc, const vda_display_ops *dops, void *dctx,
                           const char **why);

/* Client gone: restore every effect we disabled. */
bool vda_effects_restore(vda_effects *e, const vda_effects_ops *ops, void *ctx, const char **why);

#endif /* VDA_DISPLAY_EFFECTS_H */
