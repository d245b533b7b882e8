/* clipboard_image.c - DIB checks, DIB pixel access and BMP files; see
 * clipboard_image.h.  PNG lives in clipboard_png.c. */
#include "clipboard_image.h"

#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define FILE_HEADER_LEN 14u /* BITMAPFILEHEADER, packed on disk */

static uint32_t rd16(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
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

bool vda_image_size_ok(uint64_t width, uint64_t height, uint64_t extra, size_t max_out,
                       const char **why)
{
  if (width == 0 || height == 0) {
    *why = "image has no pixels";
    return false;
  }
  if (width > VDA_IMAGE_MAX_DIM || height > VDA_IMAGE_MAX_DIM) {
    *why = "image dimensions above the limit";
    return false;
  }
  /* Both factors are <= 2^14: no overflow in 64 bits, whatever extra is
     * (callers pass header sizes, far below 2^63). */
  uint64_t need = width * height * 4u + extra;
  if (need > (uint64_t)max_out || need > (uint64_t)SIZE_MAX) {
    *why = "image larger than the clipboard limit";
    return false;
  }
  return true;
}

/* A bitfield mask must be one run of set bits (GDI's rule too). */
static bool mask_contiguous(uint32_t m)
{
  if (m == 0)
    return false;
  while (!(m & 1u))
    m >>= 1;
  return (m & (m + 1u)) == 0;
}

static bool masks_ok(const uint32_t m[4], unsigned bpp)
{
  uint64_t limit = (1ull << bpp) - 1u;
  uint32_t seen = 0;
  for (int i = 0; i < 4; i++) {
    if (i == 3 && m[i] == 0)
      break; /* alpha is optional */
    if (!mask_contiguous(m[i]) || m[i] > limit || (seen & m[i]))
      return false;
    seen |= m[i];
  }
  return true;
}

/* Alpha is meaningful only if it is neither all 0 (a 32 bpp BI_RGB DIB
 * whose producer never set the reserved byte) nor all opaque. */
static bool scan_alpha(const vda_dib_view *v)
{
  uint32_t am = v->masks[3];
  bool nonzero = false, translucent = false;
  if (am == 0)
    return false;
  for (uint32_t y = 0; y < v->height; y++) {
    const uint8_t *row = v->bits + (size_t)y * v->stride;
    for (uint32_t x = 0; x < v->width; x++) {
      uint32_t px = v->bpp == 32 ? rd32(row + 4u * x) : rd16(row + 2u * x);
      uint32_t a = px & am;
      nonzero |= a != 0;
      translucent |= a != am;
      if (nonzero && translucent)
        return true;
    }
  }
  return false;
}

bool vda_dib_parse(const uint8_t *dib, size_t len, size_t bits_off, size_t max_out, vda_dib_view *v,
                   const char **why)
{
  memset(v, 0, sizeof *v);
  if (len < sizeof(BITMAPINFOHEADER)) {
    *why = "DIB shorter than its header";
    return false;
  }
  uint32_t hsize = rd32(dib);
  if (hsize == sizeof(BITMAPCOREHEADER) || hsize == 64) {
    *why = "OS/2 bitmap headers are not supported";
    return false;
  }
  if (hsize != 40 && hsize != 52 && hsize != 56 && hsize != sizeof(BITMAPV4HEADER) &&
      hsize != sizeof(BITMAPV5HEADER)) {
    *why = "unknown DIB header size";
    return false;
  }
  if (hsize > len) {
    *why = "DIB shorter than its header";
    return false;
  }
  int32_t w = (int32_t)rd32(dib + 4), h = (int32_t)rd32(dib + 8);
  uint32_t planes = rd16(dib + 12), bpp = rd16(dib + 14);
  uint32_t comp = rd32(dib + 16), clr_used = rd32(dib + 32);
  if (planes != 1) {
    *why = "DIB planes is not 1";
    return false;
  }
  if (w <= 0) {
    *why = "DIB width is not positive";
    return false;
  }
  /* int64: -INT32_MIN does not fit an int32. */
  int64_t ah = h < 0 ? -(int64_t)h : (int64_t)h;
  if (!vda_image_size_ok((uint64_t)w, (uint64_t)ah, 0, max_out, why))
    return false;
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) {
    *why = "unsupported DIB bit count";
    return false;
  }
  v->width = (uint32_t)w;
  v->height = (uint32_t)ah;
  v->top_down = h < 0;
  v->bpp = bpp;

  uint64_t hdr = hsize; /* grows by masks and colour table */
  if (comp == BI_RGB) {
    /* Implicit masks: 555 for 16 bpp; for 32 bpp the fourth byte is
         * "reserved", treated as alpha under the rule in the header. */
    static const uint32_t m16[4] = {0x7C00, 0x03E0, 0x001F, 0};
    static const uint32_t m32[4] = {0xFF0000, 0xFF00, 0xFF, 0xFF000000u};
    if (bpp == 16)
      memcpy(v->masks, m16, sizeof m16);
    else if (bpp == 32)
      memcpy(v->masks, m32, sizeof m32);
  } else if (comp == BI_BITFIELDS) {
    if (bpp != 16 && bpp != 32) {
      *why = "BI_BITFIELDS needs 16 or 32 bpp";
      return false;
    }
    if (hsize == 40) {
      /* Three DWORD masks follow a plain BITMAPINFOHEADER. */
      if (len < 52) {
        *why = "DIB shorter than its colour masks";
        return false;
      }
      hdr += 12;
    }
    for (int i = 0; i < 3; i++)
      v->masks[i] = rd32(dib + 40 + 4 * i);
    v->masks[3] = hsize >= 56 ? rd32(dib + 52) : 0;
    if (!masks_ok(v->masks, bpp)) {
      *why = "invalid DIB colour masks";
      return false;
    }
  } else {
    *why = "compressed DIBs (RLE, JPEG, PNG) are not supported";
    return false;
  }

  if (bpp <= 8) {
    uint32_t max_colors = 1u << bpp;
    if (clr_used > max_colors) {
      *why = "DIB colour count exceeds its bit depth";
      return false;
    }
    v->ncolors = clr_used ? clr_used : max_colors;
    v->palette = dib + hdr;
  }
  /* Above 8 bpp biClrUsed announces an optional table to skip. */
  hdr += 4u * (uint64_t)(bpp <= 8 ? v->ncolors : clr_used);
  if (hdr > len) {
    *why = "DIB shorter than its colour table";
    return false;
  }
  v->header_len = (size_t)hdr;
  /* Width <= 2^14 and bpp <= 32: fits easily; rows are DWORD aligned. */
  v->stride = (size_t)((((uint64_t)v->width * bpp + 31u) / 32u) * 4u);
  uint64_t pixels = (uint64_t)v->stride * v->height;
  uint64_t off = bits_off ? bits_off : hdr;
  if (off < hdr) {
    *why = "DIB pixels overlap its header";
    return false;
  }
  if (off > len || pixels > len - off) {
    *why = "DIB has fewer pixel bytes than its header describes";
    return false;
  }
  v->bits = dib + off;
  v->has_alpha = scan_alpha(v);
  return true;
}

