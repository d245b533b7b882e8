/* display_manual.h - `vdagent --resolution WxH[,WxH...]`: a layout set by
 * hand, for people on noVNC or without any SPICE client.
 *
 * Run by the user in their own session (a command prompt, a shortcut, a
 * logon script); it does not talk to the running agent: it applies the
 * layout directly with the same executor as MONITORS_CONFIG (exact mode,
 * the QXL custom-mode escape where the adapter takes it, else the nearest
 * listed mode), prints one line saying what the screen now shows, and exits:
 *   0  every monitor got its exact size
 *   2  applied, but a monitor got the nearest listed mode (or has no display)
 *   1  refused (bad text) or nothing could be applied
 * While a SPICE client with auto-fit is connected, its next MONITORS_CONFIG
 * wins again; FollowClientWindow=0 (display_user.h) keeps the hand-set one. */
#ifndef VDA_DISPLAY_MANUAL_WIN_H
#define VDA_DISPLAY_MANUAL_WIN_H

#include <wchar.h>

int vda_display_manual_run(const wchar_t *spec);

#endif
