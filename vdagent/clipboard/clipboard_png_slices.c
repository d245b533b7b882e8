/* clipboard_png_slices.c - DIB -> PNG, the agent's own path
 * (vda_dib_to_png; see clipboard_image.h): the image cut into slices that
 * are filtered and deflated on two threads, and the PNG container written
 * here around zlib's output. vda_dib_to_png_with (clipboard_png.c) keeps
 * libpng's encoder for the settings benchmark. */
#include "clipboard_image.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <zlib.h>

/* libpng writes one zlib stream from one thread, and zlib alone (the
 * Huffman coding of every byte of a photo) then takes longer than the
 * clipboard may wait. The image is cut into horizontal slices instead, each
 * Up-filtered and deflated on its own thread as a raw deflate stream; every
 * slice but the last ends with a sync flush (byte aligned, not final), so
 * the slices concatenate into one valid zlib stream whose Adler-32 is
 * combined from theirs. Each slice picks its own setting from a sample of
 * its rows (see slice_pick), so flat content pays one pass, not two. */

/* Two threads: the guest's CPUs are few and shared; with one CPU the
 * slices merely run one after the other. */
#define ENC_SLICES 2u
/* Smaller images are not worth a thread. */
#define ENC_SLICE_MIN (1u << 20)
/* One row in ENC_SAMPLE_STEP is deflated to pick a slice's setting: prime, so
 * that no power-of-two layout (bands of 32 rows...) aliases with it. */
#define ENC_SAMPLE_STEP 31u
#define ENC_OUT_MIN (64u << 10)

typedef struct {
  const vda_dib_view *v;
  uint32_t y0, y1; /* rows [y0, y1), 0 = top */
  bool last;
  size_t rowbytes;     /* PNG row without its filter byte */
  bool direct;         /* vda_dib_rows_direct */
  uint8_t *cur, *prev; /* converted rows (R G B [A]); prev zeros if direct */
  uint8_t *line;       /* filter byte + Up-filtered row */
  uint8_t *out;        /* raw deflate data, owned until assembled */
  size_t len, cap, max;
  uLong adler; /* of the slice's filtered rows */
  bool z_live;
  z_stream z;
  const char *why; /* NULL while all is well */
} enc_slice;

static const uint8_t *dib_row(const vda_dib_view *v, uint32_t y)
{
  return v->bits + (size_t)(v->top_down ? y : v->height - 1u - y) * v->stride;
}

/* s->line = filter byte + row y Up-filtered, in PNG byte order.
 * Direct rows (vda_dib_rows_direct) are filtered straight from the DIB, reordering
 * B G R [A/X] on the way, in one pass; other DIBs go through
 * vda_dib_row_rgba, with s->prev holding row y - 1 (slice_seek). */
static void slice_filter(enc_slice *s, uint32_t y)
{
  const vda_dib_view *v = s->v;
  uint8_t *o = s->line + 1;
  s->line[0] = 2; /* PNG filter type Up */
  if (!s->direct) {
    uint8_t *t = s->cur;
    vda_dib_row_png(v, y, s->cur);
    for (size_t i = 0; i < s->rowbytes; i++)
      o[i] = (uint8_t)(s->cur[i] - s->prev[i]);
    s->cur = s->prev;
    s->prev = t;
    return;
  }
  const uint8_t *c = dib_row(v, y), *p = y ? dib_row(v, y - 1u) : s->prev; /* zeros */
  if (v->bpp == 24) {
    for (uint32_t x = 0; x < v->width; x++, c += 3, p += 3, o += 3) {
      o[0] = (uint8_t)(c[2] - p[2]);
      o[1] = (uint8_t)(c[1] - p[1]);
      o[2] = (uint8_t)(c[0] - p[0]);
    }
  } else if (v->has_alpha) {
    for (uint32_t x = 0; x < v->width; x++, c += 4, p += 4, o += 4) {
      o[0] = (uint8_t)(c[2] - p[2]);
      o[1] = (uint8_t)(c[1] - p[1]);
      o[2] = (uint8_t)(c[0] - p[0]);
      o[3] = (uint8_t)(c[3] - p[3]);
    }
  } else {
    for (uint32_t x = 0; x < v->width; x++, c += 4, p += 4, o += 3) {
      o[0] = (uint8_t)(c[2] - p[2]);
      o[1] = (uint8_t)(c[1] - p[1]);
      o[2] = (uint8_t)(c[0] - p[0]);
    }
  }
}

