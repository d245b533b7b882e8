#include "audio_feature.h"

#include <stdlib.h>

#include "audio_thread.h"
#include "log.h"

struct vda_audio_feature {
  vda_feature *f;
  const vda_audio_ops *ops;
  uint32_t retry_ms;
  vda_audio_thread *thread; /* NULL until started */
};

static void on_volume_sync(void *ctx, uint32_t vd_type, const uint8_t *body, size_t size)
{
  vda_audio_feature *af = ctx;
  vda_audio_volume v;
  vda_audio_dir dir;
  const char *why = NULL;

  (void)vd_type;
  if (!vda_audio_parse(body, size, &dir, &v, &why)) {
    LOG_WARN_LIMITED(why, "audio volume sync refused: %s", why);
    return;
  }
  if (!af->thread)
    return; /* not started: the feature is disabled and announced nothing */
  vda_audio_thread_put(af->thread, dir, &v);
}

static const vda_msg_handler audio_handlers[] = {
    {VD_AGENT_AUDIO_VOLUME_SYNC, on_volume_sync},
};

vda_audio_feature *vda_audio_feature_new(const vda_agent_env *env, bool enabled, vda_feature *f,
                                         const vda_audio_ops *ops, uint32_t retry_ms)
{
  vda_audio_feature *af = calloc(1, sizeof(*af));
  (void)env;
  if (!af) {
    LOG_ERROR("out of memory for the audio feature");
    return NULL;
  }
  af->f = f;
  af->ops = ops ? ops : vda_audio_com_ops();
  af->retry_ms = retry_ms ? retry_ms : VDA_AUDIO_RETRY_MS;
  *f = (vda_feature){.name = "audio",
                     .enabled = enabled,
                     .ctx = af,
                     .handlers = audio_handlers,
                     .nhandlers = sizeof(audio_handlers) / sizeof(audio_handlers[0])};
  vda_caps_init(&f->caps);
  vda_caps_set(&f->caps, VD_AGENT_CAP_AUDIO_VOLUME_SYNC);
  if (!enabled)
    LOG_INFO("audio volume sync is off (AudioVolumeSync = 0)");
  return af;
}

void vda_audio_feature_start(vda_audio_feature *af)
{
  if (!af->f->enabled)
    return;
  af->thread = vda_audio_thread_start(af->ops, af->retry_ms); /* logs its failure */
  if (!af->thread) {
    af->f->enabled = false;
    LOG_WARN("audio volume sync is off: its thread did not start");
  }
}

void vda_audio_feature_free(vda_audio_feature *af)
{
  if (!af)
    return;
  vda_audio_thread_stop(af->thread);
  free(af);
}
