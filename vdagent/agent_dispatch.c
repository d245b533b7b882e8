/* agent_dispatch.c - see agent_dispatch.h. */
#include "agent_dispatch.h"

#include <stdio.h>
#include <string.h>

#include "vda_msg_table.h"

static bool refuse(vda_dispatch *d, const char **why, const char *feature, uint32_t type,
                   const char *what)
{
  snprintf(d->why, sizeof(d->why), "feature %s, type %u (%s): %s", feature, (unsigned)type,
           vda_type_name(type), what);
  *why = d->why;
  return false;
}

/* One handler or sink of feature f for type: checked against the table. */
static bool claim(vda_dispatch *d, vda_feature *f, uint32_t type, vda_msg_fn fn,
                  const vda_stream_sink *sink, const char **why)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  if (!m || type >= VDA_DISPATCH_TYPES)
    return refuse(d, why, f->name, type, "unknown message type");
  if (sink && !m->streamed)
    return refuse(d, why, f->name, type, "a sink for a type that arrives whole");
  if (fn && m->streamed)
    return refuse(d, why, f->name, type, "a whole-message handler for a streamed type");
  if (!fn && !sink)
    return refuse(d, why, f->name, type, "no callback");
  if (d->by_type[type].feature)
    return refuse(d, why, f->name, type, "already handled by another feature");
  d->by_type[type] = (vda_dispatch_slot){.feature = f, .fn = fn, .sink = sink};
  return true;
}

/* Every capability announced must have the handlers of the types it gates:
 * announcing a cap tells the host it may send them. */
static bool check_gates(vda_dispatch *d, const char **why)
{
  size_t nrows;
  const vda_msg_info *rows = vda_msg_table(&nrows);
  vda_caps caps;
  vda_dispatch_caps(d, &caps);
  for (size_t i = 0; i < nrows; i++) {
    const vda_msg_info *m = &rows[i];
    if (m->gate_cap < 0 || !vda_caps_has(&caps, (unsigned)m->gate_cap))
      continue;
    if (!vda_type_for_agent(m->type)) /* the service alone handles it */
      continue;
    if (m->type >= VDA_DISPATCH_TYPES || !d->by_type[m->type].feature) {
      snprintf(d->why, sizeof(d->why), "capability %s is announced but no feature handles %s",
               vda_cap_name((unsigned)m->gate_cap), m->name);
      *why = d->why;
      return false;
    }
  }
  return true;
}

bool vda_dispatch_build(vda_dispatch *d, vda_feature *features, size_t count, const char **why)
{
  memset(d, 0, sizeof(*d));
  d->features = features;
  d->count = count;
  for (size_t i = 0; i < count; i++) {
    vda_feature *f = &features[i];
    if (!f->enabled)
      continue;
    for (size_t h = 0; h < f->nhandlers; h++)
      if (!claim(d, f, f->handlers[h].type, f->handlers[h].fn, NULL, why))
        return false;
    for (size_t s = 0; s < f->nsinks; s++) {
      const vda_stream_sink *k = &f->sinks[s];
      if (!k->begin || !k->data || !k->end)
        return refuse(d, why, f->name, k->type, "a sink without begin, data and end");
      if (!claim(d, f, k->type, NULL, k, why))
        return false;
    }
  }
  return check_gates(d, why);
}

void vda_dispatch_caps(const vda_dispatch *d, vda_caps *out)
{
  vda_caps_init(out);
  for (size_t i = 0; i < d->count; i++)
    if (d->features[i].enabled)
      vda_caps_union(out, out, &d->features[i].caps);
}

bool vda_dispatch_message(vda_dispatch *d, uint32_t vd_type, const uint8_t *body, size_t size)
{
  const vda_dispatch_slot *s;
  if (vd_type >= VDA_DISPATCH_TYPES)
    return false;
  s = &d->by_type[vd_type];
  if (!s->fn)
    return false;
  s->fn(s->feature->ctx, vd_type, body, size);
  return true;
}

vda_dispatch_stream vda_dispatch_stream_begin(vda_dispatch *d, const vda_ipc_stream_begin *b)
{
  const vda_dispatch_slot *s;
  vda_dispatch_stream_end(d, true);
  if (b->vd_type >= VDA_DISPATCH_TYPES || !d->by_type[b->vd_type].sink)
    return VDA_STREAM_NO_SINK;
  s = &d->by_type[b->vd_type];
  if (!s->sink->begin(s->feature->ctx, b))
    return VDA_STREAM_REFUSED;
  d->active = s->sink;
  d->active_ctx = s->feature->ctx;
  return VDA_STREAM_TAKEN;
}

void vda_dispatch_stream_data(vda_dispatch *d, const uint8_t *data, size_t len)
{
  if (d->active)
    d->active->data(d->active_ctx, data, len);
}

void vda_dispatch_stream_end(vda_dispatch *d, bool aborted)
{
  const vda_stream_sink *k = d->active;
  void *ctx = d->active_ctx;
  if (!k)
    return;
  /* Cleared before the call: end is called once per stream, whatever it does. */
  d->active = NULL;
  d->active_ctx = NULL;
  k->end(ctx, aborted);
}

bool vda_dispatch_streaming(const vda_dispatch *d)
{
  return d->active != NULL;
}

void vda_dispatch_peer(vda_dispatch *d, vda_peer_event event)
{
  for (size_t i = 0; i < d->count; i++)
    if (d->features[i].enabled && d->features[i].on_peer)
      d->features[i].on_peer(d->features[i].ctx, event);
}

void vda_dispatch_session(vda_dispatch *d, bool locked)
{
  for (size_t i = 0; i < d->count; i++)
    if (d->features[i].enabled && d->features[i].on_session)
      d->features[i].on_session(d->features[i].ctx, locked);
}
