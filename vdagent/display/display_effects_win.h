/*
 * display_effects_win.h - SystemParametersInfoW glue for DISPLAY_CONFIG.
 *
 * Implements vda_effects_ops (common/vda_display_effects.h).  Changes are
 * made with SPIF_SENDCHANGE only, never SPIF_UPDATEINIFILE: they last for
 * the session and the user's saved settings are untouched even if the agent
 * dies before restoring.  Values (0 = off):
 *   WALLPAPER   1 when a wallpaper was set; the path itself is kept in the
 *               context (SPI_GETDESKWALLPAPER), set(0) sets "" (none).
 *   FONT_SMOOTH bit 0 SPI_GETFONTSMOOTHING, bits 1.. SPI_GETFONTSMOOTHINGTYPE.
 *   ANIMATION   bit 0 minimize/restore animation (SPI_GETANIMATION),
 *               bit 1 SPI_GETCLIENTAREAANIMATION, bit 2 SPI_GETUIEFFECTS.
 */
#ifndef VDA_DISPLAY_EFFECTS_WIN_H
#define VDA_DISPLAY_EFFECTS_WIN_H

#include <stdbool.h>
#include <windows.h>

#include "vda_display_effects.h"

#define VDA_WALLPAPER_PATH_MAX 1024u

typedef struct vda_effects_win {
  WCHAR wallpaper[VDA_WALLPAPER_PATH_MAX];
} vda_effects_win;

extern const vda_effects_ops vda_effects_win_ops;

#endif /* VDA_DISPLAY_EFFECTS_WIN_H */