/* Before filtering row y after anything but row y - 1: for converted rows,
 * s->prev = row y - 1 (the row above the image is zeros). */
static void slice_seek(enc_slice *s, uint32_t y)
{
  if (s->direct)
    return;
  if (y == 0) {
    memset(s->prev, 0, s->rowbytes);
    return;
  }
  slice_filter(s, y - 1u); /* leaves row y - 1 in s->prev */
}

/* Runs deflate until it has taken the input and, for a flush, emitted all
 * it holds, growing s->out. */
static bool slice_deflate(enc_slice *s, int flush)
{
  for (;;) {
    if (s->len == s->cap) {
      if (s->cap >= s->max) {
        s->why = "PNG larger than the clipboard limit";
        return false;
      }
      size_t cap = s->cap > s->max / 2 ? s->max : s->cap * 2;
      uint8_t *nb = realloc(s->out, cap);
      if (!nb) {
        s->why = "out of memory";
        return false;
      }
      s->out = nb;
      s->cap = cap;
    }
    s->z.next_out = s->out + s->len;
    s->z.avail_out = (uInt)(s->cap - s->len < UINT32_MAX ? s->cap - s->len : UINT32_MAX);
    int rc = deflate(&s->z, flush);
    s->len = (size_t)(s->z.next_out - s->out);
    if (rc == Z_STREAM_END)
      return true;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s->why = "PNG encoder error";
      return false;
    }
    /* Done when the input is taken and deflate left output room unused. */
    if (s->z.avail_in == 0 && s->z.avail_out != 0 && flush != Z_FINISH)
      return true;
  }
}

static bool slice_start(enc_slice *s, const vda_png_settings *set)
{
  if (s->z_live)
    deflateEnd(&s->z);
  memset(&s->z, 0, sizeof s->z);
  int level = set->level >= 0 ? set->level : Z_DEFAULT_COMPRESSION;
  /* libpng's default for filtered rows */
  int strategy = set->strategy >= 0 ? set->strategy : Z_FILTERED;
  /* Raw deflate (negative window bits): the zlib header and trailer are
   * written once for all the slices. */
  if (deflateInit2(&s->z, level, Z_DEFLATED, -15, 8, strategy) != Z_OK) {
    s->why = "out of memory";
    return false;
  }
  s->z_live = true;
  return true;
}

/* Deflates what s->z holds into s->out as scratch (only the count of
 * bytes out matters): until the input is taken, or for Z_FINISH until the
 * stream ends. */
static bool count_deflate(enc_slice *s, int flush, uint64_t *packed)
{
  do {
    s->z.next_out = s->out;
    s->z.avail_out = (uInt)s->cap;
    if (deflate(&s->z, flush) == Z_STREAM_ERROR) {
      s->why = "PNG encoder error";
      return false;
    }
    *packed += (uInt)s->cap - s->z.avail_out;
  } while (flush == Z_FINISH ? s->z.avail_out == 0 : s->z.avail_in != 0);
  return true;
}

/* The fast setting on every ENC_SAMPLE_STEP-th row: when that is at most
 * 1/VDA_PNG_DENSE_RATIO of those rows' DIB bytes (flat content, where
 * level 6 is fast and several times smaller), the slice is dense. Also
 * sizes s->out from the sample. */
