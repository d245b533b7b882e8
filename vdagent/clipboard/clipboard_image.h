/*
 * clipboard_image.h - the image half of clipboard sharing as pure
 * conversions: PNG <-> DIB (clipboard_png.c, libpng + zlib) and
 * BMP file <-> packed DIB (clipboard_image.c).  No clipboard or GDI calls:
 * the clipboard glue moves bytes, these functions check and convert them.
 *
 * Wire types (spice/vd_agent.h): VD_AGENT_CLIPBOARD_IMAGE_PNG (2) carries a
 * PNG file, VD_AGENT_CLIPBOARD_IMAGE_BMP (3) a BMP file.  On Windows the
 * images are CF_DIB / CF_DIBV5 (packed DIBs: header, masks or colour table,
 * pixels) and the registered format "PNG" that browsers and Office publish.
 * When "PNG" is present the glue sends those bytes unchanged (no re-encode,
 * alpha kept); vda_png_probe() is the cheap sanity check for that path.
 *
 * Conventions: every output buffer is malloc'ed and owned by the caller
 * (free()); on refusal the function returns false, sets *why to a static
 * string and leaves the outputs NULL/0.  max_out is the caller's size limit
 * (the negotiated clipboard maximum): images whose width * height * 4 exceed
 * it, or whose width or height is 0 or above VDA_IMAGE_MAX_DIM, are refused
 * from their headers, before any pixel buffer is allocated.
 */
#ifndef VDA_CLIPBOARD_IMAGE_H
#define VDA_CLIPBOARD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Larger than any real screen or screenshot; keeps every size computation
 * far from overflow (16384 * 16384 * 4 = 1 GiB). */
#define VDA_IMAGE_MAX_DIM 16384u

/* LCS_sRGB: wingdi.h spells it 'sRGB', a multi-character constant that
 * -Wmultichar (in -Wall) refuses. */
#define VDA_LCS_SRGB 0x73524742u

/* PNG -> packed DIB, bottom-up (positive height, the Windows norm).
 * Every colour type and bit depth is accepted (palette with or without tRNS,
 * gray, gray+alpha, RGB, RGBA, 1..16 bits, Adam7 interlaced); 16-bit
 * samples are rounded to 8 bits (libpng's png_set_scale_16); gamma, iCCP and
 * other colour metadata are ignored (the pixels are taken as sRGB).
 *   v5 = true:  CF_DIBV5 form: BITMAPV5HEADER, 32 bpp BI_BITFIELDS, masks
 *               R 0x00FF0000 G 0x0000FF00 B 0x000000FF A 0xFF000000,
 *               LCS_sRGB, alpha 0xFF where the PNG has none.
 *   v5 = false: CF_DIB form: BITMAPINFOHEADER, BI_RGB, 24 bpp, or 32 bpp
 *               with the alpha in the fourth byte when the PNG has alpha.
 * *has_alpha: the PNG carries alpha (an alpha channel or a tRNS chunk). */
bool vda_png_to_dib(const uint8_t *png, size_t len, size_t max_out, bool v5, uint8_t **dib,
                    size_t *dib_len, bool *has_alpha, const char **why);

/* Packed DIB (CF_DIB or CF_DIBV5 contents) -> PNG, 8 bits per sample, RGB,
 * or RGBA when the DIB carries meaningful alpha (see vda_dib_parse), Up
 * filter. The rows are cut in two slices deflated on two threads
 * (clipboard_png_slices.c); each slice deflates a sample of its rows with
 * vda_png_fast first and, when that is at most 1/VDA_PNG_DENSE_RATIO of
 * their DIB bytes (flat content: window chrome, text), is encoded with
 * vda_png_dense, else with vda_png_fast. Why, with figures:
 * docs/BENCHMARKS.md ("PNG encoder settings", bench/png_bench.sh). */
bool vda_dib_to_png(const uint8_t *dib, size_t len, size_t max_out, uint8_t **png, size_t *png_len,
                    const char **why);

/* How the DIB -> PNG encoder compresses. Each field -1: libpng's default
 * (zlib level 6; the adaptive choice among all five row filters; the
 * Z_FILTERED strategy). filters: a mask of libpng's PNG_FILTER_NONE (0x08),
 * _SUB (0x10), _UP (0x20), _AVG (0x40), _PAETH (0x80); strategy: zlib's
 * Z_DEFAULT_STRATEGY (0), Z_FILTERED (1), Z_RLE (3). */
typedef struct vda_png_settings {
  int level, filters, strategy;
} vda_png_settings;
extern const vda_png_settings vda_png_libpng_defaults;
/* Up filter with run-length deflate: on photos as small as libpng's default
 * at a tenth of its time (zlib's level 6 walks long match chains through
 * grain); flat content comes out several times larger, hence the second
 * pass with vda_png_dense (level 6, Up), which is fast on such content. */
