/* The audio feature of the session agent (agent_feature.h): takes
 * AUDIO_VOLUME_SYNC and announces AUDIO_VOLUME_SYNC, unless the
 * AudioVolumeSync setting is 0 (then it announces nothing and spice-gtk
 * never sends the message). The work is the audio thread's
 * (audio_thread.h); the handler only parses and hands the value over. */
#ifndef VDA_AUDIO_FEATURE_H
#define VDA_AUDIO_FEATURE_H

#include <stdbool.h>
#include <stdint.h>

#include "agent_feature.h"
#include "audio_ops.h"

typedef struct vda_audio_feature vda_audio_feature;

/* Describes the feature into *f; nothing runs yet. ops NULL: the real Core
 * Audio calls (vda_audio_com_ops); tests pass a fake, and a retry_ms for a
 * failing start (0: VDA_AUDIO_RETRY_MS). NULL when out of memory. */
vda_audio_feature *vda_audio_feature_new(const vda_agent_env *env, bool enabled, vda_feature *f,
                                         const vda_audio_ops *ops, uint32_t retry_ms);
/* Starts the audio thread if enabled; if it cannot start, the feature is
 * disabled (logged) and the agent goes on without it. */
void vda_audio_feature_start(vda_audio_feature *af);
/* Stops the thread; NULL is fine. */
void vda_audio_feature_free(vda_audio_feature *af);

#endif
