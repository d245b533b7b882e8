/* test_clipboard_image.c - PNG/BMP <-> DIB conversions (clipboard_image.h).
 *
 * Every PNG is made here with libpng's writer from known samples, and every
 * DIB by hand, so the expected pixels are computed independently of the
 * code under test; PNGs the module writes are read back with libpng's
 * simplified API, not with the module's own decoder. */
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <zlib.h>

#include "clipboard_image.h"
#include "vda_test.h"

#define MiB (1024u * 1024u)

static unsigned hsh(unsigned x, unsigned y, unsigned c)
{
  unsigned v = x * 73856093u ^ y * 19349663u ^ (c + 1u) * 83492791u;
  v ^= v >> 13;
  v *= 0x5bd1e995u;
  v ^= v >> 15;
  return v;
}

static void wr16(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void wr32(uint8_t *p, uint32_t v)
{
  wr16(p, v);
  wr16(p + 2, v >> 16);
}
static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- making PNGs ---- */

typedef struct {
  uint8_t *p;
  size_t len, cap;
} tbuf;

static void PNGCBAPI tb_write(png_structp png, png_bytep d, size_t n)
{
  tbuf *b = png_get_io_ptr(png);
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
}

static void PNGCBAPI tb_flush(png_structp png)
{
  (void)png;
}

typedef struct {
  const char *name;
  uint32_t w, h;
  int ctype, depth, interlace;
  int npal, ntrns; /* palette entries, tRNS entries (palette) */
  png_color pal[256];
  uint8_t trns[256];
  bool trns_color; /* tRNS for gray / RGB */
  png_color_16 tc;
  uint16_t *s; /* w * h * channels samples, top-down */
} pspec;

static int channels(int ctype)
{
  switch (ctype) {
  case PNG_COLOR_TYPE_GRAY_ALPHA:
    return 2;
  case PNG_COLOR_TYPE_RGB:
    return 3;
  case PNG_COLOR_TYPE_RGB_ALPHA:
    return 4;
  default:
    return 1;
  }
}

/* libpng's default error handling aborts: fine for the test's own PNGs. */
static uint8_t *make_png(const pspec *sp, size_t *len)
{
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  tbuf b = {NULL, 0, 0};
  int ch = channels(sp->ctype);
  size_t rowbytes = ((size_t)sp->w * (size_t)ch * (size_t)sp->depth + 7) / 8;
  uint8_t *pix = calloc(sp->h, rowbytes);
  png_bytep *rows = malloc(sp->h * sizeof *rows);

  png_set_write_fn(png, &b, tb_write, tb_flush);
  png_set_IHDR(png, info, sp->w, sp->h, sp->depth, sp->ctype, sp->interlace,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (sp->ctype == PNG_COLOR_TYPE_PALETTE)
    png_set_PLTE(png, info, sp->pal, sp->npal);
  if (sp->ntrns)
    png_set_tRNS(png, info, sp->trns, sp->ntrns, NULL);
  if (sp->trns_color)
    png_set_tRNS(png, info, NULL, 0, &sp->tc);
  for (uint32_t y = 0; y < sp->h; y++) {
    uint8_t *r = pix + y * rowbytes;
    rows[y] = r;
    for (uint32_t i = 0; i < sp->w * (uint32_t)ch; i++) {
      unsigned v = sp->s[(size_t)y * sp->w * (size_t)ch + i];
      if (sp->depth == 16) {
        r[2 * i] = (uint8_t)(v >> 8);
        r[2 * i + 1] = (uint8_t)v;
      } else if (sp->depth == 8) {
        r[i] = (uint8_t)v;
      } else {
        unsigned per = 8u / (unsigned)sp->depth;
        unsigned sh = (per - 1u - i % per) * (unsigned)sp->depth;
        r[i / per] |= (uint8_t)(v << sh);
      }
    }
  }
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  free(rows);
  free(pix);
  *len = b.len;
  return b.p;
}

/* Samples with known values: 16-bit ones are v * 257 so that the 8-bit
 * result is exactly v; (0,0) is transparent and (1,0) opaque wherever there
 * is alpha, so every alpha image really is translucent. */
static void gen_samples(pspec *sp)
{
  int ch = channels(sp->ctype);
  unsigned max = (1u << sp->depth) - 1u;
  sp->s = malloc((size_t)sp->w * sp->h * (size_t)ch * sizeof *sp->s);
  for (uint32_t y = 0; y < sp->h; y++)
    for (uint32_t x = 0; x < sp->w; x++)
      for (int c = 0; c < ch; c++) {
        unsigned v = hsh(x, y, (unsigned)c);
        bool alpha = (ch == 2 && c == 1) || (ch == 4 && c == 3);
        if (sp->ctype == PNG_COLOR_TYPE_PALETTE)
          v = (x == 0 && y == 0) ? 0 : v % (unsigned)sp->npal;
        else if (sp->depth == 16)
          v = (v % 256u) * 257u;
        else
          v %= max + 1u;
        if (alpha && y == 0 && x < 2)
          v = x == 0 ? 0 : max;
        sp->s[((size_t)y * sp->w + x) * (size_t)ch + (size_t)c] = (uint16_t)v;
      }
  if (sp->ctype == PNG_COLOR_TYPE_PALETTE)
    for (int i = 0; i < sp->npal; i++) {
      sp->pal[i].red = (uint8_t)hsh((unsigned)i, 1, 0);
      sp->pal[i].green = (uint8_t)hsh((unsigned)i, 2, 0);
      sp->pal[i].blue = (uint8_t)hsh((unsigned)i, 3, 0);
    }
  if (sp->ntrns)
    for (int i = 0; i < sp->ntrns; i++)
      sp->trns[i] = (uint8_t)(i * 37); /* index 0 transparent */
  if (sp->trns_color) {
    /* The colour of pixel (2,1): it occurs in the image. */
    const uint16_t *p = &sp->s[((size_t)1 * sp->w + 2) * (size_t)ch];
    if (ch == 1)
      sp->tc.gray = p[0];
    else {
      sp->tc.red = p[0];
      sp->tc.green = p[1];
      sp->tc.blue = p[2];
    }
  }
}

static uint8_t to8(const pspec *sp, unsigned v)
{
  if (sp->depth == 16)
    return (uint8_t)(v / 257u);
  return (uint8_t)(v * 255u / ((1u << sp->depth) - 1u));
}

static void expect_rgba(const pspec *sp, uint32_t x, uint32_t y, uint8_t o[4])
{
  int ch = channels(sp->ctype);
  const uint16_t *s = &sp->s[((size_t)y * sp->w + x) * (size_t)ch];
  o[3] = 0xFF;
  switch (sp->ctype) {
  case PNG_COLOR_TYPE_PALETTE:
    o[0] = sp->pal[s[0]].red;
    o[1] = sp->pal[s[0]].green;
    o[2] = sp->pal[s[0]].blue;
    if (s[0] < sp->ntrns)
      o[3] = sp->trns[s[0]];
    return;
  case PNG_COLOR_TYPE_GRAY:
  case PNG_COLOR_TYPE_GRAY_ALPHA:
    o[0] = o[1] = o[2] = to8(sp, s[0]);
    if (ch == 2)
      o[3] = to8(sp, s[1]);
    if (sp->trns_color && s[0] == sp->tc.gray)
      o[3] = 0;
    return;
  default:
    for (int c = 0; c < 3; c++)
      o[c] = to8(sp, s[c]);
    if (ch == 4)
      o[3] = to8(sp, s[3]);
    if (sp->trns_color && s[0] == sp->tc.red && s[1] == sp->tc.green && s[2] == sp->tc.blue)
      o[3] = 0;
  }
}

/* A decoded DIB against the spec: header fields and every pixel. */
static void check_png_dib(const pspec *sp, const uint8_t *dib, size_t len, bool v5, bool alpha)
{
  unsigned bpp = v5 || alpha ? 32 : 24;
  size_t hdr = v5 ? sizeof(BITMAPV5HEADER) : sizeof(BITMAPINFOHEADER);
  size_t stride = ((size_t)sp->w * bpp / 8 + 3) & ~(size_t)3;
  unsigned bad = 0;
  CHECK_EQ(len, hdr + stride * sp->h);
  if (len != hdr + stride * sp->h)
    return;
  CHECK_EQ(rd32(dib), hdr);
  CHECK_EQ(rd32(dib + 4), sp->w);
  CHECK_EQ(rd32(dib + 8), sp->h); /* positive: bottom-up */
  CHECK_EQ(dib[14], bpp);
  if (v5) {
    const BITMAPV5HEADER *b = (const BITMAPV5HEADER *)dib;
    CHECK_EQ(b->bV5Compression, BI_BITFIELDS);
    CHECK_EQ(b->bV5RedMask, 0x00FF0000u);
    CHECK_EQ(b->bV5GreenMask, 0x0000FF00u);
    CHECK_EQ(b->bV5BlueMask, 0x000000FFu);
    CHECK_EQ(b->bV5AlphaMask, 0xFF000000u);
    CHECK_EQ(b->bV5CSType, VDA_LCS_SRGB);
  } else {
    CHECK_EQ(rd32(dib + 16), BI_RGB);
  }
  for (uint32_t y = 0; y < sp->h; y++)
    for (uint32_t x = 0; x < sp->w; x++) {
      uint8_t e[4];
      const uint8_t *p = dib + hdr + (sp->h - 1 - y) * stride + x * bpp / 8;
      expect_rgba(sp, x, y, e);
      if (p[2] != e[0] || p[1] != e[1] || p[0] != e[2] || (bpp == 32 && p[3] != e[3])) {
        if (bad++ < 3)
          fprintf(stderr, "%s v5=%d (%u,%u): got %u,%u,%u,%u want %u,%u,%u,%u\n", sp->name, v5, x,
                  y, p[2], p[1], p[0], bpp == 32 ? p[3] : 255, e[0], e[1], e[2], e[3]);
      }
    }
  CHECK_EQ(bad, 0);
}

/* PNG written by the module -> RGBA with libpng's simplified reader. */
static uint8_t *read_png_rgba(const uint8_t *png, size_t len, uint32_t *w, uint32_t *h, bool *alpha)
{
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, png, len))
    return NULL;
  *alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  img.format = PNG_FORMAT_RGBA;
  uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
    free(buf);
    return NULL;
  }
  *w = img.width;
  *h = img.height;
  return buf;
}

