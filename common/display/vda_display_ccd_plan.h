/*
 * vda_display_ccd_plan.h - a display plan as one CCD (SetDisplayConfig)
 * commit.
 *
 * QueryDisplayConfig(QDC_ALL_PATHS) lists every (source, target) pair of
 * every adapter; the Win32 layer (vdagent/display/display_ccd.c) reduces each
 * to a vda_ccd_path: its adapter LUID, source and target ids, whether it is
 * active, whether a monitor is attached to the target (targetAvailable), the
 * guest display (index into vda_display_set) whose GDI name the source has,
 * and the source mode (size, position) when active.
 *
 * vda_ccd_plan turns a vda_display_plan into the set of paths to commit in
 * one atomic SetDisplayConfig(SDC_USE_SUPPLIED_DISPLAY_CONFIG): every head's
 * size, position and on/off at once, so Windows never sees an intermediate
 * layout with overlaps or a gap.  Rules:
 *   - a path whose target has no monitor (targetAvailable false: an IDD or a
 *     passed-through GPU with nothing plugged in) is never committed;
 *   - a display the plan enables keeps its active path, or takes the first
 *     available path of its source whose target no other chosen path uses;
 *   - a display the plan disables is left out (inactive);
 *   - active paths of displays the plan does not cover (mirror drivers,
 *     sources with no GDI display) are committed unchanged;
 *   - an enabled display with no usable path makes the plan fail, and the
 *     caller falls back to ChangeDisplaySettingsEx.
 */
#ifndef VDA_DISPLAY_CCD_PLAN_H
#define VDA_DISPLAY_CCD_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "vda_display_plan.h"

/* Paths considered: QDC_ALL_PATHS gives sources x targets per adapter. */
#define VDA_CCD_PATHS_MAX 256u

typedef struct vda_ccd_path {
  uint64_t adapter; /* LUID: (HighPart << 32) | LowPart */
  uint32_t source_id, target_id;
  uint32_t raw; /* index in the Win32 layer's QueryDisplayConfig array */
  bool active;
  bool available; /* a monitor is attached to the target */
  int32_t guest;  /* index into vda_display_set.d, -1: no GDI display */
  int32_t x, y;   /* source mode (active paths) */
  uint32_t width, height;
} vda_ccd_path;

typedef struct vda_ccd_config {
  uint32_t count;
  vda_ccd_path p[VDA_CCD_PATHS_MAX];
} vda_ccd_config;

/* out: the paths to commit, all active, with their source modes.  false with
 * *why when an enabled display of the plan has no usable path, or nothing
 * would stay active. */
bool vda_ccd_plan(const vda_ccd_config *cur, const vda_display_plan *plan, vda_ccd_config *out,
                  const char **why);

#endif /* VDA_DISPLAY_CCD_PLAN_H */