static bool slice_pick(enc_slice *s, const vda_png_settings **set)
{
  uint64_t sampled = 0, packed = 0;
  if (!slice_start(s, &vda_png_fast))
    return false;
  /* Off the slice's first row: the image's top row is filtered against
   * zeros, so it looks like a photo even on a flat screen. */
  uint32_t first = s->y1 - s->y0 > ENC_SAMPLE_STEP ? s->y0 + ENC_SAMPLE_STEP / 2u : s->y0;
  for (uint32_t y = first; y < s->y1; y += ENC_SAMPLE_STEP) {
    slice_seek(s, y);
    slice_filter(s, y);
    s->z.next_in = s->line;
    s->z.avail_in = (uInt)(1u + s->rowbytes);
    if (!count_deflate(s, Z_NO_FLUSH, &packed))
      return false;
    sampled += s->v->stride;
  }
  if (!count_deflate(s, Z_FINISH, &packed))
    return false;
  *set = packed * VDA_PNG_DENSE_RATIO <= sampled ? &vda_png_dense : &vda_png_fast;

  /* The fast setting's estimate, with a margin: few or no reallocations. */
  uint64_t est = packed * ENC_SAMPLE_STEP * 5u / 4u + ENC_OUT_MIN;
  if (est > s->max)
    est = s->max;
  if (est > s->cap) {
    uint8_t *nb = realloc(s->out, (size_t)est);
    if (!nb) {
      s->why = "out of memory";
      return false;
    }
    s->out = nb;
    s->cap = (size_t)est;
  }
  return true;
}

static void slice_run(enc_slice *s)
{
  const vda_png_settings *set;
  s->cap = ENC_OUT_MIN < s->max ? ENC_OUT_MIN : s->max;
  /* width * 4: a zero DIB row, for row 0 of direct DIBs */
  s->cur = malloc((size_t)s->v->width * 4u);
  s->prev = calloc(1, (size_t)s->v->width * 4u);
  s->line = malloc(1u + s->rowbytes);
  s->out = malloc(s->cap);
  if (!s->cur || !s->prev || !s->line || !s->out) {
    s->why = "out of memory";
    return;
  }
  if (!slice_pick(s, &set) || !slice_start(s, set))
    return;
  s->adler = adler32(0, NULL, 0);
  slice_seek(s, s->y0);
  for (uint32_t y = s->y0; y < s->y1; y++) {
    slice_filter(s, y);
    s->adler = adler32(s->adler, s->line, (uInt)(1u + s->rowbytes));
    s->z.next_in = s->line;
    s->z.avail_in = (uInt)(1u + s->rowbytes);
    if (!slice_deflate(s, Z_NO_FLUSH))
      return;
  }
  slice_deflate(s, s->last ? Z_FINISH : Z_SYNC_FLUSH);
}

static DWORD WINAPI slice_thread(LPVOID arg)
{
  slice_run(arg);
  return 0;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
  return p + 4;
}

static uint8_t *put_bytes(uint8_t *p, const uint8_t *data, size_t n)
{
  if (n) /* data may be NULL then */
    memcpy(p, data, n);
  return p + n;
}

/* One chunk: length, type, its data given in up to three pieces, CRC. */
static uint8_t *put_chunk(uint8_t *p, const char *type, const uint8_t *a, size_t na,
                          const uint8_t *b, size_t nb, const uint8_t *c, size_t nc)
{
  p = put32(p, (uint32_t)(na + nb + nc));
  uint8_t *typed = p;
  p = put_bytes(p, (const uint8_t *)type, 4);
  p = put_bytes(put_bytes(put_bytes(p, a, na), b, nb), c, nc);
  return put32(p, (uint32_t)crc32(crc32(0, NULL, 0), typed, (uInt)(p - typed)));
}

