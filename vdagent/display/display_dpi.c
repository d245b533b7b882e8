/* display_dpi.c - see display_dpi.h. */
#include "display_dpi.h"

#include <stdlib.h>
#include <string.h>

#include "display_ccd.h"
#include "display_user.h"
#include "log.h"
#include "vda_display_dpi.h"

#define DEVICE_INFO_GET_DPI_SCALE ((DISPLAYCONFIG_DEVICE_INFO_TYPE)-3)
#define DEVICE_INFO_SET_DPI_SCALE ((DISPLAYCONFIG_DEVICE_INFO_TYPE)-4)

/* Rate-limit key for this file's lines (vda_log_limited keys by address). */
static const char dpi_log_key;

typedef struct get_dpi {
  DISPLAYCONFIG_DEVICE_INFO_HEADER header;
  INT32 min_rel, cur_rel, max_rel;
} get_dpi;

typedef struct set_dpi {
  DISPLAYCONFIG_DEVICE_INFO_HEADER header;
  INT32 rel;
} set_dpi;

static const vda_ccd_path *source_of(const vda_ccd_config *cfg, uint32_t guest)
{
  for (uint32_t i = 0; i < cfg->count; i++)
    if (cfg->p[i].active && cfg->p[i].guest == (int32_t)guest)
      return &cfg->p[i];
  return NULL;
}

static void header(DISPLAYCONFIG_DEVICE_INFO_HEADER *h, DISPLAYCONFIG_DEVICE_INFO_TYPE type,
                   UINT32 size, const vda_ccd_path *p)
{
  h->type = type;
  h->size = size;
  h->adapterId.LowPart = (DWORD)(p->adapter & 0xffffffffu);
  h->adapterId.HighPart = (LONG)(p->adapter >> 32);
  h->id = p->source_id;
}

/* One monitor: false (with *why) when Windows would not say or take it. */
static bool follow_one(const vda_ccd_path *p, uint32_t percent, const WCHAR *name, const char **why)
{
  get_dpi g;
  set_dpi s;
  int32_t rel;
  memset(&g, 0, sizeof(g));
  header(&g.header, DEVICE_INFO_GET_DPI_SCALE, sizeof(g), p);
  if (DisplayConfigGetDeviceInfo(&g.header) != ERROR_SUCCESS) {
    *why = "Windows does not report the display's scale (DisplayConfigGetDeviceInfo -3)";
    return false;
  }
  if (!vda_dpi_relative(percent, g.min_rel, g.max_rel, &rel)) {
    *why = "Windows reports a scale range the agent does not understand";
    return false;
  }
  if (rel == g.cur_rel)
    return true;
  memset(&s, 0, sizeof(s));
  header(&s.header, DEVICE_INFO_SET_DPI_SCALE, sizeof(s), p);
  s.rel = rel;
  if (DisplayConfigSetDeviceInfo(&s.header) != ERROR_SUCCESS) {
    *why = "Windows refused the display's new scale (DisplayConfigSetDeviceInfo -4)";
    return false;
  }
  LOG_INFO("'%ls': scale set to the client's %u %%", name, (unsigned)percent);
  return true;
}

void vda_display_dpi_follow(vda_display_win *w, const vda_display_request *r,
                            const vda_display_result *res)
{
  vda_ccd_raw raw;
  vda_ccd_config *cfg = NULL;
  const char *why = NULL;
  bool any = false;
  for (uint32_t k = 0; k < res->plan.count && !any; k++) {
    const vda_display_target *t = &res->plan.t[k];
    any = t->enable && t->display_id >= 0 && (uint32_t)t->display_id < r->count &&
          r->mon[t->display_id].mm_width != 0;
  }
  if (!any || !vda_display_user_follows_dpi())
    return; /* no sizes from the client, or the user said no */
  memset(&raw, 0, sizeof(raw));
  cfg = calloc(1, sizeof(*cfg));
  if (cfg == NULL || !vda_ccd_query((const WCHAR(*)[32])w->name, w->count, &raw, cfg, &why)) {
    LOG_INFO_LIMITED(&dpi_log_key, "cannot follow the client's DPI: %s",
                     cfg ? why : "out of memory");
  } else {
    for (uint32_t k = 0; k < res->plan.count; k++) {
      const vda_display_target *t = &res->plan.t[k];
      const vda_display_req_mon *m;
      const vda_ccd_path *p;
      uint32_t percent;
      if (!t->enable || t->display_id < 0 || (uint32_t)t->display_id >= r->count)
        continue;
      m = &r->mon[t->display_id];
      /* The client's DPI: its pixels over its millimetres. */
      if (!vda_dpi_step(m->width, m->height, m->mm_width, m->mm_height, &percent, &why))
        continue;
      p = source_of(cfg, t->guest);
      if (p == NULL || !follow_one(p, percent, w->name[t->guest], &why))
        LOG_INFO_LIMITED(&dpi_log_key, "cannot give '%ls' the client's %u %% scale: %s",
                         w->name[t->guest], (unsigned)percent,
                         p ? why : "no CCD source for the display");
    }
  }
  vda_ccd_raw_free(&raw);
  free(cfg);
}
