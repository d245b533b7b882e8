/* vda_xfer_table.c - active file transfers (see vda_xfer_table.h). */
#include "vda_xfer_table.h"

#include <string.h>

void vda_xfer_table_init(vda_xfer_table *t)
{
  memset(t, 0, sizeof(*t));
}

vda_xfer_slot *vda_xfer_table_find(vda_xfer_table *t, uint32_t id, uint32_t generation)
{
  for (size_t i = 0; i < VDA_XFER_MAX_ACTIVE; i++) {
    vda_xfer_slot *s = &t->slot[i];
    if (s->state != VDA_XFER_SLOT_FREE && s->id == id && s->generation == generation)
      return s;
  }
  return NULL;
}

vda_xfer_start_verdict vda_xfer_table_start(vda_xfer_table *t, uint32_t id, uint32_t generation,
                                            uint64_t size, const char **why)
{
  vda_xfer_slot *s = NULL;
  *why = NULL;
  /* Duplicate first: a second START for a live id is an error about that
     * id, whatever the table's occupancy. */
  if (vda_xfer_table_find(t, id, generation)) {
    *why = "transfer id already active";
    return VDA_XFER_START_DUPLICATE;
  }
  for (size_t i = 0; i < VDA_XFER_MAX_ACTIVE && !s; i++)
    if (t->slot[i].state == VDA_XFER_SLOT_FREE)
      s = &t->slot[i];
  if (!s) {
    *why = "too many active transfers";
    return VDA_XFER_START_FULL;
  }
  memset(s, 0, sizeof(*s));
  s->id = id;
  s->generation = generation;
  s->size = size;
  s->state = VDA_XFER_SLOT_OPENING;
  return VDA_XFER_START_OK;
}

vda_xfer_ready_verdict vda_xfer_table_ready(vda_xfer_table *t, uint32_t id, uint32_t generation,
                                            void *file)
{
  vda_xfer_slot *s = vda_xfer_table_find(t, id, generation);
  if (!s || s->state != VDA_XFER_SLOT_OPENING)
    return VDA_XFER_READY_UNKNOWN;
  s->file = file;
  if (s->size == 0) {
    s->state = VDA_XFER_SLOT_COMPLETE;
    return VDA_XFER_READY_COMPLETE;
  }
  s->state = VDA_XFER_SLOT_WAITING_DATA;
  return VDA_XFER_READY_SEND_DATA;
}

vda_xfer_data_verdict vda_xfer_table_data(vda_xfer_table *t, uint32_t id, uint32_t generation,
                                          uint64_t len, vda_xfer_slot **slot, const char **why)
{
  vda_xfer_slot *s = vda_xfer_table_find(t, id, generation);
  *slot = s;
  *why = NULL;
  if (!s) {
    *why = "data for an unknown transfer id";
    return VDA_XFER_DATA_UNKNOWN;
  }
  if (s->state == VDA_XFER_SLOT_OPENING) {
    *why = "data before CAN_SEND_DATA";
    return VDA_XFER_DATA_UNEXPECTED;
  }
  if (len == 0) {
    *why = "empty data piece";
    return VDA_XFER_DATA_IGNORED;
  }
  /* received <= size always holds, so the subtraction cannot wrap. */
  if (len > s->size - s->received) {
    *why = "more data than the declared size";
    return VDA_XFER_DATA_OVERFLOW;
  }
  s->received += len;
  if (s->received < s->size)
    return VDA_XFER_DATA_MORE;
  s->state = VDA_XFER_SLOT_COMPLETE;
  return VDA_XFER_DATA_COMPLETE;
}

static bool take(vda_xfer_table *t, uint32_t id, uint32_t generation, vda_xfer_slot *out)
{
  vda_xfer_slot *s = vda_xfer_table_find(t, id, generation);
  if (!s)
    return false;
  if (out)
    *out = *s;
  memset(s, 0, sizeof(*s));
  return true;
}

bool vda_xfer_table_cancel(vda_xfer_table *t, uint32_t id, uint32_t generation, vda_xfer_slot *out)
{
  return take(t, id, generation, out);
}

bool vda_xfer_table_finish(vda_xfer_table *t, uint32_t id, uint32_t generation, vda_xfer_slot *out)
{
  return take(t, id, generation, out);
}

uint64_t vda_xfer_usable(uint64_t free_bytes, uint64_t reserve)
{
  return free_bytes > reserve ? free_bytes - reserve : 0;
}

bool vda_xfer_fits(uint64_t size, uint64_t free_bytes, uint64_t reserve)
{
  return size == 0 || size <= vda_xfer_usable(free_bytes, reserve);
}
