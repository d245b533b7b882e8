/*
 * vda_text.c - UTF-8 <-> UTF-16 for clipboard text (see vda_text.h).
 */
#include "vda_text.h"

#include <stdbool.h>
#include <string.h>

/* What a lead byte b (>= 0x80) starts: *need continuation bytes, the first
 * of them in lo..hi (the others in 80..BF), and its payload bits in *cp.
 * False for a byte that starts nothing (80..BF stray continuation, C0/C1
 * always overlong, F5..FF never valid). */
static bool lead_shape(uint8_t b, unsigned *need, uint8_t *lo, uint8_t *hi, uint32_t *cp)
{
  *lo = 0x80;
  *hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    *need = 1;
    *cp = b & 0x1Fu;
  } else if (b >= 0xE0 && b <= 0xEF) {
    *need = 2;
    *cp = b & 0x0Fu;
    if (b == 0xE0)
      *lo = 0xA0; /* below: overlong */
    else if (b == 0xED)
      *hi = 0x9F; /* above: UTF-16 surrogates */
  } else if (b >= 0xF0 && b <= 0xF4) {
    *need = 3;
    *cp = b & 0x07u;
    if (b == 0xF0)
      *lo = 0x90; /* below: overlong */
    else if (b == 0xF4)
      *hi = 0x8F; /* above: > U+10FFFF */
  } else {
    return false;
  }
  return true;
}

/* Decode one code point at in[i] (in[i] != 0, i < n).  Returns the code
 * point (U+FFFD for an invalid subpart) and advances *i past what was
 * consumed.  On an invalid sequence only the maximal subpart is consumed:
 * the byte that broke it is decoded again on its own, which is what makes
 * "one U+FFFD per maximal subpart" hold. */
static uint32_t decode_utf8(const uint8_t *in, size_t n, size_t *i)
{
  uint8_t b = in[*i];
  uint32_t cp;
  unsigned need;
  uint8_t lo, hi; /* range of the first continuation byte */

  if (b < 0x80) {
    (*i)++;
    return b;
  }
  if (!lead_shape(b, &need, &lo, &hi, &cp)) {
    (*i)++; /* a subpart of length one */
    return VDA_REPLACEMENT_CHAR;
  }

  size_t j = *i + 1;
  for (unsigned k = 0; k < need; k++, j++) {
    if (j >= n) { /* cut short by the end of input */
      *i = j;
      return VDA_REPLACEMENT_CHAR;
    }
    uint8_t c = in[j];
    if (c < lo || c > hi) { /* cut short: c starts the next unit */
      *i = j;
      return VDA_REPLACEMENT_CHAR;
    }
    cp = (cp << 6) | (c & 0x3Fu);
    lo = 0x80;
    hi = 0xBF;
  }
  *i = j;
  return cp;
}

size_t vda_utf8_to_utf16(const uint8_t *in, size_t n, uint16_t *out, size_t out_cap)
{
  size_t need = 0;  /* units of the whole conversion */
  size_t wrote = 0; /* units written (excluding the NUL) */
  bool full = (out == NULL || out_cap == 0);
  size_t room = full ? 0 : out_cap - 1; /* one unit kept for the NUL */
  size_t i = 0;

  while (i < n && in[i] != 0) {
    /* Most pasted text is ASCII: a run of it needs no decoding, one unit
     * per byte (measured: the per-code-point path was ~0.8 s per 100 MiB). */
    if (in[i] < 0x80) {
      size_t end = i;
      while (end < n && in[end] != 0 && in[end] < 0x80)
        end++;
      size_t run = end - i;
      need += run;
      if (!full) {
        size_t fit = room - wrote < run ? room - wrote : run;
        for (size_t k = 0; k < fit; k++)
          out[wrote + k] = in[i + k];
        wrote += fit;
        full = fit < run;
      }
      i = end;
      continue;
    }
    uint32_t cp = decode_utf8(in, n, &i);
    size_t units = cp >= 0x10000u ? 2 : 1;
    /* Each unit comes from at least one input byte (a pair from four),
         * so need <= i <= n: no overflow. */
    need += units;
    if (full)
      continue;
    if (room - wrote < units) {
      full = true; /* never split a pair; stop writing for good */
      continue;
    }
    if (units == 2) {
      cp -= 0x10000u;
      out[wrote++] = (uint16_t)(0xD800u | (cp >> 10));
      out[wrote++] = (uint16_t)(0xDC00u | (cp & 0x3FFu));
    } else {
      out[wrote++] = (uint16_t)cp;
    }
  }
  if (out != NULL && out_cap > 0)
    out[wrote] = 0;
  return need;
}

