/*
 * vda_body_checks.c - what each message type requires of its bytes beyond
 * its size bounds (see vda_body_checks.h).  Sizes are compared as uint64_t:
 * a u32 count times an element size cannot overflow 64 bits, so no check here
 * can be defeated by wrap-around.  Callers have checked the size bounds of
 * vda_msg_bounds() first, so fixed fields are always present.
 */
#include "vda_body_checks.h"

#include <string.h>

#include "vda_le.h"

#define FAIL(msg) \
  do {            \
    *why = (msg); \
    return false; \
  } while (0)

bool vda_body_use_selection(const vda_negotiated *n)
{
  return n && vda_use_selection(n);
}

bool vda_body_use_serial(const vda_negotiated *n)
{
  return n && vda_use_grab_serial(n);
}

uint64_t vda_body_selection_size(const vda_negotiated *n)
{
  return vda_body_use_selection(n) ? VDA_SELECTION_PREFIX_SIZE : 0;
}

/* Selection byte, when present. Reserved bytes are ignored, as by the
 * reference implementations. */
static bool check_selection(const uint8_t *body, const vda_negotiated *n, const char **why)
{
  if (vda_body_use_selection(n) && body[0] > VD_AGENT_CLIPBOARD_SELECTION_SECONDARY)
    FAIL("unknown clipboard selection");
  return true;
}

bool vda_check_monitors_config(const uint8_t *b, size_t size, const vda_negotiated *n,
                               const vda_limits *lim, const char **why)
{
  uint32_t count = vda_le32(b);
  uint32_t flags = vda_le32(b + 4);
  uint64_t entry = 20;
  if (flags & VD_AGENT_CONFIG_MONITORS_FLAG_PHYSICAL_SIZE)
    entry += 4; /* VDAgentMonitorMM trailer, one per monitor */
  if (count == 0)
    FAIL("MONITORS_CONFIG with num_of_monitors 0");
  if (count > lim->max_monitors)
    FAIL("MONITORS_CONFIG num_of_monitors above the configured limit");
  if ((uint64_t)size != 8 + (uint64_t)count * entry)
    FAIL("MONITORS_CONFIG size does not match num_of_monitors and flags");
  if (!(n && vda_use_sparse_monitors(n))) {
    for (uint32_t i = 0; i < count; i++) {
      const uint8_t *m = b + 8 + 20 * (size_t)i;
      if (vda_le32(m) == 0 || vda_le32(m + 4) == 0)
        FAIL("MONITORS_CONFIG disabled (0x0) monitor without "
             "SPARSE_MONITORS_CONFIG");
    }
  }
  return true;
}

bool vda_check_reply(const uint8_t *b, size_t size, const vda_negotiated *n, const vda_limits *lim,
                     const char **why)
{
  (void)size, (void)n, (void)lim;
  uint32_t err = vda_le32(b + 4);
  if (err != VD_AGENT_SUCCESS && err != VD_AGENT_ERROR)
    FAIL("REPLY error is neither SUCCESS nor ERROR");
  return true;
}

static bool clipboard_type(uint32_t type, bool none_ok, const char **why)
{
  if (type > VD_AGENT_CLIPBOARD_FILE_LIST)
    FAIL("unknown clipboard type");
  if (type == VD_AGENT_CLIPBOARD_NONE && !none_ok)
    FAIL("clipboard type NONE not allowed here");
  return true;
}

bool vda_check_clipboard_prefix(const uint8_t *p, uint64_t body_size, const vda_negotiated *n,
                                const vda_limits *lim, const char **why)
{
  uint64_t sel = vda_body_selection_size(n);
  if (body_size < sel + 4)
    FAIL("CLIPBOARD shorter than its selection and type fields");
  if (body_size - sel - 4 > lim->max_clipboard)
    FAIL("CLIPBOARD data larger than the clipboard limit");
  if (!check_selection(p, n, why))
    return false;
  /* NONE is what an agent sends when it has no data for a request. */
  return clipboard_type(vda_le32(p + sel), true, why);
}

bool vda_check_grab(const uint8_t *b, size_t size, const vda_negotiated *n, const vda_limits *lim,
                    const char **why)
{
  (void)lim;
  uint64_t pre = vda_body_selection_size(n) + (vda_body_use_serial(n) ? 4 : 0);
  if (size < pre)
    FAIL("CLIPBOARD_GRAB shorter than its selection/serial fields");
  if ((size - pre) % 4 != 0)
    FAIL("CLIPBOARD_GRAB types array is not a whole number of u32");
  if ((size - pre) / 4 > VDA_MAX_GRAB_TYPES)
    FAIL("CLIPBOARD_GRAB lists too many types");
  /* Unknown type values are allowed: a newer peer may offer formats we do
     * not know, and the agent simply never requests them. */
  return check_selection(b, n, why);
}

bool vda_check_request(const uint8_t *b, size_t size, const vda_negotiated *n,
                       const vda_limits *lim, const char **why)
{
  (void)lim;
  uint64_t sel = vda_body_selection_size(n);
  if (size != sel + 4)
    FAIL("CLIPBOARD_REQUEST size is not selection + type");
  if (!check_selection(b, n, why))
    return false;
  return clipboard_type(vda_le32(b + sel), false, why);
}

bool vda_check_release(const uint8_t *b, size_t size, const vda_negotiated *n,
                       const vda_limits *lim, const char **why)
{
  (void)lim;
  if (size != vda_body_selection_size(n))
    FAIL("CLIPBOARD_RELEASE size is not the selection prefix");
  return check_selection(b, n, why);
}

