/* The capabilities a guest announces with every feature on, shared by the
 * unit tests, the fuzzers and the benchmark (no link dependency: a header). */
#ifndef VDA_TEST_GUEST_CAPS_H
#define VDA_TEST_GUEST_CAPS_H

#include <stddef.h>

#include "vda_caps.h"

/* A guest with every feature on (the service's bits and the agent's, as
 * README lists them): the usual "ours" of these tests. */
#define GUEST_CAPS                                                                    \
  VD_AGENT_CAP_MOUSE_STATE, VD_AGENT_CAP_MONITORS_CONFIG, VD_AGENT_CAP_REPLY,         \
      VD_AGENT_CAP_DISPLAY_CONFIG, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,                  \
      VD_AGENT_CAP_CLIPBOARD_SELECTION, VD_AGENT_CAP_SPARSE_MONITORS_CONFIG,          \
      VD_AGENT_CAP_GUEST_LINEEND_CRLF, VD_AGENT_CAP_MAX_CLIPBOARD,                    \
      VD_AGENT_CAP_GRAPHICS_DEVICE_INFO, VD_AGENT_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB, \
      VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL

static inline void guest_caps(vda_caps *c)
{
  static const unsigned bits[] = {GUEST_CAPS};
  vda_caps_init(c);
  for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
    vda_caps_set(c, bits[i]);
}

#endif
