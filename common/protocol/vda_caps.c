/* vda_caps.c - capability sets and negotiation (see vda_caps.h). */
#include "vda_caps.h"

#include <string.h>

#include "vda_le.h"
#include "vda_limits.h"

void vda_caps_init(vda_caps *c)
{
  memset(c, 0, sizeof(*c));
}

void vda_caps_set(vda_caps *c, unsigned cap)
{
  if (cap < VD_AGENT_END_CAP)
    c->words[cap / 32u] |= (uint32_t)1u << (cap % 32u);
}

void vda_caps_clear(vda_caps *c, unsigned cap)
{
  if (cap < VD_AGENT_END_CAP)
    c->words[cap / 32u] &= ~((uint32_t)1u << (cap % 32u));
}

bool vda_caps_has(const vda_caps *c, unsigned cap)
{
  if (cap >= VD_AGENT_END_CAP)
    return false;
  return (c->words[cap / 32u] >> (cap % 32u)) & 1u;
}

void vda_caps_union(vda_caps *out, const vda_caps *a, const vda_caps *b)
{
  for (unsigned w = 0; w < VD_AGENT_CAPS_SIZE; w++)
    out->words[w] = a->words[w] | b->words[w];
}

const char *vda_cap_name(unsigned cap)
{
  static const char *const names[] = {
      [VD_AGENT_CAP_MOUSE_STATE] = "MOUSE_STATE",
      [VD_AGENT_CAP_MONITORS_CONFIG] = "MONITORS_CONFIG",
      [VD_AGENT_CAP_REPLY] = "REPLY",
      [VD_AGENT_CAP_CLIPBOARD] = "CLIPBOARD",
      [VD_AGENT_CAP_DISPLAY_CONFIG] = "DISPLAY_CONFIG",
      [VD_AGENT_CAP_CLIPBOARD_BY_DEMAND] = "CLIPBOARD_BY_DEMAND",
      [VD_AGENT_CAP_CLIPBOARD_SELECTION] = "CLIPBOARD_SELECTION",
      [VD_AGENT_CAP_SPARSE_MONITORS_CONFIG] = "SPARSE_MONITORS_CONFIG",
      [VD_AGENT_CAP_GUEST_LINEEND_LF] = "GUEST_LINEEND_LF",
      [VD_AGENT_CAP_GUEST_LINEEND_CRLF] = "GUEST_LINEEND_CRLF",
      [VD_AGENT_CAP_MAX_CLIPBOARD] = "MAX_CLIPBOARD",
      [VD_AGENT_CAP_AUDIO_VOLUME_SYNC] = "AUDIO_VOLUME_SYNC",
      [VD_AGENT_CAP_MONITORS_CONFIG_POSITION] = "MONITORS_CONFIG_POSITION",
      [VD_AGENT_CAP_FILE_XFER_DISABLED] = "FILE_XFER_DISABLED",
      [VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS] = "FILE_XFER_DETAILED_ERRORS",
      [VD_AGENT_CAP_GRAPHICS_DEVICE_INFO] = "GRAPHICS_DEVICE_INFO",
      [VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB] = "CLIPBOARD_NO_RELEASE_ON_REGRAB",
      [VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL] = "CLIPBOARD_GRAB_SERIAL",
  };
  if (cap >= sizeof(names) / sizeof(names[0]) || !names[cap])
    return "unknown";
  return names[cap];
}

bool vda_caps_parse(const uint8_t *body, size_t size, vda_caps *out, uint32_t *request,
                    const char **why)
{
  bool ok = false;
  vda_caps_init(out);
  *request = 0;
  if (size < 4) {
    *why = "ANNOUNCE_CAPABILITIES shorter than its request field";
  } else if ((size - 4) % 4 != 0) {
    *why = "ANNOUNCE_CAPABILITIES caps array is not a whole number of words";
  } else if ((size - 4) / 4 > VDA_MAX_CAPS_WORDS) {
    *why = "ANNOUNCE_CAPABILITIES caps array too long";
  } else {
    size_t words = (size - 4) / 4;
    *request = vda_le32(body);
    /* Keep only the words we know; bits past VD_AGENT_END_CAP in the
         * last known word are masked so has() never sees them. */
    for (size_t i = 0; i < words && i < VD_AGENT_CAPS_SIZE; i++)
      out->words[i] = vda_le32(body + 4 + 4 * i);
    if (VD_AGENT_END_CAP % 32u != 0)
      out->words[VD_AGENT_CAPS_SIZE - 1] &= ((uint32_t)1u << (VD_AGENT_END_CAP % 32u)) - 1u;
    ok = true;
  }
  return ok;
}

void vda_negotiated_init(vda_negotiated *n, const vda_caps *ours)
{
  n->ours = *ours;
  vda_caps_init(&n->peer);
  n->peer_known = false;
}

void vda_negotiated_set_peer(vda_negotiated *n, const vda_caps *peer)
{
  n->peer = *peer;
  n->peer_known = true;
}

void vda_negotiated_clear_peer(vda_negotiated *n)
{
  vda_caps_init(&n->peer);
  n->peer_known = false;
}

bool vda_negotiated_both(const vda_negotiated *n, unsigned cap)
{
  return vda_caps_has(&n->ours, cap) && vda_caps_has(&n->peer, cap);
}

bool vda_use_selection(const vda_negotiated *n)
{
  return vda_negotiated_both(n, VD_AGENT_CAP_CLIPBOARD_SELECTION);
}

bool vda_use_grab_serial(const vda_negotiated *n)
{
  return vda_negotiated_both(n, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL);
}

bool vda_use_no_release_on_regrab(const vda_negotiated *n)
{
  return vda_negotiated_both(n, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB);
}

bool vda_use_detailed_errors(const vda_negotiated *n)
{
  return vda_caps_has(&n->peer, VD_AGENT_CAP_FILE_XFER_DETAILED_ERRORS);
}

bool vda_use_monitor_position(const vda_negotiated *n)
{
  return vda_caps_has(&n->peer, VD_AGENT_CAP_MONITORS_CONFIG_POSITION);
}

bool vda_use_sparse_monitors(const vda_negotiated *n)
{
  return vda_caps_has(&n->ours, VD_AGENT_CAP_SPARSE_MONITORS_CONFIG);
}

bool vda_use_clipboard_by_demand(const vda_negotiated *n)
{
  return vda_negotiated_both(n, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
}