bool vda_check_xfer_start(const uint8_t *b, size_t size, const vda_negotiated *n,
                          const vda_limits *lim, const char **why)
{
  (void)n, (void)lim;
  if (b[size - 1] != '\0')
    FAIL("FILE_XFER_START key file is not NUL-terminated");
  return true;
}

bool vda_check_xfer_status(const uint8_t *b, size_t size, const vda_negotiated *n,
                           const vda_limits *lim, const char **why)
{
  (void)lim;
  uint32_t result = vda_le32(b + 4);
  size_t detail = size - 8;
  bool detailed = n && vda_use_detailed_errors(n);
  if (result > VD_AGENT_FILE_XFER_STATUS_DISABLED)
    FAIL("FILE_XFER_STATUS unknown result");
  if (!detailed) {
    if (result > VD_AGENT_FILE_XFER_STATUS_SUCCESS)
      FAIL("FILE_XFER_STATUS detailed result without "
           "FILE_XFER_DETAILED_ERRORS");
    if (detail != 0)
      FAIL("FILE_XFER_STATUS detail without FILE_XFER_DETAILED_ERRORS");
    return true;
  }
  if (result == VD_AGENT_FILE_XFER_STATUS_ERROR) {
    if (detail != 0 && detail != 5)
      FAIL("FILE_XFER_STATUS ERROR detail is not {u8 type, u32 code}");
  } else if (result == VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE) {
    if (detail != 0 && detail != 8)
      FAIL("FILE_XFER_STATUS NOT_ENOUGH_SPACE detail is not a u64");
  } else if (detail != 0) {
    FAIL("FILE_XFER_STATUS detail for a result that has none");
  }
  return true;
}

bool vda_check_xfer_data_prefix(const uint8_t *p, uint64_t body_size, const vda_limits *lim,
                                const char **why)
{
  if (body_size < VDA_XFER_DATA_PREFIX_SIZE)
    FAIL("FILE_XFER_DATA shorter than its id and size fields");
  if (vda_le64(p + 4) != body_size - VDA_XFER_DATA_PREFIX_SIZE)
    FAIL("FILE_XFER_DATA size field does not match the data length");
  if (body_size - VDA_XFER_DATA_PREFIX_SIZE > lim->max_file_piece)
    FAIL("FILE_XFER_DATA piece larger than the configured limit");
  return true;
}

bool vda_check_max_clipboard(const uint8_t *b, size_t size, const vda_negotiated *n,
                             const vda_limits *lim, const char **why)
{
  (void)size, (void)n, (void)lim;
  if ((int32_t)vda_le32(b) < -1)
    FAIL("MAX_CLIPBOARD negative and not -1");
  return true;
}

bool vda_check_audio(const uint8_t *b, size_t size, const vda_negotiated *n, const vda_limits *lim,
                     const char **why)
{
  (void)n, (void)lim;
  if (b[0] > 1)
    FAIL("AUDIO_VOLUME_SYNC is_playback neither 0 nor 1");
  /* spice-gtk never sends 0 channels (it sends nothing when it has no
   * volume), and no endpoint has more than VDA_AUDIO_MAX_CHANNELS. */
  if (b[2] == 0 || b[2] > VDA_AUDIO_MAX_CHANNELS)
    FAIL("AUDIO_VOLUME_SYNC channel count out of range (1..32)");
  if ((uint64_t)size != 3 + 2 * (uint64_t)b[2])
    FAIL("AUDIO_VOLUME_SYNC size does not match nchannels");
  return true;
}

bool vda_check_graphics_info(const uint8_t *b, size_t size, const vda_negotiated *n,
                             const vda_limits *lim, const char **why)
{
  (void)n, (void)lim;
  uint32_t count = vda_le32(b);
  size_t off = 4;
  /* Each entry takes at least 17 bytes (16 fixed + a NUL), so a count that
     * cannot fit is refused before the loop. */
  if ((uint64_t)count * 17 > (uint64_t)(size - 4))
    FAIL("GRAPHICS_DEVICE_INFO count does not fit the message");
  for (uint32_t i = 0; i < count; i++) {
    uint32_t len;
    if (size - off < 16)
      FAIL("GRAPHICS_DEVICE_INFO entry truncated");
    len = vda_le32(b + off + 12);
    off += 16;
    if (len == 0)
      FAIL("GRAPHICS_DEVICE_INFO empty device address");
    if ((uint64_t)len > (uint64_t)(size - off))
      FAIL("GRAPHICS_DEVICE_INFO device address overruns the message");
    if (b[off + len - 1] != '\0')
      FAIL("GRAPHICS_DEVICE_INFO device address not NUL-terminated");
    if (memchr(b + off, '\0', len - 1) != NULL)
      FAIL("GRAPHICS_DEVICE_INFO device address has an embedded NUL");
    off += len;
  }
  if (off != size)
    FAIL("GRAPHICS_DEVICE_INFO trailing bytes after the entries");
  return true;
}

bool vda_check_clipboard(const uint8_t *b, size_t size, const vda_negotiated *n,
                         const vda_limits *lim, const char **why)
{
  return vda_check_clipboard_prefix(b, size, n, lim, why);
}

bool vda_check_xfer_data(const uint8_t *b, size_t size, const vda_negotiated *n,
                         const vda_limits *lim, const char **why)
{
  (void)n;
  return vda_check_xfer_data_prefix(b, size, lim, why);
}

bool vda_check_announce(const uint8_t *b, size_t size, const vda_negotiated *n,
                        const vda_limits *lim, const char **why)
{
  vda_caps dummy;
  uint32_t request;
  (void)n, (void)lim;
  return vda_caps_parse(b, size, &dummy, &request, why);
}
