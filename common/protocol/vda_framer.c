/* vda_framer.c - message to chunk framing (see vda_framer.h). */
#include "vda_framer.h"

#include <string.h>

#include <spice/vd_agent.h>

#include "vda_le.h"

static bool flush_chunk(vda_framer *f, const char **why)
{
  bool ok;
  vda_put_le32(f->chunk, VDP_CLIENT_PORT);
  vda_put_le32(f->chunk + 4, (uint32_t)f->fill);
  ok = f->emit(f->ctx, f->chunk, VDA_CHUNK_HEADER_SIZE + f->fill);
  f->fill = 0;
  if (!ok) {
    f->active = false;
    *why = "emit callback failed: message cut short, port must be reopened";
  }
  return ok;
}

bool vda_framer_begin(vda_framer *f, uint32_t type, uint32_t body_size, vda_emit_fn emit, void *ctx,
                      const char **why)
{
  uint8_t *h = f->chunk + VDA_CHUNK_HEADER_SIZE;
  if (f->active) {
    *why = "framer busy with another message";
    return false;
  }
  f->emit = emit;
  f->ctx = ctx;
  f->body_size = body_size;
  f->written = 0;
  f->active = true;
  vda_put_le32(h, VD_AGENT_PROTOCOL);
  vda_put_le32(h + 4, type);
  vda_put_le64(h + 8, 0); /* opaque */
  vda_put_le32(h + 16, body_size);
  f->fill = VDA_MSG_HEADER_SIZE;
  if (body_size == 0) {
    f->active = false;
    return flush_chunk(f, why);
  }
  return true;
}

bool vda_framer_write(vda_framer *f, const void *data, size_t len, const char **why)
{
  const uint8_t *d = data;
  if (!f->active) {
    *why = "framer has no message in progress";
    return false;
  }
  if (len > (size_t)(f->body_size - f->written)) {
    *why = "write past the declared message size";
    return false;
  }
  while (len > 0) {
    size_t room = VDA_CHUNK_MAX_PAYLOAD - f->fill;
    size_t take = len < room ? len : room;
    memcpy(f->chunk + VDA_CHUNK_HEADER_SIZE + f->fill, d, take);
    f->fill += take;
    f->written += (uint32_t)take;
    d += take;
    len -= take;
    if (f->written == f->body_size)
      f->active = false;
    if ((f->fill == VDA_CHUNK_MAX_PAYLOAD || !f->active) && !flush_chunk(f, why))
      return false;
  }
  return true;
}

bool vda_framer_active(const vda_framer *f)
{
  return f->active;
}

void vda_framer_abort(vda_framer *f)
{
  f->active = false;
  f->fill = 0;
}

uint64_t vda_wire_size(uint64_t body_len)
{
  uint64_t payload = VDA_MSG_HEADER_SIZE + body_len;
  uint64_t chunks = (payload + VDA_CHUNK_MAX_PAYLOAD - 1) / VDA_CHUNK_MAX_PAYLOAD;
  return payload + chunks * VDA_CHUNK_HEADER_SIZE;
}
