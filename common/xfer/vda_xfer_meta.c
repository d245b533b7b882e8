/* vda_xfer_meta.c - FILE_XFER_START key-file parser (see vda_xfer_meta.h). */
#include "vda_xfer_meta.h"

#include <string.h>

#define GROUP "vdagent-file-xfer"

#define FAIL(msg) \
  do {            \
    *why = (msg); \
    return false; \
  } while (0)

struct parse_state {
  bool in_any_group;
  bool in_our_group;
  bool seen_group;
  bool seen_name;
  bool seen_size;
};

static bool is_blank(uint8_t c)
{
  return c == ' ' || c == '\t';
}

/* Strict UTF-8 (RFC 3629) without control characters. */
static bool valid_name_utf8(const uint8_t *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    uint32_t cp;
    size_t extra;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f)
        return false;
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (len - i - 1 < extra)
      return false;
    for (size_t k = 1; k <= extra; k++) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    if (cp >= 0x80 && cp <= 0x9f) /* C1 controls */
      return false;
    i += extra + 1;
  }
  return true;
}

static bool parse_name(const uint8_t *v, size_t len, vda_xfer_meta *out, const char **why)
{
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    uint8_t c = v[i];
    if (c == '\\') {
      if (++i == len)
        FAIL("name ends with a lone backslash");
      switch (v[i]) {
      case 's':
        c = ' ';
        break;
      case 'n':
        c = '\n';
        break;
      case 't':
        c = '\t';
        break;
      case 'r':
        c = '\r';
        break;
      case '\\':
        c = '\\';
        break;
      default:
        FAIL("name has an unknown escape sequence");
      }
    }
    if (o == VDA_XFER_NAME_MAX)
      FAIL("name longer than the limit");
    out->name[o++] = (char)c;
  }
  out->name[o] = '\0';
  out->name_len = o;
  if (o == 0)
    FAIL("name is empty");
  if (!valid_name_utf8((const uint8_t *)out->name, o))
    FAIL("name is not valid UTF-8 or has control characters");
  return true;
}

static bool parse_size(const uint8_t *v, size_t len, uint64_t *size, const char **why)
{
  uint64_t x = 0;
  if (len == 0 || len > 20)
    FAIL("size is not a u64 decimal");
  for (size_t i = 0; i < len; i++) {
    unsigned d;
    if (v[i] < '0' || v[i] > '9')
      FAIL("size is not a u64 decimal");
    d = (unsigned)(v[i] - '0');
    if (x > (UINT64_MAX - d) / 10)
      FAIL("size overflows u64");
    x = x * 10 + d;
  }
  *size = x;
  return true;
}

static bool parse_group(const uint8_t *l, size_t len, struct parse_state *st, const char **why)
{
  size_t end = len;
  while (end > 0 && is_blank(l[end - 1]))
    end--;
  if (end < 2 || l[end - 1] != ']')
    FAIL("malformed group header");
  if (memchr(l + 1, '[', end - 2) || memchr(l + 1, ']', end - 2) || end == 2)
    FAIL("malformed group header");
  st->in_any_group = true;
  st->in_our_group = end - 2 == strlen(GROUP) && memcmp(l + 1, GROUP, end - 2) == 0;
  if (st->in_our_group) {
    if (st->seen_group)
      FAIL("duplicate [vdagent-file-xfer] group");
    st->seen_group = true;
  }
  return true;
}

static bool parse_key(const uint8_t *l, size_t len, struct parse_state *st, vda_xfer_meta *out,
                      const char **why)
{
  const uint8_t *eq = memchr(l, '=', len);
  size_t klen, voff;
  if (!eq)
    FAIL("line is neither a group, a key nor a comment");
  if (!st->in_any_group)
    FAIL("key outside any group");
  klen = (size_t)(eq - l);
  while (klen > 0 && is_blank(l[klen - 1]))
    klen--;
  if (klen == 0)
    FAIL("empty key");
  voff = (size_t)(eq - l) + 1;
  while (voff < len && is_blank(l[voff]))
    voff++;
  if (!st->in_our_group)
    return true;
  if (klen == 4 && memcmp(l, "name", 4) == 0) {
    if (st->seen_name)
      FAIL("duplicate name key");
    st->seen_name = true;
    return parse_name(l + voff, len - voff, out, why);
  }
  if (klen == 4 && memcmp(l, "size", 4) == 0) {
    if (st->seen_size)
      FAIL("duplicate size key");
    st->seen_size = true;
    return parse_size(l + voff, len - voff, &out->size, why);
  }
  return true; /* unknown key in our group: ignored */
}

static bool parse_line(const uint8_t *l, size_t len, struct parse_state *st, vda_xfer_meta *out,
                       const char **why)
{
  if (len > 0 && l[len - 1] == '\r')
    len--;
  while (len > 0 && is_blank(l[0])) {
    l++;
    len--;
  }
  if (len == 0 || l[0] == '#')
    return true;
  if (l[0] == '[')
    return parse_group(l, len, st, why);
  return parse_key(l, len, st, out, why);
}

bool vda_xfer_meta_parse(const uint8_t *text, size_t len, vda_xfer_meta *out, const char **why)
{
  struct parse_state st = {false, false, false, false, false};
  size_t pos = 0;
  memset(out, 0, sizeof(*out));
  if (len == 0 || text[len - 1] != '\0')
    FAIL("metadata is not NUL-terminated");
  len--; /* drop the terminator */
  if (memchr(text, '\0', len))
    FAIL("metadata has an embedded NUL");
  while (pos < len) {
    const uint8_t *nl = memchr(text + pos, '\n', len - pos);
    size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;
    if (!parse_line(text + pos, line_len, &st, out, why)) {
      memset(out, 0, sizeof(*out));
      return false;
    }
    pos += line_len + 1;
  }
  if (!st.seen_group)
    FAIL("missing [vdagent-file-xfer] group");
  if (!st.seen_name)
    FAIL("missing name key");
  if (!st.seen_size)
    FAIL("missing size key");
  return true;
}