bool vda_dib_to_png(const uint8_t *dib, size_t len, size_t max_out, uint8_t **png, size_t *png_len,
                    const char **why)
{
  /* CMF: deflate, 32 KiB window; FLG: level "fastest" (informative only)
   * and the check bits that make the pair a multiple of 31. */
  static const uint8_t zlib_header[2] = {0x78, 0x01};
  static const uint8_t srgb[1] = {PNG_sRGB_INTENT_PERCEPTUAL};
  vda_dib_view v;
  enc_slice s[ENC_SLICES];
  HANDLE th[ENC_SLICES] = {NULL};
  unsigned n = 1;
  size_t rowbytes, total = 8u + 25u + 13u + 12u; /* signature, IHDR, sRGB, IEND */
  uLong adler;
  uint8_t ihdr[13], trailer[4], *out = NULL, *p;
  const char *reason = "PNG encoder error";

  memset(s, 0, sizeof s);
  *png = NULL;
  *png_len = 0;
  if (!vda_dib_parse(dib, len, 0, max_out, &v, &reason))
    goto out;
  rowbytes = (size_t)v.width * (v.has_alpha ? 4u : 3u);
  if (rowbytes * v.height >= ENC_SLICE_MIN)
    n = ENC_SLICES;
  for (unsigned i = 0; i < n; i++) {
    s[i].v = &v;
    s[i].y0 = (uint32_t)((uint64_t)v.height * i / n);
    s[i].y1 = (uint32_t)((uint64_t)v.height * (i + 1u) / n);
    s[i].last = i + 1u == n;
    s[i].rowbytes = rowbytes;
    s[i].direct = vda_dib_rows_direct(&v);
    s[i].max = max_out;
  }
  /* Slice 0 on this thread; a slice whose thread cannot start runs here
   * after it. */
  for (unsigned i = 1; i < n; i++)
    th[i] = CreateThread(NULL, 0, slice_thread, &s[i], 0, NULL);
  slice_run(&s[0]);
  for (unsigned i = 1; i < n; i++) {
    if (th[i]) {
      WaitForSingleObject(th[i], INFINITE);
      CloseHandle(th[i]);
    } else {
      slice_run(&s[i]);
    }
  }

  /* One IDAT per slice, the first with the zlib header, the last with the
   * Adler-32 of them all. */
  adler = s[0].adler;
  for (unsigned i = 0; i < n; i++) {
    size_t chunk = 12u + (i == 0 ? 2u : 0u) + (s[i].last ? 4u : 0u);
    if (s[i].why) {
      reason = s[i].why;
      goto out;
    }
    if (s[i].len > PNG_UINT_31_MAX - 6u || total + chunk > max_out ||
        s[i].len > max_out - total - chunk) {
      reason = "PNG larger than the clipboard limit";
      goto out;
    }
    total += chunk + s[i].len;
    if (i > 0)
      adler = adler32_combine(adler, s[i].adler,
                              (z_off_t)((uint64_t)(s[i].y1 - s[i].y0) * (1u + rowbytes)));
  }
  out = malloc(total);
  if (!out) {
    reason = "out of memory";
    goto out;
  }
  put32(ihdr, v.width);
  put32(ihdr + 4, v.height);
  ihdr[8] = 8;                        /* bits per sample */
  ihdr[9] = v.has_alpha ? 6u : 2u;    /* RGBA : RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, filter set 0, not interlaced */
  put32(trailer, (uint32_t)adler);
  p = put_bytes(out, vda_png_signature, 8);
  p = put_chunk(p, "IHDR", ihdr, sizeof ihdr, NULL, 0, NULL, 0);
  p = put_chunk(p, "sRGB", srgb, sizeof srgb, NULL, 0, NULL, 0);
  for (unsigned i = 0; i < n; i++)
    p = put_chunk(p, "IDAT", zlib_header, i == 0 ? sizeof zlib_header : 0u, s[i].out, s[i].len,
                  trailer, s[i].last ? sizeof trailer : 0u);
  put_chunk(p, "IEND", NULL, 0, NULL, 0, NULL, 0);
  *png = out;
  *png_len = total;
  out = NULL;
out:
  for (unsigned i = 0; i < n; i++) {
    if (s[i].z_live)
      deflateEnd(&s[i].z);
    free(s[i].cur);
    free(s[i].prev);
    free(s[i].line);
    free(s[i].out);
  }
  free(out);
  if (!*png)
    *why = reason;
  return *png != NULL;
}
