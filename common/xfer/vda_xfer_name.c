/* vda_xfer_name.c - safe Windows file names (see vda_xfer_name.h). */
#include "vda_xfer_name.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The name as code points: the rules are about characters, not bytes.
 * One spare slot for the '_' a reserved name gets. */
typedef struct name_cps {
  uint32_t cp[VDA_XFER_NAME_MAX + 1];
  size_t n;
} name_cps;

static unsigned units_of(uint32_t cp)
{
  return cp >= 0x10000u ? 2u : 1u;
}

static size_t units_of_range(const uint32_t *cp, size_t from, size_t to)
{
  size_t u = 0;
  for (size_t i = from; i < to; i++)
    u += units_of(cp[i]);
  return u;
}

/* Decodes strict UTF-8 (RFC 3629).  Returns the static reason of a refusal,
 * NULL on success. */
static const char *decode(const uint8_t *s, size_t len, name_cps *out)
{
  size_t i = 0;
  out->n = 0;
  while (i < len) {
    uint8_t c = s[i];
    uint32_t cp;
    size_t extra;
    if (c < 0x80) {
      cp = c;
      extra = 0;
    } else if (c >= 0xc2 && c <= 0xdf) {
      cp = c & 0x1fu;
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      cp = c & 0x0fu;
      extra = 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      cp = c & 0x07u;
      extra = 3;
    } else {
      return "name is not valid UTF-8";
    }
    if (len - i - 1 < extra)
      return "name is not valid UTF-8";
    for (size_t k = 1; k <= extra; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return "name is not valid UTF-8";
      cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return "name is not valid UTF-8";
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
      return "name has a control character";
    out->cp[out->n++] = cp;
    i += extra + 1;
  }
  return NULL;
}

/* Encodes cp[0..n) with a NUL; false when it does not fit in cap. */
static bool encode(const uint32_t *cp, size_t n, char *out, size_t cap)
{
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cp[i];
    uint8_t b[4];
    size_t k;
    if (c < 0x80) {
      b[0] = (uint8_t)c;
      k = 1;
    } else if (c < 0x800) {
      b[0] = (uint8_t)(0xc0 | (c >> 6));
      b[1] = (uint8_t)(0x80 | (c & 0x3f));
      k = 2;
    } else if (c < 0x10000) {
      b[0] = (uint8_t)(0xe0 | (c >> 12));
      b[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
      b[2] = (uint8_t)(0x80 | (c & 0x3f));
      k = 3;
    } else {
      b[0] = (uint8_t)(0xf0 | (c >> 18));
      b[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
      b[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
      b[3] = (uint8_t)(0x80 | (c & 0x3f));
      k = 4;
    }
    if (cap - o <= k) /* keep one byte for the NUL */
      return false;
    memcpy(out + o, b, k);
    o += k;
  }
  if (cap - o < 1)
    return false;
  out[o] = '\0';
  return true;
}

static bool is_ascii_letter(uint32_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint32_t ascii_lower(uint32_t c)
{
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static bool has(const name_cps *nm, uint32_t c)
{
  for (size_t i = 0; i < nm->n; i++)
    if (nm->cp[i] == c)
      return true;
  return false;
}

/* Rules that refuse: the name addresses something other than a file in
 * the destination folder. */
static const char *addressing(const name_cps *nm)
{
  const uint32_t *c = nm->cp;
  if (nm->n >= 2 && (c[0] == '\\' || c[0] == '/') && (c[1] == '\\' || c[1] == '/'))
    return "name is a UNC or device path (\\\\server, \\\\?\\, \\\\.\\)";
  if (nm->n >= 2 && is_ascii_letter(c[0]) && c[1] == ':')
    return "name has a drive prefix";
  if (has(nm, '/') || has(nm, '\\'))
    return "name has a path separator";
  if (has(nm, ':'))
    return "name has ':' (alternate data stream)";
  if ((nm->n == 1 && c[0] == '.') || (nm->n == 2 && c[0] == '.' && c[1] == '.'))
    return "name is '.' or '..'";
  return NULL;
}

static bool matches(const uint32_t *c, size_t n, const char *word)
{
  size_t len = strlen(word);
  if (n != len)
    return false;
  for (size_t i = 0; i < len; i++)
    if (ascii_lower(c[i]) != (uint32_t)word[i])
      return false;
  return true;
}

static bool is_port_digit(uint32_t c)
{
  return (c >= '0' && c <= '9') || c == 0xb9 || c == 0xb2 || c == 0xb3;
}

/* The part before the first '.', trailing spaces dropped (what Win32
 * compares with its device names), is a reserved device name. */
static bool is_reserved(const name_cps *nm)
{
  static const char *const plain[] = {"con", "prn", "aux", "nul", "conin$", "conout$"};
  const uint32_t *c = nm->cp;
  size_t e = 0;
  while (e < nm->n && c[e] != '.')
    e++;
  while (e > 0 && c[e - 1] == ' ')
    e--;
  for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
    if (matches(c, e, plain[i]))
      return true;
  return e == 4 && is_port_digit(c[3]) && (matches(c, 3, "com") || matches(c, 3, "lpt"));
}

static bool is_bidi_control(uint32_t c)
{
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void note(const char **why, const char *reason)
{
  if (*why == NULL)
    *why = reason;
}

/* Strips trailing dots and spaces; true if anything went. */
static bool strip_trailing(name_cps *nm)
{
  size_t n0 = nm->n;
  while (nm->n > 0 && (nm->cp[nm->n - 1] == '.' || nm->cp[nm->n - 1] == ' '))
    nm->n--;
  return nm->n != n0;
}

/* Index of the extension's '.', or n when there is none to keep. */
static size_t ext_start(const uint32_t *c, size_t n)
{
  size_t d = n;
  while (d > 0 && c[d - 1] != '.')
    d--;
  if (d <= 1) /* no '.', or only a leading one (".bashrc") */
    return n;
  d--;
  return units_of_range(c, d, n) <= VDA_XFER_EXT_KEEP_MAX ? d : n;
}

/* Largest k <= n such that cp[0..k) fits in budget units. */
static size_t prefix_fitting(const uint32_t *c, size_t n, size_t budget)
{
  size_t k = 0, u = 0;
  while (k < n && u + units_of(c[k]) <= budget)
    u += units_of(c[k++]);
  return k;
}

static void truncate_name(name_cps *nm)
{
  size_t d = ext_start(nm->cp, nm->n);
  size_t ext_n = nm->n - d;
  size_t keep =
      prefix_fitting(nm->cp, d, VDA_XFER_SAFE_NAME_MAX - units_of_range(nm->cp, d, nm->n));
  memmove(nm->cp + keep, nm->cp + d, ext_n * sizeof(nm->cp[0]));
  nm->n = keep + ext_n;
}

static vda_xfer_name_verdict refuse(char *out, size_t out_cap, const char **why, const char *reason)
{
  if (out_cap > 0)
    out[0] = '\0';
  *why = reason;
  return VDA_XFER_NAME_REFUSED;
}

vda_xfer_name_verdict vda_xfer_name_clean(const char *in, char *out, size_t out_cap,
                                          const char **why)
{
  /* ~4 KiB: on the stack of the agent's main thread, bounded by
     * VDA_XFER_NAME_MAX. */
  name_cps nm;
  const char *reason;
  const char *changed = NULL;
  size_t len = 0;

  while (len <= VDA_XFER_NAME_MAX && in[len] != '\0')
    len++;
  if (len > VDA_XFER_NAME_MAX)
    return refuse(out, out_cap, why, "name longer than the limit");
  reason = decode((const uint8_t *)in, len, &nm);
  if (!reason)
    reason = addressing(&nm);
  if (reason)
    return refuse(out, out_cap, why, reason);

  for (size_t i = 0; i < nm.n; i++) {
    uint32_t c = nm.cp[i];
    if (c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '*') {
      nm.cp[i] = '_';
      note(&changed, "name has characters Windows forbids (<>\"|?*)");
    } else if (is_bidi_control(c)) {
      nm.cp[i] = '_';
      note(&changed, "name has a bidirectional override character");
    }
  }
  {
    size_t lead = 0;
    while (lead < nm.n && nm.cp[lead] == ' ')
      lead++;
    if (lead > 0) {
      memmove(nm.cp, nm.cp + lead, (nm.n - lead) * sizeof(nm.cp[0]));
      nm.n -= lead;
      note(&changed, "name has leading spaces");
    }
  }
  if (strip_trailing(&nm))
    note(&changed, "name has trailing dots or spaces");
  if (nm.n == 0)
    return refuse(out, out_cap, why, "name is empty after removing spaces and dots");
  if (is_reserved(&nm)) {
    memmove(nm.cp + 1, nm.cp, nm.n * sizeof(nm.cp[0]));
    nm.cp[0] = '_';
    nm.n++;
    note(&changed, "name is a reserved device name");
  }
  if (units_of_range(nm.cp, 0, nm.n) > VDA_XFER_SAFE_NAME_MAX) {
    /* The cut keeps at least the first SAFE - EXT_KEEP units, so it
         * cannot turn the name into a reserved one (those are <= 7 units). */
    truncate_name(&nm);
    strip_trailing(&nm);
    note(&changed, "name too long for Windows: shortened");
    if (nm.n == 0)
      return refuse(out, out_cap, why, "name is empty after removing spaces and dots");
  }
  if (!encode(nm.cp, nm.n, out, out_cap))
    return refuse(out, out_cap, why, "name does not fit the output buffer");
  *why = changed;
  return changed ? VDA_XFER_NAME_CHANGED : VDA_XFER_NAME_OK;
}

bool vda_xfer_name_variant(const char *clean, unsigned n, char *out, size_t out_cap)
{
  char check[VDA_XFER_CLEAN_BYTES];
  const char *why;
  name_cps nm;
  char suffix[24];
  size_t d, keep, slen, o;

  if (out_cap == 0 || vda_xfer_name_clean(clean, check, sizeof(check), &why) != VDA_XFER_NAME_OK ||
      decode((const uint8_t *)clean, strlen(clean), &nm) != NULL)
    goto fail;
  if (n == 0) {
    /* clean() accepted it unchanged: it fits in check, hence in
         * VDA_XFER_CLEAN_BYTES. */
    if (!encode(nm.cp, nm.n, out, out_cap))
      goto fail;
    return true;
  }
  slen = (size_t)snprintf(suffix, sizeof(suffix), " (%u)", n);
  d = ext_start(nm.cp, nm.n);
  /* clean is at most SAFE units, the suffix at most 13 and the extension
     * at most EXT_KEEP: the stem keeps >= 210 units when it is cut, so it
     * never becomes empty and the name's start never changes. */
  keep = prefix_fitting(nm.cp, d, VDA_XFER_NAME_UNITS_MAX - slen - units_of_range(nm.cp, d, nm.n));
  /* Assemble: stem[0..keep) suffix ext[d..n). */
  if (!encode(nm.cp, keep, out, out_cap))
    goto fail;
  o = strlen(out);
  if (out_cap - o <= slen)
    goto fail;
  memcpy(out + o, suffix, slen + 1);
  o += slen;
  if (!encode(nm.cp + d, nm.n - d, out + o, out_cap - o))
    goto fail;
  return true;
fail:
  if (out_cap > 0)
    out[0] = '\0';
  return false;
}
