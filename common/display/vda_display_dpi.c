/* vda_display_dpi.c - see vda_display_dpi.h. */
#include "vda_display_dpi.h"

const uint32_t vda_dpi_steps[VDA_DPI_STEPS] = {100, 125, 150, 175, 200, 225,
                                               250, 300, 350, 400, 450, 500};

bool vda_dpi_step(uint32_t px_w, uint32_t px_h, uint32_t mm_w, uint32_t mm_h, uint32_t *percent,
                  const char **why)
{
  /* Exact rational arithmetic: dpi = px * 25.4 / mm; percent = dpi / 96 *
   * 100.  Work in units of 1/1000 percent to compare distances. */
  uint64_t pw, ph, p, best_d = UINT64_MAX;
  uint32_t best = vda_dpi_steps[0];
  if (mm_w == 0 || mm_h == 0 || px_w == 0 || px_h == 0) {
    *why = "the client sent no physical size for this monitor";
    return false;
  }
  pw = (uint64_t)px_w * 254u * 100000u / ((uint64_t)mm_w * 10u * 96u); /* milli-percent */
  ph = (uint64_t)px_h * 254u * 100000u / ((uint64_t)mm_h * 10u * 96u);
  p = (pw + ph) / 2u;
  if (p < 25000u || p > 1250000u) { /* 24 DPI .. 1200 DPI */
    *why = "the client's physical size gives an implausible DPI";
    return false;
  }
  for (uint32_t i = 0; i < VDA_DPI_STEPS; i++) {
    uint64_t s = (uint64_t)vda_dpi_steps[i] * 1000u;
    uint64_t d = s > p ? s - p : p - s;
    if (d < best_d) { /* strict: a tie keeps the smaller step */
      best_d = d;
      best = vda_dpi_steps[i];
    }
  }
  *percent = best;
  return true;
}

int32_t vda_dpi_step_index(uint32_t percent)
{
  for (uint32_t i = 0; i < VDA_DPI_STEPS; i++)
    if (vda_dpi_steps[i] == percent)
      return (int32_t)i;
  return -1;
}

bool vda_dpi_relative(uint32_t percent, int32_t min_rel, int32_t max_rel, int32_t *rel)
{
  int32_t idx = vda_dpi_step_index(percent);
  int32_t recommended = min_rel < 0 ? -min_rel : 0;
  int32_t r;
  if (idx < 0 || min_rel > max_rel)
    return false;
  r = idx - recommended;
  *rel = r < min_rel ? min_rel : r > max_rel ? max_rel : r;
  return true;
}
