/* vda_views.c - typed views of validated bodies (see vda_views.h). */
#include "vda_views.h"

#include <string.h>

#include "vda_le.h"
#include "vda_validate.h"

static size_t sel_size(const vda_negotiated *n)
{
  return (n && vda_use_selection(n)) ? VDA_SELECTION_PREFIX_SIZE : 0;
}

static uint8_t sel_value(const uint8_t *body, const vda_negotiated *n)
{
  return sel_size(n) ? body[0] : (uint8_t)VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD;
}

bool vda_parse_mouse_state(const uint8_t *body, size_t size, vda_mouse_state *out, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_MOUSE_STATE, body, size, NULL, NULL, why);
  if (ok) {
    out->x = vda_le32(body);
    out->y = vda_le32(body + 4);
    out->buttons = vda_le32(body + 8);
    out->display_id = body[12];
  }
  return ok;
}

bool vda_parse_monitors_config(const uint8_t *body, size_t size, const vda_negotiated *n,
                               const vda_limits *lim, vda_monitors_config *out, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_MONITORS_CONFIG, body, size, n, lim, why);
  if (ok) {
    out->count = vda_le32(body);
    out->flags = vda_le32(body + 4);
    out->has_physical_size = (out->flags & VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE) != 0;
    out->body = body;
  }
  return ok;
}

void vda_monitors_config_get(const vda_monitors_config *mc, uint32_t i, vda_monitor *out)
{
  const uint8_t *m = mc->body + 8 + 20 * (size_t)i;
  out->height = vda_le32(m);
  out->width = vda_le32(m + 4);
  out->depth = vda_le32(m + 8);
  out->x = (int32_t)vda_le32(m + 12);
  out->y = (int32_t)vda_le32(m + 16);
  out->mm_height = 0;
  out->mm_width = 0;
  if (mc->has_physical_size) {
    /* The trailer follows all the monitor entries. */
    const uint8_t *mm = mc->body + 8 + 20 * (size_t)mc->count + 4 * (size_t)i;
    out->mm_height = vda_le16(mm);
    out->mm_width = vda_le16(mm + 2);
  }
}

bool vda_parse_display_config(const uint8_t *body, size_t size, vda_display_config *out,
                              const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_DISPLAY_CONFIG, body, size, NULL, NULL, why);
  if (ok) {
    out->flags = vda_le32(body);
    out->depth = vda_le32(body + 4);
  }
  return ok;
}

bool vda_parse_clipboard_grab(const uint8_t *body, size_t size, const vda_negotiated *n,
                              vda_clipboard_grab *out, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_CLIPBOARD_GRAB, body, size, n, NULL, why);
  if (ok) {
    size_t off = sel_size(n);
    out->selection = sel_value(body, n);
    out->has_serial = n && vda_use_grab_serial(n);
    out->serial = 0;
    if (out->has_serial) {
      out->serial = vda_le32(body + off);
      off += 4;
    }
    out->ntypes = (uint32_t)((size - off) / 4);
    /* An empty grab may come with a NULL body: no pointer arithmetic. */
    out->types = out->ntypes ? body + off : NULL;
  }
  return ok;
}

uint32_t vda_clipboard_grab_type(const vda_clipboard_grab *g, uint32_t i)
{
  return vda_le32(g->types + 4 * (size_t)i);
}

bool vda_parse_clipboard_request(const uint8_t *body, size_t size, const vda_negotiated *n,
                                 vda_clipboard_request *out, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_CLIPBOARD_REQUEST, body, size, n, NULL, why);
  if (ok) {
    out->selection = sel_value(body, n);
    out->type = vda_le32(body + sel_size(n));
  }
  return ok;
}

bool vda_parse_clipboard_release(const uint8_t *body, size_t size, const vda_negotiated *n,
                                 uint8_t *selection, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_CLIPBOARD_RELEASE, body, size, n, NULL, why);
  if (ok)
    *selection = sel_value(body, n);
  return ok;
}

bool vda_parse_xfer_start(const uint8_t *body, size_t size, const vda_limits *lim,
                          vda_xfer_start *out, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_FILE_XFER_START, body, size, NULL, lim, why);
  if (ok) {
    out->id = vda_le32(body);
    out->meta = body + 4;
    out->meta_size = size - 4;
  }
  return ok;
}

bool vda_parse_xfer_status(const uint8_t *body, size_t size, const vda_negotiated *n,
                           vda_xfer_status *out, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_FILE_XFER_STATUS, body, size, n, NULL, why);
  if (ok) {
    memset(out, 0, sizeof(*out));
    out->id = vda_le32(body);
    out->result = vda_le32(body + 4);
    /* The validator allowed detail bytes only with the right size. */
    if (out->result == VD_AGENT_FILE_XFER_STATUS_ERROR && size == 8 + 5) {
      out->has_error = true;
      out->error_type = body[8];
      out->error_code = vda_le32(body + 9);
    } else if (out->result == VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE && size == 8 + 8) {
      out->has_free_space = true;
      out->free_space = vda_le64(body + 8);
    }
  }
  return ok;
}

bool vda_parse_max_clipboard(const uint8_t *body, size_t size, int32_t *max, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_MAX_CLIPBOARD, body, size, NULL, NULL, why);
  if (ok)
    *max = (int32_t)vda_le32(body);
  return ok;
}

bool vda_parse_graphics_info(const uint8_t *body, size_t size, const vda_limits *lim,
                             vda_gdi_iter *it, uint32_t *count, const char **why)
{
  bool ok = vda_validate_message(VD_AGENT_GRAPHICS_DEVICE_INFO, body, size, NULL, lim, why);
  if (ok) {
    *count = vda_le32(body);
    it->p = body + 4;
    it->remaining = *count;
  }
  return ok;
}

bool vda_gdi_next(vda_gdi_iter *it, vda_gdi_entry *e)
{
  uint32_t len;
  if (it->remaining == 0)
    return false;
  /* Bounds were proven by vda_parse_graphics_info(). */
  e->channel_id = vda_le32(it->p);
  e->monitor_id = vda_le32(it->p + 4);
  e->device_display_id = vda_le32(it->p + 8);
  len = vda_le32(it->p + 12);
  e->address = (const char *)(it->p + 16);
  e->address_len = len - 1;
  it->p += 16 + (size_t)len;
  it->remaining--;
  return true;
}
