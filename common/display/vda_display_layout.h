/*
 * vda_display_layout.h - normalising a multi-monitor desktop layout.
 *
 * Windows wants a desktop whose primary display sits at 0,0 and whose
 * displays neither overlap nor leave gaps (ChangeDisplaySettingsEx with
 * overlapping or detached rectangles either fails or gets "fixed" by the OS
 * in ways nobody asked for).  Clients send what their windows look like:
 * overlaps (two windows on the same client monitor), gaps (windows apart),
 * negative positions (monitors left of the primary).  This module turns any
 * such request into a valid desktop, staying as close to the request as
 * it can.  Pure integer code, no <windows.h>, natively unit-tested.
 */
#ifndef VDA_DISPLAY_LAYOUT_H
#define VDA_DISPLAY_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

/* Most rectangles in one layout (guest displays we consider). */
#define VDA_LAYOUT_MAX 16u
/* Largest display side accepted anywhere (pixels).  Keeps every sum of
 * sizes in a layout far inside int32_t: 16 * 16384 = 262144. */
#define VDA_DISPLAY_PX_MAX 16384u

typedef struct vda_rect {
  int32_t x, y;
  uint32_t w, h;
} vda_rect;

/*
 * Place n rectangles (sizes w,h fixed; x,y are the requested positions on
 * entry and the normalised positions on return).  r[primary] ends at 0,0.
 *
 * use_pos false: left to right in array order, tops at y = 0 (the order the
 *   caller chose, e.g. display ids), primary first wherever it is in the
 *   array (the others keep their relative order after it).
 * use_pos true: the requested arrangement is kept as far as possible:
 *   positions are translated so the primary is at 0,0, then each other
 *   rectangle, nearest to the primary first, goes to the position closest to
 *   its request (Manhattan distance) that shares an edge of positive length
 *   with an already placed rectangle and overlaps none.  A request that is
 *   already valid is kept unchanged; overlaps are pushed out to the nearest
 *   free side; gaps are closed.  Such a position always exists (right of the
 *   rightmost placed rectangle), so this never fails on valid sizes.
 *
 * Refused (false, static *why): n == 0 or > VDA_LAYOUT_MAX, primary >= n,
 * a size of 0 or above VDA_DISPLAY_PX_MAX.
 */
bool vda_layout_normalise(vda_rect *r, uint32_t n, uint32_t primary, bool use_pos,
                          const char **why);

/* Smallest rectangle covering r[0..n) (the virtual desktop). n > 0. */
vda_rect vda_layout_bounds(const vda_rect *r, uint32_t n);

#endif /* VDA_DISPLAY_LAYOUT_H */
