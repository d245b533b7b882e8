/* The port's outgoing side: framer + deferred queue (see port_out.h). */
#include "port_out.h"

#include <string.h>

void vds_port_out_init(vds_port_out *o, vda_emit_fn emit, void *emit_ctx)
{
  memset(o, 0, sizeof(*o));
  o->emit = emit;
  o->emit_ctx = emit_ctx;
}

void vds_port_out_reset(vds_port_out *o)
{
  vda_framer_abort(&o->framer);
  o->ndeferred = 0;
  o->broken = false;
}

bool vds_port_out_busy(const vds_port_out *o)
{
  return vda_framer_active(&o->framer);
}

bool vds_port_out_send(vds_port_out *o, uint32_t type, const void *body, size_t size,
                       const char **why)
{
  *why = NULL;
  if (vds_port_out_busy(o)) {
    *why = "a large message is on the wire";
    return false;
  }
  if (size > UINT32_MAX) {
    *why = "message too large";
    return false;
  }
  if (!vda_framer_begin(&o->framer, type, (uint32_t)size, o->emit, o->emit_ctx, why) ||
      (size > 0 && !vda_framer_write(&o->framer, body, size, why))) {
    /* Part of the message may be on the wire: only a reset recovers. */
    vda_framer_abort(&o->framer);
    o->broken = true;
    if (!*why)
      *why = "port write failed";
    return false;
  }
  return true;
}

vds_own_result vds_port_out_send_own(vds_port_out *o, const vda_body *b, const char **why)
{
  if (vds_port_out_busy(o)) {
    if (o->ndeferred == VDS_PORT_OUT_DEFERRED_MAX) {
      *why = "too many service messages waiting behind a large message";
      return VDS_OWN_DROPPED;
    }
    o->deferred[o->ndeferred++] = *b;
    return VDS_OWN_DEFERRED;
  }
  return vds_port_out_send(o, b->type, b->data, b->len, why) ? VDS_OWN_SENT : VDS_OWN_FAILED;
}

/* Sends what waited, in order; stops at the first failure (the port is
 * broken then and will be reset anyway). */
static void flush_deferred(vds_port_out *o)
{
  unsigned i;
  const char *why = NULL;
  for (i = 0; i < o->ndeferred && !o->broken && !vds_port_out_busy(o); i++)
    vds_port_out_send(o, o->deferred[i].type, o->deferred[i].data, o->deferred[i].len, &why);
  o->ndeferred = 0;
}

bool vds_port_out_begin(vds_port_out *o, uint32_t type, uint32_t size, const char **why)
{
  *why = NULL;
  if (!vda_framer_begin(&o->framer, type, size, o->emit, o->emit_ctx, why)) {
    o->broken = true;
    return false;
  }
  if (!vds_port_out_busy(o))
    flush_deferred(o); /* an empty body is complete at once */
  return true;
}

bool vds_port_out_write(vds_port_out *o, const void *data, size_t len, const char **why)
{
  *why = NULL;
  if (!vds_port_out_busy(o))
    return true;
  if (!vda_framer_write(&o->framer, data, len, why)) {
    o->broken = true;
    return false;
  }
  if (!vds_port_out_busy(o))
    flush_deferred(o);
  return true;
}

bool vds_port_out_end(vds_port_out *o, const char **why)
{
  bool ok = true;
  *why = NULL;
  if (vds_port_out_busy(o)) {
    *why = "the message ended before its declared size";
    vda_framer_abort(&o->framer);
    o->broken = true;
    ok = false;
  }
  flush_deferred(o);
  return ok;
}
