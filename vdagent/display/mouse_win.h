/*
 * mouse_win.h - injecting vda_mouse_event lists with SendInput.
 *
 * The arithmetic (normalisation over the virtual desktop, button edges,
 * wheel clicks, coalescing) is portable and tested in common/vda_mouse_map;
 * this file maps each event to one INPUT:
 *   MOVE   -> MOUSEEVENTF_MOVE | ABSOLUTE | VIRTUALDESK at (nx, ny)
 *   DOWN/UP-> LEFT/MIDDLE/RIGHT DOWN/UP, or XDOWN/XUP with mouseData
 *             XBUTTON1 (side) / XBUTTON2 (extra); plus the absolute move
 *             flags when the event has a position, so the click lands there
 *   WHEEL  -> MOUSEEVENTF_WHEEL, mouseData = +-WHEEL_DELTA per click
 * One INPUT per event because mouseData is shared by XBUTTON and WHEEL.
 * The desktop comes from GetSystemMetrics(SM_[XY]VIRTUALSCREEN,
 * SM_C[XY]VIRTUALSCREEN): the rectangle VIRTUALDESK scaling uses.
 */
#ifndef VDA_MOUSE_WIN_H
#define VDA_MOUSE_WIN_H

#include <stdbool.h>
#include <stddef.h>
#include <windows.h>

#include "vda_mouse_map.h"

/* The virtual desktop (physical pixels: the agent is per-monitor-v2
 * DPI aware). */
vda_rect vda_mouse_win_desktop(void);

/* Fill out[0..n) from ev[0..n) (pure: no input is sent). */
void vda_mouse_win_to_inputs(const vda_mouse_event *ev, size_t n, INPUT *out);

/* Send the events (n <= VDA_MOUSE_QUEUE_MAX).  false with *why when
 * SendInput injected fewer (another desktop is active, UIPI blocked it). */
bool vda_mouse_win_inject(const vda_mouse_event *ev, size_t n, const char **why);

#endif /* VDA_MOUSE_WIN_H */
