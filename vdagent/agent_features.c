#include "agent_features.h"

#include <string.h>

bool vda_agent_features_describe(vda_agent_features *af, const vda_config *conf,
                                 const vda_agent_env *env)
{
  memset(af, 0, sizeof(*af));
  af->list[VDA_FEATURE_SESSION].name = "session";
  af->display =
      vda_display_feature_new(env, &af->list[VDA_FEATURE_DISPLAY], &af->list[VDA_FEATURE_MOUSE]);
  af->clipboard = vda_clipboard_feature_new(env, conf->clipboard_enabled != 0,
                                            &af->list[VDA_FEATURE_CLIPBOARD]);
  af->xfer = vda_xfer_feature_new(env, conf, &af->list[VDA_FEATURE_XFER]);
  af->audio = vda_audio_feature_new(env, conf->audio_volume_sync != 0, &af->list[VDA_FEATURE_AUDIO],
                                    NULL, 0);
  return af->display && af->clipboard && af->xfer && af->audio;
}

bool vda_agent_features_start(vda_agent_features *af, vda_outbox *out)
{
  if (!vda_display_feature_start(af->display))
    return false;
  vda_clipboard_feature_start(af->clipboard, out);
  vda_xfer_feature_start(af->xfer);
  vda_audio_feature_start(af->audio);
  return true;
}

void vda_agent_features_free(vda_agent_features *af)
{
  /* Reverse order of start. */
  vda_audio_feature_free(af->audio);
  vda_clipboard_feature_free(af->clipboard);
  vda_xfer_feature_free(af->xfer);
  vda_display_feature_free(af->display);
  memset(af, 0, sizeof(*af));
}
