/* clipboard_png.c - PNG <-> DIB with libpng; see clipboard_image.h.
 *
 * libpng reports errors by longjmp.  Each conversion runs libpng inside a
 * small *_run() function that holds the setjmp and does nothing after a
 * longjmp but return false; everything that must survive (buffers to free,
 * the reason) lives in a context owned by the caller, so no local variable
 * of the setjmp frame is read after a longjmp (C17 7.13.2.1) and the caller
 * has a single cleanup path. */
#include "clipboard_image.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* Ancillary chunks (text, iCCP...) are irrelevant to a clipboard copy:
 * bound what a hostile one can make libpng allocate. */
#define PNG_CHUNK_MALLOC_MAX (8u << 20)
#define PNG_CHUNK_CACHE_MAX 64u

const uint8_t vda_png_signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};

static uint32_t be32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* libpng's messages may live in its stack buffers: callers report their
 * own static reasons instead. */
static void PNGCBAPI on_error(png_structp png, png_const_charp msg)
{
  (void)msg;
  png_longjmp(png, 1);
}

static void PNGCBAPI on_warning(png_structp png, png_const_charp msg)
{
  (void)png;
  (void)msg; /* ancillary problems: the image is still usable */
}

bool vda_png_probe(const uint8_t *png, size_t len, size_t max_out, uint32_t *width,
                   uint32_t *height, const char **why)
{
  *width = *height = 0;
  /* Signature, then IHDR first: length 13, type, width, height... */
  if (len < 8 || memcmp(png, vda_png_signature, 8) != 0) {
    *why = "not a PNG (bad signature)";
    return false;
  }
  if (len < 8 + 8 + 13 + 4) {
    *why = "truncated PNG";
    return false;
  }
  if (be32(png + 8) != 13 || memcmp(png + 12, "IHDR", 4) != 0) {
    *why = "malformed PNG (no IHDR first)";
    return false;
  }
  uint32_t w = be32(png + 16), h = be32(png + 20);
  if (!vda_image_size_ok(w, h, 0, max_out, why))
    return false;
  *width = w;
  *height = h;
  return true;
}

/* ---- PNG -> DIB ---- */

typedef struct {
  const uint8_t *in;
  size_t len, pos;
  size_t max_out;
  bool v5;
  uint8_t *dib; /* owned until handed to the caller */
  size_t dib_len;
  png_bytep *rows;
  bool has_alpha;
  const char *why;
} png_dec;

static void PNGCBAPI dec_read(png_structp png, png_bytep out, size_t n)
{
  png_dec *d = png_get_io_ptr(png);
  if (n > d->len - d->pos) {
    d->why = "truncated PNG";
    png_error(png, "truncated");
  }
  memcpy(out, d->in + d->pos, n);
  d->pos += n;
}

static void write_dib_header(png_dec *d, uint32_t w, uint32_t h, unsigned bpp, size_t image_bytes)
{
  if (d->v5) {
    BITMAPV5HEADER b;
    memset(&b, 0, sizeof b);
    b.bV5Size = sizeof b;
    b.bV5Width = (LONG)w;
    b.bV5Height = (LONG)h; /* positive: bottom-up */
    b.bV5Planes = 1;
    b.bV5BitCount = 32;
    b.bV5Compression = BI_BITFIELDS;
    b.bV5SizeImage = (DWORD)image_bytes;
    b.bV5RedMask = 0x00FF0000;
    b.bV5GreenMask = 0x0000FF00;
    b.bV5BlueMask = 0x000000FF;
    b.bV5AlphaMask = 0xFF000000u;
    b.bV5CSType = VDA_LCS_SRGB;
    b.bV5Intent = LCS_GM_IMAGES;
    memcpy(d->dib, &b, sizeof b);
  } else {
    BITMAPINFOHEADER b;
    memset(&b, 0, sizeof b);
    b.biSize = sizeof b;
    b.biWidth = (LONG)w;
    b.biHeight = (LONG)h;
    b.biPlanes = 1;
    b.biBitCount = (WORD)bpp;
    b.biCompression = BI_RGB;
    b.biSizeImage = (DWORD)image_bytes;
    memcpy(d->dib, &b, sizeof b);
  }
}

