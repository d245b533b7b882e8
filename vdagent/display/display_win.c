/* display_win.c - see display_win.h. */
#include "display_win.h"

#include "display_d3dkmt.h"
#include "display_pci.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Modes listed by one display: drivers enumerate each size for every
 * refresh rate and depth; stop at this many entries whatever happens. */
#define ENUM_MODES_MAX 4096u

void vda_display_win_init(vda_display_win *w)
{
  memset(w, 0, sizeof(*w));
}

const char *vda_disp_change_text(LONG code)
{
  switch (code) {
  case DISP_CHANGE_SUCCESSFUL:
    return "success";
  case DISP_CHANGE_RESTART:
    return "a restart is needed for the change";
  case DISP_CHANGE_FAILED:
    return "the display driver failed the mode";
  case DISP_CHANGE_BADMODE:
    return "the display driver has no such mode";
  case DISP_CHANGE_NOTUPDATED:
    return "could not write the registry";
  case DISP_CHANGE_BADFLAGS:
    return "invalid flags for ChangeDisplaySettingsEx";
  case DISP_CHANGE_BADPARAM:
    return "invalid parameter for ChangeDisplaySettingsEx";
  case DISP_CHANGE_BADDUALVIEW:
    return "the system is DualView capable";
  default:
    return "ChangeDisplaySettingsEx failed";
  }
}

static const WCHAR *name_of(const vda_display_win *w, const vda_guest_display *g)
{
  return g->device_index < w->count ? w->name[g->device_index] : NULL;
}

/* QxlDeviceID from the adapter key.  DeviceKey is a kernel path such as
 * \Registry\Machine\System\CurrentControlSet\Control\Video\{GUID}\0000. */
static bool read_qxl_id(const WCHAR *device_key, uint32_t *id)
{
  static const WCHAR prefix[] = L"\\Registry\\Machine\\";
  size_t plen = wcslen(prefix);
  DWORD value = 0, size = sizeof(value);
  if (_wcsnicmp(device_key, prefix, plen) != 0)
    return false;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, device_key + plen, L"QxlDeviceID", RRF_RT_REG_DWORD, NULL,
                   &value, &size) != ERROR_SUCCESS)
    return false;
  *id = value;
  return true;
}

static bool current_mode(const WCHAR *name, vda_guest_display *g)
{
  DEVMODEW dm;
  memset(&dm, 0, sizeof(dm));
  dm.dmSize = sizeof(dm);
  /* A detached display has no current settings; the registry ones say
     * what it would come back with. */
  if (!EnumDisplaySettingsExW(name, ENUM_CURRENT_SETTINGS, &dm, 0) &&
      !EnumDisplaySettingsExW(name, ENUM_REGISTRY_SETTINGS, &dm, 0))
    return false;
  g->current = (vda_mode){dm.dmPelsWidth, dm.dmPelsHeight, dm.dmBitsPerPel};
  if (dm.dmFields & DM_POSITION) {
    g->x = dm.dmPosition.x;
    g->y = dm.dmPosition.y;
  }
  return true;
}

/* The kept list of display i, if it belongs to the same device. */
static bool reuse_list(vda_display_win *w, uint32_t i, const DISPLAY_DEVICEW *dd,
                       vda_guest_display *g)
{
  const vda_guest_display *k;
  if (w->lists == NULL || !w->list_valid[i] || wcscmp(w->list_name[i], dd->DeviceName) != 0 ||
      wcscmp(w->list_key[i], dd->DeviceKey) != 0)
    return false;
  k = &w->lists->d[i];
  g->nmodes = k->nmodes;
  memcpy(g->modes, k->modes, k->nmodes * sizeof(g->modes[0]));
  return true;
}

static void keep_list(vda_display_win *w, uint32_t i, const DISPLAY_DEVICEW *dd,
                      const vda_guest_display *g)
{
  if (w->lists == NULL)
    w->lists = calloc(1, sizeof(*w->lists));
  if (w->lists == NULL)
    return; /* not kept: the next enumeration lists again */
  w->lists->d[i].nmodes = g->nmodes;
  memcpy(w->lists->d[i].modes, g->modes, g->nmodes * sizeof(g->modes[0]));
  wcsncpy(w->list_name[i], dd->DeviceName, 31);
  w->list_name[i][31] = L'\0';
  wcsncpy(w->list_key[i], dd->DeviceKey, 127);
  w->list_key[i][127] = L'\0';
  w->list_valid[i] = true;
}