extern const vda_png_settings vda_png_fast, vda_png_dense;
#define VDA_PNG_DENSE_RATIO 16u
bool vda_dib_to_png_with(const uint8_t *dib, size_t len, size_t max_out,
                         const vda_png_settings *settings, uint8_t **png, size_t *png_len,
                         const char **why);

/* The 8 bytes every PNG starts with (read and written here). */
extern const uint8_t vda_png_signature[8];

/* Checks the PNG signature and IHDR (dimensions and limits as above) without
 * decoding: enough to vet the registered "PNG" format before sending it. */
bool vda_png_probe(const uint8_t *png, size_t len, size_t max_out, uint32_t *width,
                   uint32_t *height, const char **why);

/* BMP file -> packed DIB: checks the 14-byte BITMAPFILEHEADER ('BM',
 * bfOffBits) and the DIB, and closes any gap between the colour table and
 * the pixels that a file may have (a packed DIB has none). */
bool vda_bmp_to_dib(const uint8_t *bmp, size_t len, size_t max_out, uint8_t **dib, size_t *dib_len,
                    const char **why);

/* Packed DIB -> BMP file: checks the DIB and prepends a BITMAPFILEHEADER
 * whose bfOffBits skips the header, masks and colour table. */
bool vda_dib_to_bmp(const uint8_t *dib, size_t len, size_t max_out, uint8_t **bmp, size_t *bmp_len,
                    const char **why);

/* A checked view of a DIB, shared by the converters (no copies).
 * Accepted: BITMAPINFOHEADER (40) and its V2 (52), V3 (56), V4 (108) and
 * V5 (124) extensions; 1/4/8 bpp with a colour table; 16 bpp BI_RGB (555)
 * or BI_BITFIELDS (e.g. 565); 24 bpp BI_RGB; 32 bpp BI_RGB or BI_BITFIELDS;
 * top-down (negative height) or bottom-up.  Masks follow a 40-byte header
 * (3 DWORDs) and are inside the larger ones.  Refused: compressed DIBs
 * (RLE4/RLE8/JPEG/PNG), OS/2 headers, masks that are empty, overlap or are
 * not contiguous, fewer pixel bytes than the header describes.
 * Alpha: only 32 bpp BI_RGB (the fourth byte) and masks with an alpha mask
 * can carry it, and it is used only when some pixel has a nonzero alpha
 * (producers that leave the byte 0 mean "no alpha", so an all-zero alpha
 * reads as opaque) and some pixel is not fully opaque (an all-opaque image
 * needs no alpha channel). */
typedef struct vda_dib_view {
  uint32_t width, height; /* height is positive; see top_down */
  bool top_down;
  unsigned bpp;           /* 1, 4, 8, 16, 24 or 32 */
  uint32_t masks[4];      /* R, G, B, A for 16 and 32 bpp */
  const uint8_t *palette; /* RGBQUADs, for bpp <= 8 */
  uint32_t ncolors;       /* entries in palette */
  size_t header_len;      /* header + masks + colour table */
  const uint8_t *bits;    /* first stored row */
  size_t stride;          /* bytes per stored row (4-byte aligned) */
  bool has_alpha;         /* the alpha rule above holds */
} vda_dib_view;

/* bits_off: offset of the pixels from dib, or 0 for a packed DIB (the pixels
 * follow the colour table). */
bool vda_dib_parse(const uint8_t *dib, size_t len, size_t bits_off, size_t max_out, vda_dib_view *v,
                   const char **why);

/* Row y (0 = top) as 8-bit R, G, B, A (A = 0xFF unless v->has_alpha) into
 * out[0 .. 4 * width). */
void vda_dib_row_rgba(const vda_dib_view *v, uint32_t y, uint8_t *out);

/* The DIB's rows are already in PNG's order once B and R swap (what
 * libpng's png_set_bgr does; an unused fourth byte is dropped): 24 bpp, or
 * 32 bpp B G R A/X. Screenshots are, and then no row is converted. */
bool vda_dib_rows_direct(const vda_dib_view *v);
/* Row y as the PNG's samples: R G B, or R G B A when v->has_alpha, into
 * out[0 .. 4 * width) (vda_dib_row_rgba, the A dropped without alpha). */
void vda_dib_row_png(const vda_dib_view *v, uint32_t y, uint8_t *out);

/* width, height within 1..VDA_IMAGE_MAX_DIM and width * height * 4 plus
 * extra bytes within max_out (all in 64-bit arithmetic). */
bool vda_image_size_ok(uint64_t width, uint64_t height, uint64_t extra, size_t max_out,
                       const char **why);

#endif /* VDA_CLIPBOARD_IMAGE_H */
