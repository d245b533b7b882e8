/* Every feature of the session agent, in one array for the dispatch.
 *
 * Slot VDA_FEATURE_SESSION (ANNOUNCE_CAPABILITIES, CLIENT_DISCONNECTED) is
 * filled by agent_loop.c, which owns the negotiation; it announces nothing.
 * The others are described here from the configuration, then started; what
 * the agent announces is the union of the enabled ones' capabilities
 * (vda_dispatch_caps). tests/windows/test_agent_features.c describes them
 * with the default configuration to check README's capability list. */
#ifndef VDA_AGENT_FEATURES_H
#define VDA_AGENT_FEATURES_H

#include <stdbool.h>

#include "agent_feature.h"
#include "audio_feature.h"
#include "clipboard_feature.h"
#include "config.h"
#include "display_feature.h"
#include "outbox.h"
#include "xfer_feature.h"

enum {
  VDA_FEATURE_SESSION = 0,
  VDA_FEATURE_DISPLAY,
  VDA_FEATURE_MOUSE,
  VDA_FEATURE_CLIPBOARD,
  VDA_FEATURE_XFER,
  VDA_FEATURE_AUDIO,
  VDA_FEATURE_COUNT
};

typedef struct vda_agent_features {
  vda_feature list[VDA_FEATURE_COUNT];
  vda_display_feature *display;
  vda_clipboard_feature *clipboard;
  vda_xfer_feature *xfer;
  vda_audio_feature *audio;
} vda_agent_features;

/* Describes every feature but the session as conf allows; nothing runs.
 * False: out of memory (logged; free what was made with _free). */
bool vda_agent_features_describe(vda_agent_features *af, const vda_config *conf,
                                 const vda_agent_env *env);
/* Starts the threads. A feature that cannot start is disabled (logged).
 * False when the display worker did not start: without it the agent can
 * neither resize nor place the mouse, so it exits and the service
 * relaunches it. */
bool vda_agent_features_start(vda_agent_features *af, vda_outbox *out);
/* Stops and frees everything described (a partly described set too). */
void vda_agent_features_free(vda_agent_features *af);

#endif
