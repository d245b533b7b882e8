/*
 * display_ccd.h - QueryDisplayConfig / SetDisplayConfig for the display ops.
 *
 * vda_ccd_query reads every path (QDC_ALL_PATHS) into a vda_ccd_config,
 * naming each source by the GDI display it drives (DisplayConfigGetDeviceInfo
 * GET_SOURCE_NAME -> \\.\DISPLAYn -> index in the enumeration); vda_ccd_commit
 * turns the portable plan's output (vda_display_ccd_plan.h) back into path
 * and source-mode arrays and applies them in one SetDisplayConfig
 * (SDC_APPLY | SDC_USE_SUPPLIED_DISPLAY_CONFIG | SDC_ALLOW_CHANGES |
 * SDC_SAVE_TO_DATABASE).
 *
 * Wine 8 (probed in tests/e2e/display_outside.sh's rig): QueryDisplayConfig
 * and DisplayConfigGetDeviceInfo work; SetDisplayConfig answers
 * ERROR_SUCCESS and changes nothing, which the executor's read-back catches.
 */
#ifndef VDA_DISPLAY_CCD_H
#define VDA_DISPLAY_CCD_H

#include <stdbool.h>
#include <windows.h>

#include "vda_display_ccd_plan.h"

typedef struct vda_ccd_raw {
  UINT32 npaths, nmodes;
  DISPLAYCONFIG_PATH_INFO *paths;
  DISPLAYCONFIG_MODE_INFO *modes;
} vda_ccd_raw;

/* names[i] is the GDI name of guest display i (count of them).  Allocates
 * raw's arrays (at most VDA_CCD_PATHS_MAX paths, twice as many modes). */
bool vda_ccd_query(const WCHAR (*names)[32], uint32_t count, vda_ccd_raw *raw, vda_ccd_config *cfg,
                   const char **why);
bool vda_ccd_commit(const vda_ccd_raw *raw, const vda_ccd_config *out, const vda_display_plan *plan,
                    const char **why);
void vda_ccd_raw_free(vda_ccd_raw *raw);

#endif /* VDA_DISPLAY_CCD_H */
