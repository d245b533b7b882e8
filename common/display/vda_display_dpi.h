/*
 * vda_display_dpi.h - the guest's per-monitor scale from the client's DPI.
 *
 * When a MONITORS_CONFIG carries the PHYSICAL_SIZE trailer, each monitor's
 * client DPI is its pixel width over its width in inches (the height gives
 * the same on square pixels; the mean of both is used).  Windows offers
 * scale steps of 100, 125, ... 500 percent of 96 DPI; the nearest step to
 * dpi / 96 is chosen (a tie goes to the smaller step: text a little small
 * beats a cut-off dialog).  The pixel size is never rounded or changed: the
 * guest still gets exactly the window's pixels, only its scale follows.
 *
 * Windows sets the scale per source relative to the step it recommends for
 * that monitor (DisplayConfigSetDeviceInfo with the undocumented
 * DISPLAYCONFIG_DEVICE_INFO_SET_DPI_SCALE, -4, the interface the Settings
 * app itself uses); vda_dpi_relative turns the chosen step into that form.
 */
#ifndef VDA_DISPLAY_DPI_H
#define VDA_DISPLAY_DPI_H

#include <stdbool.h>
#include <stdint.h>

#define VDA_DPI_STEPS 12u

/* The steps, in percent, smallest first. */
extern const uint32_t vda_dpi_steps[VDA_DPI_STEPS];

/* The nearest step for a monitor of px_w x px_h pixels and mm_w x mm_h
 * millimetres.  false with static *why when a physical size is 0 (the
 * client does not know it) or the DPI is beyond belief (< 24 or > 1200). */
bool vda_dpi_step(uint32_t px_w, uint32_t px_h, uint32_t mm_w, uint32_t mm_h, uint32_t *percent,
                  const char **why);

/* Index of percent in vda_dpi_steps, or -1. */
int32_t vda_dpi_step_index(uint32_t percent);

/* The relative value for SET_DPI_SCALE: the step index of percent minus the
 * recommended step's, clamped to [min_rel, max_rel] as GET_DPI_SCALE
 * reports them.  Windows reports min_rel as minus the recommended index (its
 * relative scale starts at 100 %).  false when percent is not a step. */
bool vda_dpi_relative(uint32_t percent, int32_t min_rel, int32_t max_rel, int32_t *rel);

#endif /* VDA_DISPLAY_DPI_H */
