/*
 * vda_display_manual.h - a layout typed by hand: `vdagent --resolution
 * WxH[,WxH...]` (noVNC users, or no SPICE client at all).
 *
 * "1920x1080" or "1920x1080,1280x1024": one monitor per entry, left to right
 * in that order (display ids 0, 1, ...), depth kept.  Sides 1..16384 (the
 * limit the MONITORS_CONFIG validator uses), at most VDA_DISPLAY_MAX entries,
 * no spaces, no signs, no leading zeros beyond "0" itself (which is refused:
 * a side is never 0 here - a detached monitor is simply left out).
 */
#ifndef VDA_DISPLAY_MANUAL_H
#define VDA_DISPLAY_MANUAL_H

#include <stdbool.h>

#include "vda_display_plan.h"

/* Parse text (NUL-terminated ASCII) into out.  false with static *why. */
bool vda_display_request_from_text(const char *text, vda_display_request *out, const char **why);

#endif /* VDA_DISPLAY_MANUAL_H */
