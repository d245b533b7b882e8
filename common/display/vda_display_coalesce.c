/* vda_display_coalesce.c - see vda_display_coalesce.h. */
#include "vda_display_coalesce.h"

#include <string.h>

void vda_display_coalescer_init(vda_display_coalescer *c)
{
  memset(c, 0, sizeof(*c));
}

bool vda_display_coalescer_put(vda_display_coalescer *c, const vda_display_request *r)
{
  bool replaced = c->pending;
  uint32_t n = r->count < VDA_DISPLAY_REQ_MAX ? r->count : VDA_DISPLAY_REQ_MAX;
  /* Copy only the used entries: a drag burst is many small configs. */
  c->req.count = n;
  c->req.use_pos = r->use_pos;
  memcpy(c->req.mon, r->mon, n * sizeof(r->mon[0]));
  if (replaced)
    c->superseded++;
  /* Saturate: a REPLY count can never wrap to 0 and lose the answer. */
  if (c->owed < UINT32_MAX)
    c->owed++;
  c->pending = true;
  return replaced;
}

bool vda_display_coalescer_take(vda_display_coalescer *c, vda_display_request *out, uint32_t *owed)
{
  if (!c->pending)
    return false;
  out->count = c->req.count;
  out->use_pos = c->req.use_pos;
  memcpy(out->mon, c->req.mon, c->req.count * sizeof(c->req.mon[0]));
  *owed = c->owed;
  c->owed = 0;
  c->pending = false;
  return true;
}