typedef struct {
  unsigned shift;
  uint32_t max; /* mask >> shift */
} chan;

static chan chan_of(uint32_t mask)
{
  chan c = {0, 0};
  if (mask == 0)
    return c;
  while (!(mask & (1u << c.shift)))
    c.shift++;
  c.max = mask >> c.shift;
  return c;
}

/* n-bit field to 8 bits: round(v * 255 / max), so 0 and max map to 0 and
 * 255 and 8-bit fields are exact (bit replication differs by 1 for a few
 * 5- and 6-bit values). */
static uint8_t chan_get(chan c, uint32_t px)
{
  uint64_t v = (px >> c.shift) & c.max;
  return (uint8_t)((v * 255u + c.max / 2u) / c.max);
}

void vda_dib_row_rgba(const vda_dib_view *v, uint32_t y, uint8_t *out)
{
  uint32_t sy = v->top_down ? y : v->height - 1u - y;
  const uint8_t *row = v->bits + (size_t)sy * v->stride;
  if (v->bpp <= 8) {
    unsigned per_byte = 8u / v->bpp, lim = (1u << v->bpp) - 1u;
    for (uint32_t x = 0; x < v->width; x++, out += 4) {
      /* Leftmost pixel in the most significant bits. */
      unsigned shift = (per_byte - 1u - x % per_byte) * v->bpp;
      uint32_t idx = (row[x / per_byte] >> shift) & lim;
      if (idx < v->ncolors) {
        const uint8_t *q = v->palette + 4u * idx; /* B G R 0 */
        out[0] = q[2];
        out[1] = q[1];
        out[2] = q[0];
      } else {
        out[0] = out[1] = out[2] = 0; /* as GDI: out of table */
      }
      out[3] = 0xFF;
    }
  } else if (v->bpp == 24) {
    for (uint32_t x = 0; x < v->width; x++, out += 4, row += 3) {
      out[0] = row[2];
      out[1] = row[1];
      out[2] = row[0];
      out[3] = 0xFF;
    }
  } else {
    chan r = chan_of(v->masks[0]), g = chan_of(v->masks[1]);
    chan b = chan_of(v->masks[2]), a = chan_of(v->masks[3]);
    for (uint32_t x = 0; x < v->width; x++, out += 4) {
      uint32_t px = v->bpp == 32 ? rd32(row + 4u * x) : rd16(row + 2u * x);
      out[0] = chan_get(r, px);
      out[1] = chan_get(g, px);
      out[2] = chan_get(b, px);
      out[3] = v->has_alpha ? chan_get(a, px) : 0xFF;
    }
  }
}

