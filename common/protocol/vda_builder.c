/* vda_builder.c - bodies of agent messages and small-message framing
 * (see vda_builder.h). */
#include "vda_builder.h"

#include <string.h>

#include <spice/vd_agent.h>

#include "vda_le.h"

static bool use_selection(const vda_negotiated *n)
{
  return n && vda_use_selection(n);
}

/* Write the selection prefix when negotiated. Without it only CLIPBOARD can
 * be expressed. */
static bool put_selection(vda_body *b, const vda_negotiated *n, uint8_t selection, const char **why)
{
  if (selection > VD_AGENT_CLIPBOARD_SELECTION_SECONDARY) {
    *why = "unknown clipboard selection";
    return false;
  }
  if (!use_selection(n)) {
    if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD) {
      *why = "selection other than CLIPBOARD needs CLIPBOARD_SELECTION";
      return false;
    }
    return true;
  }
  b->data[b->len] = selection;
  memset(b->data + b->len + 1, 0, 3); /* reserved */
  b->len += VDA_SELECTION_PREFIX_SIZE;
  return true;
}

static void put32(vda_body *b, uint32_t v)
{
  vda_put_le32(b->data + b->len, v);
  b->len += 4;
}

static void start(vda_body *b, uint32_t type)
{
  b->type = type;
  b->len = 0;
}

void vda_body_announce_caps(vda_body *b, const vda_caps *ours, bool request)
{
  start(b, VD_AGENT_ANNOUNCE_CAPABILITIES);
  put32(b, request ? 1u : 0u);
  for (size_t i = 0; i < VD_AGENT_CAPS_SIZE; i++)
    put32(b, ours->words[i]);
}

void vda_body_reply(vda_body *b, uint32_t type, uint32_t error)
{
  start(b, VD_AGENT_REPLY);
  put32(b, type);
  put32(b, error);
}

bool vda_body_clipboard_grab(vda_body *b, const vda_negotiated *n, uint8_t selection,
                             uint32_t serial, const uint32_t *types, size_t ntypes,
                             const char **why)
{
  start(b, VD_AGENT_CLIPBOARD_GRAB);
  if (ntypes > VDA_MAX_GRAB_TYPES) {
    *why = "too many clipboard types in one grab";
    return false;
  }
  if (!put_selection(b, n, selection, why))
    return false;
  if (n && vda_use_grab_serial(n))
    put32(b, serial);
  for (size_t i = 0; i < ntypes; i++)
    put32(b, types[i]);
  return true;
}

bool vda_body_clipboard_request(vda_body *b, const vda_negotiated *n, uint8_t selection,
                                uint32_t type, const char **why)
{
  start(b, VD_AGENT_CLIPBOARD_REQUEST);
  if (!put_selection(b, n, selection, why))
    return false;
  put32(b, type);
  return true;
}

bool vda_body_clipboard_release(vda_body *b, const vda_negotiated *n, uint8_t selection,
                                const char **why)
{
  start(b, VD_AGENT_CLIPBOARD_RELEASE);
  return put_selection(b, n, selection, why);
}

bool vda_body_clipboard(vda_body *b, const vda_negotiated *n, uint8_t selection, uint32_t type,
                        const void *data, size_t len, const char **why)
{
  start(b, VD_AGENT_CLIPBOARD);
  if (len > VDA_BODY_MAX - VDA_SELECTION_PREFIX_SIZE - 4) {
    *why = "clipboard data too large for a small body: stream it";
    return false;
  }
  if (!put_selection(b, n, selection, why))
    return false;
  put32(b, type);
  if (len > 0)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  return true;
}

void vda_body_xfer_status(vda_body *b, const vda_negotiated *n, uint32_t id, uint32_t result)
{
  start(b, VD_AGENT_FILE_XFER_STATUS);
  if (result > VD_AGENT_FILE_XFER_STATUS_SUCCESS && !(n && vda_use_detailed_errors(n)))
    result = VD_AGENT_FILE_XFER_STATUS_ERROR;
  put32(b, id);
  put32(b, result);
}

void vda_body_xfer_status_error(vda_body *b, const vda_negotiated *n, uint32_t id,
                                uint32_t gio_error_code)
{
  vda_body_xfer_status(b, n, id, VD_AGENT_FILE_XFER_STATUS_ERROR);
  if (n && vda_use_detailed_errors(n)) {
    b->data[b->len++] = VD_AGENT_FILE_XFER_STATUS_ERROR_GLIB_IO;
    put32(b, gio_error_code);
  }
}

void vda_body_xfer_status_no_space(vda_body *b, const vda_negotiated *n, uint32_t id,
                                   uint64_t free_bytes)
{
  vda_body_xfer_status(b, n, id, VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE);
  if (n && vda_use_detailed_errors(n)) {
    vda_put_le64(b->data + b->len, free_bytes);
    b->len += 8;
  }
}

struct out_buf {
  uint8_t *p;
  size_t cap;
  size_t len;
};

static bool emit_to_buf(void *ctx, const uint8_t *chunk, size_t len)
{
  struct out_buf *o = ctx;
  if (len > o->cap - o->len)
    return false;
  memcpy(o->p + o->len, chunk, len);
  o->len += len;
  return true;
}

bool vda_build_message(uint32_t type, const void *body, size_t len, uint8_t *out, size_t cap,
                       size_t *out_len, const char **why)
{
  struct out_buf o = {out, cap, 0};
  vda_framer f;
  if (len > UINT32_MAX || vda_wire_size(len) > cap) {
    *why = "output buffer smaller than the wire size";
    return false;
  }
  memset(&f, 0, sizeof(f));
  if (!vda_framer_begin(&f, type, (uint32_t)len, emit_to_buf, &o, why))
    return false;
  if (len > 0 && !vda_framer_write(&f, body, len, why))
    return false;
  *out_len = o.len;
  return true;
}