static bool dec_run(png_structp png, png_infop info, png_dec *d)
{
  if (setjmp(png_jmpbuf(png)))
    return false;
  png_set_read_fn(png, d, dec_read);
  png_set_user_limits(png, VDA_IMAGE_MAX_DIM, VDA_IMAGE_MAX_DIM);
  png_set_chunk_malloc_max(png, PNG_CHUNK_MALLOC_MAX);
  png_set_chunk_cache_max(png, PNG_CHUNK_CACHE_MAX);
  png_read_info(png, info);

  uint32_t w = png_get_image_width(png, info);
  uint32_t h = png_get_image_height(png, info);
  int ctype = png_get_color_type(png, info);
  size_t hdr = d->v5 ? sizeof(BITMAPV5HEADER) : sizeof(BITMAPINFOHEADER);
  /* The probe saw the same IHDR; re-checked because it is what sizes the
     * buffer below. */
  if (!vda_image_size_ok(w, h, hdr, d->max_out, &d->why))
    return false;
  d->has_alpha = (ctype & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);

  /* Everything to 8-bit B, G, R[, A]: palette and low gray depths expand,
     * tRNS becomes alpha, 16-bit samples are rounded (not truncated). */
  png_set_expand(png);
  png_set_scale_16(png);
  png_set_gray_to_rgb(png);
  png_set_bgr(png);
  bool four = d->v5 || d->has_alpha;
  if (four && !d->has_alpha)
    png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  unsigned bytes_pp = four ? 4u : 3u;
  if (png_get_rowbytes(png, info) != (size_t)w * bytes_pp) {
    d->why = "unexpected PNG row layout";
    return false;
  }

  size_t stride = ((size_t)w * bytes_pp + 3u) & ~(size_t)3u;
  d->dib_len = hdr + stride * h;
  /* Zeroed: the row padding goes to the client, not stale heap bytes. */
  d->dib = calloc(1, d->dib_len);
  d->rows = malloc(h * sizeof *d->rows);
  if (!d->dib || !d->rows) {
    d->why = "out of memory";
    return false;
  }
  write_dib_header(d, w, h, bytes_pp * 8u, stride * h);
  for (uint32_t y = 0; y < h; y++)
    d->rows[y] = d->dib + hdr + (size_t)(h - 1u - y) * stride;
  png_read_image(png, d->rows);
  /* Up to IEND: a stream cut after the pixels is still refused. */
  png_read_end(png, NULL);
  return true;
}

bool vda_png_to_dib(const uint8_t *png, size_t len, size_t max_out, bool v5, uint8_t **dib,
                    size_t *dib_len, bool *has_alpha, const char **why)
{
  png_dec d = {.in = png, .len = len, .max_out = max_out, .v5 = v5, .why = "malformed PNG"};
  png_structp p = NULL;
  png_infop info = NULL;
  uint32_t w, h;
  bool ok = false;

  *dib = NULL;
  *dib_len = 0;
  *has_alpha = false;
  /* Dimensions come from the header before libpng allocates anything. */
  if (!vda_png_probe(png, len, max_out, &w, &h, &d.why))
    goto out;
  p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
  info = p ? png_create_info_struct(p) : NULL;
  if (!info) {
    d.why = "out of memory";
    goto out;
  }
  ok = dec_run(p, info, &d);
out:
  if (p)
    png_destroy_read_struct(&p, info ? &info : NULL, NULL);
  free(d.rows);
  if (ok) {
    *dib = d.dib;
    *dib_len = d.dib_len;
    *has_alpha = d.has_alpha;
  } else {
    free(d.dib);
    *why = d.why;
  }
  return ok;
}

/* ---- DIB -> PNG ---- */

typedef struct {
  const vda_dib_view *v;
  const vda_png_settings *set;
  bool direct;  /* rows_direct: set before setjmp, which may clobber locals */
  uint8_t *row; /* one RGBA row, for DIBs libpng cannot take as they are */
  uint8_t *buf; /* the PNG, owned until handed to the caller */
  size_t len, cap, max;
  const char *why;
} png_enc;

const vda_png_settings vda_png_libpng_defaults = {-1, -1, -1};
/* Chosen in docs/BENCHMARKS.md ("PNG encoder settings"). */
const vda_png_settings vda_png_fast = {1, PNG_FILTER_UP, 3 /* Z_RLE */};
const vda_png_settings vda_png_dense = {6, PNG_FILTER_UP, -1};

