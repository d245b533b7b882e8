/* vda_display_manual.c - see vda_display_manual.h. */
#include "vda_display_manual.h"

#include <string.h>

#define SIDE_MAX VDA_DISPLAY_PX_MAX

/* A decimal side at *p, advanced past it; 0 when malformed. */
static uint32_t side(const char **p)
{
  uint32_t v = 0;
  unsigned digits = 0;
  if (**p == '0')
    return 0; /* "0" and leading zeros */
  while (**p >= '0' && **p <= '9') {
    v = v * 10u + (uint32_t)(**p - '0');
    (*p)++;
    if (++digits > 5 || v > SIDE_MAX)
      return 0;
  }
  return v;
}

bool vda_display_request_from_text(const char *text, vda_display_request *out, const char **why)
{
  const char *p = text;
  int32_t x = 0;
  memset(out, 0, sizeof(*out));
  if (text == NULL || *text == '\0') {
    *why = "no resolution given (expected WxH[,WxH...])";
    return false;
  }
  for (;;) {
    uint32_t w, h;
    if (out->count >= VDA_DISPLAY_MAX) {
      *why = "more monitors than the agent handles (16)";
      return false;
    }
    w = side(&p);
    if (w == 0 || (*p != 'x' && *p != 'X')) {
      *why = "expected WxH with sides 1..16384, e.g. 1920x1080";
      return false;
    }
    p++;
    h = side(&p);
    if (h == 0 || (*p != ',' && *p != '\0')) {
      *why = "expected WxH with sides 1..16384, e.g. 1920x1080";
      return false;
    }
    out->mon[out->count++] = (vda_display_req_mon){w, h, 0, x, 0, 0, 0};
    x += (int32_t)w;
    if (*p == '\0')
      break;
    p++;
  }
  out->use_pos = out->count > 1;
  return true;
}