static void list_modes(const WCHAR *name, vda_guest_display *g)
{
  DEVMODEW dm;
  for (DWORD i = 0; i < ENUM_MODES_MAX; i++) {
    memset(&dm, 0, sizeof(dm));
    dm.dmSize = sizeof(dm);
    if (!EnumDisplaySettingsExW(name, i, &dm, 0))
      break;
    /* Full list: what is kept is enough for a fallback. */
    (void)vda_display_add_mode(g, (vda_mode){dm.dmPelsWidth, dm.dmPelsHeight, dm.dmBitsPerPel});
  }
}

/* SetupAPI is slow-ish: one lookup per adapter for the agent's lifetime
 * (a PCI location does not change while the adapter exists). */
static void pci_address(vda_display_win *w, vda_guest_display *g)
{
  for (uint32_t i = 0; i < w->npci; i++)
    if (w->pci[i].luid == g->adapter_luid) {
      memcpy(g->address, w->pci[i].address, sizeof(g->address));
      return;
    }
  (void)vda_display_pci_address(g->adapter_luid, g->address);
  if (w->npci < VDA_DISPLAY_MAX) {
    w->pci[w->npci].luid = g->adapter_luid;
    memcpy(w->pci[w->npci].address, g->address, sizeof(g->address));
    w->npci++;
  }
}

static void describe(vda_display_win *w, const DISPLAY_DEVICEW *dd, vda_guest_display *g)
{
  g->attached = (dd->StateFlags & DISPLAY_DEVICE_ATTACHED_TO_DESKTOP) != 0;
  g->primary = (dd->StateFlags & DISPLAY_DEVICE_PRIMARY_DEVICE) != 0;
  if (dd->StateFlags & DISPLAY_DEVICE_MIRRORING_DRIVER) {
    g->kind = VDA_ADAPTER_MIRROR;
    return;
  }
  /* QXL only by its driver's registry value, never by the adapter's name. */
  g->has_qxl_id = read_qxl_id(dd->DeviceKey, &g->qxl_id);
  g->kind = g->has_qxl_id ? VDA_ADAPTER_QXL : VDA_ADAPTER_OTHER;
  g->has_luid = vda_d3dkmt_adapter(dd->DeviceName, &g->adapter_luid, &g->output);
  if (g->has_luid)
    pci_address(w, g);
  g->custom_modes = vda_display_win_may_escape(w, g);
}

typedef struct monitor_scan {
  const WCHAR *name;
  bool found;
  RECT rc;
} monitor_scan;

static BOOL CALLBACK on_monitor(HMONITOR h, HDC dc, LPRECT r, LPARAM lp)
{
  monitor_scan *ms = (monitor_scan *)lp;
  MONITORINFOEXW mi;
  (void)dc, (void)r;
  memset(&mi, 0, sizeof(mi));
  mi.cbSize = sizeof(mi);
  if (GetMonitorInfoW(h, (MONITORINFO *)&mi) && _wcsicmp(mi.szDevice, ms->name) == 0) {
    ms->found = true;
    ms->rc = mi.rcMonitor;
    return FALSE;
  }
  return TRUE;
}

/* The size the desktop really has for an attached display (see the header:
 * Wine's stale ENUM_CURRENT_SETTINGS after an outside change). */