bool vda_bmp_to_dib(const uint8_t *bmp, size_t len, size_t max_out, uint8_t **dib, size_t *dib_len,
                    const char **why)
{
  vda_dib_view v;
  *dib = NULL;
  *dib_len = 0;
  if (len < FILE_HEADER_LEN + 4u) {
    *why = "BMP shorter than its headers";
    return false;
  }
  if (bmp[0] != 'B' || bmp[1] != 'M') {
    *why = "not a BMP file (no 'BM')";
    return false;
  }
  uint32_t off = rd32(bmp + 10);
  if (off <= FILE_HEADER_LEN || off > len) {
    *why = "BMP pixel offset outside the file";
    return false;
  }
  if (!vda_dib_parse(bmp + FILE_HEADER_LEN, len - FILE_HEADER_LEN, off - FILE_HEADER_LEN, max_out,
                     &v, why))
    return false;
  size_t pixels = v.stride * v.height;
  size_t gap = off - FILE_HEADER_LEN - v.header_len;
  /* Without a gap the file body already is a packed DIB: keep all of it
     * (a V5 header may point at a colour profile after the pixels). */
  size_t out_len = gap ? v.header_len + pixels : len - FILE_HEADER_LEN;
  if (out_len > max_out) {
    *why = "image larger than the clipboard limit";
    return false;
  }
  uint8_t *out = malloc(out_len);
  if (!out) {
    *why = "out of memory";
    return false;
  }
  if (gap) {
    memcpy(out, bmp + FILE_HEADER_LEN, v.header_len);
    memcpy(out + v.header_len, v.bits, pixels);
    if (rd32(out) == sizeof(BITMAPV5HEADER)) {
      /* Anything after the pixels is dropped: no profile to point
             * at any more. */
      wr32(out + offsetof(BITMAPV5HEADER, bV5CSType), VDA_LCS_SRGB);
      wr32(out + offsetof(BITMAPV5HEADER, bV5ProfileData), 0);
      wr32(out + offsetof(BITMAPV5HEADER, bV5ProfileSize), 0);
    }
  } else {
    memcpy(out, bmp + FILE_HEADER_LEN, out_len);
  }
  *dib = out;
  *dib_len = out_len;
  return true;
}

bool vda_dib_to_bmp(const uint8_t *dib, size_t len, size_t max_out, uint8_t **bmp, size_t *bmp_len,
                    const char **why)
{
  vda_dib_view v;
  *bmp = NULL;
  *bmp_len = 0;
  if (!vda_dib_parse(dib, len, 0, max_out, &v, why))
    return false;
  /* The whole DIB is kept, trailing profile data included. */
  if (max_out < FILE_HEADER_LEN || len > max_out - FILE_HEADER_LEN ||
      len > UINT32_MAX - FILE_HEADER_LEN) {
    *why = "image larger than the clipboard limit";
    return false;
  }
  size_t out_len = len + FILE_HEADER_LEN;
  uint8_t *out = malloc(out_len);
  if (!out) {
    *why = "out of memory";
    return false;
  }
  out[0] = 'B';
  out[1] = 'M';
  wr32(out + 2, (uint32_t)out_len);                           /* bfSize */
  wr32(out + 6, 0);                                           /* reserved */
  wr32(out + 10, (uint32_t)(FILE_HEADER_LEN + v.header_len)); /* bfOffBits */
  memcpy(out + FILE_HEADER_LEN, dib, len);
  *bmp = out;
  *bmp_len = out_len;
  return true;
}
