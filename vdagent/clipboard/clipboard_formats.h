/* Windows clipboard formats <-> SPICE clipboard types, and reading or
 * setting the data of one format. Every function here expects the
 * clipboard to be open (or to run inside WM_RENDERFORMAT). */
#ifndef VDA_CLIPBOARD_FORMATS_H
#define VDA_CLIPBOARD_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <windows.h>

#include "clipboard_incoming.h"

/* Registers the "PNG" format browsers and Office publish. */
void vda_clipboard_formats_init(void);

/* The SPICE types the current clipboard content can be sent as (at most
 * cap), in order of preference. */
size_t vda_clipboard_formats_to_types(uint32_t *types, size_t cap);

/* The SPICE type a Windows format is rendered from (NONE: not ours). */
uint32_t vda_clipboard_format_type(UINT format);

/* Offers the Windows formats for the client's types, delayed-rendered. */
void vda_clipboard_offer(const uint32_t *types, size_t n);

/* Reads the clipboard as SPICE type `type`, converted, at most `limit`
 * bytes. *data is malloc'ed with `room` bytes free in front of the *len
 * bytes read (the message header goes there, so the payload is never copied
 * again). False with a reason when unavailable or too large. */
bool vda_clipboard_read(uint32_t type, uint64_t limit, size_t room, uint8_t **data, size_t *len,
                        const char **why);

/* Converts the client's data for `format` and sets it; the text block, once
 * set, is the clipboard's (p->text becomes NULL). */
bool vda_clipboard_set(UINT format, vda_clip_payload *p);

#endif
