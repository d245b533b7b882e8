/* The client's CLIPBOARD as it arrives (main thread), ready for the
 * clipboard thread's WM_RENDERFORMAT. Text is converted to UTF-16 as its
 * pieces come, straight into the global block the Windows clipboard will
 * own: the UTF-8 is never held whole and nothing is converted after the
 * last byte (a 100 MiB paste held the UTF-8 and the UTF-16 at once, 3 MiB
 * per MiB). Other types (images) are gathered whole for their decoder. */
#ifndef VDA_CLIPBOARD_INCOMING_H
#define VDA_CLIPBOARD_INCOMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <windows.h>

#include "vda_text.h"

/* What a paste gets: one of bytes or text. */
typedef struct vda_clip_payload {
  uint32_t type;
  size_t len;     /* bytes the client sent */
  uint8_t *bytes; /* malloc'ed: every type but text */
  HGLOBAL text;   /* text: GMEM_MOVEABLE, UTF-16, NUL-terminated */
} vda_clip_payload;

/* Whether p holds data (bytes or text); an empty one means "nothing". */
bool vda_clip_payload_held(const vda_clip_payload *p);
void vda_clip_payload_free(vda_clip_payload *p);

typedef struct vda_clip_incoming {
  vda_clip_payload p;
  uint64_t size;   /* announced */
  uint16_t *units; /* p.text, locked while the text arrives */
  vda_utf8_stream u;
} vda_clip_incoming;

/* Starts a stream of `size` bytes (bounded by the caller's limit) of SPICE
 * type `type`; drops any stream not finished. False when out of memory
 * (logged). */
bool vda_clip_incoming_begin(vda_clip_incoming *in, uint32_t type, uint64_t size);
/* False when the stream grows past its announced size (logged): drop it. */
bool vda_clip_incoming_add(vda_clip_incoming *in, const uint8_t *data, size_t len);
/* The stream is whole: *out gets its payload (the caller owns it). False
 * when fewer bytes than announced arrived, or the text did not convert. */
bool vda_clip_incoming_finish(vda_clip_incoming *in, vda_clip_payload *out);
/* Whether a stream is being received (begun, not finished nor dropped). */
bool vda_clip_incoming_active(const vda_clip_incoming *in);
void vda_clip_incoming_drop(vda_clip_incoming *in);

#endif
