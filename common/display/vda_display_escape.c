/* vda_display_escape.c - see vda_display_escape.h. */
#include "vda_display_escape.h"

#include <string.h>

#include <spice/qxl_dev.h>
#include <spice/qxl_windows.h>

/* The drivers read the structs packed and little-endian; the build targets
 * are little-endian, and the static checks keep the sizes honest. */
_Static_assert(sizeof(QXLEscapeSetCustomDisplay) + 4 == VDA_ESCAPE_CUSTOM_SIZE,
               "custom-display escape size");
_Static_assert(sizeof(QXLHead) + 4 == VDA_ESCAPE_MONITOR_SIZE, "monitor-config escape size");

static void put_code(uint8_t *out, uint32_t code)
{
  memcpy(out, &code, sizeof(code));
}

void vda_escape_custom_bytes(vda_mode m, uint8_t out[VDA_ESCAPE_CUSTOM_SIZE])
{
  QXLEscapeSetCustomDisplay c;
  memset(&c, 0, sizeof(c));
  c.xres = m.width;
  c.yres = m.height;
  c.bpp = m.depth;
  put_code(out, QXL_ESCAPE_SET_CUSTOM_DISPLAY);
  memcpy(out + 4, &c, sizeof(c));
}

void vda_escape_monitor_bytes(uint32_t w, uint32_t h, uint32_t x, uint32_t y,
                              uint8_t out[VDA_ESCAPE_MONITOR_SIZE])
{
  QXLHead head;
  memset(&head, 0, sizeof(head));
  head.id = 0;
  head.surface_id = 0;
  head.width = w;
  head.height = h;
  head.x = x;
  head.y = y;
  put_code(out, QXL_ESCAPE_MONITOR_CONFIG);
  memcpy(out + 4, &head, sizeof(head));
}

static vda_escape_memo_entry *find(vda_escape_memo *m, uint64_t luid, bool add)
{
  for (uint32_t i = 0; i < m->count && i < VDA_ESCAPE_MEMO_MAX; i++)
    if (m->e[i].luid == luid)
      return &m->e[i];
  if (!add || m->count >= VDA_ESCAPE_MEMO_MAX)
    return NULL; /* full: this adapter is asked every time, still correct */
  memset(&m->e[m->count], 0, sizeof(m->e[0]));
  m->e[m->count].luid = luid;
  return &m->e[m->count++];
}

vda_escape_state vda_escape_memo_custom(const vda_escape_memo *m, uint64_t luid)
{
  for (uint32_t i = 0; i < m->count && i < VDA_ESCAPE_MEMO_MAX; i++)
    if (m->e[i].luid == luid)
      return m->e[i].custom;
  return VDA_ESCAPE_UNTRIED;
}

static void try_monitor(const vda_escape_ops *ops, void *ctx, vda_escape_memo_entry *e,
                        const vda_escape_adapter *a, vda_mode m, int32_t x, int32_t y,
                        vda_escape_result *res)
{
  uint8_t bytes[VDA_ESCAPE_MONITOR_SIZE];
  uint32_t st;
  if (e != NULL && e->monitor == VDA_ESCAPE_REFUSED)
    return;
  vda_escape_monitor_bytes(m.width, m.height, x > 0 ? (uint32_t)x : 0u, y > 0 ? (uint32_t)y : 0u,
                           bytes);
  st = ops->escape(ctx, a, bytes, sizeof(bytes));
  res->monitor = st == VDA_STATUS_SUCCESS;
  if (e != NULL && e->monitor == VDA_ESCAPE_UNTRIED) {
    e->monitor = res->monitor ? VDA_ESCAPE_TAKEN : VDA_ESCAPE_REFUSED;
    res->learned = true;
  }
}

bool vda_escape_custom_mode(const vda_escape_ops *ops, void *ctx, vda_escape_memo *memo,
                            uint32_t device_index, vda_mode m, int32_t x, int32_t y,
                            vda_escape_result *res)
{
  vda_escape_adapter a;
  vda_escape_memo_entry *e;
  uint8_t bytes[VDA_ESCAPE_CUSTOM_SIZE];
  const char *why = "no WDDM adapter for the display";
  uint32_t st;

  memset(res, 0, sizeof(*res));
  memset(&a, 0, sizeof(a));
  if (!ops->open(ctx, device_index, &a, &why)) {
    res->why = why;
    return false;
  }
  res->opened = true;
  res->luid = a.luid;
  e = find(memo, a.luid, true);
  if (e != NULL && e->custom == VDA_ESCAPE_REFUSED) {
    res->status = e->status;
    res->why = "the adapter refused the custom-mode escape before";
  } else {
    vda_escape_custom_bytes(m, bytes);
    st = ops->escape(ctx, &a, bytes, sizeof(bytes));
    res->custom = st == VDA_STATUS_SUCCESS;
    if (e != NULL && e->custom == VDA_ESCAPE_UNTRIED) {
      e->custom = res->custom ? VDA_ESCAPE_TAKEN : VDA_ESCAPE_REFUSED;
      e->status = st;
      res->learned = true;
    }
    if (!res->custom) {
      res->status = st;
      res->why = "the driver refused the custom-mode escape";
    } else {
      try_monitor(ops, ctx, e, &a, m, x, y, res);
    }
  }
  ops->close(ctx, &a);
  return res->custom;
}

const char *vda_ntstatus_text(uint32_t status)
{
  switch (status) {
  case VDA_STATUS_SUCCESS:
    return "success";
  case VDA_STATUS_INVALID_PARAMETER:
    return "STATUS_INVALID_PARAMETER (the driver does not know the escape)";
  case VDA_STATUS_NO_MEMORY:
    return "STATUS_NO_MEMORY (Wine's D3DKMTEscape stub)";
  case VDA_STATUS_NOT_SUPPORTED:
    return "STATUS_NOT_SUPPORTED";
  case VDA_STATUS_NOT_IMPLEMENTED:
    return "STATUS_NOT_IMPLEMENTED";
  default:
    return "the driver failed the escape";
  }
}