size_t vda_utf16_to_utf8_ex(const uint16_t *in, size_t n_units, uint8_t *out, size_t out_cap,
                            size_t *written)
{
  size_t need = 0;
  size_t wrote = 0;
  bool full = (out == NULL);
  size_t i = 0;

  while (i < n_units && in[i] != 0) {
    /* An ASCII run: one byte per unit, no encoding (as in the other
     * direction). */
    if (in[i] < 0x80u) {
      size_t end = i;
      while (end < n_units && in[end] != 0 && in[end] < 0x80u)
        end++;
      size_t run = end - i;
      need = need > SIZE_MAX - run ? SIZE_MAX : need + run;
      if (!full) {
        size_t fit = out_cap - wrote < run ? out_cap - wrote : run;
        for (size_t k = 0; k < fit; k++)
          out[wrote + k] = (uint8_t)in[i + k];
        wrote += fit;
        full = fit < run;
      }
      i = end;
      continue;
    }
    uint32_t u = in[i++];
    uint32_t cp = u;
    if (u >= 0xD800u && u <= 0xDBFFu) {
      if (i < n_units && in[i] >= 0xDC00u && in[i] <= 0xDFFFu) {
        cp = 0x10000u + ((u - 0xD800u) << 10) + (in[i] - 0xDC00u);
        i++;
      } else {
        cp = VDA_REPLACEMENT_CHAR; /* high surrogate alone */
      }
    } else if (u >= 0xDC00u && u <= 0xDFFFu) {
      cp = VDA_REPLACEMENT_CHAR; /* low surrogate alone */
    }

    size_t len = cp < 0x80u ? 1 : cp < 0x800u ? 2 : cp < 0x10000u ? 3 : 4;
    if (need > SIZE_MAX - len)
      need = SIZE_MAX; /* saturate: the caller cannot allocate it */
    else
      need += len;
    if (full)
      continue;
    if (out_cap - wrote < len) {
      full = true; /* never split a sequence */
      continue;
    }
    uint8_t *p = out + wrote;
    switch (len) {
    case 1:
      p[0] = (uint8_t)cp;
      break;
    case 2:
      p[0] = (uint8_t)(0xC0u | (cp >> 6));
      p[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
      break;
    case 3:
      p[0] = (uint8_t)(0xE0u | (cp >> 12));
      p[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
      p[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
      break;
    default:
      p[0] = (uint8_t)(0xF0u | (cp >> 18));
      p[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
      p[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
      p[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
      break;
    }
    wrote += len;
  }
  if (written != NULL)
    *written = wrote;
  return need;
}

size_t vda_utf16_to_utf8(const uint16_t *in, size_t n_units, uint8_t *out, size_t out_cap)
{
  return vda_utf16_to_utf8_ex(in, n_units, out, out_cap, NULL);
}

/* --- UTF-8 in pieces ------------------------------------------------------ */

/* The length (0..3) of a character at the end of b[0..n) that is valid so
 * far but not complete: only more input can tell what it is, so it waits
 * for the next piece. Every other byte decodes the same whatever follows:
 * the decoder stops at any lead byte, so the text before one never reaches
 * into it. */
static size_t pending_tail(const uint8_t *b, size_t n)
{
  for (size_t back = 1; back <= 3 && back <= n; back++) {
    uint8_t c = b[n - back];
    unsigned need;
    uint8_t lo, hi;
    uint32_t cp;
    if (c >= 0x80 && c <= 0xBF)
      continue; /* a continuation: its lead is further back */
    if (c < 0x80 || !lead_shape(c, &need, &lo, &hi, &cp) || back - 1 >= need)
      return 0; /* nothing open, or the character is complete */
    for (size_t k = n - back + 1; k < n; k++) {
      if (b[k] < lo || b[k] > hi)
        return 0; /* broken already: decodes as U+FFFD now */
      lo = 0x80;
      hi = 0xBF;
    }
    return back;
  }
  return 0;
}

void vda_utf8_stream_init(vda_utf8_stream *s, uint16_t *out, size_t cap)
{
  *s = (vda_utf8_stream){.out = out, .cap = cap};
}

/* Converts in[0..n), which holds no open character at its end, behind what
 * is written. */
static void stream_convert(vda_utf8_stream *s, const uint8_t *in, size_t n)
{
  size_t room = s->cap - s->units;
  size_t need;
  if (s->ended || s->overflow || n == 0)
    return;
  need = vda_utf8_to_utf16(in, n, s->out + s->units, room);
  if (need >= room) {
    s->overflow = true;
    return;
  }
  s->units += need;
  if (memchr(in, 0, n))
    s->ended = true;
}

void vda_utf8_stream_feed(vda_utf8_stream *s, const uint8_t *in, size_t n)
{
  size_t tail;
  if (s->ended || s->overflow)
    return;
  if (s->ncarry) {
    /* The open character and the bytes that can finish it (4 at most). */
    uint8_t tmp[4];
    size_t take = n < 4u - s->ncarry ? n : 4u - s->ncarry, tn = s->ncarry + take, used = 0;
    memcpy(tmp, s->carry, s->ncarry);
    memcpy(tmp + s->ncarry, in, take);
    if (pending_tail(tmp, tn) == tn) { /* still open: a very short piece */
      memcpy(s->carry, tmp, tn);
      s->ncarry = (uint8_t)tn;
      return;
    }
    decode_utf8(tmp, tn, &used); /* where the open character ends */
    stream_convert(s, tmp, used);
    /* used >= ncarry: the carried bytes were valid, so only a byte of this
     * piece can end or break the character. */
    in += used - s->ncarry;
    n -= used - s->ncarry;
    s->ncarry = 0;
  }
  tail = pending_tail(in, n);
  stream_convert(s, in, n - tail);
  if (!s->ended && tail) {
    memcpy(s->carry, in + n - tail, tail);
    s->ncarry = (uint8_t)tail;
  }
}

bool vda_utf8_stream_end(vda_utf8_stream *s, size_t *units)
{
  /* Cut short by the end of the text: one U+FFFD, as for whole input. */
  stream_convert(s, s->carry, s->ncarry);
  s->ncarry = 0;
  if (s->overflow || s->units >= s->cap)
    return false;
  s->out[s->units] = 0;
  *units = s->units;
  return true;
}