static void run_png_case(pspec *sp)
{
  const char *why;
  size_t len, dl = 0, pl = 0, dl2 = 0;
  uint8_t *dib = NULL, *png2 = NULL, *dib2 = NULL;
  bool alpha = false, alpha2 = false;
  bool want_alpha = (sp->ctype & PNG_COLOR_MASK_ALPHA) || sp->ntrns || sp->trns_color;

  gen_samples(sp);
  uint8_t *png = make_png(sp, &len);
  for (int v5 = 0; v5 <= 1; v5++) {
    CHECK_ACCEPTED(vda_png_to_dib(png, len, 64 * MiB, v5, &dib, &dl, &alpha, &why), why);
    CHECK_EQ(alpha, want_alpha);
    if (dib)
      check_png_dib(sp, dib, dl, v5, alpha);
    /* Round trip DIB -> PNG -> DIB gives the same bytes. */
    CHECK_ACCEPTED(vda_dib_to_png(dib, dl, 64 * MiB, &png2, &pl, &why), why);
    CHECK_ACCEPTED(vda_png_to_dib(png2, pl, 64 * MiB, v5, &dib2, &dl2, &alpha2, &why), why);
    CHECK_EQ(alpha2, want_alpha);
    CHECK(dl == dl2 && dib && dib2 && memcmp(dib, dib2, dl) == 0);
    free(dib);
    free(png2);
    free(dib2);
    dib = png2 = dib2 = NULL;
  }
  free(png);
  free(sp->s);
}

