#include "clipboard_formats.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vda_text.h"
#include "winerror_text.h"

#include <spice/vd_agent.h>

static UINT g_cf_png;

void vda_clipboard_formats_init(void)
{
  g_cf_png = RegisterClipboardFormatW(L"PNG");
}

size_t vda_clipboard_formats_to_types(uint32_t *types, size_t cap)
{
  size_t n = 0;
  if (n < cap && IsClipboardFormatAvailable(CF_UNICODETEXT))
    types[n++] = VD_AGENT_CLIPBOARD_UTF8_TEXT;
  return n;
}

uint32_t vda_clipboard_format_type(UINT format)
{
  if (format == CF_UNICODETEXT)
    return VD_AGENT_CLIPBOARD_UTF8_TEXT;
  return VD_AGENT_CLIPBOARD_NONE;
}

void vda_clipboard_offer(const uint32_t *types, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
      SetClipboardData(CF_UNICODETEXT, NULL);
  }
}

static bool read_text(uint64_t limit, uint8_t **data, size_t *len, const char **why)
{
  HANDLE h = GetClipboardData(CF_UNICODETEXT);
  const uint16_t *w;
  size_t units, need;
  bool ok = false;

  if (!h) {
    *why = "no text on the clipboard";
    return false;
  }
  w = GlobalLock(h);
  if (!w) {
    *why = "GlobalLock failed";
    return false;
  }
  /* GlobalSize bounds the scan: the text need not be NUL-terminated. */
  units = GlobalSize(h) / sizeof(uint16_t);
  need = vda_utf16_to_utf8(w, units, NULL, 0);
  if (need > limit) {
    *why = "text larger than the clipboard limit (MAX_CLIPBOARD or configured)";
    goto out;
  }
  *data = malloc(need + 1);
  if (!*data) {
    *why = "out of memory";
    goto out;
  }
  *len = vda_utf16_to_utf8(w, units, *data, need + 1);
  ok = true;

out:
  GlobalUnlock(h);
  return ok;
}

bool vda_clipboard_read(uint32_t type, uint64_t limit, uint8_t **data, size_t *len,
                        const char **why)
{
  *data = NULL;
  *len = 0;
  if (type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
    return read_text(limit, data, len, why);
  *why = "type not supported by this build";
  return false;
}

static bool set_text(const uint8_t *data, size_t len)
{
  size_t units = vda_utf8_to_utf16(data, len, NULL, 0);
  HGLOBAL g = GlobalAlloc(GMEM_MOVEABLE, (units + 1) * sizeof(uint16_t));
  uint16_t *w;

  if (!g)
    return false;
  w = GlobalLock(g);
  if (!w) {
    GlobalFree(g);
    return false;
  }
  vda_utf8_to_utf16(data, len, w, units + 1);
  GlobalUnlock(g);
  if (!SetClipboardData(CF_UNICODETEXT, g)) {
    LOG_WARN("SetClipboardData: %s", vda_win_strerror(GetLastError()));
    GlobalFree(g);
    return false;
  }
  return true; /* the system owns g now */
}

bool vda_clipboard_set(UINT format, uint32_t type, const uint8_t *data, size_t len)
{
  if (format == CF_UNICODETEXT && type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
    return set_text(data, len);
  return false;
}
