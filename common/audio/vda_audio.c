#include "vda_audio.h"

#include <string.h>

#include "vda_le.h"
#include "vda_validate.h"

bool vda_audio_parse(const uint8_t *body, size_t size, vda_audio_dir *dir, vda_audio_volume *out,
                     const char **why)
{
  if (!vda_validate_message(VD_AGENT_AUDIO_VOLUME_SYNC, body, size, NULL, NULL, why))
    return false;
  memset(out, 0, sizeof(*out));
  /* VDAgentAudioVolumeSync {u8 is_playback, mute, nchannels; u16 volume[]} */
  *dir = body[0] ? VDA_AUDIO_PLAYBACK : VDA_AUDIO_CAPTURE;
  out->mute = body[1] != 0;
  out->nchannels = body[2];
  for (uint32_t i = 0; i < out->nchannels; i++)
    out->volume[i] = vda_le16(body + 3 + 2 * i);
  return true;
}

const char *vda_audio_dir_name(vda_audio_dir dir)
{
  return dir == VDA_AUDIO_PLAYBACK ? "playback" : "capture";
}

float vda_audio_scalar(uint16_t v)
{
  return (float)v / 65535.0f;
}

void vda_audio_plan_make(const vda_audio_volume *v, uint32_t endpoint_channels, vda_audio_plan *out)
{
  uint16_t loudest = 0;
  memset(out, 0, sizeof(*out));
  out->mute = v->mute;
  for (uint32_t i = 0; i < v->nchannels; i++)
    if (v->volume[i] > loudest)
      loudest = v->volume[i];
  out->master = vda_audio_scalar(loudest);
  if (endpoint_channels == 0 || endpoint_channels != v->nchannels)
    return;
  out->per_channel = true;
  out->count = v->nchannels;
  for (uint32_t i = 0; i < v->nchannels; i++)
    out->channel[i] = vda_audio_scalar(v->volume[i]);
}

void vda_audio_latest_init(vda_audio_latest *l)
{
  memset(l, 0, sizeof(*l));
}

bool vda_audio_latest_put(vda_audio_latest *l, vda_audio_dir dir, const vda_audio_volume *v)
{
  bool replaced = l->dir[dir].owed;
  if (replaced)
    l->dir[dir].coalesced++;
  l->dir[dir].v = *v;
  l->dir[dir].known = true;
  l->dir[dir].owed = true;
  return replaced;
}

bool vda_audio_latest_take(vda_audio_latest *l, vda_audio_dir dir, vda_audio_volume *out)
{
  if (!l->dir[dir].owed)
    return false;
  *out = l->dir[dir].v;
  l->dir[dir].owed = false;
  return true;
}

bool vda_audio_latest_endpoint_changed(vda_audio_latest *l, vda_audio_dir dir)
{
  if (l->dir[dir].known)
    l->dir[dir].owed = true;
  return l->dir[dir].owed;
}
