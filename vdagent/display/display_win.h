/*
 * display_win.h - the Win32 display ops behind vda_display_apply.
 *
 * vda_display_win_ops implements vda_display_ops (common/vda_display_apply.h)
 * with EnumDisplayDevicesW / EnumDisplaySettingsExW (enumerate),
 * ChangeDisplaySettingsExW with CDS_TEST (test_mode), the QXL XPDM driver
 * escape QXL_ESCAPE_SET_CUSTOM_DISPLAY through ExtEscape (qxl_custom_mode),
 * ChangeDisplaySettingsExW with CDS_UPDATEREGISTRY | CDS_NORESET per display
 * (stage) and ChangeDisplaySettingsExW(NULL, NULL, NULL, 0, NULL) (commit).
 * All decisions are in the portable core; this file only talks to Windows.
 *
 * DPI: the agent is per-monitor-v2 DPI aware through its manifest, so every
 * size and position here is in physical pixels, the unit of MONITORS_CONFIG.
 *
 * QXL adapters are recognised by the QxlDeviceID value under the adapter's
 * registry key (DISPLAY_DEVICEW.DeviceKey), or by "QXL" in the adapter name.
 * The WDDM QXL driver has no such escape (it takes the monitors config from
 * the device itself), so the escape fails there and the plan falls back -
 * as it does under Wine, which has no QXL adapter at all.
 *
 * The context is not thread-safe: one display worker owns it.
 */
#ifndef VDA_DISPLAY_WIN_H
#define VDA_DISPLAY_WIN_H

#include <stdbool.h>
#include <windows.h>

#include "vda_display_apply.h"
#include "vda_mouse_map.h"

typedef struct vda_display_win {
  uint32_t count;                  /* from the last enumerate */
  WCHAR name[VDA_DISPLAY_MAX][32]; /* \\.\DISPLAYn by device_index */
} vda_display_win;

extern const vda_display_ops vda_display_win_ops;

void vda_display_win_init(vda_display_win *w);

/* Static English text for a DISP_CHANGE_* code. */
const char *vda_disp_change_text(LONG code);

/* The current desktop for the mouse: per display id (map may be NULL)
 * rectangles from the enumeration, the virtual desktop from
 * GetSystemMetrics (what SendInput's VIRTUALDESK scaling uses).  Allocates
 * one vda_display_set for the call. */
bool vda_display_win_mouse_layout(vda_display_win *w, const vda_display_idmap *map,
                                  vda_mouse_layout *out, const char **why);

#endif /* VDA_DISPLAY_WIN_H */
