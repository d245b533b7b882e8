/* display_win.c - see display_win.h. */
#include "display_win.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <spice/qxl_windows.h>

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

static void describe(const DISPLAY_DEVICEW *dd, vda_guest_display *g)
{
  g->attached = (dd->StateFlags & DISPLAY_DEVICE_ATTACHED_TO_DESKTOP) != 0;
  g->primary = (dd->StateFlags & DISPLAY_DEVICE_PRIMARY_DEVICE) != 0;
  if (dd->StateFlags & DISPLAY_DEVICE_MIRRORING_DRIVER) {
    g->kind = VDA_ADAPTER_MIRROR;
    return;
  }
  g->has_qxl_id = read_qxl_id(dd->DeviceKey, &g->qxl_id);
  g->kind = (g->has_qxl_id || wcsstr(dd->DeviceString, L"QXL") != NULL) ? VDA_ADAPTER_QXL
                                                                        : VDA_ADAPTER_OTHER;
  g->custom_modes = g->kind == VDA_ADAPTER_QXL;
}

static bool win_enumerate(void *ctx, vda_display_set *s, const char **why)
{
  vda_display_win *w = ctx;
  DISPLAY_DEVICEW dd;
  memset(s, 0, sizeof(*s));
  w->count = 0;
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
    describe(&dd, g);
    if (!current_mode(w->name[i], g))
      g->attached = false; /* no mode at all: nothing to show */
    if (g->kind != VDA_ADAPTER_MIRROR)
      list_modes(w->name[i], g);
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

static bool win_qxl_custom_mode(void *ctx, const vda_guest_display *g, vda_mode m, const char **why)
{
  const WCHAR *name = name_of(ctx, g);
  QXLEscapeSetCustomDisplay esc;
  HDC dc;
  int r = 0;
  if (name == NULL || g->kind != VDA_ADAPTER_QXL) {
    *why = "not a QXL adapter: no custom-mode escape";
    return false;
  }
  dc = CreateDCW(L"DISPLAY", name, NULL, NULL);
  if (dc == NULL) {
    *why = "CreateDC failed for the QXL display";
    return false;
  }
  esc.xres = m.width;
  esc.yres = m.height;
  esc.bpp = m.depth;
  r = ExtEscape(dc, QXL_ESCAPE_SET_CUSTOM_DISPLAY, (int)sizeof(esc), (LPCSTR)&esc, 0, NULL);
  DeleteDC(dc);
  if (r <= 0)
    *why = "the QXL driver refused the custom-mode escape (WDDM driver?)";
  return r > 0;
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
    win_enumerate, win_test_mode, win_qxl_custom_mode, win_stage, win_commit,
};

bool vda_display_win_mouse_layout(vda_display_win *w, const vda_display_idmap *map,
                                  vda_mouse_layout *out, const char **why)
{
  vda_display_set *s = calloc(1, sizeof(*s));
  bool ok = false;
  memset(out, 0, sizeof(*out));
  if (s == NULL) {
    *why = "out of memory for the display set";
  } else if (win_enumerate(w, s, why)) {
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
  return ok;
}
