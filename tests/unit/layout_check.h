/*
 * layout_check.h - test oracle for display layouts: is a layout one Windows
 * accepts as is?  Lives in the test harness because the product never needs
 * to ask (vda_layout_normalise always produces such a layout); the tests use
 * it to check that claim on every result.
 */
#ifndef LAYOUT_CHECK_H
#define LAYOUT_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_display_layout.h"

/* True when r[primary] is at 0,0, every size is positive, no two rectangles
 * overlap and every rectangle is connected to the primary through shared
 * edges of positive length (corners alone do not count: Windows moves such
 * displays).  n == 0, n > VDA_LAYOUT_MAX or primary >= n: false. */
bool layout_is_normal(const vda_rect *r, uint32_t n, uint32_t primary);

#endif /* LAYOUT_CHECK_H */