static void png_cases(int interlace)
{
  static const struct {
    int ctype, depth, trns;
  } cases[] = {
      {PNG_COLOR_TYPE_GRAY, 1, 0},        {PNG_COLOR_TYPE_GRAY, 2, 0},
      {PNG_COLOR_TYPE_GRAY, 4, 0},        {PNG_COLOR_TYPE_GRAY, 8, 0},
      {PNG_COLOR_TYPE_GRAY, 16, 0},       {PNG_COLOR_TYPE_GRAY, 1, 1},
      {PNG_COLOR_TYPE_GRAY, 4, 1},        {PNG_COLOR_TYPE_GRAY, 8, 1},
      {PNG_COLOR_TYPE_GRAY, 16, 1},       {PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0},
      {PNG_COLOR_TYPE_GRAY_ALPHA, 16, 0}, {PNG_COLOR_TYPE_RGB, 8, 0},
      {PNG_COLOR_TYPE_RGB, 16, 0},        {PNG_COLOR_TYPE_RGB, 8, 1},
      {PNG_COLOR_TYPE_RGB, 16, 1},        {PNG_COLOR_TYPE_RGB_ALPHA, 8, 0},
      {PNG_COLOR_TYPE_RGB_ALPHA, 16, 0},  {PNG_COLOR_TYPE_PALETTE, 1, 0},
      {PNG_COLOR_TYPE_PALETTE, 2, 0},     {PNG_COLOR_TYPE_PALETTE, 4, 0},
      {PNG_COLOR_TYPE_PALETTE, 8, 0},     {PNG_COLOR_TYPE_PALETTE, 1, 1},
      {PNG_COLOR_TYPE_PALETTE, 2, 1},     {PNG_COLOR_TYPE_PALETTE, 4, 1},
      {PNG_COLOR_TYPE_PALETTE, 8, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char name[64];
    pspec sp;
    memset(&sp, 0, sizeof sp);
    snprintf(name, sizeof name, "ctype %d depth %d trns %d interlace %d", cases[i].ctype,
             cases[i].depth, cases[i].trns, interlace);
    sp.name = name;
    /* Odd sizes: sub-byte packing, row padding, every Adam7 pass. */
    sp.w = interlace ? 17 : 13;
    sp.h = interlace ? 11 : 7;
    sp.ctype = cases[i].ctype;
    sp.depth = cases[i].depth;
    sp.interlace = interlace;
    if (sp.ctype == PNG_COLOR_TYPE_PALETTE) {
      /* 8-bit: a partial palette, as real files have. */
      sp.npal = sp.depth == 8 ? 200 : 1 << sp.depth;
      sp.ntrns = cases[i].trns ? (sp.npal > 2 ? sp.npal / 2 : 1) : 0;
    } else {
      sp.trns_color = cases[i].trns;
    }
    run_png_case(&sp);
  }
}

static void test_png_color_types(void)
{
  png_cases(PNG_INTERLACE_NONE);
}
static void test_png_interlaced(void)
{
  png_cases(PNG_INTERLACE_ADAM7);
}

/* 16 -> 8 bits is rounded, not truncated: within 0.51 of v * 255 / 65535
 * (libpng's png_set_scale_16 misses exact rounding by 0.002 at some ties);
 * truncation (png_set_strip_16) would be 0.99 off for 0x00FF. */
static void test_png_16bit_rounding(void)
{
  static const uint16_t vals[] = {0,      1,      127,    128,    0x7F7F, 0x7FFF, 0x8000,
                                  0x80FF, 0x1234, 0xFEFF, 0xFF00, 0x00FF, 0x01FE, 0xFFFF};
  const char *why;
  size_t n = sizeof vals / sizeof vals[0], len, dl;
  uint8_t *dib = NULL;
  bool alpha;
  pspec sp;
  memset(&sp, 0, sizeof sp);
  sp.name = "gray16 rounding";
  sp.w = (uint32_t)n;
  sp.h = 1;
  sp.ctype = PNG_COLOR_TYPE_GRAY;
  sp.depth = 16;
  sp.s = (uint16_t *)vals;
  uint8_t *png = make_png(&sp, &len);
  CHECK_ACCEPTED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  for (size_t i = 0; dib && i < n; i++) {
    double exact = vals[i] * 255.0 / 65535.0;
    double got = dib[sizeof(BITMAPV5HEADER) + 4 * i];
    CHECK(got - exact < 0.51 && exact - got < 0.51);
  }
  CHECK(dib && dib[sizeof(BITMAPV5HEADER)] == 0 &&
        dib[sizeof(BITMAPV5HEADER) + 4 * (n - 1)] == 255);
  free(dib);
  free(png);
}

static uint8_t *small_png(int ctype, int interlace, size_t *len)
{
  pspec sp;
  memset(&sp, 0, sizeof sp);
  sp.name = "small";
  sp.w = 9;
  sp.h = 5;
  sp.ctype = ctype;
  sp.depth = 8;
  sp.interlace = interlace;
  if (ctype == PNG_COLOR_TYPE_PALETTE) {
    sp.npal = 16;
    sp.ntrns = 8;
  }
  gen_samples(&sp);
  uint8_t *png = make_png(&sp, len);
  free(sp.s);
  return png;
}

/* Every proper prefix of a valid PNG is refused cleanly (no crash, no
 * output, a reason), whether the cut is in the header, IDAT or before IEND. */
static void test_png_truncated(void)
{
  const int types[] = {PNG_COLOR_TYPE_RGB_ALPHA, PNG_COLOR_TYPE_PALETTE};
  for (int t = 0; t < 2; t++) {
    size_t len, dl;
    const char *why;
    bool alpha, all_refused = true, all_clean = true;
    uint8_t *png = small_png(types[t], PNG_INTERLACE_ADAM7, &len);
    for (size_t cut = 0; cut < len; cut++) {
      uint8_t *dib = (uint8_t *)1;
      uint8_t *part = malloc(cut ? cut : 1); /* exact size: overreads show */
      memcpy(part, png, cut);
      why = NULL;
      if (vda_png_to_dib(part, cut, MiB, true, &dib, &dl, &alpha, &why)) {
        all_refused = false;
        free(dib);
      } else if (dib != NULL || dl != 0 || !why || !*why) {
        all_clean = false;
      }
      free(part);
    }
    CHECK(all_refused);
    CHECK(all_clean);
    uint8_t *dib = NULL;
    CHECK_ACCEPTED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
    free(dib);
    free(png);
  }
}

/* Offset of the first chunk of this type (the length field). */
static size_t find_chunk(const uint8_t *png, size_t len, const char *type)
{
  size_t off = 8;
  while (off + 12 <= len) {
    uint32_t n = (uint32_t)png[off] << 24 | (uint32_t)png[off + 1] << 16 |
                 (uint32_t)png[off + 2] << 8 | png[off + 3];
    if (memcmp(png + off + 4, type, 4) == 0)
      return off;
    off += 12 + n;
  }
  return 0;
}

static void fix_crc(uint8_t *png, size_t chunk)
{
  uint32_t n = (uint32_t)png[chunk] << 24 | (uint32_t)png[chunk + 1] << 16 |
               (uint32_t)png[chunk + 2] << 8 | png[chunk + 3];
  uint32_t c = (uint32_t)crc32(0, png + chunk + 4, n + 4);
  uint8_t *p = png + chunk + 8 + n;
  p[0] = (uint8_t)(c >> 24);
  p[1] = (uint8_t)(c >> 16);
  p[2] = (uint8_t)(c >> 8);
  p[3] = (uint8_t)c;
}

static void test_png_corrupt(void)
{
  size_t len, dl;
  const char *why;
  bool alpha;
  uint8_t *dib = NULL;
  uint8_t *png = small_png(PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, &len);
  size_t ihdr = find_chunk(png, len, "IHDR"), idat = find_chunk(png, len, "IDAT");
  CHECK(ihdr == 8 && idat > ihdr);

  png[idat + 8 + 5] ^= 0x55; /* IDAT data: CRC mismatch */
  CHECK_REFUSED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  CHECK(dib == NULL);
  fix_crc(png, idat); /* CRC right, deflate stream wrong */
  CHECK_REFUSED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  free(png);

  png = small_png(PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, &len);
  png[ihdr + 8 + 13] ^= 1; /* IHDR CRC */
  CHECK_REFUSED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  png[ihdr + 8 + 13] ^= 1;
  png[ihdr + 8 + 9] = 7; /* colour type 7 does not exist */
  fix_crc(png, ihdr);
  CHECK_REFUSED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  png[ihdr + 8 + 9] = PNG_COLOR_TYPE_RGB;
  png[ihdr + 8 + 8] = 5; /* bit depth 5 */
  fix_crc(png, ihdr);
  CHECK_REFUSED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  png[0] = 'X'; /* signature */
  CHECK_REFUSED(vda_png_to_dib(png, len, MiB, true, &dib, &dl, &alpha, &why), why);
  CHECK(strstr(why, "signature") != NULL);
  free(png);
}

/* A PNG whose IHDR claims w x h: refused from the header, before libpng
 * runs or any pixel buffer exists (the reason says which limit). */
static void test_png_absurd_dimensions(void)
{
  static const struct {
    uint32_t w, h;
    size_t max;
    const char *word;
  } c[] = {
      {100000, 100000, 64 * MiB, "dimensions"},
      {16385, 1, 64 * MiB, "dimensions"},
      {1, 16385, 64 * MiB, "dimensions"},
      {0xFFFFFFFFu, 0xFFFFFFFFu, SIZE_MAX, "dimensions"},
      {10000, 10000, 64 * MiB, "clipboard limit"},
      {0, 5, 64 * MiB, "no pixels"},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    size_t len, dl;
    const char *why;
    bool alpha;
    uint32_t pw, ph;
    uint8_t *dib = NULL;
    uint8_t *png = small_png(PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, &len);
    for (int k = 0; k < 4; k++) {
      png[16 + k] = (uint8_t)(c[i].w >> (24 - 8 * k));
      png[20 + k] = (uint8_t)(c[i].h >> (24 - 8 * k));
    }
    fix_crc(png, 8);
    CHECK_REFUSED(vda_png_to_dib(png, len, c[i].max, true, &dib, &dl, &alpha, &why), why);
    CHECK(why && strstr(why, c[i].word) != NULL);
    CHECK_REFUSED(vda_png_probe(png, len, c[i].max, &pw, &ph, &why), why);
    free(png);
  }
  /* The probe accepts what the decoder accepts. */
  size_t len;
  const char *why;
  uint32_t pw, ph;
  uint8_t *png = small_png(PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, &len);
  CHECK_ACCEPTED(vda_png_probe(png, len, MiB, &pw, &ph, &why), why);
  CHECK(pw == 9 && ph == 5);
  free(png);
}

/* ---- DIBs made by hand ---- */

typedef struct {
  uint32_t hsize;
  uint32_t w, h;
  unsigned bpp;
  uint32_t comp;
  uint32_t masks[4];
  uint32_t clr_used;
  const uint8_t *pal; /* npal RGBQUADs */
  uint32_t npal;
  const uint32_t *vals; /* per pixel, top-down: index or packed value */
} dspec;

static uint8_t *build_dib(const dspec *d, bool top_down, size_t *len)
{
  size_t masks = d->comp == BI_BITFIELDS && d->hsize == 40 ? 12 : 0;
  size_t hdr = d->hsize + masks + 4u * d->npal;
  size_t stride = ((size_t)d->w * d->bpp + 31) / 32 * 4;
  uint8_t *p = calloc(1, hdr + stride * d->h);
  wr32(p, d->hsize);
  wr32(p + 4, d->w);
  wr32(p + 8, top_down ? (uint32_t) - (int32_t)d->h : d->h);
  wr16(p + 12, 1);
  wr16(p + 14, d->bpp);
  wr32(p + 16, d->comp);
  wr32(p + 20, (uint32_t)(stride * d->h));
  wr32(p + 32, d->clr_used);
  if (d->comp == BI_BITFIELDS || d->hsize > 40)
    for (int i = 0; i < 4; i++)
      if (40u + 4u * i + 4u <= d->hsize + masks && (i < 3 || d->hsize >= 56))
        wr32(p + 40 + 4 * i, d->masks[i]);
  if (d->hsize == sizeof(BITMAPV5HEADER))
    wr32(p + offsetof(BITMAPV5HEADER, bV5CSType), VDA_LCS_SRGB);
  if (d->npal)
    memcpy(p + d->hsize + masks, d->pal, 4u * d->npal);
  for (uint32_t y = 0; y < d->h; y++) {
    uint8_t *r = p + hdr + (top_down ? y : d->h - 1 - y) * stride;
    for (uint32_t x = 0; x < d->w; x++) {
      uint32_t v = d->vals[y * d->w + x];
      if (d->bpp <= 8) {
        unsigned per = 8 / d->bpp, sh = (per - 1 - x % per) * d->bpp;
        r[x / per] |= (uint8_t)(v << sh);
      } else if (d->bpp == 16) {
        wr16(r + 2 * x, v);
      } else if (d->bpp == 24) {
        r[3 * x] = (uint8_t)v; /* B G R */
        r[3 * x + 1] = (uint8_t)(v >> 8);
        r[3 * x + 2] = (uint8_t)(v >> 16);
      } else {
        wr32(r + 4 * x, v);
      }
    }
  }
  *len = hdr + stride * d->h;
  return p;
}

static uint8_t scale(uint32_t v, uint32_t max)
{
  return (uint8_t)((v * 255 + max / 2) / max);
}

/* The DIB, both orientations -> PNG (checked with libpng's reader) and ->
 * BMP -> DIB (identical bytes); exp is top-down RGBA. */
static void run_dib_case(const char *name, const dspec *d, const uint8_t *exp, bool want_alpha)
{
  for (int td = 0; td <= 1; td++) {
    size_t len, pl = 0, bl = 0, dl = 0;
    const char *why;
    uint8_t *png = NULL, *bmp = NULL, *back = NULL, *rgba = NULL;
    uint32_t w = 0, h = 0;
    bool alpha = !want_alpha;
    uint8_t *dib = build_dib(d, td, &len);
    CHECK_ACCEPTED(vda_dib_to_png(dib, len, 64 * MiB, &png, &pl, &why), why);
    if (png)
      rgba = read_png_rgba(png, pl, &w, &h, &alpha);
    CHECK(rgba != NULL);
    CHECK(w == d->w && h == d->h);
    CHECK_EQ(alpha, want_alpha);
    if (rgba && w == d->w && h == d->h) {
      unsigned bad = 0;
      for (size_t i = 0; i < (size_t)w * h * 4; i++)
        if (rgba[i] != exp[i] && bad++ < 3)
          fprintf(stderr, "%s top_down=%d byte %zu: got %u want %u\n", name, td, i, rgba[i],
                  exp[i]);
      CHECK_EQ(bad, 0);
    }
    CHECK_ACCEPTED(vda_dib_to_bmp(dib, len, 64 * MiB, &bmp, &bl, &why), why);
    CHECK(bmp && bl == len + 14 && bmp[0] == 'B' && bmp[1] == 'M' && rd32(bmp + 2) == bl &&
          rd32(bmp + 10) ==
              14 + d->hsize + 4u * d->npal + (d->comp == BI_BITFIELDS && d->hsize == 40 ? 12 : 0));
    CHECK_ACCEPTED(vda_bmp_to_dib(bmp, bl, 64 * MiB, &back, &dl, &why), why);
    CHECK(back && dl == len && memcmp(back, dib, len) == 0);
    free(dib);
    free(png);
    free(rgba);
    free(bmp);
    free(back);
  }
}

#define DW 11
#define DH 5

static void test_dib_palette(void)
{
  static const unsigned bpps[] = {1, 4, 8};
  for (int b = 0; b < 3; b++) {
    uint8_t pal[256 * 4], exp[DW * DH * 4];
    uint32_t vals[DW * DH];
    unsigned bpp = bpps[b];
    /* 8 bpp: biClrUsed 20, a short table. */
    uint32_t n = bpp == 8 ? 20 : 1u << bpp;
    for (uint32_t i = 0; i < n * 4; i++)
      pal[i] = (i % 4 == 3) ? 0 : (uint8_t)hsh(i, 7, 7);
    for (uint32_t i = 0; i < DW * DH; i++) {
      vals[i] = hsh(i, 1, 2) % n;
      exp[4 * i] = pal[4 * vals[i] + 2];
      exp[4 * i + 1] = pal[4 * vals[i] + 1];
      exp[4 * i + 2] = pal[4 * vals[i]];
      exp[4 * i + 3] = 255;
    }
    dspec d = {.hsize = 40,
               .w = DW,
               .h = DH,
               .bpp = bpp,
               .comp = BI_RGB,
               .clr_used = bpp == 8 ? n : 0,
               .pal = pal,
               .npal = n,
               .vals = vals};
    run_dib_case("palette", &d, exp, false);
  }
}

static void test_dib_16bpp(void)
{
  uint8_t exp[DW * DH * 4], exp2[DW * DH * 4];
  uint32_t vals[DW * DH];
  for (uint32_t i = 0; i < DW * DH; i++) {
    vals[i] = hsh(i, 3, 3) & 0xFFFF;
    /* 555 (top bit unused) */
    exp[4 * i] = scale((vals[i] >> 10) & 31, 31);
    exp[4 * i + 1] = scale((vals[i] >> 5) & 31, 31);
    exp[4 * i + 2] = scale(vals[i] & 31, 31);
    exp[4 * i + 3] = 255;
    /* 565 */
    exp2[4 * i] = scale(vals[i] >> 11, 31);
    exp2[4 * i + 1] = scale((vals[i] >> 5) & 63, 63);
    exp2[4 * i + 2] = scale(vals[i] & 31, 31);
    exp2[4 * i + 3] = 255;
  }
  dspec d = {.hsize = 40, .w = DW, .h = DH, .bpp = 16, .comp = BI_RGB, .vals = vals};
  run_dib_case("555", &d, exp, false);
  dspec d2 = {.hsize = 40,
              .w = DW,
              .h = DH,
              .bpp = 16,
              .comp = BI_BITFIELDS,
              .masks = {0xF800, 0x07E0, 0x001F, 0},
              .vals = vals};
  run_dib_case("565", &d2, exp2, false);
  d2.hsize = sizeof(BITMAPV4HEADER); /* masks inside a V4 header */
  run_dib_case("565 v4", &d2, exp2, false);
  CHECK_EQ(scale(16, 31), 132);
}

static void test_dib_24_32(void)
{
  uint8_t exp[DW * DH * 4], expa[DW * DH * 4];
  uint32_t vals[DW * DH], v0[DW * DH], vff[DW * DH], va[DW * DH], vx[DW * DH];
  for (uint32_t i = 0; i < DW * DH; i++) {
    uint32_t c = hsh(i, 5, 5) & 0xFFFFFF; /* 0xRRGGBB */
    uint8_t a = i == 0 ? 0 : i == 1 ? 255 : (uint8_t)hsh(i, 6, 6);
    vals[i] = c;
    v0[i] = c;                     /* reserved byte 0 */
    vff[i] = c | 0xFF000000u;      /* all opaque */
    va[i] = c | (uint32_t)a << 24; /* real alpha */
    /* R in the low byte: BI_BITFIELDS masks in another order. */
    vx[i] = (c >> 16) | (c & 0xFF00) | (c & 0xFF) << 16;
    exp[4 * i] = expa[4 * i] = (uint8_t)(c >> 16);
    exp[4 * i + 1] = expa[4 * i + 1] = (uint8_t)(c >> 8);
    exp[4 * i + 2] = expa[4 * i + 2] = (uint8_t)c;
    exp[4 * i + 3] = 255;
    expa[4 * i + 3] = a;
  }
  dspec d = {.hsize = 40, .w = DW, .h = DH, .bpp = 24, .comp = BI_RGB, .vals = vals};
  run_dib_case("24", &d, exp, false);
  d.clr_used = 3; /* an optional table to skip above 8 bpp */
  uint8_t junk[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  d.pal = junk;
  d.npal = 3;
  run_dib_case("24 + table", &d, exp, false);
  dspec d32 = {.hsize = 40, .w = DW, .h = DH, .bpp = 32, .comp = BI_RGB, .vals = v0};
  run_dib_case("32 BI_RGB alpha 0", &d32, exp, false);
  d32.vals = vff;
  run_dib_case("32 BI_RGB opaque", &d32, exp, false);
  d32.vals = va;
  run_dib_case("32 BI_RGB alpha", &d32, expa, true);
  dspec dx = {.hsize = 40,
              .w = DW,
              .h = DH,
              .bpp = 32,
              .comp = BI_BITFIELDS,
              .masks = {0xFF, 0xFF00, 0xFF0000, 0},
              .vals = vx};
  run_dib_case("32 bitfields RGBX", &dx, exp, false);
  dspec d5 = {.hsize = sizeof(BITMAPV5HEADER),
              .w = DW,
              .h = DH,
              .bpp = 32,
              .comp = BI_BITFIELDS,
              .masks = {0xFF0000, 0xFF00, 0xFF, 0xFF000000u},
              .vals = va};
  run_dib_case("32 V5 alpha", &d5, expa, true);
  d5.masks[3] = 0; /* V5 without an alpha mask: the byte is ignored */
  run_dib_case("32 V5 no alpha mask", &d5, exp, false);

  /* The module's V5 output reads back as the same V5 DIB. */
  const char *why;
  size_t len, pl = 0, dl = 0;
  bool alpha = false;
  uint8_t *png = NULL, *back = NULL;
  d5.masks[3] = 0xFF000000u;
  uint8_t *dib = build_dib(&d5, false, &len);
  CHECK_ACCEPTED(vda_dib_to_png(dib, len, MiB, &png, &pl, &why), why);
  CHECK_ACCEPTED(vda_png_to_dib(png, pl, MiB, true, &back, &dl, &alpha, &why), why);
  CHECK(alpha && back && dl == len &&
        memcmp(back + sizeof(BITMAPV5HEADER), dib + sizeof(BITMAPV5HEADER),
               len - sizeof(BITMAPV5HEADER)) == 0);
  free(dib);
  free(png);
  free(back);
}

static uint8_t *plain_dib(size_t *len)
{
  static uint32_t vals[DW * DH];
  dspec d = {.hsize = 40, .w = DW, .h = DH, .bpp = 24, .comp = BI_RGB, .vals = vals};
  return build_dib(&d, false, len);
}

/* One DIB through vda_dib_to_png_with with each setting of sets[]: every
 * PNG reads back as exp; sizes[] gets each PNG's length. */
static void encode_each(const uint8_t *dib, size_t len, const uint8_t *exp, uint32_t w, uint32_t h,
                        const vda_png_settings *const *sets, size_t n, size_t *sizes)
{
  for (size_t k = 0; k < n; k++) {
    const char *why;
    uint8_t *png = NULL, *rgba = NULL;
    uint32_t pw = 0, ph = 0;
    bool alpha = true;
    sizes[k] = 0;
    CHECK_ACCEPTED(vda_dib_to_png_with(dib, len, 64 * MiB, sets[k], &png, &sizes[k], &why), why);
    if (png)
      rgba = read_png_rgba(png, sizes[k], &pw, &ph, &alpha);
    CHECK(rgba && pw == w && ph == h && !alpha && memcmp(rgba, exp, (size_t)w * h * 4) == 0);
    free(png);
    free(rgba);
  }
}

/* Every encoder setting gives the same pixels; they differ only in size.
 * vda_dib_to_png (its own zlib path, not libpng's encoder) compresses grainy
 * content like the fast setting and flat content like the dense one (a
 * sample of the rows at most 1/VDA_PNG_DENSE_RATIO of the DIB). */
/* A dense-setting PNG of this encoder against libpng's: the same deflate
 * setting, a few bytes of container and flush apart. */
static size_t sf_dense_bound(size_t libpng_dense)
{
  return libpng_dense + libpng_dense / 10 + 32;
}

static void test_png_settings(void)
{
  enum { W = 96, H = 64 };
  static uint32_t grainy[W * H], flat[W * H];
  static uint8_t exp_grainy[W * H * 4], exp_flat[W * H * 4];
  for (uint32_t i = 0; i < W * H; i++) {
    uint32_t x = i % W, y = i / W;
    uint32_t g = hsh(i, 7, 7) & 0x0F0F0F; /* grain of 4 bits per channel */
    grainy[i] = ((x * 2) << 16 | (y * 3) << 8 | 0x40) + g;
    flat[i] = (x / 32) * 0x402010u + (y / 16) * 0x102040u; /* blocks of one colour */
    for (int c = 0; c < 3; c++) {
      exp_grainy[4 * i + c] = (uint8_t)(grainy[i] >> (16 - 8 * c));
      exp_flat[4 * i + c] = (uint8_t)(flat[i] >> (16 - 8 * c));
    }
    exp_grainy[4 * i + 3] = exp_flat[4 * i + 3] = 255;
  }
  const vda_png_settings stored = {0, 0x08, -1};
  const vda_png_settings *sets[] = {&vda_png_libpng_defaults, &stored, &vda_png_fast,
                                    &vda_png_dense};
  size_t sg[4], sf[4], len, pl = 0;
  const char *why;
  uint8_t *png = NULL;

  dspec d = {.hsize = 40, .w = W, .h = H, .bpp = 24, .comp = BI_RGB, .vals = grainy};
  uint8_t *dib = build_dib(&d, false, &len);
  encode_each(dib, len, exp_grainy, W, H, sets, 4, sg);
  CHECK(sg[1] >= (size_t)H * (W * 3 + 1)); /* stored: every row byte and its filter byte */
  CHECK(sg[0] < sg[1] && sg[2] < sg[1]);
  CHECK(sg[2] > len / VDA_PNG_DENSE_RATIO); /* grainy: one pass */
  CHECK_ACCEPTED(vda_dib_to_png(dib, len, 64 * MiB, &png, &pl, &why), why);
  CHECK(pl <= sg[2] + sg[2] / 20); /* the fast setting's size */
  free(png);
  free(dib);

  png = NULL;
  d.vals = flat;
  dib = build_dib(&d, false, &len);
  encode_each(dib, len, exp_flat, W, H, sets, 4, sf);
  CHECK(sf[2] <= len / VDA_PNG_DENSE_RATIO && sf[3] < sf[2]); /* flat: the dense pass wins */
  CHECK_ACCEPTED(vda_dib_to_png(dib, len, 64 * MiB, &png, &pl, &why), why);
  CHECK(pl <= sf_dense_bound(sf[3]) && pl < sf[2]); /* the dense setting's size */
  free(png);
  free(dib);
}

/* Images of 1 MiB and more are encoded in two slices on two threads whose
 * deflate streams join into one (a sync flush between, one Adler-32 of
 * both): the pixels come back exact, and each half is compressed for its
 * own content (here a flat top and a grainy bottom). */
static void test_png_slices(void)
{
  enum { W = 1024, H = 400 }; /* 1.2 MB of 24-bit pixels */
  static uint32_t px[W * H];
  static uint8_t exp[W * H * 4];
  for (uint32_t i = 0; i < W * H; i++) {
    uint32_t x = i % W, y = i / W;
    px[i] = y < H / 2 ? (x / 128) * 0x201008u + (y / 50) * 0x081020u
                      : ((x & 0xFF) << 16 | (y & 0xFF) << 8) + (hsh(i, 3, 5) & 0x1F1F1F);
    for (int c = 0; c < 3; c++)
      exp[4 * i + c] = (uint8_t)(px[i] >> (16 - 8 * c));
    exp[4 * i + 3] = 255;
  }
  for (int top_down = 0; top_down < 2; top_down++) {
    dspec d = {.hsize = 40, .w = W, .h = H, .bpp = 24, .comp = BI_RGB, .vals = px};
    size_t len, pl = 0, fast = 0;
    const char *why;
    uint8_t *png = NULL, *ref = NULL, *rgba = NULL;
    uint8_t *dib = build_dib(&d, top_down, &len);
    uint32_t pw = 0, ph = 0;
    bool alpha = true;
    CHECK_ACCEPTED(vda_dib_to_png(dib, len, 64 * MiB, &png, &pl, &why), why);
    if (png)
      rgba = read_png_rgba(png, pl, &pw, &ph, &alpha);
    CHECK(rgba && pw == W && ph == H && !alpha && memcmp(rgba, exp, sizeof exp) == 0);
    /* the flat half dense: smaller than the fast setting over the whole */
    CHECK_ACCEPTED(vda_dib_to_png_with(dib, len, 64 * MiB, &vda_png_fast, &ref, &fast, &why), why);
    CHECK(pl < fast);
    /* a limit below the PNG's size is refused, not overrun */
    free(png);
    png = NULL;
    CHECK(!vda_dib_to_png(dib, len, pl / 2, &png, &pl, &why) && png == NULL);
    free(ref);
    free(rgba);
    free(dib);
  }
}

static void test_dib_malformed(void)
{
  const char *why;
  size_t len, pl, bl;
  uint8_t *png = NULL, *bmp = NULL;
  uint8_t *dib = plain_dib(&len);
  uint8_t *t = malloc(len + 64);
#define REFUSE(patch)                                                      \
  do {                                                                     \
    memcpy(t, dib, len);                                                   \
    patch;                                                                 \
    CHECK_REFUSED(vda_dib_to_png(t, len, 64 * MiB, &png, &pl, &why), why); \
    CHECK_REFUSED(vda_dib_to_bmp(t, len, 64 * MiB, &bmp, &bl, &why), why); \
    CHECK(png == NULL && bmp == NULL);                                     \
  } while (0)
  REFUSE(wr32(t + 8, DH + 1));                /* more rows than bytes */
  REFUSE(wr32(t + 8, (uint32_t) - (DH + 1))); /* same, top-down */
  REFUSE(wr32(t + 4, DW + 4));                /* wider than the bytes */
  REFUSE(wr32(t + 4, (uint32_t)-DW));         /* negative width */
  REFUSE(wr32(t + 4, 0));
  REFUSE(wr32(t + 8, 0));
  REFUSE(wr32(t + 8, 0x80000000u)); /* INT32_MIN height */
  REFUSE(wr32(t + 4, 16385));
  REFUSE(wr32(t + 4, 100000); wr32(t + 8, 100000));
  REFUSE(wr16(t + 12, 0)); /* zero planes */
  REFUSE(wr16(t + 14, 0)); /* bit counts */
  REFUSE(wr16(t + 14, 3));
  REFUSE(wr16(t + 14, 64));
  REFUSE(wr32(t + 16, BI_RLE8));
  REFUSE(wr32(t + 16, BI_RLE4));
  REFUSE(wr32(t + 16, BI_JPEG));
  REFUSE(wr32(t + 16, BI_PNG));
  REFUSE(wr32(t + 16, BI_BITFIELDS)); /* not for 24 bpp */
  REFUSE(wr32(t, 12));                /* OS/2 core header */
  REFUSE(wr32(t, 200));
  REFUSE(wr32(t, 0xFFFFFFFFu));
  REFUSE(wr32(t + 32, 0x7FFFFFFF));                     /* table beyond the data */
  REFUSE(wr16(t + 14, 8); wr32(t + 32, 300));           /* more colours than 8 bpp */
  REFUSE(wr16(t + 14, 32); wr32(t + 16, BI_BITFIELDS)); /* zero masks */
  REFUSE(wr16(t + 14, 16); wr32(t + 16, BI_BITFIELDS); wr32(t + 40, 0xF800); wr32(t + 44, 0x0FE0);
         wr32(t + 48, 0x1F)); /* overlap */
  REFUSE(wr16(t + 14, 16); wr32(t + 16, BI_BITFIELDS); wr32(t + 40, 0xF100); wr32(t + 44, 0x07E0);
         wr32(t + 48, 0x1F)); /* gaps */
  REFUSE(wr16(t + 14, 16); wr32(t + 16, BI_BITFIELDS); wr32(t + 40, 0xF8000); wr32(t + 44, 0x07E0);
         wr32(t + 48, 0x1F)); /* > 16 bits */
#undef REFUSE
  /* Short buffers. */
  for (size_t cut = 0; cut < len; cut += (cut < 60 ? 1 : 7))
    CHECK_REFUSED(vda_dib_to_png(dib, cut, 64 * MiB, &png, &pl, &why), why);
  /* Within the pixel limit but not the caller's: refused from the header. */
  CHECK_REFUSED(vda_dib_to_png(dib, len, DW * DH * 4 - 1, &png, &pl, &why), why);
  CHECK(strstr(why, "clipboard limit") != NULL);
  free(t);
  free(dib);
}

/* A PNG larger than max_out is refused while writing, not truncated. */
static void test_dib_png_output_limit(void)
{
  enum { N = 64 };
  static uint32_t vals[N * N];
  const char *why;
  size_t len, pl = 0;
  uint8_t *png = NULL;
  for (uint32_t i = 0; i < N * N; i++)
    vals[i] = hsh(i, 9, 9) | 0x01000000u; /* noise, translucent */
  dspec d = {.hsize = 40, .w = N, .h = N, .bpp = 32, .comp = BI_RGB, .vals = vals};
  uint8_t *dib = build_dib(&d, false, &len);
  CHECK_REFUSED(vda_dib_to_png(dib, len, N * N * 4, &png, &pl, &why), why);
  CHECK(png == NULL && pl == 0 && strstr(why, "PNG larger") != NULL);
  CHECK_ACCEPTED(vda_dib_to_png(dib, len, 64 * MiB, &png, &pl, &why), why);
  CHECK(pl > N * N * 4);
  free(png);
  free(dib);
}

static void test_bmp_files(void)
{
  const char *why;
  size_t len, dl = 0;
  uint8_t *out = NULL;
  uint8_t pal[16 * 4];
  uint32_t vals[DW * DH];
  for (int i = 0; i < 64; i++)
    pal[i] = (uint8_t)(i * 3);
  for (int i = 0; i < DW * DH; i++)
    vals[i] = (uint32_t)i % 16;
  dspec d = {.hsize = 40,
             .w = DW,
             .h = DH,
             .bpp = 4,
             .comp = BI_RGB,
             .pal = pal,
             .npal = 16,
             .vals = vals};
  uint8_t *dib = build_dib(&d, false, &len);
  size_t hdr = 40 + 64, gap = 10, fl = 14 + len + gap;
  uint8_t *f = calloc(1, fl);

  /* A file with a gap between colour table and pixels (bfOffBits says
     * where they are) gives the packed DIB. */
  f[0] = 'B';
  f[1] = 'M';
  wr32(f + 2, (uint32_t)fl);
  wr32(f + 10, (uint32_t)(14 + hdr + gap));
  memcpy(f + 14, dib, hdr);
  memset(f + 14 + hdr, 0xEE, gap);
  memcpy(f + 14 + hdr + gap, dib + hdr, len - hdr);
  CHECK_ACCEPTED(vda_bmp_to_dib(f, fl, MiB, &out, &dl, &why), why);
  CHECK(out && dl == len && memcmp(out, dib, len) == 0);
  free(out);
  out = NULL;

  f[1] = 'A';
  CHECK_REFUSED(vda_bmp_to_dib(f, fl, MiB, &out, &dl, &why), why);
  f[1] = 'M';
  wr32(f + 10, (uint32_t)fl + 1); /* pixels past the end */
  CHECK_REFUSED(vda_bmp_to_dib(f, fl, MiB, &out, &dl, &why), why);
  wr32(f + 10, 14 + 20); /* pixels inside the header */
  CHECK_REFUSED(vda_bmp_to_dib(f, fl, MiB, &out, &dl, &why), why);
  wr32(f + 10, 14);
  CHECK_REFUSED(vda_bmp_to_dib(f, fl, MiB, &out, &dl, &why), why);
  wr32(f + 10, (uint32_t)(14 + hdr + gap));
  CHECK_REFUSED(vda_bmp_to_dib(f, fl - 1, MiB, &out, &dl, &why), why); /* cut */
  CHECK_REFUSED(vda_bmp_to_dib(f, 10, MiB, &out, &dl, &why), why);
  CHECK_REFUSED(vda_bmp_to_dib(f, fl, 100, &out, &dl, &why), why); /* limit */
  CHECK(out == NULL);
  /* The output limit includes the file header (32 bpp: the DIB is
     * larger than width * height * 4, so only the output size decides). */
  dspec d32 = {.hsize = 40, .w = DW, .h = DH, .bpp = 32, .comp = BI_RGB, .vals = vals};
  size_t len32;
  uint8_t *dib32 = build_dib(&d32, true, &len32);
  CHECK_REFUSED(vda_dib_to_bmp(dib32, len32, len32 + 13, &out, &dl, &why), why);
  CHECK_ACCEPTED(vda_dib_to_bmp(dib32, len32, len32 + 14, &out, &dl, &why), why);
  CHECK_EQ(dl, len32 + 14);
  free(out);
  free(dib32);
  free(f);
  free(dib);
}

int main(void)
{
  RUN_TEST(test_png_color_types);
  RUN_TEST(test_png_interlaced);
  RUN_TEST(test_png_16bit_rounding);
  RUN_TEST(test_png_truncated);
  RUN_TEST(test_png_corrupt);
  RUN_TEST(test_png_absurd_dimensions);
  RUN_TEST(test_dib_palette);
  RUN_TEST(test_dib_16bpp);
  RUN_TEST(test_dib_24_32);
  RUN_TEST(test_png_settings);
  RUN_TEST(test_png_slices);
  RUN_TEST(test_dib_malformed);
  RUN_TEST(test_dib_png_output_limit);
  RUN_TEST(test_bmp_files);
  return vda_test_report("clipboard_image");
}