static void cross_check(vda_display_win *w, const WCHAR *name, vda_guest_display *g)
{
  monitor_scan ms;
  uint32_t mw, mh;
  memset(&ms, 0, sizeof(ms));
  ms.name = name;
  if (!g->attached)
    return;
  EnumDisplayMonitors(NULL, NULL, on_monitor, (LPARAM)&ms);
  if (!ms.found || ms.rc.right <= ms.rc.left || ms.rc.bottom <= ms.rc.top)
    return;
  mw = (uint32_t)(ms.rc.right - ms.rc.left);
  mh = (uint32_t)(ms.rc.bottom - ms.rc.top);
  if (mw == g->current.width && mh == g->current.height && ms.rc.left == g->x && ms.rc.top == g->y)
    return;
  if (!w->stale_logged)
    LOG_INFO("'%ls': the mode reported (%ux%u at %d,%d) is not what the monitor shows "
             "(%ux%u at %ld,%ld): trusting the monitor",
             name, (unsigned)g->current.width, (unsigned)g->current.height, (int)g->x, (int)g->y,
             (unsigned)mw, (unsigned)mh, ms.rc.left, ms.rc.top);
  w->stale_logged = true;
  g->current.width = mw;
  g->current.height = mh;
  g->x = ms.rc.left;
  g->y = ms.rc.top;
}

static bool enumerate(vda_display_win *w, vda_display_set *s, bool with_modes, const char **why)
{
  DISPLAY_DEVICEW dd;
  memset(s, 0, sizeof(*s));
  w->count = 0;
  if (with_modes)
    w->lists_kept = false;
  /* device_index == iDevNum == index in s and in w->name: Windows numbers
     * devices contiguously from 0, and we stop at the first gap. */
  for (DWORD i = 0; i < VDA_DISPLAY_MAX; i++) {
    vda_guest_display *g = &s->d[i];
    memset(&dd, 0, sizeof(dd));
    dd.cb = sizeof(dd);
    if (!EnumDisplayDevicesW(NULL, i, &dd, 0))
      break;
    wcsncpy(w->name[i], dd.DeviceName, 31);
    w->name[i][31] = L'\0';
    g->device_index = i;
    describe(w, &dd, g);
    if (!current_mode(w->name[i], g))
      g->attached = false; /* no mode at all: nothing to show */
    cross_check(w, w->name[i], g);
    if (with_modes && g->kind != VDA_ADAPTER_MIRROR) {
      if (reuse_list(w, i, &dd, g)) {
        w->lists_kept = true;
      } else {
        list_modes(w->name[i], g);
        keep_list(w, i, &dd, g);
      }
    }
    LOG_DEBUG("display %lu '%ls' (%ls): %s, %ux%ux%u, %u modes", (unsigned long)i, dd.DeviceName,
              dd.DeviceString, g->attached ? "attached" : "detached", (unsigned)g->current.width,
              (unsigned)g->current.height, (unsigned)g->current.depth, (unsigned)g->nmodes);
    s->count = ++w->count;
  }
  if (s->count == 0) {
    *why = "EnumDisplayDevices reports no display";
    return false;
  }
  return true;
}

bool vda_display_win_lists_kept(const vda_display_win *w)
{
  return w->lists_kept;
}

void vda_display_win_forget_lists(vda_display_win *w)
{
  memset(w->list_valid, 0, sizeof(w->list_valid));
  w->lists_kept = false;
}

void vda_display_win_release(vda_display_win *w)
{
  free(w->lists);
  w->lists = NULL;
  vda_display_win_forget_lists(w);
}

static bool win_enumerate(void *ctx, vda_display_set *s, const char **why)
{
  return enumerate(ctx, s, true, why);
}

static bool win_read_current(void *ctx, vda_display_set *s, const char **why)
{
  return enumerate(ctx, s, false, why);
}

static void fill_devmode(DEVMODEW *dm, const vda_display_target *t)
{
  memset(dm, 0, sizeof(*dm));
  dm->dmSize = sizeof(*dm);
  dm->dmFields = DM_POSITION | DM_PELSWIDTH | DM_PELSHEIGHT;
  if (!t->enable)
    return; /* position and size 0: detach the display */
  dm->dmFields |= DM_BITSPERPEL;
  dm->dmPelsWidth = t->mode.width;
  dm->dmPelsHeight = t->mode.height;
  dm->dmBitsPerPel = t->mode.depth;
  dm->dmPosition.x = t->x;
  dm->dmPosition.y = t->y;
}