void vda_dib_row_png(const vda_dib_view *v, uint32_t y, uint8_t *out)
{
  vda_dib_row_rgba(v, y, out);
  if (!v->has_alpha) /* RGBA -> RGB in place */
    for (uint32_t x = 1; x < v->width; x++) {
      out[3u * x] = out[4u * x];
      out[3u * x + 1] = out[4u * x + 1];
      out[3u * x + 2] = out[4u * x + 2];
    }
}

bool vda_dib_rows_direct(const vda_dib_view *v)
{
  if (v->bpp == 24)
    return true;
  return v->bpp == 32 && v->masks[0] == 0x00FF0000u && v->masks[1] == 0x0000FF00u &&
         v->masks[2] == 0x000000FFu && (!v->has_alpha || v->masks[3] == 0xFF000000u);
}

static void PNGCBAPI enc_write(png_structp png, png_bytep data, size_t n)
{
  png_enc *e = png_get_io_ptr(png);
  if (n > e->max - e->len) {
    e->why = "PNG larger than the clipboard limit";
    png_error(png, "too large");
  }
  if (n > e->cap - e->len) {
    size_t cap = e->cap ? e->cap : 64u << 10;
    if (cap > e->max)
      cap = e->max;
    while (cap - e->len < n && cap < e->max)
      cap = cap > e->max / 2 ? e->max : cap * 2;
    uint8_t *nb = realloc(e->buf, cap);
    if (!nb) {
      e->why = "out of memory";
      png_error(png, "out of memory");
    }
    e->buf = nb;
    e->cap = cap;
  }
  memcpy(e->buf + e->len, data, n);
  e->len += n;
}

static void PNGCBAPI enc_flush(png_structp png)
{
  (void)png; /* memory sink */
}

static bool enc_run(png_structp png, png_infop info, png_enc *e)
{
  const vda_dib_view *v = e->v;
  const vda_png_settings *set = e->set;
  if (setjmp(png_jmpbuf(png)))
    return false;
  png_set_write_fn(png, e, enc_write, enc_flush);
  if (set->level >= 0)
    png_set_compression_level(png, set->level);
  if (set->filters >= 0)
    png_set_filter(png, PNG_FILTER_TYPE_BASE, set->filters);
  if (set->strategy >= 0)
    png_set_compression_strategy(png, set->strategy);
  png_set_IHDR(png, info, v->width, v->height, 8,
               v->has_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
  png_write_info(png, info);
  if (e->direct) {
    png_set_bgr(png);
    if (v->bpp == 32 && !v->has_alpha)
      png_set_filler(png, 0, PNG_FILLER_AFTER); /* drops the unused byte */
  }
  for (uint32_t y = 0; y < v->height; y++) {
    if (e->direct) {
      uint32_t sy = v->top_down ? y : v->height - 1u - y;
      png_write_row(png, v->bits + (size_t)sy * v->stride);
      continue;
    }
    vda_dib_row_png(v, y, e->row);
    png_write_row(png, e->row);
  }
  png_write_end(png, info);
  return true;
}

bool vda_dib_to_png_with(const uint8_t *dib, size_t len, size_t max_out,
                         const vda_png_settings *settings, uint8_t **png, size_t *png_len,
                         const char **why)
{
  vda_dib_view v;
  png_enc e = {.v = &v, .set = settings, .max = max_out, .why = "PNG encoder error"};
  png_structp p = NULL;
  png_infop info = NULL;
  bool ok = false;

  *png = NULL;
  *png_len = 0;
  if (!vda_dib_parse(dib, len, 0, max_out, &v, &e.why))
    goto out;
  e.direct = vda_dib_rows_direct(&v);
  e.row = e.direct ? NULL : malloc((size_t)v.width * 4u);
  p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
  info = p ? png_create_info_struct(p) : NULL;
  if ((!e.direct && !e.row) || !info) {
    e.why = "out of memory";
    goto out;
  }
  ok = enc_run(p, info, &e);
out:
  if (p)
    png_destroy_write_struct(&p, info ? &info : NULL);
  free(e.row);
  if (ok) {
    *png = e.buf;
    *png_len = e.len;
  } else {
    free(e.buf);
    *why = e.why;
  }
  return ok;
}
