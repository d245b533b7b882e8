/*
 * vda_validate.c - validation of message bodies through the message-type
 * table (see vda_validate.h and vda_msg_table.h).
 */
#include "vda_validate.h"

#include "vda_body_checks.h"
#include "vda_msg_table.h"

#define FAIL(msg) \
  do {            \
    *why = (msg); \
    return false; \
  } while (0)

static const vda_limits *limits_or_default(const vda_limits *lim, vda_limits *storage)
{
  if (lim)
    return lim;
  vda_limits_default(storage);
  return storage;
}

bool vda_validate_size(uint32_t type, uint64_t size, const vda_negotiated *n, const vda_limits *lim,
                       const char **why)
{
  vda_limits def;
  uint64_t min, max;
  lim = limits_or_default(lim, &def);
  if (!vda_msg_bounds(type, n, lim, &min, &max))
    FAIL("unknown message type");
  if (size < min)
    FAIL("message body shorter than its type allows");
  if (size > max)
    FAIL("message body larger than its type or configured limit allows");
  return true;
}

bool vda_validate_message(uint32_t type, const uint8_t *body, size_t size, const vda_negotiated *n,
                          const vda_limits *lim, const char **why)
{
  vda_limits def;
  const vda_msg_info *m;
  lim = limits_or_default(lim, &def);
  if (!vda_validate_size(type, size, n, lim, why))
    return false;
  m = vda_msg_info_of(type);
  /* No check: any bytes of the exact size are meaningful (MOUSE_STATE,
     * DISPLAY_CONFIG, CLIENT_DISCONNECTED; unknown flag bits are ignored). */
  return !m->check || m->check(body, size, n, lim, why);
}

size_t vda_stream_prefix_size(uint32_t type, const vda_negotiated *n)
{
  const vda_msg_info *m = vda_msg_info_of(type);
  if (!m || !m->streamed)
    return 0;
  /* A streamed type's fixed part is its minimum body. */
  if (type == VD_AGENT_CLIPBOARD)
    return (size_t)vda_body_selection_size(n) + 4;
  return m->min;
}

bool vda_validate_stream_prefix(uint32_t type, const uint8_t *prefix, size_t prefix_len,
                                uint64_t body_size, const vda_negotiated *n, const vda_limits *lim,
                                const char **why)
{
  vda_limits def;
  lim = limits_or_default(lim, &def);
  if (prefix_len != vda_stream_prefix_size(type, n) || prefix_len == 0)
    FAIL("stream prefix of the wrong size or type not streamed");
  if (type == VD_AGENT_CLIPBOARD)
    return vda_check_clipboard_prefix(prefix, body_size, n, lim, why);
  return vda_check_xfer_data_prefix(prefix, body_size, lim, why);
}
