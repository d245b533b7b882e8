/*
 * vda_text.h - clipboard text conversion between the protocol's UTF-8 and
 * Windows' UTF-16 (CF_UNICODETEXT), portable (uint16_t code units).
 *
 * Line ends: the agent announces GUEST_LINEEND_CRLF, so the *client*
 * converts line ends (spice-gtk runs unix2dos before sending and dos2unix on
 * what it receives).  These functions therefore pass CR and LF through
 * unchanged, byte for byte.
 *
 * Invalid input is repaired, never rejected: every maximal invalid subpart
 * of UTF-8 (Unicode 15 ch. 3 "U+FFFD substitution of maximal subparts", the
 * WHATWG decoder behaviour) and every lone surrogate of UTF-16 becomes one
 * U+FFFD.  Overlong forms, UTF-8-encoded surrogates (ED A0..BF xx), code
 * points above U+10FFFF, bytes C0, C1, F5..FF, stray continuation bytes and
 * sequences cut short (by the end of input or by a non-continuation byte)
 * are all invalid.
 *
 * Embedded NUL: Windows text ends at the first NUL (CF_UNICODETEXT is a
 * C string, and every reader of it stops there), so both directions stop at
 * the first NUL byte/unit: what follows is not text and is dropped.  n / n_units
 * still bound the read, so input needs no terminator.
 *
 * Truncation: when the output buffer is too small, conversion stops before
 * the first character that does not fit whole, so a surrogate pair or a
 * UTF-8 sequence is never split; the return value still reports the size
 * of the complete conversion.
 *
 * Both are O(n), read nothing past n, and cannot overflow: UTF-8 -> UTF-16
 * never needs more units than input bytes; UTF-16 -> UTF-8 needs at most
 * 3 bytes per unit and saturates at SIZE_MAX (only reachable with inputs
 * larger than any real buffer).
 */
#ifndef VDA_TEXT_H
#define VDA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDA_REPLACEMENT_CHAR 0xFFFDu

/* UTF-8 (n bytes) -> UTF-16.  Returns the number of UTF-16 units of the
 * complete conversion, without the terminating NUL (always <= n).  out NULL
 * only sizes.  Otherwise at most out_cap units are written including a
 * terminating NUL, which is always written when out_cap > 0; the text
 * written is complete exactly when the return value is < out_cap.
 * Typical use: m = f(in, n, NULL, 0); buffer of m + 1 units; f(..., m + 1). */
size_t vda_utf8_to_utf16(const uint8_t *in, size_t n, uint16_t *out, size_t out_cap);

/* UTF-16 (at most n_units, stopping at the first NUL unit) -> UTF-8, as the
 * protocol carries it: NOT NUL-terminated.  Returns the exact byte length of
 * the complete conversion (no terminator counted or written).  out NULL only
 * sizes.  Otherwise whole sequences are written while they fit in out_cap
 * bytes; when the return value is <= out_cap, out holds exactly that many
 * bytes.  Typical use: m = f(in, n, NULL, 0); buffer of m bytes (m may be
 * 0); f(..., m). */
size_t vda_utf16_to_utf8(const uint16_t *in, size_t n_units, uint8_t *out, size_t out_cap);

/* Same as vda_utf16_to_utf8(), and *written (if not NULL) receives the
 * number of bytes actually written (< return value when truncated). */
size_t vda_utf16_to_utf8_ex(const uint16_t *in, size_t n_units, uint8_t *out, size_t out_cap,
                            size_t *written);

/* UTF-8 arriving in pieces (a client's clipboard stream) -> UTF-16, written
 * as the pieces come so the whole UTF-8 text is never held: the result is
 * exactly vda_utf8_to_utf16() of the pieces joined. A piece may end inside a
 * character; up to 3 bytes of it are carried into the next piece. Everything
 * after a NUL byte is dropped, as in vda_utf8_to_utf16().
 * The caller sizes out for the whole stream: cap >= its byte count + 1
 * units (UTF-8 never needs more units than bytes). */
typedef struct vda_utf8_stream {
  uint16_t *out;
  size_t cap;   /* units at out, the NUL included */
  size_t units; /* written so far, without the NUL */
  uint8_t carry[3];
  uint8_t ncarry;
  bool ended;    /* a NUL was seen: the rest is not text */
  bool overflow; /* more units than cap allowed: the output is unusable */
} vda_utf8_stream;

void vda_utf8_stream_init(vda_utf8_stream *s, uint16_t *out, size_t cap);
void vda_utf8_stream_feed(vda_utf8_stream *s, const uint8_t *in, size_t n);
/* Ends the stream (a character still cut short becomes U+FFFD) and writes
 * the NUL. False when out was too small; else *units is the text's length
 * in units, without the NUL. */
bool vda_utf8_stream_end(vda_utf8_stream *s, size_t *units);

#endif /* VDA_TEXT_H */
