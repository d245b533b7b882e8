/* display_ccd.c - see display_ccd.h. */
#include "display_ccd.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MODES_MAX (2u * VDA_CCD_PATHS_MAX)

static uint64_t luid64(LUID l)
{
  return ((uint64_t)(uint32_t)l.HighPart << 32) | l.LowPart;
}

void vda_ccd_raw_free(vda_ccd_raw *raw)
{
  free(raw->paths);
  free(raw->modes);
  memset(raw, 0, sizeof(*raw));
}

/* Sizes can change between the two calls (a monitor plugged in): retry a
 * few times, never more. */
static bool query_raw(vda_ccd_raw *raw, const char **why)
{
  for (int attempt = 0; attempt < 3; attempt++) {
    UINT32 np = 0, nm = 0;
    LONG r = GetDisplayConfigBufferSizes(QDC_ALL_PATHS, &np, &nm);
    if (r != ERROR_SUCCESS) {
      *why = "GetDisplayConfigBufferSizes failed (no CCD)";
      return false;
    }
    if (np == 0 || np > VDA_CCD_PATHS_MAX || nm > MODES_MAX) {
      *why = "QueryDisplayConfig reports no paths, or more than the agent handles";
      return false;
    }
    vda_ccd_raw_free(raw);
    raw->paths = calloc(np, sizeof(*raw->paths));
    raw->modes = calloc(nm ? nm : 1, sizeof(*raw->modes));
    if (raw->paths == NULL || raw->modes == NULL) {
      *why = "out of memory for the CCD paths";
      return false;
    }
    r = QueryDisplayConfig(QDC_ALL_PATHS, &np, raw->paths, &nm, raw->modes, NULL);
    if (r == ERROR_SUCCESS) {
      raw->npaths = np;
      raw->nmodes = nm;
      return true;
    }
    if (r != ERROR_INSUFFICIENT_BUFFER) {
      *why = "QueryDisplayConfig failed";
      return false;
    }
  }
  *why = "QueryDisplayConfig kept changing size";
  return false;
}

static int32_t guest_of_source(const DISPLAYCONFIG_PATH_INFO *p, const WCHAR (*names)[32],
                               uint32_t count)
{
  DISPLAYCONFIG_SOURCE_DEVICE_NAME sn;
  memset(&sn, 0, sizeof(sn));
  sn.header.type = DISPLAYCONFIG_DEVICE_INFO_GET_SOURCE_NAME;
  sn.header.size = sizeof(sn);
  sn.header.adapterId = p->sourceInfo.adapterId;
  sn.header.id = p->sourceInfo.id;
  if (DisplayConfigGetDeviceInfo(&sn.header) != ERROR_SUCCESS)
    return -1;
  for (uint32_t i = 0; i < count; i++)
    if (_wcsicmp(sn.viewGdiDeviceName, names[i]) == 0)
      return (int32_t)i;
  return -1;
}

bool vda_ccd_query(const WCHAR (*names)[32], uint32_t count, vda_ccd_raw *raw, vda_ccd_config *cfg,
                   const char **why)
{
  memset(cfg, 0, sizeof(*cfg));
  if (!query_raw(raw, why))
    return false;
  for (UINT32 i = 0; i < raw->npaths; i++) {
    const DISPLAYCONFIG_PATH_INFO *p = &raw->paths[i];
    vda_ccd_path *c = &cfg->p[cfg->count++];
    UINT32 mi = p->sourceInfo.modeInfoIdx;
    c->adapter = luid64(p->sourceInfo.adapterId);
    c->source_id = p->sourceInfo.id;
    c->target_id = p->targetInfo.id;
    c->raw = i;
    c->active = (p->flags & DISPLAYCONFIG_PATH_ACTIVE) != 0;
    c->available = p->targetInfo.targetAvailable != FALSE;
    c->guest = guest_of_source(p, names, count);
    if (c->active && mi != DISPLAYCONFIG_PATH_MODE_IDX_INVALID && mi < raw->nmodes &&
        raw->modes[mi].infoType == DISPLAYCONFIG_MODE_INFO_TYPE_SOURCE) {
      const DISPLAYCONFIG_SOURCE_MODE *sm = &raw->modes[mi].sourceMode;
      c->x = sm->position.x;
      c->y = sm->position.y;
      c->width = sm->width;
      c->height = sm->height;
    }
  }
  return true;
}