static bool win_test_mode(void *ctx, const vda_guest_display *g, vda_mode m)
{
  const WCHAR *name = name_of(ctx, g);
  vda_display_target t;
  DEVMODEW dm;
  if (name == NULL)
    return false;
  memset(&t, 0, sizeof(t));
  t.enable = true;
  t.mode = m;
  t.x = g->x;
  t.y = g->y;
  fill_devmode(&dm, &t);
  dm.dmFields &= ~(DWORD)DM_POSITION;
  return ChangeDisplaySettingsExW(name, &dm, NULL, CDS_TEST, NULL) == DISP_CHANGE_SUCCESSFUL;
}

static bool win_stage(void *ctx, const vda_guest_display *g, const vda_display_target *t,
                      const char **why)
{
  const WCHAR *name = name_of(ctx, g);
  DEVMODEW dm;
  DWORD flags = CDS_UPDATEREGISTRY | CDS_NORESET;
  LONG r;
  if (name == NULL) {
    *why = "display vanished since enumeration";
    return false;
  }
  fill_devmode(&dm, t);
  if (t->enable && t->primary)
    flags |= CDS_SET_PRIMARY;
  r = ChangeDisplaySettingsExW(name, &dm, NULL, flags, NULL);
  if (r != DISP_CHANGE_SUCCESSFUL)
    *why = vda_disp_change_text(r);
  return r == DISP_CHANGE_SUCCESSFUL;
}

static bool win_commit(void *ctx, const char **why)
{
  LONG r = ChangeDisplaySettingsExW(NULL, NULL, NULL, 0, NULL);
  (void)ctx;
  if (r != DISP_CHANGE_SUCCESSFUL)
    *why = vda_disp_change_text(r);
  return r == DISP_CHANGE_SUCCESSFUL;
}

const vda_display_ops vda_display_win_ops = {
    win_enumerate,
    win_test_mode,
    vda_display_win_custom_mode,
    win_stage,
    win_commit,
    vda_display_win_commit_layout,
    vda_display_win_layout_ineffective,
    win_read_current,
};

/* The primary monitor's rectangle, from USER alone (no enumeration). */
static vda_rect primary_rect(void)
{
  vda_rect r = {0, 0, 0, 0};
  POINT origin = {0, 0};
  MONITORINFO mi;
  HMONITOR mon = MonitorFromPoint(origin, MONITOR_DEFAULTTOPRIMARY);
  memset(&mi, 0, sizeof(mi));
  mi.cbSize = sizeof(mi);
  if (mon != NULL && GetMonitorInfoW(mon, &mi) && mi.rcMonitor.right > mi.rcMonitor.left &&
      mi.rcMonitor.bottom > mi.rcMonitor.top)
    r = (vda_rect){mi.rcMonitor.left, mi.rcMonitor.top,
                   (uint32_t)(mi.rcMonitor.right - mi.rcMonitor.left),
                   (uint32_t)(mi.rcMonitor.bottom - mi.rcMonitor.top)};
  return r;
}

bool vda_display_win_mouse_layout(vda_display_win *w, const vda_display_idmap *map,
                                  vda_mouse_layout *out, const char **why)
{
  vda_display_set *s = calloc(1, sizeof(*s));
  bool ok = false;
  memset(out, 0, sizeof(*out));
  if (s == NULL) {
    *why = "out of memory for the display set";
  } else if (enumerate(w, s, false, why)) { /* rectangles only: no mode lists */
    (void)vda_display_current_rects(s, map, out->display);
    out->desktop.x = GetSystemMetrics(SM_XVIRTUALSCREEN);
    out->desktop.y = GetSystemMetrics(SM_YVIRTUALSCREEN);
    out->desktop.w = (uint32_t)GetSystemMetrics(SM_CXVIRTUALSCREEN);
    out->desktop.h = (uint32_t)GetSystemMetrics(SM_CYVIRTUALSCREEN);
    ok = out->desktop.w > 0 && out->desktop.h > 0;
    if (!ok)
      *why = "GetSystemMetrics reports an empty virtual desktop";
  }
  free(s);
  /* Unknown layout (enumeration failed, no display got an id): the mouse
   * keeps working on the primary monitor rather than going dead. */
  if (vda_mouse_layout_fallback(out, primary_rect())) {
    LOG_DEBUG("mouse layout unknown (%s): display 0 is the primary monitor",
              ok ? "no display has an id" : *why);
    ok = true;
  }
  return ok;
}
