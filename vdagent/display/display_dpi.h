/* display_dpi.h - each monitor's scale follows the client's DPI
 * (vda_display_dpi.h), after a MONITORS_CONFIG with physical sizes was
 * applied.  Off when the user set FollowClientDpi to 0, and when the client
 * sent no sizes.
 *
 * Windows has no documented call for a per-monitor scale; the Settings app
 * uses DisplayConfigGetDeviceInfo / DisplayConfigSetDeviceInfo with the
 * types -3 (get: min, current, max relative to the recommended step) and -4
 * (set: relative step) on the display's CCD source, and so does this.  Wine 8
 * refuses both (logged once), so it is proven only by unit tests here. */
#ifndef VDA_DISPLAY_DPI_WIN_H
#define VDA_DISPLAY_DPI_WIN_H

#include "display_win.h"
#include "vda_display_apply.h"

void vda_display_dpi_follow(vda_display_win *w, const vda_display_request *r,
                            const vda_display_result *res);

#endif
