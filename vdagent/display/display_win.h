/*
 * display_win.h - the Win32 display ops behind vda_display_apply.
 *
 * vda_display_win_ops implements vda_display_ops (common/vda_display_apply.h)
 * with EnumDisplayDevicesW / EnumDisplaySettingsExW (enumerate),
 * ChangeDisplaySettingsExW with CDS_TEST (test_mode), the QXL custom-mode
 * escape (qxl_custom_mode: D3DKMTEscape for WDDM drivers, ExtEscape for
 * XPDM ones; display_routes.c), one SetDisplayConfig for the whole layout
 * (commit_layout; display_ccd.c), and as the fallback
 * ChangeDisplaySettingsExW with CDS_UPDATEREGISTRY | CDS_NORESET per display
 * (stage) and ChangeDisplaySettingsExW(NULL, NULL, NULL, 0, NULL) (commit).
 * All decisions are in the portable core; this file only talks to Windows.
 *
 * DPI: the agent is per-monitor-v2 DPI aware through its manifest, so every
 * size and position here is in physical pixels, the unit of MONITORS_CONFIG.
 *
 * Adapters are never recognised by their name.  QxlDeviceID under the
 * adapter's registry key (XPDM QXL) gives the display id; whether an adapter
 * takes the custom-mode escape is tried once per adapter LUID and
 * remembered (escape memo); whether SetDisplayConfig really changes the
 * layout is learned the same way (ccd_off).
 *
 * The current mode is what the desktop shows: EnumDisplaySettingsEx(
 * ENUM_CURRENT_SETTINGS) is cross-checked with the monitor rectangle
 * (GetMonitorInfo), because under Wine 8 a process that changed the mode
 * itself keeps being told that mode after someone else changed it (xrandr,
 * or Display Settings in a real guest), while the monitor rectangle follows.
 *
 * Mode lists are kept: listing every mode is most of an enumeration's cost
 * (under Wine 8, one server round trip per EnumDisplaySettingsExW call: 5 to
 * 11 ms for 48 modes, on the path before the mode change), and a display's
 * list changes only with its driver or monitor.  enumerate lists a display
 * afresh when its name or DeviceKey differs from the kept one; otherwise it
 * reuses the kept list and says so (vda_display_win_lists_kept).  A caller
 * whose apply did not come out as asked with kept lists forgets them and
 * applies again (display_worker.c), so a list that changed behind the agent
 * (a driver's new custom mode, a monitor swapped) costs one more apply, never
 * a wrong answer.
 *
 * The context is not thread-safe: one display worker owns it.
 */
#ifndef VDA_DISPLAY_WIN_H
#define VDA_DISPLAY_WIN_H

#include <stdbool.h>
#include <windows.h>

#include "vda_display_apply.h"
#include "vda_display_escape.h"
#include "vda_mouse_map.h"

typedef struct vda_display_win {
  uint32_t count;                     /* from the last enumerate */
  WCHAR name[VDA_DISPLAY_MAX][32];    /* \\.\DISPLAYn by device_index */
  vda_escape_memo memo;               /* WDDM custom-mode escape, per adapter LUID */
  bool xpdm_refused[VDA_DISPLAY_MAX]; /* XPDM ExtEscape refused, per device */
  bool ccd_off;                       /* SetDisplayConfig changed nothing once */
  bool ccd_logged, stale_logged;      /* log lines said once */
  uint32_t npci;                      /* PCI addresses looked up, per adapter LUID */
  struct {
    uint64_t luid;
    char address[VDA_DISPLAY_ADDR_MAX]; /* "" when it cannot be known */
  } pci[VDA_DISPLAY_MAX];
  /* Kept mode lists by device_index (heap, NULL until the first listing). */
  vda_display_set *lists;
  bool list_valid[VDA_DISPLAY_MAX];
  WCHAR list_name[VDA_DISPLAY_MAX][32];
  WCHAR list_key[VDA_DISPLAY_MAX][128]; /* DISPLAY_DEVICEW.DeviceKey */
  bool lists_kept;                      /* the last enumerate with lists reused one */
} vda_display_win;

extern const vda_display_ops vda_display_win_ops;

void vda_display_win_init(vda_display_win *w);
/* Frees the kept mode lists. */
void vda_display_win_release(vda_display_win *w);

/* Did the last enumeration with mode lists (enumerate, not read_current)
 * reuse a kept list for some display? */
bool vda_display_win_lists_kept(const vda_display_win *w);
/* The next enumerate lists every display's modes afresh. */
void vda_display_win_forget_lists(vda_display_win *w);

/* display_routes.c: the escape and CCD ops of the table. */
bool vda_display_win_custom_mode(void *ctx, const vda_guest_display *g, vda_mode m,
                                 const char **why);
bool vda_display_win_commit_layout(void *ctx, const vda_display_set *s,
                                   const vda_display_plan *plan, const char **why);
void vda_display_win_layout_ineffective(void *ctx);
/* Does this display's adapter still get the custom-mode escape tried? */
bool vda_display_win_may_escape(const vda_display_win *w, const vda_guest_display *g);

/* Static English text for a DISP_CHANGE_* code. */
const char *vda_disp_change_text(LONG code);

/* The current desktop for the mouse: per display id (map may be NULL)
 * rectangles from the enumeration, the virtual desktop from
 * GetSystemMetrics (what SendInput's VIRTUALDESK scaling uses).  Allocates
 * one vda_display_set for the call. */
bool vda_display_win_mouse_layout(vda_display_win *w, const vda_display_idmap *map,
                                  vda_mouse_layout *out, const char **why);

#endif /* VDA_DISPLAY_WIN_H */
