#include "clipboard_formats.h"

#include <stdlib.h>
#include <string.h>

#include "clipboard_image.h"
#include "log.h"
#include "vda_text.h"
#include "winerror_text.h"

#include <spice/vd_agent.h>

/* Decoded images are bounded by the largest screen we accept (16384^2 RGBA
 * would be 1 GiB: keep a sane ceiling well below). */
#define VDA_IMAGE_MAX_OUT ((size_t)512 * 1024 * 1024)

static UINT g_cf_png;

void vda_clipboard_formats_init(void)
{
  g_cf_png = RegisterClipboardFormatW(L"PNG");
}

static bool has_dib(void)
{
  return IsClipboardFormatAvailable(CF_DIBV5) || IsClipboardFormatAvailable(CF_DIB) ||
         IsClipboardFormatAvailable(CF_BITMAP);
}

size_t vda_clipboard_formats_to_types(uint32_t *types, size_t cap)
{
  size_t n = 0;
  bool png = g_cf_png && IsClipboardFormatAvailable(g_cf_png);
  if (n < cap && IsClipboardFormatAvailable(CF_UNICODETEXT))
    types[n++] = VD_AGENT_CLIPBOARD_UTF8_TEXT;
  /* Every image-capable peer takes PNG; BMP only when a DIB is there. */
  if (n < cap && (png || has_dib()))
    types[n++] = VD_AGENT_CLIPBOARD_IMAGE_PNG;
  if (n < cap && has_dib())
    types[n++] = VD_AGENT_CLIPBOARD_IMAGE_BMP;
  return n;
}

uint32_t vda_clipboard_format_type(UINT format)
{
  if (format == CF_UNICODETEXT)
    return VD_AGENT_CLIPBOARD_UTF8_TEXT;
  /* Images are always asked for as PNG (lossless, alpha kept); a client
   * that only offered BMP is asked for BMP. */
  if (format == CF_DIB || format == CF_DIBV5 || (g_cf_png && format == g_cf_png))
    return VD_AGENT_CLIPBOARD_IMAGE_PNG;
  return VD_AGENT_CLIPBOARD_NONE;
}

void vda_clipboard_offer(const uint32_t *types, size_t n)
{
  bool image = false;
  for (size_t i = 0; i < n; i++) {
    if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
      SetClipboardData(CF_UNICODETEXT, NULL);
    else if (types[i] == VD_AGENT_CLIPBOARD_IMAGE_PNG || types[i] == VD_AGENT_CLIPBOARD_IMAGE_BMP)
      image = true;
  }
  if (image) {
    /* CF_DIBV5 keeps alpha; CF_DIB for older programs; "PNG" so PNG-aware
     * programs get the client's bytes losslessly. */
    SetClipboardData(CF_DIBV5, NULL);
    SetClipboardData(CF_DIB, NULL);
    if (g_cf_png)
      SetClipboardData(g_cf_png, NULL);
  }
}

static bool read_text(uint64_t limit, size_t room, uint8_t **data, size_t *len, const char **why)
{
  HANDLE h = GetClipboardData(CF_UNICODETEXT);
  const uint16_t *w;
  size_t units, cap, need, wrote = 0;
  uint8_t *shrunk;
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
  /* GlobalSize bounds the scan: the text need not be NUL-terminated. One
   * pass: room for the most a unit can need (3 bytes), or the limit; the
   * pages the text does not reach are never touched, and are given back
   * below (sizing first was a second walk over 200 MB for 100 MiB). */
  units = GlobalSize(h) / sizeof(uint16_t);
  cap = units > (SIZE_MAX - room - 1) / 3 ? SIZE_MAX - room - 1 : units * 3;
  if (cap > limit)
    cap = (size_t)limit;
  *data = malloc(room + cap + 1);
  if (!*data) {
    *why = "out of memory";
    goto out;
  }
  need = vda_utf16_to_utf8_ex(w, units, *data + room, cap, &wrote);
  if (need > limit || need != wrote) {
    *why = "text larger than the clipboard limit (MAX_CLIPBOARD or configured)";
    free(*data);
    *data = NULL;
    goto out;
  }
  shrunk = realloc(*data, room + wrote + 1);
  if (shrunk)
    *data = shrunk;
  *len = wrote;
  ok = true;

out:
  GlobalUnlock(h);
  return ok;
}

/* Copies a global memory block, bounded by limit, `room` bytes into *out. */
static bool copy_global(HANDLE h, size_t limit, size_t room, uint8_t **out, size_t *len,
                        const char **why)
{
  const uint8_t *p;
  size_t n = h ? GlobalSize(h) : 0;
  if (!h || n == 0) {
    *why = "no data in that format";
    return false;
  }
  if (n > limit) {
    *why = "image larger than the clipboard limit (MAX_CLIPBOARD or configured)";
    return false;
  }
  p = GlobalLock(h);
  *out = p && n <= SIZE_MAX - room ? malloc(room + n) : NULL;
  if (*out)
    memcpy(*out + room, p, n);
  if (p)
    GlobalUnlock(h);
  if (!*out) {
    *why = "out of memory";
    return false;
  }
  *len = n;
  return true;
}

