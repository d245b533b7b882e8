#include "clipboard_incoming.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "winerror_text.h"

#include <spice/vd_agent.h>

void vda_clip_payload_free(vda_clip_payload *p)
{
  free(p->bytes);
  if (p->text)
    GlobalFree(p->text);
  *p = (vda_clip_payload){0};
}

bool vda_clip_payload_held(const vda_clip_payload *p)
{
  return p->bytes || p->text;
}

bool vda_clip_incoming_active(const vda_clip_incoming *in)
{
  return vda_clip_payload_held(&in->p);
}

void vda_clip_incoming_drop(vda_clip_incoming *in)
{
  if (in->units)
    GlobalUnlock(in->p.text);
  vda_clip_payload_free(&in->p);
  *in = (vda_clip_incoming){0};
}

bool vda_clip_incoming_begin(vda_clip_incoming *in, uint32_t type, uint64_t size)
{
  vda_clip_incoming_drop(in);
  if (size > SIZE_MAX / sizeof(uint16_t) - 1) {
    LOG_ERROR("clipboard data of %llu bytes cannot be held here", (unsigned long long)size);
    return false;
  }
  in->p.type = type;
  in->size = size;
  if (type != VD_AGENT_CLIPBOARD_UTF8_TEXT) {
    in->p.bytes = malloc(size ? (size_t)size : 1);
    if (!in->p.bytes) {
      LOG_ERROR("out of memory for %llu bytes of clipboard data", (unsigned long long)size);
      return false;
    }
    return true;
  }
  /* One unit per byte is the most UTF-8 can need. Pages not written are
   * never touched, so text that needs fewer (CJK: a third) costs what it
   * uses; the block is trimmed to the text at the end. */
  in->p.text = GlobalAlloc(GMEM_MOVEABLE, ((size_t)size + 1) * sizeof(uint16_t));
  in->units = in->p.text ? GlobalLock(in->p.text) : NULL;
  if (!in->units) {
    LOG_ERROR("GlobalAlloc of %llu bytes of clipboard text: %s", (unsigned long long)(size + 1) * 2,
              vda_win_strerror(GetLastError()));
    vda_clip_incoming_drop(in);
    return false;
  }
  vda_utf8_stream_init(&in->u, in->units, (size_t)size + 1);
  return true;
}

bool vda_clip_incoming_add(vda_clip_incoming *in, const uint8_t *data, size_t len)
{
  if (len > in->size - in->p.len) {
    LOG_ERROR("clipboard stream longer than its announced %llu bytes",
              (unsigned long long)in->size);
    return false;
  }
  if (in->units)
    vda_utf8_stream_feed(&in->u, data, len);
  else
    memcpy(in->p.bytes + in->p.len, data, len);
  in->p.len += len;
  return true;
}

bool vda_clip_incoming_finish(vda_clip_incoming *in, vda_clip_payload *out)
{
  size_t units = 0;
  if (in->p.len != in->size)
    return false;
  if (in->units) {
    bool ok = vda_utf8_stream_end(&in->u, &units);
    GlobalUnlock(in->p.text);
    in->units = NULL;
    if (!ok) { /* cannot happen: the block has a unit per byte */
      LOG_ERROR("clipboard text of %zu bytes did not fit its conversion", in->p.len);
      return false;
    }
    size_t want = (units + 1) * sizeof(uint16_t);
    /* Wine hands GlobalSize bytes to wineserver, and readers may copy that
     * much: trim what the text did not use (shrinking keeps the block). */
    if (want < GlobalSize(in->p.text)) {
      HGLOBAL trimmed = GlobalReAlloc(in->p.text, want, GMEM_MOVEABLE);
      if (trimmed)
        in->p.text = trimmed;
    }
  }
  *out = in->p;
  in->p = (vda_clip_payload){0};
  vda_clip_incoming_drop(in);
  return true;
}
