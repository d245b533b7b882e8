/* vda_limits.c - default limits (see vda_limits.h). */
#include "vda_limits.h"

void vda_limits_default(vda_limits *l)
{
  l->max_clipboard = 100u * 1024u * 1024u;
  l->max_file_piece = 1024u * 1024u;
  l->max_monitors = 64u;
  l->max_xfer_start = 8u * 1024u;
  l->max_graphics_info = 64u * 1024u;
}

uint64_t vda_clipboard_limit(const vda_limits *l, int32_t peer_max)
{
  uint64_t lim = l->max_clipboard;
  /* Only -1 means unlimited on the wire; other negatives are refused by the
     * MAX_CLIPBOARD validator, but treat them as "no data" defensively. */
  if (peer_max < -1)
    return 0;
  if (peer_max >= 0 && (uint64_t)peer_max < lim)
    lim = (uint64_t)peer_max;
  return lim;
}