static bool read_image(uint32_t type, size_t limit, size_t room, uint8_t **data, size_t *len,
                       const char **why)
{
  uint8_t *dib = NULL;
  size_t dib_len = 0;
  bool ok = false;
  uint32_t w, h;

  /* A "PNG" published by browsers and Office goes out as it is: no
   * re-encode, alpha kept. */
  if (type == VD_AGENT_CLIPBOARD_IMAGE_PNG && g_cf_png && IsClipboardFormatAvailable(g_cf_png) &&
      copy_global(GetClipboardData(g_cf_png), limit, room, data, len, why)) {
    if (vda_png_probe(*data + room, *len, limit, &w, &h, why))
      return true;
    free(*data);
    *data = NULL;
  }
  /* CF_DIBV5 first (alpha), else CF_DIB; Windows synthesises either from
   * CF_BITMAP. */
  if (!copy_global(GetClipboardData(IsClipboardFormatAvailable(CF_DIBV5) ? CF_DIBV5 : CF_DIB),
                   limit, 0, &dib, &dib_len, why))
    return false;
  if (type == VD_AGENT_CLIPBOARD_IMAGE_PNG)
    ok = vda_dib_to_png(dib, dib_len, limit, data, len, why);
  else
    ok = vda_dib_to_bmp(dib, dib_len, limit, data, len, why);
  free(dib);
  /* The encoders allocate their own output: move it behind the room (an
   * image is far smaller than the text this spares a copy of). */
  if (ok && room) {
    uint8_t *moved = *len <= SIZE_MAX - room ? malloc(room + *len) : NULL;
    if (moved)
      memcpy(moved + room, *data, *len);
    free(*data);
    *data = moved;
    if (!moved) {
      *why = "out of memory";
      ok = false;
    }
  }
  return ok;
}

bool vda_clipboard_read(uint32_t type, uint64_t limit, size_t room, uint8_t **data, size_t *len,
                        const char **why)
{
  size_t lim = limit > SIZE_MAX ? SIZE_MAX : (size_t)limit;
  *data = NULL;
  *len = 0;
  if (type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
    return read_text(limit, room, data, len, why);
  if (type == VD_AGENT_CLIPBOARD_IMAGE_PNG || type == VD_AGENT_CLIPBOARD_IMAGE_BMP)
    return read_image(type, lim, room, data, len, why);
  *why = "type not supported by this build";
  return false;
}

/* The text arrived converted (clipboard_incoming): the block goes to the
 * clipboard as it is. */
static bool set_text(vda_clip_payload *p)
{
  if (!SetClipboardData(CF_UNICODETEXT, p->text)) {
    LOG_WARN("SetClipboardData: %s", vda_win_strerror(GetLastError()));
    return false; /* still ours: the payload frees it */
  }
  p->text = NULL; /* the system owns it now */
  return true;
}

/* Hands a malloc'ed buffer to the clipboard as a global block. */
static bool set_global(UINT format, const uint8_t *data, size_t len)
{
  HGLOBAL g = GlobalAlloc(GMEM_MOVEABLE, len ? len : 1);
  void *p;
  if (!g)
    return false;
  p = GlobalLock(g);
  if (!p) {
    GlobalFree(g);
    return false;
  }
  memcpy(p, data, len);
  GlobalUnlock(g);
  if (!SetClipboardData(format, g)) {
    LOG_WARN("SetClipboardData(%u): %s", (unsigned)format, vda_win_strerror(GetLastError()));
    GlobalFree(g);
    return false;
  }
  return true;
}

static bool set_image(UINT format, uint32_t type, const uint8_t *data, size_t len)
{
  uint8_t *dib = NULL;
  size_t dib_len = 0;
  bool alpha = false, ok;
  const char *why = NULL;

  if (g_cf_png && format == g_cf_png) {
    /* PNG-aware programs get the client's bytes as they are. */
    if (type != VD_AGENT_CLIPBOARD_IMAGE_PNG)
      return false;
    return set_global(format, data, len);
  }
  if (type == VD_AGENT_CLIPBOARD_IMAGE_PNG)
    ok = vda_png_to_dib(data, len, VDA_IMAGE_MAX_OUT, format == CF_DIBV5, &dib, &dib_len, &alpha,
                        &why);
  else
    ok = vda_bmp_to_dib(data, len, VDA_IMAGE_MAX_OUT, &dib, &dib_len, &why);
  if (!ok) {
    LOG_WARN("clipboard image refused: %s", why);
    return false;
  }
  ok = set_global(format, dib, dib_len);
  free(dib);
  return ok;
}

bool vda_clipboard_set(UINT format, vda_clip_payload *p)
{
  if (format == CF_UNICODETEXT && p->text)
    return set_text(p);
  if (p->bytes &&
      (p->type == VD_AGENT_CLIPBOARD_IMAGE_PNG || p->type == VD_AGENT_CLIPBOARD_IMAGE_BMP))
    return set_image(format, p->type, p->bytes, p->len);
  return false;
}
