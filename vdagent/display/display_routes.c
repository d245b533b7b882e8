/* display_routes.c - the ways a layout reaches the driver beyond
 * ChangeDisplaySettingsEx: the QXL custom-mode escape (D3DKMTEscape on WDDM,
 * ExtEscape on XPDM) and one atomic SetDisplayConfig.  Each is tried, its
 * outcome remembered in the vda_display_win context and said once in the log;
 * see display_win.h. */
#include "display_win.h"

#include <stdlib.h>
#include <string.h>

#include "display_ccd.h"
#include "display_d3dkmt.h"
#include "log.h"
#include "vda_display_ccd_plan.h"

bool vda_display_win_may_escape(const vda_display_win *w, const vda_guest_display *g)
{
  if (g->kind == VDA_ADAPTER_MIRROR)
    return false;
  if (g->has_luid)
    return vda_escape_memo_custom(&w->memo, g->adapter_luid) != VDA_ESCAPE_REFUSED;
  return g->device_index < VDA_DISPLAY_MAX && !w->xpdm_refused[g->device_index];
}

/* The XPDM driver's escape through its display DC (Windows 7 QXL). */
static bool xpdm_escape(vda_display_win *w, const vda_guest_display *g, vda_mode m,
                        const char **why)
{
  uint8_t bytes[VDA_ESCAPE_CUSTOM_SIZE];
  HDC dc;
  int r;
  if (g->device_index >= w->count || g->device_index >= VDA_DISPLAY_MAX) {
    *why = "display vanished since enumeration";
    return false;
  }
  if (w->xpdm_refused[g->device_index]) {
    *why = "the XPDM driver refused the custom-mode escape before";
    return false;
  }
  dc = CreateDCW(L"DISPLAY", w->name[g->device_index], NULL, NULL);
  if (dc == NULL) {
    *why = "CreateDC failed for the display";
    return false;
  }
  /* ExtEscape takes the escape code apart from the data: skip its 4 bytes. */
  vda_escape_custom_bytes(m, bytes);
  r = ExtEscape(dc, 0x10001 /* QXL_ESCAPE_SET_CUSTOM_DISPLAY */, (int)(sizeof(bytes) - 4),
                (LPCSTR)(bytes + 4), 0, NULL);
  DeleteDC(dc);
  if (r > 0)
    return true;
  w->xpdm_refused[g->device_index] = true;
  LOG_INFO("display '%ls' (XPDM): the driver does not take the custom-mode escape; sizes it "
           "does not list get the nearest listed mode",
           w->name[g->device_index]);
  *why = "the XPDM driver refused the custom-mode escape";
  return false;
}

bool vda_display_win_custom_mode(void *ctx, const vda_guest_display *g, vda_mode m,
                                 const char **why)
{
  vda_display_win *w = ctx;
  vda_d3dkmt_names names = {w->count, (const WCHAR(*)[32])w->name};
  vda_escape_result r;
  bool ok =
      vda_escape_custom_mode(&vda_d3dkmt_ops, &names, &w->memo, g->device_index, m, g->x, g->y, &r);
  if (!r.opened)
    return xpdm_escape(w, g, m, why);
  if (r.learned && ok)
    LOG_INFO("adapter %08lx:%08lx takes the custom-mode escape (monitor-config escape: %s)",
             (unsigned long)(r.luid >> 32), (unsigned long)(r.luid & 0xffffffffu),
             r.monitor ? "taken" : "refused");
  else if (r.learned)
    LOG_INFO("adapter %08lx:%08lx refuses the custom-mode escape: %s; sizes it does not list "
             "get the nearest listed mode",
             (unsigned long)(r.luid >> 32), (unsigned long)(r.luid & 0xffffffffu),
             vda_ntstatus_text(r.status));
  if (!ok)
    *why = r.why;
  return ok;
}

bool vda_display_win_commit_layout(void *ctx, const vda_display_set *s,
                                   const vda_display_plan *plan, const char **why)
{
  vda_display_win *w = ctx;
  vda_ccd_raw raw;
  vda_ccd_config *cur, *out;
  bool ok = false;
  (void)s;
  if (w->ccd_off) {
    *why = "SetDisplayConfig changed nothing earlier";
    return false;
  }
  memset(&raw, 0, sizeof(raw));
  cur = calloc(1, sizeof(*cur));
  out = calloc(1, sizeof(*out));
  if (cur == NULL || out == NULL)
    *why = "out of memory for the CCD paths";
  else
    ok = vda_ccd_query((const WCHAR(*)[32])w->name, w->count, &raw, cur, why) &&
         vda_ccd_plan(cur, plan, out, why) && vda_ccd_commit(&raw, out, plan, why);
  if (!ok)
    LOG_DEBUG("layout not committed through CCD: %s", *why);
  vda_ccd_raw_free(&raw);
  free(cur);
  free(out);
  return ok;
}

void vda_display_win_layout_ineffective(void *ctx)
{
  vda_display_win *w = ctx;
  w->ccd_off = true;
  if (!w->ccd_logged)
    LOG_INFO("SetDisplayConfig answered success but the layout read back is unchanged (Wine "
             "8 does this): ChangeDisplaySettingsEx from now on");
  w->ccd_logged = true;
}