static DISPLAYCONFIG_PIXELFORMAT pixel_format(uint32_t depth)
{
  switch (depth) {
  case 8:
    return DISPLAYCONFIG_PIXELFORMAT_8BPP;
  case 16:
    return DISPLAYCONFIG_PIXELFORMAT_16BPP;
  case 24:
    return DISPLAYCONFIG_PIXELFORMAT_24BPP;
  default:
    return DISPLAYCONFIG_PIXELFORMAT_32BPP;
  }
}

/* The plan's depth for a head it enables; else the head's current format. */
static DISPLAYCONFIG_PIXELFORMAT format_of(const vda_ccd_raw *raw, const vda_ccd_path *c,
                                           const vda_display_plan *plan)
{
  UINT32 mi = raw->paths[c->raw].sourceInfo.modeInfoIdx;
  for (uint32_t k = 0; k < plan->count && k < VDA_DISPLAY_MAX; k++)
    if ((int32_t)plan->t[k].guest == c->guest && plan->t[k].enable)
      return pixel_format(plan->t[k].mode.depth);
  if (mi != DISPLAYCONFIG_PATH_MODE_IDX_INVALID && mi < raw->nmodes &&
      raw->modes[mi].infoType == DISPLAYCONFIG_MODE_INFO_TYPE_SOURCE)
    return raw->modes[mi].sourceMode.pixelFormat;
  return DISPLAYCONFIG_PIXELFORMAT_32BPP;
}

bool vda_ccd_commit(const vda_ccd_raw *raw, const vda_ccd_config *out, const vda_display_plan *plan,
                    const char **why)
{
  DISPLAYCONFIG_PATH_INFO *paths = calloc(out->count ? out->count : 1, sizeof(*paths));
  DISPLAYCONFIG_MODE_INFO *modes = calloc(out->count ? out->count : 1, sizeof(*modes));
  LONG r = ERROR_OUTOFMEMORY;
  if (paths != NULL && modes != NULL) {
    for (uint32_t i = 0; i < out->count; i++) {
      const vda_ccd_path *c = &out->p[i];
      DISPLAYCONFIG_PATH_INFO *p = &paths[i];
      DISPLAYCONFIG_MODE_INFO *m = &modes[i];
      *p = raw->paths[c->raw];
      p->flags = DISPLAYCONFIG_PATH_ACTIVE;
      p->sourceInfo.modeInfoIdx = i;
      /* Windows picks the target timing for the source size
       * (SDC_ALLOW_CHANGES). */
      p->targetInfo.modeInfoIdx = DISPLAYCONFIG_PATH_MODE_IDX_INVALID;
      m->infoType = DISPLAYCONFIG_MODE_INFO_TYPE_SOURCE;
      m->id = p->sourceInfo.id;
      m->adapterId = p->sourceInfo.adapterId;
      m->sourceMode.width = c->width;
      m->sourceMode.height = c->height;
      m->sourceMode.pixelFormat = format_of(raw, c, plan);
      m->sourceMode.position.x = c->x;
      m->sourceMode.position.y = c->y;
    }
    r = SetDisplayConfig(out->count, paths, out->count, modes,
                         SDC_APPLY | SDC_USE_SUPPLIED_DISPLAY_CONFIG | SDC_ALLOW_CHANGES |
                             SDC_SAVE_TO_DATABASE);
  }
  free(paths);
  free(modes);
  if (r != ERROR_SUCCESS)
    *why = r == ERROR_OUTOFMEMORY         ? "out of memory for the CCD commit"
           : r == ERROR_INVALID_PARAMETER ? "SetDisplayConfig: the driver refused the layout"
           : r == ERROR_NOT_SUPPORTED     ? "SetDisplayConfig: not supported (XPDM driver)"
                                          : "SetDisplayConfig failed";
  return r == ERROR_SUCCESS;
}
